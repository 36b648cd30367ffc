"""The canonical columnar schema of setori (Arrow types).

Every reader (NMEA, CSV, Parquet) produces tables of exactly these schemas;
the store keeps them; detectors read them. See ``docs/schema.md``.

Conventions: times are ``timestamp[ms, UTC]``; units are in column names;
AIS "not available" sentinels (lat 91, lon 181, SOG 102.3, COG 360,
heading 511, IMO 0, nav status 15, ...) are nulls, never numbers.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("ms", tz="UTC")

#: One row per position report, as the readers emit it (before the store adds ids).
POSITION_FIELDS: list[pa.Field] = [
    pa.field("mmsi", pa.int32(), nullable=False),
    pa.field("ts", TS, nullable=False),
    pa.field("lat", pa.float64(), nullable=False),
    pa.field("lon", pa.float64(), nullable=False),
    pa.field("sog_kn", pa.float32()),
    pa.field("cog_deg", pa.float32()),
    pa.field("heading_deg", pa.int16()),
    pa.field("nav_status", pa.int8()),
    pa.field("msg_type", pa.int8()),
    pa.field("source", pa.string(), nullable=False),
    pa.field("receiver", pa.string()),
    pa.field("line_no", pa.int64(), nullable=False),
]
POSITIONS = pa.schema(POSITION_FIELDS)

#: Positions as stored: a stable ``row_id`` (hash of mmsi, ts, lat, lon) first.
STORED_POSITIONS = pa.schema([pa.field("row_id", pa.uint64(), nullable=False), *POSITION_FIELDS])

#: One row per static / voyage report (AIS types 5, 19, 24 A/B, or a CSV row's static columns).
STATICS = pa.schema(
    [
        pa.field("mmsi", pa.int32(), nullable=False),
        pa.field("ts", TS, nullable=False),
        pa.field("msg_type", pa.int8()),
        pa.field("part", pa.string()),  # "A"/"B" for type 24, else null
        pa.field("imo", pa.int32()),
        pa.field("name", pa.string()),
        pa.field("call_sign", pa.string()),
        pa.field("ship_type", pa.int16()),
        pa.field("to_bow_m", pa.int16()),
        pa.field("to_stern_m", pa.int16()),
        pa.field("to_port_m", pa.int16()),
        pa.field("to_starboard_m", pa.int16()),
        pa.field("length_m", pa.float32()),
        pa.field("beam_m", pa.float32()),
        pa.field("draught_m", pa.float32()),
        pa.field("destination", pa.string()),
        pa.field("eta", TS),
        pa.field("source", pa.string(), nullable=False),
        pa.field("receiver", pa.string()),
        pa.field("line_no", pa.int64(), nullable=False),
    ]
)

#: One row per rejected input line / row / message.
QUARANTINE = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("line_no", pa.int64(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw", pa.string()),
    ]
)

#: Plausible time window for AIS: anything before AIS existed or after "now + 1 day" is impossible.
MIN_PLAUSIBLE_YEAR = 2000


def empty(schema: pa.Schema) -> pa.Table:
    """An empty table of ``schema``."""
    return schema.empty_table()


#: Screening hits (``setori.screen`` verb, ``setori screen --format json``): one row per
#: query and listed entity. ``hit_id`` is content-derived (query_key, entity_id, list_id,
#: list_version, matcher_version; :func:`setori.screen.model.hit_id_of`); ``searched`` the
#: schemata the query was screened as (comma-separated); ``query``, ``listing`` (the listed
#: entity's programmes and identifiers), ``features`` (a list of {name, contribution,
#: explanation}) and ``entity`` (the listed FtM entity as matched) are JSON text.
HITS = pa.schema(
    [
        ("hit_id", pa.string()),
        ("query_ref", pa.string()),
        ("query_key", pa.string()),
        ("query", pa.string()),
        ("searched", pa.string()),
        ("entity_id", pa.string()),
        ("list_id", pa.string()),
        ("list_version", pa.string()),
        ("matcher_version", pa.string()),
        ("schema", pa.string()),
        ("caption", pa.string()),
        ("listing", pa.string()),
        ("score", pa.float64()),
        ("band", pa.string()),
        ("decision", pa.string()),
        ("match", pa.bool_()),
        ("features", pa.string()),
        ("entity", pa.string()),
    ]
)
#: The JSON text columns of :data:`HITS` (decoded in JSON output).
HITS_JSON_COLUMNS = ("query", "listing", "features", "entity")
