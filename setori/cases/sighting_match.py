"""Sightings matched to AIS tracks: who explains each one, and the dark vessels.

For each sighting and each vessel with AIS near that time, the vessel's position at the
sighting time is interpolated linearly between its last AIS position at or before the time
and its first at or after, each at most ``window`` away (only one within the window: that
position as it is). Every vessel whose position then lies within ``radius_m`` explains the
sighting; a sighting no track explains is a **dark vessel**. Events whose time span
(widened by ``window``) covers the sighting and whose position lies within
``near_event_m`` are listed beside it. Columnar: one Polars ``join_asof`` each way over
(sighting, vessel) pairs, no object per position.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from setori.cases.sightings import COLUMNS, SCHEMA, SightingParams
from setori.geo.sphere import haversine_m_expr

DEFAULT_PARAMS = SightingParams()

#: The columns :func:`match_sightings` reads from events.
EVENT_COLUMNS: dict[str, pl.DataType | type[pl.DataType]] = {
    "id": pl.String,
    "type": pl.String,
    "subtype": pl.String,
    "mmsi": pl.List(pl.Int64),
    "start": pl.Datetime("us", "UTC"),
    "end": pl.Datetime("us", "UTC"),
    "lat": pl.Float64,
    "lon": pl.Float64,
}


def match_sightings(
    sightings: pl.DataFrame,
    positions: pl.DataFrame,
    events: pl.DataFrame,
    *,
    params: SightingParams = DEFAULT_PARAMS,
) -> pl.DataFrame:
    """Each sighting with the vessels that explain it and the events near it.

    ``positions``: ``mmsi, ts, lat, lon`` (AIS); ``events``: ``id, type, subtype, mmsi
    (list), start, end, lat, lon``. Returns ``sightings`` plus ``vessels`` (a list of
    ``{mmsi, distance_m, ais_lat, ais_lon, method, fix_gap_s}`` within ``radius_m``, nearest
    first), ``nearest`` (the nearest vessel at any distance, or null), ``near_events`` and
    ``dark_vessel`` (no vessel explains it).
    """
    s = sightings.with_row_index("sid")
    located = _located(s, positions, params.window)
    vessels = _explaining(located, params.radius_m)
    nearest = _nearest(located)
    near = _near_events(s, events, params)
    out = (
        s.join(vessels, on="sid", how="left")
        .join(nearest, on="sid", how="left")
        .join(near, on="sid", how="left")
        .with_columns(dark_vessel=pl.col("vessels").list.len().fill_null(0) == 0)
    )
    return out.sort("sid").drop("sid")


def _located(s: pl.DataFrame, positions: pl.DataFrame, window: timedelta) -> pl.DataFrame:
    """Every (sighting, vessel) pair with an AIS position near the sighting time."""
    p = positions.select(
        pl.col("mmsi").cast(pl.Int64),
        pl.col("ts").cast(pl.Datetime("us", "UTC")),
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
    ).sort("ts")
    pairs = s.select("sid", "time", "lat", "lon").join(p.select("mmsi").unique(), how="cross")
    pairs = pairs.sort("time")
    before = p.rename({"ts": "ts0", "lat": "lat0", "lon": "lon0"})
    after = p.rename({"ts": "ts1", "lat": "lat1", "lon": "lon1"})
    joined = pairs.join_asof(
        before,
        left_on="time",
        right_on="ts0",
        by="mmsi",
        strategy="backward",
        tolerance=window,
        check_sortedness=False,  # sorted by time above; polars cannot check it per group
    ).join_asof(
        after,
        left_on="time",
        right_on="ts1",
        by="mmsi",
        strategy="forward",
        tolerance=window,
        check_sortedness=False,
    )
    return _interpolated(joined.filter(pl.col("ts0").is_not_null() | pl.col("ts1").is_not_null()))


def _interpolated(j: pl.DataFrame) -> pl.DataFrame:
    span = (pl.col("ts1") - pl.col("ts0")).dt.total_microseconds()
    into = (pl.col("time") - pl.col("ts0")).dt.total_microseconds()
    f = pl.when(span > 0).then(into / span).otherwise(0.0)
    dlon = (pl.col("lon1") - pl.col("lon0") + 540.0) % 360.0 - 180.0
    both = pl.col("ts0").is_not_null() & pl.col("ts1").is_not_null()
    lon_i = ((pl.col("lon0") + f * dlon + 540.0) % 360.0) - 180.0
    gap0 = (pl.col("time") - pl.col("ts0")).dt.total_microseconds() / 1e6
    gap1 = (pl.col("ts1") - pl.col("time")).dt.total_microseconds() / 1e6
    j = j.with_columns(
        ais_lat=pl.when(both)
        .then(pl.col("lat0") + f * (pl.col("lat1") - pl.col("lat0")))
        .otherwise(pl.coalesce("lat0", "lat1")),
        ais_lon=pl.when(both).then(lon_i).otherwise(pl.coalesce("lon0", "lon1")),
        method=pl.when(both)
        .then(pl.lit("interpolated"))
        .when(pl.col("ts0").is_not_null())
        .then(pl.lit("last_before"))
        .otherwise(pl.lit("first_after")),
        fix_gap_s=pl.min_horizontal(gap0, gap1).round(1),
    )
    distance = haversine_m_expr(pl.col("lat"), pl.col("lon"), pl.col("ais_lat"), pl.col("ais_lon"))
    return j.with_columns(distance_m=distance.round(1)).select(
        "sid", "mmsi", "distance_m", "ais_lat", "ais_lon", "method", "fix_gap_s"
    )


_VESSEL = pl.struct("mmsi", "distance_m", "ais_lat", "ais_lon", "method", "fix_gap_s")


def _explaining(located: pl.DataFrame, radius_m: float) -> pl.DataFrame:
    within = located.filter(pl.col("distance_m") <= radius_m).sort("sid", "distance_m", "mmsi")
    return within.group_by("sid", maintain_order=True).agg(vessels=_VESSEL)


def _nearest(located: pl.DataFrame) -> pl.DataFrame:
    ordered = located.sort("sid", "distance_m", "mmsi")
    return ordered.group_by("sid", maintain_order=True).agg(nearest=_VESSEL.first())


def _near_events(s: pl.DataFrame, events: pl.DataFrame, params: SightingParams) -> pl.DataFrame:
    e = events.select(
        pl.col("id").alias("event_id"),
        "type",
        "subtype",
        pl.col("mmsi").cast(pl.List(pl.Int64)),
        pl.col("start").cast(pl.Datetime("us", "UTC")),
        pl.col("end").cast(pl.Datetime("us", "UTC")),
        pl.col("lat").alias("event_lat"),
        pl.col("lon").alias("event_lon"),
    )
    pairs = s.select("sid", "time", "lat", "lon").join(e, how="cross")
    end = pl.coalesce("end", "start")
    in_time = (pl.col("time") >= pl.col("start") - params.window) & (
        pl.col("time") <= end + params.window
    )
    distance = haversine_m_expr(
        pl.col("lat"), pl.col("lon"), pl.col("event_lat"), pl.col("event_lon")
    )
    near = (
        pairs.filter(in_time)
        .with_columns(distance_m=distance.round(1))
        .filter(pl.col("distance_m") <= params.near_event_m)
        .sort("sid", "distance_m", "event_id")
    )
    fields = pl.struct("event_id", "type", "subtype", "mmsi", "start", "end", "distance_m")
    return near.group_by("sid", maintain_order=True).agg(near_events=fields)


def sighting_records(
    matched: pl.DataFrame, *, params: SightingParams, source_file: str
) -> list[dict[str, Any]]:
    """The ``setori.sighting/1`` body of each matched sighting (times ISO 8601 UTC, MMSIs
    as text, no NaN): what is stored, hashed and shown."""
    return [_record(row, params, source_file) for row in matched.iter_rows(named=True)]


def _record(row: dict[str, Any], params: SightingParams, source_file: str) -> dict[str, Any]:
    sighting = {name: row[name] for name in ("row", "lat", "lon", *COLUMNS[3:])}
    sighting["time"] = _iso(row["time"])
    return {
        "schema": SCHEMA,
        "source_file": source_file,
        "sighting": sighting,
        "match": {
            "parameters": params.as_json(),
            "explained_by": [_vessel(v) for v in row["vessels"] or []],
            "nearest": _vessel(row["nearest"]) if row["nearest"] else None,
        },
        "dark_vessel": bool(row["dark_vessel"]),
        "near_events": [_event(e) for e in row["near_events"] or []],
    }


def _vessel(v: Mapping[str, Any]) -> dict[str, Any]:
    return {**v, "mmsi": str(v["mmsi"])}


def _event(e: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **e,
        "mmsi": [str(m) for m in e["mmsi"] or []],
        "start": _iso(e["start"]),
        "end": _iso(e["end"]),
    }


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
