"""The observation table: one immutable row per identity claim (screening.md §A.2).

A claim is what one source said about one vessel for some time: an AIS transmitter
broadcasting a name, IMO and call sign for an hour, a sanctions list naming a vessel
and its IMO, a list recording a former name or a fraudulently used IMO. Rows are never
updated; linking only fills ``hull_id`` (:mod:`setori.screen.identity.hulls`).

Columns (Arrow types, :data:`OBSERVATIONS`):

* ``observation_id``: stable id, a hash of the claim (:func:`observation_ids`);
* ``hull_id``: the hull the claim was linked to, null until linked;
* ``source`` / ``source_record_id``: ``"ais:<file>"`` and ``"<mmsi>:<first line>"``, or
  the list id (``"us_ofac_sdn"``) and the entity id;
* ``observed_from`` / ``observed_to``: when the claim held (UTC; null when unknown);
* ``name``, ``imo`` (``IMO1234567``), ``mmsi``, ``call_sign``, ``flag`` (ISO-2, as
  claimed), ``length_m``, ``beam_m``: the claimed identity, nulls where not claimed;
* ``kind``: ``registered`` | ``listed`` | ``broadcast`` | ``former`` | ``fraudulent``;
* ``raw``: the original values as JSON, for audit;
* derived, never claimed: ``mid_flag`` (ISO-2 of the MMSI's MID), ``imo_valid_ship`` /
  ``imo_valid_company`` (the two IMO check digits), ``n_reports`` (AIS reports in the run).
"""

from __future__ import annotations

import hashlib
from typing import Literal

import polars as pl
import pyarrow as pa

from setori.schema import TS
from setori.screen.identity import codes

Kind = Literal["registered", "listed", "broadcast", "former", "fraudulent"]
KINDS: tuple[Kind, ...] = ("registered", "listed", "broadcast", "former", "fraudulent")

OBSERVATIONS = pa.schema(
    [
        pa.field("observation_id", pa.string(), nullable=False),
        pa.field("hull_id", pa.string()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_record_id", pa.string(), nullable=False),
        pa.field("observed_from", TS),
        pa.field("observed_to", TS),
        pa.field("name", pa.string()),
        pa.field("imo", pa.string()),
        pa.field("mmsi", pa.int32()),
        pa.field("call_sign", pa.string()),
        pa.field("flag", pa.string()),
        pa.field("length_m", pa.float32()),
        pa.field("beam_m", pa.float32()),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("raw", pa.string()),
        pa.field("mid_flag", pa.string()),
        pa.field("imo_valid_ship", pa.bool_()),
        pa.field("imo_valid_company", pa.bool_()),
        pa.field("n_reports", pa.int32()),
    ]
)
#: The polars schema of :data:`OBSERVATIONS`.
SCHEMA: pl.Schema = pl.Schema(pl.from_arrow(OBSERVATIONS.empty_table()).schema)  # type: ignore[union-attr]

#: The fields an observation id hashes: the whole claim, not its derived columns.
_ID_FIELDS = (
    "source",
    "source_record_id",
    "kind",
    "observed_from",
    "observed_to",
    "name",
    "imo",
    "mmsi",
    "call_sign",
    "flag",
    "length_m",
    "beam_m",
)


def empty() -> pl.DataFrame:
    """An observation table with no rows."""
    return pl.DataFrame(schema=SCHEMA)


def finish(claims: pl.DataFrame) -> pl.DataFrame:
    """Claims (the claimed columns) -> observations: derived columns, ids, schema order.

    Rows are sorted by ``observation_id`` so the table does not depend on input order.
    """
    ship, company = codes.imo_check_digits(pl.col("imo"))
    frame = claims.with_columns(
        mid_flag=codes.mid_flags(claims["mmsi"]), imo_valid_ship=ship, imo_valid_company=company
    )
    frame = frame.with_columns(observation_id=observation_ids(frame), hull_id=pl.lit(None))
    return frame.select(pl.col(n).cast(t) for n, t in SCHEMA.items()).sort("observation_id")


def observation_ids(claims: pl.DataFrame) -> pl.Series:
    """``obs-`` + 16 hex digits of SHA-256 over the claim's fields as JSON.

    Hashed once per observation (a run of AIS reports, a list claim), not per report.
    """
    keys = claims.select(pl.struct(_ID_FIELDS).struct.json_encode())[:, 0].to_list()
    return pl.Series([f"obs-{hashlib.sha256(k.encode()).hexdigest()[:16]}" for k in keys])
