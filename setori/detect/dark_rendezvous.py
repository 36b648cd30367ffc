"""Dark rendezvous candidates: one vessel loiters while another goes dark nearby.

Definition (docs/detect-loitering-gaps.md; docs/reference/detection.md §8.3,
rule (a)): a loitering event of one vessel and an AIS gap of *another* vessel whose start
(went dark) or end (reappeared) lies within ``max_distance_m`` (20 km) of the loitering
vessel and within ± ``max_time_offset`` (6 h) of the loitering window. The distance is
measured to the loiterer's reported position nearest in time to the gap end point (clamped
to the loitering window), or to the loitering centre when ``positions`` lack the loiterer.
The night-time share of the loitering window is a feature: DPRK transfers are often at
night (detection.md §8.3, Starboard-style one-sided rules).

Tanker/bulker and port-polygon filters of §8.3 need static data and port polygons; they
belong to the alert layer, so every candidate is kept here with its evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from numba import njit

from setori.detect.context import night_flags, window_rows
from setori.detect.events import empty_events, event_row, make_events
from setori.detect.reception import cell_keys
from setori.detect.track import Track, params_evidence
from setori.errors import InputError
from setori.geo.sphere import EARTH_RADIUS_M, haversine_m_expr

DETECTOR_VERSION = "dark_rendezvous/2"  # 2: port/anchorage exclusion 10 km (was 3)
_H_MS = 3_600_000
_DAY_MS = 86_400_000
#: Grid cell (degrees) of the spatial pre-join between loitering events and gap end points.
SEARCH_CELL_DEG = 0.25
METRES_PER_DEG = EARTH_RADIUS_M * math.pi / 180
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
#: :func:`sun_elevation_deg` divides the year into 365 days, leap or not.
_YEAR_DAYS = 365


@dataclass(frozen=True, slots=True, kw_only=True)
class DarkRendezvousParams:
    """Parameters of :func:`detect_dark_rendezvous` (defaults: detection.md §8.3).

    Attributes:
        profile: ``"gfw"`` or ``"dprk"`` (same thresholds; the profile is recorded).
        max_distance_m: Largest distance between the gap end point and the loiterer (20 km).
        max_time_offset: Largest time between the gap end point and the loitering window
            (± 6 h).
        night_sun_elevation_deg: Night is when the sun's centre is below this elevation
            (−0.833°: the conventional sunset/sunrise, NOAA).
        port_exclusion_km: :func:`setori.detect.run.detect` starts candidates only from
            loitering farther than this from every port and anchorage (10 km, GFW's
            encounter exclusion, §8.2). Waiting at a berth or an anchorage next to a ship
            whose AIS is off is routine; the 3 km ``in_port`` / ``in_anchorage`` radius is
            too small for big harbours, whose anchorage areas reach several km from the
            listed point: with it, the NOAA New York Harbor week gave 3,716 candidates and
            the Suez queue of March 2021 1,318, nearly all ships waiting for a berth or a
            convoy (tests/test_detect_real.py).
    """

    profile: str = "gfw"
    max_distance_m: float = 20_000.0
    max_time_offset: timedelta = timedelta(hours=6)
    night_sun_elevation_deg: float = -0.833
    port_exclusion_km: float = 10.0

    def __post_init__(self) -> None:
        if self.profile not in ("gfw", "dprk"):
            raise InputError(f"invalid profile {self.profile!r}; expected 'gfw' or 'dprk'")
        if self.max_distance_m <= 0 or self.max_time_offset < timedelta(0):
            raise InputError(f"invalid DarkRendezvousParams {self!r}; expected positive limits")
        if not self.port_exclusion_km >= 0:
            raise InputError(f"invalid port_exclusion_km {self.port_exclusion_km!r}; expected >= 0")

    @classmethod
    def gfw(cls) -> DarkRendezvousParams:
        """Profile recorded as ``gfw``."""
        return cls()

    @classmethod
    def dprk(cls) -> DarkRendezvousParams:
        """Profile recorded as ``dprk`` (same thresholds as ``gfw``)."""
        return replace(cls(), profile="dprk")


def sun_elevation_deg(ts_ms: pl.Expr, lat: pl.Expr, lon: pl.Expr) -> pl.Expr:
    """Solar elevation (degrees) from NOAA's "General Solar Position Calculations" (UTC)."""
    day = (ts_ms // _DAY_MS).cast(pl.Int64)
    ms_of_day = ts_ms - day * _DAY_MS
    datetime = pl.from_epoch(day * _DAY_MS, time_unit="ms")
    g = 2 * math.pi / 365 * (datetime.dt.ordinal_day() - 1 + (ms_of_day / _H_MS - 12) / 24)
    eqtime_min = 229.18 * (
        0.000075
        + 0.001868 * g.cos()
        - 0.032077 * g.sin()
        - 0.014615 * (2 * g).cos()
        - 0.040849 * (2 * g).sin()
    )
    decl = (
        0.006918
        - 0.399912 * g.cos()
        + 0.070257 * g.sin()
        - 0.006758 * (2 * g).cos()
        + 0.000907 * (2 * g).sin()
        - 0.002697 * (3 * g).cos()
        + 0.00148 * (3 * g).sin()
    )
    solar_min = ms_of_day / 60_000 + eqtime_min + 4 * lon
    hour_angle = (solar_min / 4 - 180).radians()
    cos_zenith = (
        lat.radians().sin() * decl.sin() + lat.radians().cos() * decl.cos() * hour_angle.cos()
    )
    return 90 - cos_zenith.clip(-1.0, 1.0).arccos().degrees()


def detect_dark_rendezvous(
    loitering_events: pa.Table,
    gap_events: pa.Table,
    positions: pa.Table | pl.DataFrame | Track,
    params: DarkRendezvousParams = DarkRendezvousParams(),
) -> pa.Table:
    """Dark-rendezvous candidates (module docstring), one per (loitering, gap) pair.

    ``loitering_events`` / ``gap_events``: EVENTS tables from
    :func:`~setori.detect.loitering.detect_loitering` and
    :func:`~setori.detect.gaps.detect_gaps` (other types are ignored). ``positions``: the
    positions they came from (for the loiterer's track and the night-time share).
    """
    loiters, ends = _loiters(loitering_events), _gap_end_points(gap_events)
    if loiters.is_empty() or ends.is_empty():
        return empty_events()
    track = Track.of(positions).frame
    matches = _matches(_candidates(loiters, ends, params), track, params)
    if matches.is_empty():
        return empty_events()
    pairs = _pairs(matches)
    matched = loiters.filter(pl.col("l_id").is_in(pairs["l_id"].unique().implode()))
    pairs = pairs.join(_night_shares(matched, track, params), on="l_id", how="left")
    return _events(pairs.sort("l_start_ms", "l_id", "g_id"), params)


def _events_frame(events: pa.Table, event_type: str) -> pl.DataFrame:
    df = pl.DataFrame(events)
    return df.filter(pl.col("type") == event_type).with_columns(
        mmsi0=pl.col("mmsi").list.first(),
        start_ms=pl.col("start").dt.epoch("ms"),
        end_ms=pl.col("end").dt.epoch("ms"),
    )


def _loiters(events: pa.Table) -> pl.DataFrame:
    return _events_frame(events, "loitering").select(
        l_id=pl.col("id"),
        l_subtype=pl.col("subtype"),
        l_mmsi=pl.col("mmsi0"),
        l_segment=pl.col("segment_ids").list.first(),
        l_start_ms=pl.col("start_ms"),
        l_end_ms=pl.col("end_ms"),
        l_lat=pl.col("lat"),
        l_lon=pl.col("lon"),
        l_radius_m=pl.col("evidence").str.json_path_match("$.radius_m").cast(pl.Float64),
    )


def _gap_end_points(events: pa.Table) -> pl.DataFrame:
    """Two rows per closed gap (``start``, ``end``), one per open gap."""
    gaps = _events_frame(events, "gap").select(
        g_id=pl.col("id"),
        g_subtype=pl.col("subtype"),
        g_mmsi=pl.col("mmsi0"),
        g_segments=pl.col("segment_ids"),
        g_start_ms=pl.col("start_ms"),
        g_end_ms=pl.col("end_ms"),
        g_open=pl.col("end").is_null(),
        start_lat=pl.col("lat"),
        start_lon=pl.col("lon"),
        end_lat=pl.col("evidence").str.json_path_match("$.end_lat").cast(pl.Float64),
        end_lon=pl.col("evidence").str.json_path_match("$.end_lon").cast(pl.Float64),
    )
    sides = [
        gaps.with_columns(
            endpoint=pl.lit(side),
            e_ms=pl.col(f"g_{side}_ms"),
            e_lat=pl.col(f"{side}_lat"),
            e_lon=pl.col(f"{side}_lon"),
        )
        for side in ("start", "end")
    ]
    keep = ["g_id", "g_subtype", "g_mmsi", "g_segments", "g_start_ms", "g_end_ms", "g_open"]
    points = pl.concat(sides).select(*keep, "endpoint", "e_ms", "e_lat", "e_lon")
    return points.drop_nulls(["e_ms", "e_lat", "e_lon"])


def _search_cells(loiters: pl.DataFrame, reach_m: pl.Expr) -> pl.DataFrame:
    """One row per (loitering event, grid cell within ``reach_m`` of its centre)."""
    reach_deg = reach_m / METRES_PER_DEG
    lat_lo, lat_hi = pl.col("l_lat") - reach_deg, pl.col("l_lat") + reach_deg
    widest = pl.max_horizontal(lat_lo.abs(), lat_hi.abs()).clip(upper_bound=89.9)
    lon_reach = (reach_deg / widest.radians().cos()).clip(upper_bound=180.0)
    n_lon = round(360 / SEARCH_CELL_DEG)
    lon_cells = pl.int_ranges(
        ((pl.col("l_lon") - lon_reach) / SEARCH_CELL_DEG).floor().cast(pl.Int32),
        ((pl.col("l_lon") + lon_reach) / SEARCH_CELL_DEG).floor().cast(pl.Int32) + 1,
    )
    lat_cells = pl.int_ranges(
        (lat_lo / SEARCH_CELL_DEG).floor().cast(pl.Int32),
        (lat_hi / SEARCH_CELL_DEG).floor().cast(pl.Int32) + 1,
    )
    exploded = loiters.with_columns(lat_cell=lat_cells, lon_cell=lon_cells)
    exploded = exploded.explode("lat_cell").explode("lon_cell")
    wrapped = (pl.col("lon_cell") + n_lon // 2) % n_lon - n_lon // 2  # across 180°
    return exploded.with_columns(
        lon_cell=wrapped.cast(pl.Int32), lat_cell=pl.col("lat_cell").cast(pl.Int32)
    ).unique(["l_id", "lat_cell", "lon_cell"], maintain_order=True)


def _candidates(
    loiters: pl.DataFrame, ends: pl.DataFrame, params: DarkRendezvousParams
) -> pl.DataFrame:
    """(loitering, gap end point) pairs of different vessels within the time tolerance.

    Spatial pre-join (detection.md §8.8, grid hash): each loitering event is replicated
    into the ``SEARCH_CELL_DEG`` cells within ``max_distance_m`` + its radius of its
    centre (every position of the loiterer lies within its radius), then joined to the
    end points on the cell.
    """
    offset_ms = params.max_time_offset // timedelta(milliseconds=1)
    reach_m = params.max_distance_m + pl.col("l_radius_m").fill_null(0.0)
    searched = _search_cells(loiters, reach_m)
    keyed = ends.with_columns(cell_keys(pl.col("e_lat"), pl.col("e_lon"), SEARCH_CELL_DEG))
    in_time = (pl.col("e_ms") >= pl.col("l_start_ms") - offset_ms) & (
        pl.col("e_ms") <= pl.col("l_end_ms") + offset_ms
    )
    pairs = searched.join(keyed, on=["lat_cell", "lon_cell"]).filter(in_time)
    offset = (
        pl.when(pl.col("e_ms") < pl.col("l_start_ms"))
        .then(pl.col("e_ms") - pl.col("l_start_ms"))
        .when(pl.col("e_ms") > pl.col("l_end_ms"))
        .then(pl.col("e_ms") - pl.col("l_end_ms"))
        .otherwise(0)
    )
    return pairs.filter(pl.col("l_mmsi") != pl.col("g_mmsi")).with_columns(
        time_offset_h=offset / _H_MS,
        clamped_ms=pl.col("e_ms").clip(pl.col("l_start_ms"), pl.col("l_end_ms")),
        distance_to_centre_m=haversine_m_expr(
            pl.col("e_lat"), pl.col("e_lon"), pl.col("l_lat"), pl.col("l_lon")
        ),
    )


def _matches(
    candidates: pl.DataFrame, track: pl.DataFrame, params: DarkRendezvousParams
) -> pl.DataFrame:
    """Candidates within ``max_distance_m`` of the loiterer's position nearest in time.

    The loiterer's rows are its segment's range of the track (sorted by segment, time),
    found by binary search on the segment id; the nearest in time by binary search on the
    time (a tie goes to the later position, as Polars' ``join_asof(strategy="nearest")``).
    """
    lo, hi = _segment_rows(track, candidates["l_segment"])
    ts_ms = track["ts_ms"].to_numpy()
    row = _nearest_rows(ts_ms, lo, hi, candidates["clamped_ms"].to_numpy().astype(np.int64))
    found = pl.Series(row >= 0)
    near = candidates.with_columns(
        p_lat=pl.when(found).then(track["lat"].gather(np.maximum(row, 0))),
        p_lon=pl.when(found).then(track["lon"].gather(np.maximum(row, 0))),
    )
    at_time = haversine_m_expr(pl.col("e_lat"), pl.col("e_lon"), pl.col("p_lat"), pl.col("p_lon"))
    distance = pl.coalesce(pl.col("distance_at_time_m"), pl.col("distance_to_centre_m"))
    return (
        near.with_columns(distance_at_time_m=at_time)
        .with_columns(distance_m=distance)
        .filter(pl.col("distance_m") <= params.max_distance_m)
    )


def _segment_rows(track: pl.DataFrame, segment_ids: pl.Series) -> tuple[Ints, Ints]:
    """For each segment id, its rows ``[lo, hi)`` in ``track`` (sorted by segment id;
    empty when absent)."""
    ids = segment_ids.cast(pl.String)
    lo = track["segment_id"].search_sorted(ids, side="left").to_numpy().astype(np.int64)
    hi = track["segment_id"].search_sorted(ids, side="right").to_numpy().astype(np.int64)
    return lo, hi


@njit(cache=True)
def _nearest_rows(ts_ms: Ints, lo: Ints, hi: Ints, at_ms: Ints) -> Ints:  # pragma: no cover
    """Row in ``[lo, hi)`` (sorted by time) nearest in time to ``at_ms`` (-1: none).

    Of equally near rows, the last one (Polars' ``join_asof`` nearest strategy).
    """
    out = np.full(at_ms.size, -1, dtype=np.int64)
    for k in range(at_ms.size):
        if lo[k] >= hi[k]:
            continue
        times = ts_ms[lo[k] : hi[k]]
        after = np.searchsorted(times, at_ms[k], side="right")  # the first later row
        if after < times.size and (
            after == 0 or times[after] - at_ms[k] <= at_ms[k] - times[after - 1]
        ):
            after = np.searchsorted(times, times[after], side="right")  # last of its time
        out[k] = lo[k] + after - 1
    return out


def _pairs(matches: pl.DataFrame) -> pl.DataFrame:
    """One row per (loitering, gap): all matching end points, nearest first (in space, then
    in time), and the nearest one's distance and time offset."""
    endpoint = pl.struct(
        "endpoint",
        distance_m=pl.col("distance_m").round(1),
        distance_to_centre_m=pl.col("distance_to_centre_m").round(1),
        time_offset_h=pl.col("time_offset_h").round(4),
    )
    loiter_cols = ["l_subtype", "l_mmsi", "l_segment", "l_start_ms", "l_end_ms", "l_lat", "l_lon"]
    gap_cols = ["g_subtype", "g_mmsi", "g_segments", "g_start_ms", "g_end_ms", "g_open"]
    return (
        matches.with_columns(abs_offset_h=pl.col("time_offset_h").abs())
        .sort("l_id", "g_id", "distance_m", "abs_offset_h", "endpoint")
        .group_by("l_id", "g_id", maintain_order=True)
        .agg(
            *(pl.col(c).first() for c in [*loiter_cols, *gap_cols]),
            pl.col("distance_m").first(),
            pl.col("time_offset_h").first(),
            pl.col("endpoint").sort(descending=True).alias("endpoints"),
            endpoint.alias("matched_endpoints"),
        )
    )


def _night_shares(
    loiters: pl.DataFrame, track: pl.DataFrame, params: DarkRendezvousParams
) -> pl.DataFrame:
    """Share of each loitering window (time-weighted over its positions) with the sun down.

    A position weighs the time to the next position of the window (the last weighs 0).
    The window's rows are a range of its segment's rows, found by binary search; each is
    classed day or night by :func:`~setori.detect.context.night_flags` (which evaluates
    :func:`sun_elevation_deg` only where the sun may have crossed the threshold).
    """
    seg_lo, seg_hi = _segment_rows(track, loiters["l_segment"])
    ts_ms, lat, lon = (track[c].to_numpy() for c in ("ts_ms", "lat", "lon"))
    start_ms, end_ms = loiters["l_start_ms"].to_numpy(), loiters["l_end_ms"].to_numpy()
    lo, hi = window_rows(ts_ms, seg_lo, seg_hi, start_ms, end_ms)
    threshold = params.night_sun_elevation_deg
    night = night_flags(ts_ms, lat, lon, lo, hi, threshold, _sun_elevation_deg, _YEAR_DAYS)
    count = hi - lo
    k = np.repeat(np.arange(loiters.height), count)
    rows = np.arange(k.size) - np.repeat(np.cumsum(count) - count, count) + lo[k]
    in_window = pl.DataFrame({"k": k, "ts_ms": ts_ms[rows], "night": night[rows] == 1})
    same = pl.col("k") == pl.col("k").shift(-1)
    weight = pl.when(same).then(pl.col("ts_ms").shift(-1) - pl.col("ts_ms")).otherwise(0)
    shares = (
        in_window.with_columns(w=weight)
        .group_by("k")
        .agg(
            night_share=pl.when(pl.col("w").sum() > 0).then(
                (pl.col("w") * pl.col("night")).sum() / pl.col("w").sum()
            )
        )
    )
    l_id = loiters["l_id"].gather(shares["k"])
    return pl.DataFrame({"l_id": l_id, "night_share": shares["night_share"]})


def _sun_elevation_deg(ts_ms: Ints, lat: Floats, lon: Floats) -> Floats:
    """:func:`sun_elevation_deg` on arrays."""
    frame = pl.DataFrame({"ts_ms": ts_ms, "lat": lat, "lon": lon})
    elevation = sun_elevation_deg(pl.col("ts_ms"), pl.col("lat"), pl.col("lon"))
    return frame.select(elevation).to_series().to_numpy()


def _overlap_h() -> pl.Expr:
    """Hours during which the gap and the loitering window overlap (an open gap never ends)."""
    end = pl.min_horizontal(pl.col("g_end_ms").fill_null(pl.col("l_end_ms")), pl.col("l_end_ms"))
    start = pl.max_horizontal(pl.col("g_start_ms"), pl.col("l_start_ms"))
    return ((end - start).clip(lower_bound=0) / _H_MS).round(4)


def _events(pairs: pl.DataFrame, params: DarkRendezvousParams) -> pa.Table:
    parameters = params_evidence(params)
    pairs = pairs.with_columns(
        start=pl.from_epoch("l_start_ms", time_unit="ms").dt.replace_time_zone("UTC"),
        end=pl.from_epoch("l_end_ms", time_unit="ms").dt.replace_time_zone("UTC"),
        gap_overlap_h=_overlap_h(),
    )
    return make_events(_event_row(p, params, parameters) for p in pairs.iter_rows(named=True))


def _event_row(
    p: dict[str, Any], params: DarkRendezvousParams, parameters: dict[str, Any]
) -> dict[str, Any]:
    subtype = "gap_" + "_and_".join(p["endpoints"])
    evidence = {
        "loitering_event_id": p["l_id"],
        "gap_event_id": p["g_id"],
        "loitering_mmsi": p["l_mmsi"],
        "gap_mmsi": p["g_mmsi"],
        "loitering_subtype": p["l_subtype"],
        "gap_subtype": p["g_subtype"],
        "distance_m": round(p["distance_m"], 1),
        "time_offset_h": round(p["time_offset_h"], 4),
        "matched_endpoints": p["matched_endpoints"],
        "gap_overlap_h": p["gap_overlap_h"],
        "night_share": None if p["night_share"] is None else round(p["night_share"], 4),
        "parameters": parameters,
        "detector_version": DETECTOR_VERSION,
    }
    key = {"parameters": parameters, "loitering_event_id": p["l_id"], "gap_event_id": p["g_id"]}
    hours = (p["l_end_ms"] - p["l_start_ms"]) / _H_MS
    return event_row(
        "dark_rendezvous",
        subtype=subtype,
        mmsi=[p["l_mmsi"], p["g_mmsi"]],
        start=p["start"],
        end=p["end"],
        lat=p["l_lat"],
        lon=p["l_lon"],
        duration_h=round(hours, 9),
        profile=params.profile,
        detector_version=DETECTOR_VERSION,
        id_params=key,
        segment_ids=sorted({p["l_segment"], *p["g_segments"]}),
        tags={"gap_open": p["g_open"], "night_share_over_half": (p["night_share"] or 0) > 0.5},
        evidence=evidence,
    )
