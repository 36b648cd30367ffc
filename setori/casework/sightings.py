"""Sightings against the store: the AIS positions and events around them, then matched.

Only the store rows that can matter are read: positions within ``window`` of a sighting
time and inside the sightings' bounding box widened by what a vessel at 30 kn covers in
the window (plus the match radius); events overlapping that time and within
``near_event_m`` of the box.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from setori.cases.sighting_match import EVENT_COLUMNS, match_sightings, sighting_records
from setori.cases.sightings import SightingParams, Sightings
from setori.store.events import EventFilter, read_events
from setori.store.queries import TrackFilter

if TYPE_CHECKING:
    import duckdb

#: The fastest a vessel is assumed to move when widening the box of positions read, m/s
#: (30 kn).
FASTEST_M_S = 30 * 1852 / 3600
_M_PER_DEG = 111_195.0


def matched_records(
    con: duckdb.DuckDBPyConnection, sightings: Sightings, params: SightingParams
) -> list[dict[str, Any]]:
    """The ``setori.sighting/1`` bodies of the good rows of ``sightings``."""
    table = sightings.table
    first, last = table["time"].min(), table["time"].max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    since, until = first - params.window, last + params.window
    reach_m = params.radius_m + params.window.total_seconds() * FASTEST_M_S
    positions = _positions(con, TrackFilter(since=since, until=until, bbox=_box(table, reach_m)))
    where = EventFilter(since=since, until=until, bbox=_box(table, params.near_event_m))
    events = pl.from_arrow(read_events(con, where))
    assert isinstance(events, pl.DataFrame)
    events = events.select(list(EVENT_COLUMNS)).cast(EVENT_COLUMNS)  # type: ignore[arg-type]
    matched = match_sightings(table, positions, events, params=params)
    return sighting_records(matched, params=params, source_file=sightings.path.name)


def _positions(con: duckdb.DuckDBPyConnection, where: TrackFilter) -> pl.DataFrame:
    cond, values = where.where("")
    arrow = con.sql(f"SELECT mmsi, ts, lat, lon FROM positions WHERE {cond}", params=values)
    frame = pl.from_arrow(arrow.to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame


def _box(table: pl.DataFrame, margin_m: float) -> tuple[float, float, float, float]:
    lat0, lat1 = float(table["lat"].min()), float(table["lat"].max())  # type: ignore[arg-type]
    lon0, lon1 = float(table["lon"].min()), float(table["lon"].max())  # type: ignore[arg-type]
    dlat = margin_m / _M_PER_DEG
    widest = min(89.0, max(abs(lat0), abs(lat1)) + dlat)
    dlon = min(180.0, margin_m / (_M_PER_DEG * math.cos(math.radians(widest))))
    return (
        max(-180.0, lon0 - dlon),
        max(-90.0, lat0 - dlat),
        min(180.0, lon1 + dlon),
        min(90.0, lat1 + dlat),
    )
