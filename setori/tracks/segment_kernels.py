"""Compiled kernels of the track segmenter (see :mod:`setori.tracks.segment`).

Every kernel runs over NumPy arrays already sorted by ``(mmsi, ts)``; times are
integer milliseconds since the epoch, so only differences of times enter the
arithmetic (shifting every time by a constant cannot change the result).

numba is untyped (``ignore_missing_imports`` in pyproject), so ``@njit`` needs no
``# type: ignore``; the kernels carry annotations for readers (numba ignores
them), and the typed wrappers at the end of the module, which give their results
declared array types, are the only entry points the rest of setori uses.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

from setori.geo.sphere import EARTH_RADIUS_M, haversine_cos_m_jit

NO_SEGMENT = -1

# Why a row is not in a segment (index into segment.DROP_REASONS).
REASON_NONE = 0
REASON_INVALID_POSITION = 1
REASON_SINGLE_POINT_JUMP = 2

# Layout of the ``config`` vector (SI units: metres, seconds, m/s).
C_MAX_GAP_MS = 0
C_MAX_SPEED_MPS = 1
C_HARD_CAP_MPS = 2
C_NOISE_M = 3
C_TOLERANCE_S = 4
C_FIT_SPEED_MPS = 5
C_DAMPING_S = 6
C_BASELINE_MS = 7
C_SHORT_POSITIONS = 8
CONFIG_SIZE = 9

# Columns of the float state of an open segment ("slot").
F_LAT, F_LON, F_COSLAT, F_VE, F_VN, F_ALAT, F_ALON, F_ACOSLAT = 0, 1, 2, 3, 4, 5, 6, 7
# Columns of the integer state of a slot: segment number (-1 = free), last time,
# velocity-anchor time, positions so far.
I_SEG, I_TS, I_ATS, I_COUNT = 0, 1, 2, 3

Int64Array = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]
Float64Array = npt.NDArray[np.float64]
Int32Array = npt.NDArray[np.int32]
UInt64Array = npt.NDArray[np.uint64]
BoolArray = npt.NDArray[np.bool_]


@njit(cache=True)
def _east_north_m(
    lat0: float, lon0: float, coslat0: float, lat1: float, lon1: float
) -> tuple[float, float]:
    """Local (east, north) offset in metres of point 1 from point 0 (equirectangular)."""
    dlon_deg = (lon1 - lon0 + 540.0) % 360.0 - 180.0
    east_m = math.radians(dlon_deg) * EARTH_RADIUS_M * coslat0
    return east_m, math.radians(lat1 - lat0) * EARTH_RADIUS_M


@njit(cache=True)
def _is_compatible(distance_m: float, dt_ms: int, config: Float64Array) -> bool:
    """The split rule: can a vessel cover ``distance_m`` in ``dt_ms``?"""
    if dt_ms > config[C_MAX_GAP_MS]:
        return False
    if distance_m <= config[C_NOISE_M]:
        return True
    dt_s = dt_ms / 1000.0
    padded_s = math.hypot(dt_s, config[C_TOLERANCE_S])
    speed_limit_m: float = config[C_MAX_SPEED_MPS] * padded_s
    hard_limit_m: float = config[C_HARD_CAP_MPS] * dt_s
    return distance_m <= speed_limit_m and distance_m <= hard_limit_m


@njit(cache=True)
def _fit_cost(
    fstate: Float64Array,
    istate: Int64Array,
    k: int,
    lat: float,
    lon: float,
    dt_ms: int,
    config: Float64Array,
) -> float:
    """How badly a position fits slot ``k``'s dead-reckoned position (lower is better).

    ``alpha² + ln(padded hours) + short-segment penalty``: minus the log of GFW's
    ``exp(-alpha²) / padded_hours`` times its short-segment weight.
    """
    dt_s = dt_ms / 1000.0
    damped_s = dt_s / (1.0 + math.sqrt(dt_s / config[C_DAMPING_S]))
    east_m, north_m = _east_north_m(
        fstate[k, F_LAT], fstate[k, F_LON], fstate[k, F_COSLAT], lat, lon
    )
    miss_m = math.hypot(east_m - fstate[k, F_VE] * damped_s, north_m - fstate[k, F_VN] * damped_s)
    padded_s = math.hypot(dt_s, config[C_TOLERANCE_S])
    alpha: float = miss_m / (config[C_FIT_SPEED_MPS] * padded_s)
    short: float = config[C_SHORT_POSITIONS] / istate[k, I_COUNT]
    return alpha * alpha + math.log(padded_s / 3600.0) + 0.5 * math.log1p(short * short)


@njit(cache=True)
def _best_slot(
    fstate: Float64Array,
    istate: Int64Array,
    ts_ms: int,
    lat: float,
    lon: float,
    coslat: float,
    config: Float64Array,
) -> int:
    """The open slot the position joins, or -1; frees slots past ``max_gap``."""
    best, best_cost, n_open = -1, math.inf, 0
    for k in range(istate.shape[0]):
        n_open += istate[k, I_SEG] >= 0
    for k in range(istate.shape[0]):
        if istate[k, I_SEG] < 0:
            continue
        dt_ms = ts_ms - istate[k, I_TS]
        if dt_ms > config[C_MAX_GAP_MS]:
            istate[k, I_SEG] = NO_SEGMENT
            continue
        d_m = haversine_cos_m_jit(
            fstate[k, F_LAT], fstate[k, F_LON], fstate[k, F_COSLAT], lat, lon, coslat
        )
        if not _is_compatible(d_m, dt_ms, config):
            continue
        cost = 0.0 if n_open == 1 else _fit_cost(fstate, istate, k, lat, lon, dt_ms, config)
        if cost < best_cost:
            best, best_cost = k, cost
    return best


@njit(cache=True)
def _free_slot(istate: Int64Array) -> int:
    """A free slot, else the stalest one (oldest last position), which is closed."""
    stalest = 0
    for k in range(istate.shape[0]):
        if istate[k, I_SEG] < 0:
            return k
        if istate[k, I_TS] < istate[stalest, I_TS]:
            stalest = k
    return stalest


@njit(cache=True)
def _open(
    fstate: Float64Array,
    istate: Int64Array,
    k: int,
    seg: int,
    ts_ms: int,
    lat: float,
    lon: float,
    coslat: float,
) -> None:
    """Start segment ``seg`` in slot ``k`` at this position, at rest."""
    istate[k, I_SEG], istate[k, I_TS], istate[k, I_ATS], istate[k, I_COUNT] = seg, ts_ms, ts_ms, 1
    fstate[k, F_LAT], fstate[k, F_LON], fstate[k, F_COSLAT] = lat, lon, coslat
    fstate[k, F_ALAT], fstate[k, F_ALON], fstate[k, F_ACOSLAT] = lat, lon, coslat
    fstate[k, F_VE], fstate[k, F_VN] = 0.0, 0.0


@njit(cache=True)
def _join(
    fstate: Float64Array,
    istate: Int64Array,
    k: int,
    ts_ms: int,
    lat: float,
    lon: float,
    coslat: float,
    config: Float64Array,
) -> None:
    """Append a position to slot ``k``; re-estimate velocity over >= baseline."""
    since_anchor_ms = ts_ms - istate[k, I_ATS]
    if since_anchor_ms >= config[C_BASELINE_MS] and since_anchor_ms > 0:
        east_m, north_m = _east_north_m(
            fstate[k, F_ALAT], fstate[k, F_ALON], fstate[k, F_ACOSLAT], lat, lon
        )
        fstate[k, F_VE] = east_m * 1000.0 / since_anchor_ms
        fstate[k, F_VN] = north_m * 1000.0 / since_anchor_ms
        istate[k, I_ATS] = ts_ms
        fstate[k, F_ALAT], fstate[k, F_ALON], fstate[k, F_ACOSLAT] = lat, lon, coslat
    istate[k, I_TS], istate[k, I_COUNT] = ts_ms, istate[k, I_COUNT] + 1
    fstate[k, F_LAT], fstate[k, F_LON], fstate[k, F_COSLAT] = lat, lon, coslat


@njit(cache=True)
def _is_valid_position(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0  # False for NaN


@njit(cache=True)
def _assign_rows(
    mmsi: Int32Array,
    ts_ms: Int64Array,
    lat: Float64Array,
    lon: Float64Array,
    config: Float64Array,
    max_open: int,
    row_seg: Int64Array,
    row_reason: Int8Array,
) -> int:
    """The one pass over positions: fills ``row_seg``; returns the segment count."""
    fstate = np.zeros((max_open, 8), dtype=np.float64)
    istate = np.full((max_open, 4), NO_SEGMENT, dtype=np.int64)
    n_seg = 0
    for i in range(mmsi.shape[0]):
        if i > 0 and mmsi[i] != mmsi[i - 1]:
            istate[:, I_SEG] = NO_SEGMENT
        if not _is_valid_position(lat[i], lon[i]):
            row_reason[i] = REASON_INVALID_POSITION
            continue
        coslat = math.cos(math.radians(lat[i]))
        k = _best_slot(fstate, istate, ts_ms[i], lat[i], lon[i], coslat, config)
        if k >= 0:
            _join(fstate, istate, k, ts_ms[i], lat[i], lon[i], coslat, config)
        else:
            k = _free_slot(istate)
            _open(fstate, istate, k, n_seg, ts_ms[i], lat[i], lon[i], coslat)
            n_seg += 1
        row_seg[i] = istate[k, I_SEG]
    return n_seg


@njit(cache=True)
def _segment_extents(
    ts_ms: Int64Array, row_seg: Int64Array, n_seg: int
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """First row, last time and size of each segment."""
    first_row = np.full(n_seg, -1, dtype=np.int64)
    last_ts = np.zeros(n_seg, dtype=np.int64)
    count = np.zeros(n_seg, dtype=np.int64)
    for i in range(row_seg.shape[0]):
        s = row_seg[i]
        if s >= 0:
            if first_row[s] < 0:
                first_row[s] = i
            last_ts[s] = ts_ms[i]
            count[s] += 1
    return first_row, last_ts, count


@njit(cache=True)
def _single_point_jumps(
    mmsi: Int32Array,
    ts_ms: Int64Array,
    first_row: Int64Array,
    last_ts: Int64Array,
    count: Int64Array,
) -> BoolArray:
    """One-position segments lying strictly inside another segment of their MMSI.

    Segments are numbered in order of their first row, hence of (mmsi, first
    time); a sweep keeps the latest end among the MMSI's segments that started
    strictly earlier.
    """
    n_seg = first_row.shape[0]
    jump = np.zeros(n_seg, dtype=np.bool_)
    j, latest_end = 0, np.iinfo(np.int64).min
    for s in range(n_seg):
        m, t = mmsi[first_row[s]], ts_ms[first_row[s]]
        if s == 0 or m != mmsi[first_row[s - 1]]:
            j, latest_end = s, np.iinfo(np.int64).min
        while j < n_seg and mmsi[first_row[j]] == m and ts_ms[first_row[j]] < t:
            latest_end = max(latest_end, last_ts[j])
            j += 1
        jump[s] = count[s] == 1 and latest_end > t
    return jump


@njit(cache=True)
def _drop_segments(row_seg: Int64Array, row_reason: Int8Array, jump: BoolArray) -> int:
    """Mark rows of jump segments dropped; renumber the kept segments densely."""
    new_id = np.cumsum(~jump) - 1
    for i in range(row_seg.shape[0]):
        s = row_seg[i]
        if s >= 0 and jump[s]:
            row_seg[i], row_reason[i] = NO_SEGMENT, REASON_SINGLE_POINT_JUMP
        elif s >= 0:
            row_seg[i] = new_id[s]
    return new_id[-1] + 1 if new_id.shape[0] > 0 else 0


@njit(cache=True)
def _ordinals(seg_mmsi: Int32Array, seg_first_ts: Int64Array) -> Int64Array:
    """1, 2, ... among segments of one MMSI that start in the same UTC second."""
    ordinal = np.ones(seg_mmsi.shape[0], dtype=np.int64)
    for s in range(1, seg_mmsi.shape[0]):
        same_second = seg_first_ts[s] // 1000 == seg_first_ts[s - 1] // 1000
        if seg_mmsi[s] == seg_mmsi[s - 1] and same_second:
            ordinal[s] = ordinal[s - 1] + 1
    return ordinal


def assign_segments(
    mmsi: Int32Array,
    ts_ms: Int64Array,
    lat: Float64Array,
    lon: Float64Array,
    config: Float64Array,
    max_open: int,
) -> tuple[Int64Array, Int8Array, Int64Array]:
    """Segment sorted rows.

    Returns ``(row_seg, row_reason, seg_first_row)``: each row's dense segment
    number (-1 if dropped), its drop-reason code, and each kept segment's first row.
    """
    row_seg: Int64Array = np.full(mmsi.shape[0], NO_SEGMENT, dtype=np.int64)
    row_reason: Int8Array = np.zeros(mmsi.shape[0], dtype=np.int8)
    n_seg = _assign_rows(mmsi, ts_ms, lat, lon, config, max_open, row_seg, row_reason)
    first_row, last_ts, count = _segment_extents(ts_ms, row_seg, n_seg)
    jump = _single_point_jumps(mmsi, ts_ms, first_row, last_ts, count)
    _drop_segments(row_seg, row_reason, jump)
    kept_first_row: Int64Array = first_row[~jump]
    return row_seg, row_reason, kept_first_row


def segment_ordinals(seg_mmsi: Int32Array, seg_first_ts_ms: Int64Array) -> Int64Array:
    """Ordinal of each segment among its MMSI's segments starting in the same second."""
    ordinal: Int64Array = _ordinals(seg_mmsi, seg_first_ts_ms)
    return ordinal
