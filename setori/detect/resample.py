"""Resample track segments onto a common epoch-aligned tick grid.

Follows Global Fishing Watch's encounter resampler
(``GlobalFishingWatch/pipe-encounters``, ``transforms/resample.py``): a tick is
every multiple of ``tick`` since the Unix epoch; a segment's position at a tick
is interpolated linearly between the two positions around it when they are
less than ``max_interpolation_gap`` apart, and dead-reckoned from the first or
last position (reported SOG/COG, else the implied velocity) at most
``max_extrapolation`` before the segment starts or after it ends. Two
differences from GFW (detection.md 8.2, 8.9): nothing is keyed by calendar
date, so a segment crossing midnight is resampled whole; and the ``dprk``
profile interpolates across gaps up to ``slow_interpolation_gap`` when the
vessel is slow across the gap (such ticks are marked ``KIND_SLOW_GAP``).

The per-position loop is a compiled kernel; everything else is columnar.
Times are integer milliseconds since the epoch, so shifting every time by a
multiple of the tick shifts the ticks and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from numba import njit

from setori.detect.encounter_params import EncounterParams
from setori.detect.track import Track
from setori.errors import InputError
from setori.geo.sphere import EARTH_RADIUS_M, MPS_PER_KN, haversine_m, haversine_m_jit

#: Tick kinds: observed (at or between close positions), interpolated across a slow gap,
#: dead-reckoned past a segment end.
KIND_OBSERVED, KIND_SLOW_GAP, KIND_EXTRAPOLATED = 0, 1, 2

REQUIRED_COLUMNS = ("mmsi", "ts", "lat", "lon")
_KERNEL_COLUMNS = ("ts", "lat", "lon", "sog_kn", "cog_deg")  # the columns put in sorted order
_TS_BITS = 37  # sort key: segment code above 37 bits of milliseconds (4.3 years)

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SegmentPositions:
    """Positions as columns sorted by ``(segment, ts, lat, lon, row_id)``; segment ``s`` is
    rows ``start[s]:start[s + 1]``. ``heading_deg`` and ``row_id`` (``None`` when the input
    had none) stay in input order: :meth:`input_rows` maps sorted rows to input rows."""

    segment_ids: list[str]
    segment_mmsi: npt.NDArray[np.int32]
    start: I64
    ts_ms: I64
    lat: F64
    lon: F64
    sog_kn: F64
    cog_deg: F64
    order: I64 | None
    heading_deg: F64
    row_id: npt.NDArray[np.uint64] | None

    def input_rows(self, rows: I64) -> I64:
        """Input row of each of the sorted ``rows``."""
        return rows if self.order is None else self.order[rows]


@dataclass(frozen=True, slots=True)
class Ticks:
    """Resampled positions, sorted by ``(segment, tick)``; ``tick`` counts ticks since the epoch."""

    segment: npt.NDArray[np.int32]
    tick: I64
    lat: F64
    lon: F64
    kind: npt.NDArray[np.int8]
    speed_kn: F64


def segment_positions_of(positions: pa.Table | pl.DataFrame | Track) -> SegmentPositions:
    """Sort ``positions`` by segment and time.

    Needs ``mmsi``, ``ts``, ``lat``, ``lon``; uses ``sog_kn``, ``cog_deg``,
    ``heading_deg``, ``row_id`` and ``segment_id`` when present. Without
    ``segment_id`` each MMSI is one segment; rows whose ``segment_id`` is null
    (dropped by the segmenter) or whose position is invalid are left out, and a row
    repeating another's segment, time and position counts once.
    """
    if isinstance(positions, Track):
        df = _canonical_track(positions)
        ids = df["segment_id"].unique(maintain_order=True)  # the Track's order: sorted
        code = df["seg"].to_numpy().astype(np.int64)  # 0-based and dense, as Track makes it
        df = df.drop("seg")
    else:
        df = _canonical(
            positions if isinstance(positions, pl.DataFrame) else pl.DataFrame(positions)
        )
        ids = df["segment_id"].unique().sort()
        code = df["segment_id"].cast(pl.Enum(ids)).to_physical().to_numpy().astype(np.int64)
    cols = {name: df[name].to_numpy() for name in df.columns if name != "segment_id"}
    order = _sort_order(code, cols)
    moved = {k: v if order is None else v[order] for k, v in cols.items() if k in _KERNEL_COLUMNS}
    code = code if order is None else code[order]
    repeated = _repeated(code, moved)
    if repeated.any():  # the same report twice (e.g. overlapping input chunks) counts once
        keep = np.flatnonzero(~repeated)
        order = keep if order is None else order[keep]
        code, moved = code[keep], {k: v[keep] for k, v in moved.items()}
    start = np.searchsorted(code, np.arange(len(ids) + 1)).astype(np.int64)
    first_rows = start[:-1] if order is None else order[start[:-1]]
    return SegmentPositions(
        segment_ids=ids.to_list(),
        segment_mmsi=cols["mmsi"][first_rows].astype(np.int32),
        start=start,
        ts_ms=moved["ts"],
        lat=moved["lat"],
        lon=moved["lon"],
        sog_kn=moved["sog_kn"],
        cog_deg=moved["cog_deg"],
        order=order,
        heading_deg=cols["heading_deg"],
        row_id=cols.get("row_id"),
    )


def _repeated(code: I64, moved: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.bool_]:
    """Sorted rows equal to the previous one in segment, time and position."""
    same = np.zeros(len(code), dtype=np.bool_)
    same[1:] = code[1:] == code[:-1]
    for name in ("ts", "lat", "lon"):
        same[1:] &= moved[name][1:] == moved[name][:-1]
    return same


def _canonical(df: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"positions lack columns {missing}; expected {list(REQUIRED_COLUMNS)}")
    ts_type = df.schema["ts"]
    if not isinstance(ts_type, pl.Datetime):
        raise InputError(f"column ts has type {ts_type}; expected a timestamp")
    ts = pl.col("ts") if ts_type.time_zone else pl.col("ts").dt.replace_time_zone("UTC")
    optional = {"sog_kn": pl.Float64, "cog_deg": pl.Float64, "heading_deg": pl.Float64}
    columns = [
        pl.col("mmsi").cast(pl.Int32),
        ts.dt.epoch("ms").alias("ts"),
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
        *(_float_or_nan(df, name) for name in optional),
        (pl.col("segment_id") if "segment_id" in df.columns else pl.col("mmsi"))
        .cast(pl.String)
        .alias("segment_id"),
    ]
    if "row_id" in df.columns:
        columns.append(pl.col("row_id").cast(pl.UInt64))
    valid = pl.col("lat").is_between(-90, 90) & pl.col("lon").is_between(-180, 180)
    return df.select(columns).filter(valid & pl.col("segment_id").is_not_null())


def _canonical_track(track: Track) -> pl.DataFrame:
    """A Track's frame in the columns of :func:`_canonical` plus its segment code ``seg``.

    The frame is sorted by segment, so codes stay in order; rows with an invalid position
    are left out as in :func:`_canonical` (then the codes are made dense again).
    """
    frame = track.frame
    valid = pl.col("lat").is_between(-90, 90) & pl.col("lon").is_between(-180, 180)
    if not frame.select(valid.all()).item():
        frame = frame.filter(valid)
        new = (pl.col("seg") != pl.col("seg").shift(1)).fill_null(True)
        frame = frame.with_columns(seg=new.cast(pl.Int32).cum_sum() - 1)
    nan = float("nan")
    return frame.select(
        "mmsi",
        pl.col("ts_ms").alias("ts"),
        "lat",
        "lon",
        *(pl.col(c).fill_null(nan) for c in ("sog_kn", "cog_deg", "heading_deg")),
        "segment_id",
        "row_id",
        "seg",
    )


def _float_or_nan(df: pl.DataFrame, name: str) -> pl.Expr:
    if name not in df.columns:
        return pl.lit(float("nan"), dtype=pl.Float64).alias(name)
    return pl.col(name).cast(pl.Float64).fill_null(float("nan"))


def _sort_order(code: I64, cols: dict[str, npt.NDArray[Any]]) -> I64 | None:
    """Row order by (segment, ts, lat, lon, row_id); ``None`` if already in order."""
    ts_ms, lat, lon = cols["ts"], cols["lat"], cols["lon"]
    tie_keys = (cols["row_id"], lon, lat) if "row_id" in cols else (lon, lat)
    if len(ts_ms) == 0:
        return None
    span = int(ts_ms.max() - ts_ms.min())
    if span >= 1 << _TS_BITS or code.max() >= 1 << (62 - _TS_BITS):
        return np.lexsort((*tie_keys, ts_ms, code)).astype(np.int64)
    key = (code << _TS_BITS) | (ts_ms - ts_ms.min())
    in_order = bool(np.all(key[1:] >= key[:-1]))
    order = None if in_order else pl.Series(key).arg_sort().to_numpy().astype(np.int64)
    key_sorted = key if order is None else key[order]
    tied = np.flatnonzero(key_sorted[1:] == key_sorted[:-1])
    if len(tied) == 0:
        return order
    order = np.arange(len(key), dtype=np.int64) if order is None else order
    at = np.unique(np.concatenate([tied, tied + 1]))  # positions inside tie blocks
    rows = order[at]
    order[at] = rows[np.lexsort((*(k[rows] for k in tie_keys), key[rows]))]
    return order
    order = np.arange(len(key), dtype=np.int64) if order is None else order
    at = np.unique(np.concatenate([tied, tied + 1]))  # positions inside tie blocks
    rows = order[at]
    order[at] = rows[np.lexsort((lon[rows], lat[rows], key[rows]))]
    return order


def resample(positions: SegmentPositions, params: EncounterParams) -> Ticks:
    """Every segment's position at every tick it covers (see the module docstring)."""
    step_ms = params.tick // timedelta(milliseconds=1)
    config = np.array(
        [
            step_ms,
            params.max_interpolation_gap / timedelta(milliseconds=1),
            params.slow_interpolation_gap / timedelta(milliseconds=1),
            params.slow_speed_kn,
            params.max_extrapolation / timedelta(milliseconds=1),
        ],
        dtype=np.float64,
    )
    p = positions
    track = (p.ts_ms, p.lat, p.lon, p.sog_kn, p.cog_deg)
    out = _allocate(_resample_kernel(p.start, track, config, _allocate(0)))
    _resample_kernel(p.start, track, config, out)
    segment, tick, lat, lon, kind, speed = out
    smooth = _tick_speed_kn(segment, tick, lat, lon, speed, step_ms / 1000.0)
    return Ticks(segment.astype(np.int32), tick, lat, lon, kind, smooth)


def _allocate(n: int) -> tuple[I64, I64, F64, F64, npt.NDArray[np.int8], F64]:
    return (
        np.empty(n, np.int64),
        np.empty(n, np.int64),
        np.empty(n, np.float64),
        np.empty(n, np.float64),
        np.empty(n, np.int8),
        np.empty(n, np.float64),
    )


def _tick_speed_kn(
    segment: I64, tick: I64, lat: F64, lon: F64, fallback: F64, step_s: float
) -> F64:
    """Implied speed at each tick: the slower of the speeds to the previous and to the next
    tick of the same segment (GFW's implied speed between resampled positions), so a tick at
    which a vessel arrives or leaves counts as slow; ``fallback`` (the speed of the interval
    or of dead reckoning) for an isolated tick."""
    adjacent = (segment[1:] == segment[:-1]) & (tick[1:] - tick[:-1] == 1)
    step_kn = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:]) / step_s / MPS_PER_KN
    step_kn = np.where(adjacent, step_kn, np.inf)
    before = np.concatenate([[np.inf], step_kn])
    after = np.concatenate([step_kn, [np.inf]])
    speed = np.minimum(before, after)
    return np.where(np.isfinite(speed), speed, fallback)


# --- compiled kernel -----------------------------------------------------------------
# ``track`` = (ts_ms, lat, lon, sog_kn, cog_deg) of the sorted positions; ``out`` = the
# six output columns of ``_allocate``; ``config`` = [step_ms, max_gap_ms, slow_gap_ms,
# slow_kn, max_extrapolation_ms].
KernelTrack = tuple[I64, F64, F64, F64, F64]
Out = tuple[I64, I64, F64, F64, npt.NDArray[np.int8], F64]


@njit(cache=True, inline="always")
def _wrap_lon(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


@njit(cache=True, inline="always")
def _ceil_to(t: int, step: int) -> int:
    return -((-t) // step) * step


@njit(cache=True, inline="always")
def _emit(
    out: Out, n: int, s: int, tick: int, lat: float, lon: float, kind: int, speed_kn: float
) -> None:
    out[0][n], out[1][n], out[2][n], out[3][n] = s, tick, lat, lon
    out[4][n], out[5][n] = kind, speed_kn


@njit(cache=True, inline="always")
def _velocity_mps(track: KernelTrack, i: int, j: int) -> tuple[float, float, bool]:
    """(north, east) velocity of row ``i``: reported SOG/COG, else implied from row ``j``."""
    ts, lat, lon, sog, cog = track
    if not math.isnan(sog[i]) and (not math.isnan(cog[i]) or sog[i] == 0.0):
        course = 0.0 if math.isnan(cog[i]) else math.radians(cog[i])
        v = sog[i] * MPS_PER_KN
        return v * math.cos(course), v * math.sin(course), True
    if j < 0 or ts[j] == ts[i]:
        return 0.0, 0.0, False
    dt_s = (ts[i] - ts[j]) / 1000.0
    north = math.radians(lat[i] - lat[j]) * EARTH_RADIUS_M
    east = math.radians(_wrap_lon(lon[i] - lon[j])) * EARTH_RADIUS_M
    return north / dt_s, east * math.cos(math.radians(lat[i])) / dt_s, True


@njit(cache=True, inline="always")
def _extrapolate(
    track: KernelTrack, i: int, j: int, span: tuple[int, int, int], s: int, out: Out, n: int
) -> int:
    """Dead-reckon row ``i`` onto ticks ``range(*span)`` (ms); ``j`` is its neighbour row."""
    ts, lat, lon = track[0], track[1], track[2]
    v_n, v_e, ok = _velocity_mps(track, i, j)
    if not ok:
        return n
    coslat = max(math.cos(math.radians(lat[i])), 0.01)
    speed_kn = math.hypot(v_n, v_e) / MPS_PER_KN
    step = span[2]
    for t in range(span[0], span[1], step):
        if len(out[0]):
            dt_s = (t - ts[i]) / 1000.0
            t_lat = min(90.0, max(-90.0, lat[i] + math.degrees(v_n * dt_s / EARTH_RADIUS_M)))
            t_lon = _wrap_lon(lon[i] + math.degrees(v_e * dt_s / (EARTH_RADIUS_M * coslat)))
            _emit(out, n, s, t // step, t_lat, t_lon, KIND_EXTRAPOLATED, speed_kn)
        n += 1
    return n


@njit(cache=True, inline="always")
def _gap_kind(track: KernelTrack, i: int, config: F64) -> int:
    """Kind of the ticks inside the gap after row ``i``; -1 if not interpolated."""
    ts, lat, lon, sog = track[0], track[1], track[2], track[3]
    gap = ts[i + 1] - ts[i]
    if gap < config[1]:
        return KIND_OBSERVED
    if gap >= config[2]:
        return -1
    slow_kn = config[3]
    implied_kn = (
        haversine_m_jit(lat[i], lon[i], lat[i + 1], lon[i + 1]) / (gap / 1000.0) / MPS_PER_KN
    )
    slow_i = math.isnan(sog[i]) or sog[i] < slow_kn
    slow_j = math.isnan(sog[i + 1]) or sog[i + 1] < slow_kn
    return KIND_SLOW_GAP if implied_kn < slow_kn and slow_i and slow_j else -1


@njit(cache=True, inline="always")
def _interpolate(
    track: KernelTrack, i: int, t_next: int, s: int, config: F64, out: Out, n: int
) -> tuple[int, int]:
    """Ticks from ``t_next`` (the first tick >= ts[i], < ts[i + 1]) to before ``ts[i + 1]``:
    row ``i`` itself when it falls on a tick, and interpolated ticks when the gap may be
    interpolated. Returns the new tick count and the first tick >= ts[i + 1]."""
    ts, lat, lon = track[0], track[1], track[2]
    step, t0, t1 = int(config[0]), ts[i], ts[i + 1]
    kind = _gap_kind(track, i, config)
    if kind < 0:
        if t_next == t0:
            if len(out[0]):
                _emit(out, n, s, t0 // step, lat[i], lon[i], KIND_OBSERVED, track[3][i])  # SOG
            n += 1
        return n, _ceil_to(t1, step)
    speed_kn = (
        haversine_m_jit(lat[i], lon[i], lat[i + 1], lon[i + 1]) / ((t1 - t0) / 1000.0) / MPS_PER_KN
    )
    dlon = _wrap_lon(lon[i + 1] - lon[i])
    while t_next < t1:
        if len(out[0]):
            mix = (t_next - t0) / (t1 - t0)
            t_kind = KIND_OBSERVED if t_next == t0 else kind
            t_lat = lat[i] + mix * (lat[i + 1] - lat[i])
            t_lon = _wrap_lon(lon[i] + mix * dlon)
            _emit(out, n, s, t_next // step, t_lat, t_lon, t_kind, speed_kn)
        n += 1
        t_next += step
    return n, t_next


@njit(cache=True, inline="always")
def _resample_segment(
    track: KernelTrack, lo: int, hi: int, s: int, config: F64, out: Out, n: int
) -> int:
    """Ticks of segment ``s`` (rows ``lo:hi``): back-extrapolated, interpolated, the last
    row on a tick, forward-extrapolated."""
    ts, sog = track[0], track[3]
    step, max_dr = int(config[0]), int(config[4])
    t_next = _ceil_to(ts[lo], step)
    before = (_ceil_to(ts[lo] - max_dr, step), t_next, step)
    n = _extrapolate(track, lo, lo + 1 if hi - lo > 1 else -1, before, s, out, n)
    for i in range(lo, hi - 1):
        if t_next < ts[i + 1]:  # else no tick in [ts[i], ts[i + 1]): the common case
            n, t_next = _interpolate(track, i, t_next, s, config, out, n)
    last = hi - 1
    if ts[last] % step == 0:
        if len(out[0]):
            _emit(out, n, s, ts[last] // step, track[1][last], track[2][last], 0, sog[last])
        n += 1
    after = ((ts[last] // step + 1) * step, (ts[last] + max_dr) // step * step + 1, step)
    return _extrapolate(track, last, last - 1 if hi - lo > 1 else -1, after, s, out, n)


@njit(cache=True)
def _resample_kernel(start: I64, track: KernelTrack, config: F64, out: Out) -> int:
    """Resample every segment; returns the number of ticks (written only if ``out`` is
    large enough, i.e. on the second pass)."""
    n = 0
    for s in range(len(start) - 1):
        n = _resample_segment(track, start[s], start[s + 1], s, config, out, n)
    return n
