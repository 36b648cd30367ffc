"""Loitering: one vessel moving slower than 2 kn for hours.

Definition (docs/detect-loitering-gaps.md; docs/reference/detection.md §8.3, after
Global Fishing Watch's loitering query, D. Kroodsma 2019/2020): group each segment's
positions into epoch-aligned hourly buckets; a bucket's speed is its *implied* speed, the
great-circle distance between consecutive positions over their time difference, summed
over the steps that end in the bucket (so the first step reaches one position back into
the previous bucket). A loitering event is a run of consecutive buckets whose average
implied speed is below ``max_speed_kn``, lasting at least ``min_duration``. Sub-classes:
``anchored`` (average < ``anchored_speed_kn`` and every settled position within
``anchored_radius_m`` of the centre) and ``drifting`` (the rest, 0.5–2 kn). The centre
and radius are of the run's *settled* positions, from the start of its first step slower
than ``max_speed_kn`` to the end of its last: the approach and departure steps an hourly
bucket can hold are left out (:func:`_settled`).

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

from setori.detect.events import empty_events, event_row, make_events
from setori.detect.track import Track, params_evidence, require_param
from setori.geo.sphere import (
    EARTH_RADIUS_M,
    MPS_PER_KN,
    haversine_cos_m_jit,
    haversine_m_jit,
    haversine_term_jit,
    term_to_m_jit,
)

DETECTOR_VERSION = "loitering/2"  # 2: centre and radius from the settled positions
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Ints32 = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True, kw_only=True)
class LoiteringParams:
    """Parameters of :func:`detect_loitering` (defaults: detection.md §8.3, GFW).

    Attributes:
        profile: ``"gfw"`` (comparable with Global Fishing Watch) or ``"dprk"``.
        max_speed_kn: A bucket is slow when its average implied speed is below this (GFW 2 kn).
        min_duration: Shortest loitering run, first to last position (GFW raw table: 2 h;
            the GFW product shows tankers and bulkers from 4 h, an alert-layer filter).
        bucket: Width of the epoch-aligned buckets (GFW: 1 hour).
        max_silence: Longest step between two positions a run may span; a longer silence
            ends the run (it is an AIS gap, not evidence of slow motion). setori's choice:
            1 h for ``gfw``, 2 h (just under a raw gap) for ``dprk``, where coverage is sparse.
        thinning: Keep only a segment's first position per epoch-aligned interval of this
            length before computing implied speeds (GFW ``messages``: at most one per minute;
            detection.md §8.1); 0 keeps every position. Without it, GPS jitter between
            reports 10 s apart adds up: 5 m of noise makes an anchored ship "move" at 1.7 kn.
        anchored_speed_kn: ``anchored`` needs an average implied speed below this (0.5 kn).
        anchored_radius_m: ... and every settled position (the run without the approach
            and departure steps at its ends) within this distance of the centre (0.5 km).
    """

    profile: str = "gfw"
    max_speed_kn: float = 2.0
    min_duration: timedelta = timedelta(hours=2)
    bucket: timedelta = timedelta(hours=1)
    max_silence: timedelta = timedelta(hours=1)
    thinning: timedelta = timedelta(minutes=1)
    anchored_speed_kn: float = 0.5
    anchored_radius_m: float = 500.0

    def __post_init__(self) -> None:
        require_param(self.profile in ("gfw", "dprk"), "profile 'gfw' or 'dprk'", self.profile)
        require_param(0 < self.anchored_speed_kn <= self.max_speed_kn, "0 < anchored <= max", self)
        require_param(self.min_duration > timedelta(0), "min_duration > 0", self.min_duration)
        require_param(self.bucket >= timedelta(minutes=1), "bucket >= 1 min", self.bucket)
        require_param(self.max_silence > timedelta(0), "max_silence > 0", self.max_silence)
        require_param(self.thinning >= timedelta(0), "thinning >= 0", self.thinning)
        require_param(self.anchored_radius_m > 0, "anchored_radius_m > 0", self.anchored_radius_m)

    @classmethod
    def gfw(cls) -> LoiteringParams:
        """The Global Fishing Watch profile (comparability)."""
        return cls()

    @classmethod
    def dprk(cls) -> LoiteringParams:
        """The DPRK-sensitive profile: bridges silences up to 2 h."""
        return replace(cls(), profile="dprk", max_silence=timedelta(hours=2))


def detect_loitering(
    positions: pa.Table | pl.DataFrame | Track, params: LoiteringParams = LoiteringParams()
) -> pa.Table:
    """Loitering events (detection.md §8.3) of every segment in ``positions``.

    ``positions``: canonical position columns plus ``row_id`` and ``segment_id``, in any
    order, or the :class:`~setori.detect.track.Track` :func:`~setori.detect.run.detect`
    shares. Returns an :data:`~setori.detect.events.EVENTS` table (type ``loitering``,
    subtype ``anchored`` / ``drifting``), one row per run, ordered by (start, mmsi).

    Method: one pass over the track (sorted by segment, time) thins it, steps it, closes
    hourly buckets and strings slow buckets into runs (:func:`_slow_runs`); a second pass
    over the rows of the runs long enough gives each run's shape (:func:`_run_shapes`).
    """
    frame = Track.of(positions).frame
    runs = _run_table(frame, params)
    if runs.is_empty():
        return empty_events()
    return _events(runs.sort(["start_ms", "mmsi", "segment_id"]), params)


def _run_table(frame: pl.DataFrame, params: LoiteringParams) -> pl.DataFrame:
    """One row per loitering run: window, speeds, counts, row ids, centre, radius, SOG."""
    seg = frame["seg"].to_numpy()
    ts_ms = frame["ts_ms"].to_numpy()
    lat, lon = frame["lat"].to_numpy(), frame["lon"].to_numpy()
    thinning_ms = params.thinning // timedelta(milliseconds=1)
    bucket_ms = params.bucket // timedelta(milliseconds=1)
    silence_s = params.max_silence.total_seconds()
    index, sums = _bucket_kernel(
        seg, ts_ms, lat, lon, thinning_ms, bucket_ms, silence_s, params.max_speed_kn
    )
    buckets = pl.DataFrame(
        {
            "piece": index[:, 0],
            "first": index[:, 1],
            "step": index[:, 2],
            "last": index[:, 3],
            "n_steps": index[:, 4],
            "distance_m": sums[:, 0],
            "time_s": sums[:, 1],
        }
    )
    runs = _run_summaries(_runs_of_slow_buckets(buckets, params), ts_ms, params)
    first, last = runs["first"].to_numpy(), runs["last"].to_numpy()
    sog_kn = frame["sog_kn"].fill_null(np.nan).to_numpy()
    shape = _run_shapes(first, last, seg, ts_ms, lat, lon, sog_kn, thinning_ms, params.max_speed_kn)
    return runs.with_columns(
        segment_id=frame["segment_id"].gather(first),
        mmsi=frame["mmsi"].gather(runs["step"]),
        start_ms=pl.Series(ts_ms[first]),
        end_ms=pl.Series(ts_ms[last]),
        first_row_id=frame["row_id"].gather(first),
        last_row_id=frame["row_id"].gather(last),
        lat=pl.Series(shape[:, 0]),
        lon=pl.Series(shape[:, 1]),
        median_sog_kn=pl.Series(shape[:, 2]).fill_nan(None),
        radius_m=pl.Series(shape[:, 3]),
    )


def _runs_of_slow_buckets(buckets: pl.DataFrame, params: LoiteringParams) -> pl.DataFrame:
    """Slow buckets, each numbered with its run (consecutive slow buckets of one piece).

    A bucket is slow when its implied speed (distance over time) is below ``max_speed_kn``;
    rows are in track order, so the previous row is the previous bucket of the piece.
    """
    speed_kn = pl.col("distance_m") / pl.col("time_s") / MPS_PER_KN
    slow = (pl.col("speed_kn") < params.max_speed_kn).fill_null(False)
    continues = (pl.col("piece") == pl.col("piece").shift(1)).fill_null(False) & pl.col(
        "slow"
    ).shift(1).fill_null(False)
    starts = pl.col("slow") & ~continues
    return (
        buckets.with_columns(speed_kn=pl.when(pl.col("time_s") > 0).then(speed_kn))
        .with_columns(slow=slow)
        .with_columns(run=starts.cast(pl.Int64).cum_sum())
        .filter(pl.col("slow"))
    )


def _run_summaries(buckets: pl.DataFrame, ts_ms: Ints, params: LoiteringParams) -> pl.DataFrame:
    """One row per run lasting at least ``min_duration`` (first to last position)."""
    min_ms = params.min_duration // timedelta(milliseconds=1)
    runs = buckets.group_by("run", maintain_order=True).agg(
        pl.col("first").first(),
        pl.col("step").first(),
        pl.col("last").last(),
        pl.col("distance_m").sum(),
        pl.col("time_s").sum(),
        (pl.col("n_steps").sum() + 1).alias("point_count"),
        pl.col("speed_kn").max().alias("max_speed_kn"),
        pl.len().alias("buckets"),
    )
    lasting = ts_ms[runs["last"].to_numpy()] - ts_ms[runs["first"].to_numpy()] >= min_ms
    return runs.filter(pl.Series(lasting, dtype=pl.Boolean)).with_columns(
        avg_speed_kn=pl.col("distance_m") / pl.col("time_s") / MPS_PER_KN
    )


@njit(cache=True)
def _kept(
    seg: Ints32, ts_ms: Ints, i: int, thinning_ms: int, slot_end_ms: int
) -> tuple[bool, int]:  # pragma: no cover - numba
    """Whether row ``i`` is its segment's first in its epoch-aligned ``thinning_ms`` slot
    (GFW keeps one message per minute; ``thinning_ms`` 0 keeps every row), and the end of
    the slot of row ``i`` given ``slot_end_ms``, that of row ``i - 1`` (rows are sorted by
    segment, time, so only a kept row starts a slot; the common next slot needs no
    division)."""
    same_segment = i > 0 and seg[i] == seg[i - 1]
    if thinning_ms == 0:
        return True, slot_end_ms
    if same_segment and ts_ms[i] < slot_end_ms:
        return False, slot_end_ms
    if same_segment and ts_ms[i] < slot_end_ms + thinning_ms:
        return True, slot_end_ms + thinning_ms
    return True, (ts_ms[i] // thinning_ms + 1) * thinning_ms


@njit(cache=True)
def _bucket_kernel(
    seg: Ints32,
    ts_ms: Ints,
    lat: Floats,
    lon: Floats,
    thinning_ms: int,
    bucket_ms: int,
    max_silence_s: float,
    max_speed_kn: float,
) -> tuple[Ints, Floats]:  # pragma: no cover - numba
    """The buckets of the track (sorted by segment, time), in one pass, in track order.

    Kept rows (:func:`_kept`) are stepped from the previous kept row of the segment; a
    segment's first row or a step longer than ``max_silence_s`` starts a new *piece* (the
    step is dropped). Each step falls in the epoch-aligned bucket of its end time.
    Returns per bucket ``index`` columns (piece, first row = its first step's previous
    row, first step row, last row, steps) and ``sums`` (distance m, time s).

    A bucket's distance is the sum of its steps' great-circle distances, except where a
    lower bound of it (:func:`_distance_floor_m`, no sine or arcsine) already makes the
    bucket at least ``max_speed_kn``: that bound is returned instead (the bucket is fast
    either way, and fast buckets' distances are not reported).
    """
    index = np.empty((1024, 5), dtype=np.int64)
    sums = np.empty((1024, 2))
    steps = np.empty(1024, dtype=np.int64)  # the open bucket's step rows
    found, piece, prev, bucket_end_ms, slot_end_ms = 0, -1, -1, 0, 0
    floor_m, is_open = 0.0, False
    for i in range(seg.size + 1):
        breaks = True
        if i < seg.size:
            kept, slot_end_ms = _kept(seg, ts_ms, i, thinning_ms, slot_end_ms)
            if not kept:
                continue
            dt_s = (ts_ms[i] - ts_ms[prev]) / 1000.0
            breaks = prev < 0 or seg[i] != seg[prev] or dt_s > max_silence_s
        if is_open and (breaks or ts_ms[i] >= bucket_end_ms):
            is_open, time_s = False, sums[found - 1, 1]
            fast = time_s > 0 and floor_m * (1 - 1e-9) / time_s / MPS_PER_KN >= max_speed_kn
            n = index[found - 1, 4]
            sums[found - 1, 0] = (
                floor_m if fast else _steps_m(index[found - 1, 1], steps[:n], lat, lon)
            )
        if i == seg.size:
            break
        if breaks:
            piece, prev, bucket_end_ms = piece + 1, i, ts_ms[i]
            continue
        if not is_open:
            if found == index.shape[0]:
                index = np.concatenate((index, np.empty_like(index)))
                sums = np.concatenate((sums, np.empty_like(sums)))
            index[found, 0], index[found, 1], index[found, 2], index[found, 4] = piece, prev, i, 0
            sums[found, 1], floor_m, is_open = 0.0, 0.0, True
            bucket_end_ms, found = (ts_ms[i] // bucket_ms + 1) * bucket_ms, found + 1
        n = index[found - 1, 4]
        if n == steps.size:
            steps = np.concatenate((steps, np.empty_like(steps)))
        steps[n], index[found - 1, 3], index[found - 1, 4] = i, i, n + 1
        floor_m += _distance_floor_m(lat[prev], lon[prev], lat[i], lon[i])
        sums[found - 1, 1] += (ts_ms[i] - ts_ms[prev]) / 1000.0
        prev = i
    return index[:found], sums[:found]


@njit(cache=True)
def _steps_m(first: int, steps: Ints, lat: Floats, lon: Floats) -> float:  # pragma: no cover
    """Summed great-circle metres from row ``first`` through the rows ``steps``, in order."""
    rad, total_m = math.pi / 180.0, 0.0
    prev, cos_prev = first, math.cos(lat[first] * rad)
    for i in steps:
        cos_here = math.cos(lat[i] * rad)
        total_m += haversine_cos_m_jit(lat[prev], lon[prev], cos_prev, lat[i], lon[i], cos_here)
        prev, cos_prev = i, cos_here
    return total_m


@njit(cache=True)
def _distance_floor_m(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> float:  # pragma: no cover - numba
    """A lower bound of :func:`~setori.geo.sphere.haversine_m_jit` without trigonometric calls.

    Each sine and cosine of the haversine term is replaced by a Taylor polynomial below it:
    ``sin x >= x - x^3/6 >= 0`` for ``0 <= x <= 2.4`` (0 beyond) and ``cos x >= 1 - x^2/2
    + x^4/24 - x^6/720`` (clipped at 0); then ``arcsin y >= y``.
    """
    rad = math.pi / 180.0
    h_lat = abs(math.radians(lat2 - lat1)) * 0.5  # the sines' arguments, as computed in
    h_lon = abs(math.radians(lon2 - lon1)) * 0.5  # haversine_term_jit
    s_lat = h_lat - h_lat**3 / 6 if h_lat <= 2.4 else 0.0
    s_lon = h_lon - h_lon**3 / 6 if h_lon <= 2.4 else 0.0
    a = s_lat**2 + _cos_floor(lat1 * rad) * _cos_floor(lat2 * rad) * s_lon**2
    return 2 * EARTH_RADIUS_M * min(math.sqrt(a), 1.0)


@njit(cache=True)
def _cos_floor(x: float) -> float:  # pragma: no cover - numba
    """``max(0, 1 - x^2/2 + x^4/24 - x^6/720)``, at most ``cos x`` for every ``x``."""
    x2 = x * x
    return max(1.0 - x2 / 2 + x2 * x2 / 24 - x2 * x2 * x2 / 720, 0.0)


@njit(cache=True)
def _run_shapes(
    first: Ints,
    last: Ints,
    seg: Ints32,
    ts_ms: Ints,
    lat: Floats,
    lon: Floats,
    sog_kn: Floats,
    thinning_ms: int,
    max_speed_kn: float,
) -> Floats:  # pragma: no cover - numba
    """Centre, median SOG and radius of each run over its kept rows ``first..last``.

    Columns: centre latitude and longitude (the mean of unit vectors, safe across the
    antimeridian) and radius (farthest position from the centre, metres), both over the
    run's *settled* positions (:func:`_settled`), and the median SOG over the run
    (NaN when none is known; the first position, which belongs to the previous bucket,
    does not count).
    """
    out = np.empty((first.size, 4))
    rad, deg = math.pi / 180.0, 180.0 / math.pi
    for r in range(first.size):
        rows = _kept_rows(seg, ts_ms, first[r], last[r], thinning_ms)
        sogs = sog_kn[rows[1:]]
        sogs = sogs[~np.isnan(sogs)]
        out[r, 2] = np.median(sogs) if sogs.size else np.nan
        rows = _settled(rows, ts_ms, lat, lon, max_speed_kn)
        x, y, z = 0.0, 0.0, 0.0
        cos_lat = np.cos(lat[rows] * rad)
        for k in range(rows.size):
            lon_rad = lon[rows[k]] * rad
            x += cos_lat[k] * math.cos(lon_rad)
            y += cos_lat[k] * math.sin(lon_rad)
            z += math.sin(lat[rows[k]] * rad)
        x, y, z = x / rows.size, y / rows.size, z / rows.size
        out[r, 0] = math.atan2(z, math.sqrt(x**2 + y**2)) * deg
        out[r, 1] = math.atan2(y, x) * deg
        out[r, 3] = _farthest_m(lat[rows], lon[rows], cos_lat, out[r, 0], out[r, 1])
    return out


@njit(cache=True)
def _kept_rows(
    seg: Ints32, ts_ms: Ints, first: int, last: int, thinning_ms: int
) -> Ints:  # pragma: no cover - numba
    """The kept rows (:func:`_kept`) from ``first`` (a kept row) to ``last``."""
    rows = np.empty(last - first + 1, dtype=np.int64)
    rows[0], count = first, 1
    slot_end_ms = (ts_ms[first] // thinning_ms + 1) * thinning_ms if thinning_ms else 0
    for i in range(first + 1, last + 1):
        kept, slot_end_ms = _kept(seg, ts_ms, i, thinning_ms, slot_end_ms)
        if kept:
            rows[count], count = i, count + 1
    return rows[:count]


@njit(cache=True)
def _settled(
    rows: Ints, ts_ms: Ints, lat: Floats, lon: Floats, max_speed_kn: float
) -> Ints:  # pragma: no cover - numba
    """``rows`` from the start of the first slow step to the end of the last one.

    A run is a string of slow *hourly* buckets, so its first bucket may hold the last
    minutes of the approach (and the step reaching back into the previous bucket), its
    last bucket the first minutes of the departure: a few steps at passage speed, which
    put positions up to a nautical mile from where the vessel lay. Steps at or above
    ``max_speed_kn`` at either end are left out of the shape (a run always has a slow
    step: its average speed is below ``max_speed_kn``).
    """
    start, end = 0, rows.size - 1
    while start < end and not _slow_step(
        rows[start], rows[start + 1], ts_ms, lat, lon, max_speed_kn
    ):
        start += 1
    while end > start and not _slow_step(rows[end - 1], rows[end], ts_ms, lat, lon, max_speed_kn):
        end -= 1
    return rows[start : end + 1]


@njit(cache=True)
def _slow_step(
    i: int, j: int, ts_ms: Ints, lat: Floats, lon: Floats, max_speed_kn: float
) -> bool:  # pragma: no cover - numba
    """Whether the step from row ``i`` to row ``j`` is slower than ``max_speed_kn``."""
    dt_s = (ts_ms[j] - ts_ms[i]) / 1000.0
    step_m = haversine_m_jit(lat[i], lon[i], lat[j], lon[j])
    return bool(dt_s > 0 and step_m / dt_s / MPS_PER_KN < max_speed_kn)


@njit(cache=True)
def _farthest_m(
    lat: Floats, lon: Floats, cos_lat: Floats, lat_c: float, lon_c: float
) -> float:  # pragma: no cover - numba
    """Largest :func:`~setori.geo.sphere.haversine_m_jit` from the points to (``lat_c``, ``lon_c``).

    The distance grows with the haversine term, so only the largest term is needed, and one
    arcsine. Each term is bounded above without sines (``|sin x| <= |x|``); the exact term is
    computed for the point with the largest bound, then only for points whose bound exceeds
    the largest exact term so far (near-ties; a handful per run).
    """
    rad = math.pi / 180.0
    cos_c = math.cos(lat_c * rad)
    bound = np.empty(lat.size)
    for i in range(lat.size):
        h_lat = math.radians(lat_c - lat[i]) * 0.5
        h_lon = math.radians(lon_c - lon[i]) * 0.5
        bound[i] = (h_lat**2 + cos_lat[i] * cos_c * h_lon**2) * (1 + 1e-9)
    k = np.argmax(bound)
    largest = haversine_term_jit(lat[k], lon[k], cos_lat[k], lat_c, lon_c, cos_c)
    for i in range(lat.size):
        if bound[i] > largest:
            largest = max(
                largest, haversine_term_jit(lat[i], lon[i], cos_lat[i], lat_c, lon_c, cos_c)
            )
    return term_to_m_jit(largest)


def _events(runs: pl.DataFrame, params: LoiteringParams) -> pa.Table:
    """The EVENTS table for the run summaries."""
    parameters = params_evidence(params)
    anchored = (pl.col("avg_speed_kn") < params.anchored_speed_kn) & (
        pl.col("radius_m") <= params.anchored_radius_m
    )
    runs = runs.with_columns(
        subtype=pl.when(anchored).then(pl.lit("anchored")).otherwise(pl.lit("drifting")),
        start=pl.from_epoch("start_ms", time_unit="ms").dt.replace_time_zone("UTC"),
        end=pl.from_epoch("end_ms", time_unit="ms").dt.replace_time_zone("UTC"),
        hours=(pl.col("end_ms") - pl.col("start_ms")) / 3_600_000.0,
    )
    return make_events(_event_row(run, params, parameters) for run in runs.iter_rows(named=True))


def _event_row(
    run: dict[str, Any], params: LoiteringParams, parameters: dict[str, Any]
) -> dict[str, Any]:
    evidence = {
        "hours": round(run["hours"], 4),
        "avg_speed_kn": round(run["avg_speed_kn"], 4),
        "max_speed_kn": round(run["max_speed_kn"], 4),
        "median_sog_kn": run["median_sog_kn"],
        "radius_m": round(run["radius_m"], 1),
        "point_count": run["point_count"],
        "hourly_buckets": run["buckets"],
        "first_row_id": run["first_row_id"],
        "last_row_id": run["last_row_id"],
        "segment_id": run["segment_id"],
        "parameters": parameters,
        "detector_version": DETECTOR_VERSION,
    }
    return event_row(
        "loitering",
        subtype=run["subtype"],
        mmsi=[run["mmsi"]],
        start=run["start"],
        end=run["end"],
        lat=run["lat"],
        lon=run["lon"],
        duration_h=round(run["hours"], 9),
        profile=params.profile,
        detector_version=DETECTOR_VERSION,
        id_params=parameters,
        segment_ids=[run["segment_id"]],
        tags={},
        evidence=evidence,
    )
