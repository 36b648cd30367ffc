"""The known AIS CSV layouts: MarineCadastre (NOAA), Danish Maritime Authority, AISdb.

Each ``*_plan(header)`` returns the :class:`~setori.ingest.tables.plan.TablePlan` for a
file with that header. Format notes and sources are in ``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from setori.ingest.tables.checks import RowSpec
from setori.ingest.tables.plan import TablePlan, find_columns

#: MarineCadastre, classic layout (any column order) and the snake_case layout of 2024+.
MARINECADASTRE_COLUMNS: dict[str, Sequence[str]] = {
    "mmsi": ["MMSI"],
    "ts": ["BaseDateTime", "base_date_time"],
    "lat": ["LAT", "latitude"],
    "lon": ["LON", "longitude"],
    "sog_kn": ["SOG"],
    "cog_deg": ["COG"],
    "heading_deg": ["Heading"],
    "name": ["VesselName", "vessel_name"],
    "imo": ["IMO"],
    "call_sign": ["CallSign", "call_sign"],
    "ship_type": ["VesselType", "vessel_type"],
    "nav_status": ["Status"],
    "length_m": ["Length"],
    "beam_m": ["Width"],
    "draught_m": ["Draft"],
    "eta": ["ETA"],
}

#: DMA "aisdk" CSV export (header ``# Timestamp,Type of mobile,MMSI,...``).
DMA_COLUMNS: dict[str, Sequence[str]] = {
    "ts": ["Timestamp"],
    "mmsi": ["MMSI"],
    "lat": ["Latitude"],
    "lon": ["Longitude"],
    "nav_status": ["Navigational status"],
    "sog_kn": ["SOG"],
    "cog_deg": ["COG"],
    "heading_deg": ["Heading"],
    "imo": ["IMO"],
    "call_sign": ["Callsign"],
    "name": ["Name"],
    "ship_type": ["Ship type"],
    "beam_m": ["Width"],
    "length_m": ["Length"],
    "draught_m": ["Draught"],
    "destination": ["Destination"],
    "eta": ["ETA"],
    "to_bow_m": ["A"],
    "to_stern_m": ["B"],
    "to_port_m": ["C"],
    "to_starboard_m": ["D"],
}

#: AIS navigational status (ITU-R M.1371 table 7) as DMA writes it.
DMA_NAV_STATUS = {
    "Under way using engine": 0,
    "At anchor": 1,
    "Not under command": 2,
    "Restricted maneuverability": 3,
    "Restricted manoeuverability": 3,
    "Constrained by her draught": 4,
    "Moored": 5,
    "Aground": 6,
    "Engaged in fishing": 7,
    "Under way sailing": 8,
    "Reserved for future amendment [HSC]": 9,
    "Reserved for future amendment [WIG]": 10,
    "Power-driven vessel towing astern": 11,
    "Reserved for future use [11]": 11,
    "Power-driven vessel pushing ahead or towing alongside": 12,
    "Reserved for future use [12]": 12,
    "Reserved for future use [13]": 13,
    "AIS-SART": 14,
}

#: DMA ship type text -> AIS ship type code (ITU-R M.1371 table 53). Category texts
#: ("Cargo", "Tanker", ...) lose the hazard digit and map to the "all ships of this type" code.
DMA_SHIP_TYPE = {
    "WIG": 20,
    "Fishing": 30,
    "Towing": 31,
    "Towing long/wide": 32,
    "Dredging": 33,
    "Diving": 34,
    "Military": 35,
    "Sailing": 36,
    "Pleasure": 37,
    "HSC": 40,
    "Pilot": 50,
    "SAR": 51,
    "Tug": 52,
    "Port tender": 53,
    "Anti-pollution": 54,
    "Law enforcement": 55,
    "Spare 1": 56,
    "Spare 2": 57,
    "Medical": 58,
    "Not party to conflict": 59,
    "Passenger": 60,
    "Cargo": 70,
    "Tanker": 80,
    "Other": 90,
}

#: DMA "not available" texts, in any column.
DMA_NULLS = ["Unknown", "Unknown value", "Undefined"]
#: DMA mobile types that are not vessels: counted as ``other_mobile:<type>``, not positions.
DMA_NOT_VESSELS = ["Base Station", "AtoN"]

#: AISdb decoded CSV export: canonical column -> AISdb column.
AISDB_COLUMNS: dict[str, Sequence[str]] = {
    "mmsi": ["MMSI"],
    "msg_type": ["Message_ID"],
    "ts": ["Time"],
    "lat": ["Latitude"],
    "lon": ["Longitude"],
    "sog_kn": ["SOG"],
    "cog_deg": ["COG"],
    "heading_deg": ["Heading"],
    "nav_status": ["Navigational_status"],
    "name": ["Vessel_Name"],
    "call_sign": ["Call_sign"],
    "imo": ["IMO"],
    "ship_type": ["Ship_Type"],
    "to_bow_m": ["Dimension_to_Bow"],
    "to_stern_m": ["Dimension_to_stern"],
    "to_port_m": ["Dimension_to_port"],
    "to_starboard_m": ["Dimension_to_starboard"],
    "draught_m": ["Draught"],
    "destination": ["Destination"],
}
AISDB_POSITION_TYPES = [1, 2, 3, 18, 27]
AISDB_STATIC_TYPES = [5, 24]
AISDB_BOTH_TYPES = [19]
_ETA_PARTS = ("month", "day", "hour", "minute")


def marinecadastre_plan(header: Sequence[str]) -> TablePlan:
    """MarineCadastre / NOAA: ISO times (UTC), ``IMO``-prefixed IMOs, wrapped negative COG.

    MarineCadastre 2020 files hold COG as a signed 12-bit value: -204.8..-0.1 stand for
    raw 2048..4095, i.e. COG + 409.6 (so -49.6 is 360.0, "not available"). Checked on
    ``NYHarbor_2020_06_30_first_hour.csv``: after the fix, moving vessels' COG agrees with
    their heading (median difference 2.4 degrees for the negative values).
    """
    found = find_columns(header, MARINECADASTRE_COLUMNS, "MarineCadastre CSV")
    columns = {name: pl.col(source) for name, source in found.items()}
    if "cog_deg" in found:
        columns["cog_deg"] = _unwrap_cog(pl.col(found["cog_deg"]))
    spec = RowSpec(labels=found, time_format=None, eta_format=None)
    return TablePlan(columns, spec)


def dma_plan(header: Sequence[str]) -> TablePlan:
    """DMA: ``dd/mm/YYYY HH:MM:SS`` times (UTC), texts for status and ship type."""
    found = find_columns(header, DMA_COLUMNS, "DMA CSV")
    columns = {name: _dma_null(pl.col(source)) for name, source in found.items()}
    for name, table in (("nav_status", DMA_NAV_STATUS), ("ship_type", DMA_SHIP_TYPE)):
        if name in columns:
            columns[name] = _text_code(columns[name], table)
    kind = None
    if "Type of mobile" in header:
        mobile = pl.col("Type of mobile").str.strip_chars()
        other = pl.format("other_mobile:{}", mobile)
        kind = pl.when(mobile.is_in(DMA_NOT_VESSELS)).then(other).otherwise(pl.lit("position"))
    fmt = "%d/%m/%Y %H:%M:%S"
    spec = RowSpec(labels=found, time_format=fmt, eta_format=fmt)
    return TablePlan(columns, spec, kind=kind)


def aisdb_plan(header: Sequence[str]) -> TablePlan:
    """AISdb: ``Time`` ``YYYYmmdd_HHMMSS`` + ``Millisecond``, one row per message of any type."""
    found = find_columns(header, AISDB_COLUMNS, "AISdb CSV")
    columns = {name: pl.col(source) for name, source in found.items()}
    labels = dict(found)
    if "Millisecond" in header:
        columns["ts"] = _with_millis(pl.col(found["ts"]), pl.col("Millisecond"))
        labels["ts"] = f"{found['ts']}.Millisecond"
    if "draught_m" in found:  # AIS type 5 draught is in 1/10 m; AISdb keeps the raw value
        columns["draught_m"] = _scaled(pl.col(found["draught_m"]), 0.1)
    if "Part_Number" in header:
        columns["part"] = _aisdb_part()
    if all(f"ETA_{part}" in header for part in _ETA_PARTS):
        columns["eta"] = _aisdb_eta(pl.col(found["ts"]))
    spec = RowSpec(labels=labels, time_format="%Y%m%d_%H%M%S%.f", eta_format="%Y-%m-%dT%H:%M")
    kind = _aisdb_kind(pl.col(found["msg_type"])) if "msg_type" in found else None
    return TablePlan(columns, spec, kind=kind)


def _unwrap_cog(raw: pl.Expr) -> pl.Expr:
    number = raw.str.strip_chars().cast(pl.Float64, strict=False)
    unwrapped = (number + 409.6).round(1).cast(pl.String)
    return pl.when(number < 0).then(unwrapped).otherwise(raw)


def _dma_null(raw: pl.Expr) -> pl.Expr:
    return pl.when(raw.str.strip_chars().is_in(DMA_NULLS)).then(None).otherwise(raw)


def _text_code(raw: pl.Expr, table: dict[str, int]) -> pl.Expr:
    """A text mapped to its AIS code; a number stays as it is; an unknown text becomes null."""
    text = raw.str.strip_chars()
    codes = {key: str(value) for key, value in table.items()}
    mapped = text.replace_strict(codes, default=None, return_dtype=pl.String)
    is_number = text.str.contains(r"^-?\d+(\.\d*)?$")
    return pl.when(is_number).then(text).otherwise(mapped)


def _with_millis(time: pl.Expr, millis: pl.Expr) -> pl.Expr:
    digits = millis.str.strip_chars().fill_null("0")
    digits = pl.when(digits.str.contains(r"^\d{1,3}$")).then(digits).otherwise(pl.lit("0"))
    joined = pl.concat_str([time.str.strip_chars(), pl.lit("."), digits.str.zfill(3)])
    return pl.when(time.str.strip_chars().is_in(["", None])).then(None).otherwise(joined)


def _scaled(raw: pl.Expr, factor: float) -> pl.Expr:
    number = raw.str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when(number.is_not_null()).then((number * factor).cast(pl.String)).otherwise(raw)


def _aisdb_part() -> pl.Expr:
    part = pl.col("Part_Number").str.strip_chars()
    return pl.when(part == "0").then(pl.lit("A")).when(part == "1").then(pl.lit("B"))


def _aisdb_eta(time: pl.Expr) -> pl.Expr:
    """ETA from month/day/hour/minute; the year is the message's (AIS sends none)."""
    parts = [pl.col(f"ETA_{p}").str.strip_chars().cast(pl.Int32, strict=False) for p in _ETA_PARTS]
    month, day, hour, minute = parts
    available = (
        month.is_between(1, 12)
        & day.is_between(1, 31)
        & hour.is_between(0, 23)
        & minute.is_between(0, 59)
    )
    text = pl.format(
        "{}-{}-{}T{}:{}",
        time.str.slice(0, 4),
        *[p.cast(pl.String).str.zfill(2) for p in parts],
    )
    return pl.when(available.fill_null(False)).then(text)


def _aisdb_kind(msg_type: pl.Expr) -> pl.Expr:
    number = msg_type.str.strip_chars().cast(pl.Int64, strict=False)
    return (
        pl.when(number.is_in(AISDB_POSITION_TYPES))
        .then(pl.lit("position"))
        .when(number.is_in(AISDB_STATIC_TYPES))
        .then(pl.lit("static"))
        .when(number.is_in(AISDB_BOTH_TYPES))
        .then(pl.lit("both"))
        .when(number.is_null())
        .then(pl.lit("position"))
        .otherwise(pl.format("other_type:{}", number))
    )
