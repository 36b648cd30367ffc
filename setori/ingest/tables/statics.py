"""Static rows from table rows: keep the first and last row of each run of identical values.

A MarineCadastre or DMA row carries the vessel's static columns (name, IMO, call
sign, type, dimensions, draught, destination) on every position. One static row per
position would multiply the store; zero would lose when each value was seen. Within
one batch, per MMSI in time order, only the first and the last row of each run of
identical static values are kept, so first-seen and last-seen times survive.

ETA is carried but is not part of the run key: some exports change it on nearly every
row (``NYHarbor_2020_06_30_first_hour.csv`` has a median of 20 distinct ETAs per
vessel within one hour), which would turn every position into a static row.
"""

from __future__ import annotations

import polars as pl

#: Static value columns, in :data:`setori.schema.STATICS` order (mmsi, ts and bookkeeping excluded).
STATIC_VALUES = [
    "imo",
    "name",
    "call_sign",
    "ship_type",
    "to_bow_m",
    "to_stern_m",
    "to_port_m",
    "to_starboard_m",
    "length_m",
    "beam_m",
    "draught_m",
    "destination",
    "eta",
]


def with_derived_dimensions(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``length_m`` / ``beam_m`` from bow+stern / port+starboard when a table lacks them."""
    derived = {
        "length_m": ("to_bow_m", "to_stern_m"),
        "beam_m": ("to_port_m", "to_starboard_m"),
    }
    for target, (a, b) in derived.items():
        if target not in frame.columns and a in frame.columns and b in frame.columns:
            frame = frame.with_columns((pl.col(a) + pl.col(b)).cast(pl.Float64).alias(target))
    return frame


def static_runs(valid: pl.DataFrame) -> pl.DataFrame:
    """First and last row of each run of identical static values per MMSI (time order).

    ``valid`` holds typed, accepted rows with ``mmsi``, ``ts``, ``line_no`` and any
    of :data:`STATIC_VALUES`; rows whose static values are all null are dropped.
    """
    values = [c for c in STATIC_VALUES if c in valid.columns]
    if not values:
        return valid.clear()
    keyed = [c for c in ("msg_type", "part", *values) if c in valid.columns and c != "eta"]
    rows = valid.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in values]))
    rows = rows.sort(["mmsi", "ts", "line_no"])
    same = pl.col("mmsi") == pl.col("mmsi").shift(1)
    for column in keyed:
        same = same & pl.col(column).eq_missing(pl.col(column).shift(1))
    rows = rows.with_columns(_start=~same.fill_null(False))
    rows = rows.filter(pl.col("_start") | pl.col("_start").shift(-1, fill_value=True))
    return rows.drop("_start")
