"""Split each MMSI's positions into segments, the way Global Fishing Watch does.

A *segment* is a run of positions that one transmitter could plausibly have
sent: consecutive positions are never further apart in time than ``max_gap``
and never imply an impossible speed. Several transmitters sharing one MMSI
(spoofing, cloned or default MMSIs) become separate, simultaneous segments.

The algorithm follows GFW's ``gpsdio-segment`` ``Segmentizer``
(https://github.com/GlobalFishingWatch/gpsdio-segment, ``core.py`` and
``matcher.py``); ``docs/tracks.md`` describes it, each parameter, what is
dropped and why, and where setori differs from GFW. The per-position loop is
compiled (:mod:`setori.tracks.segment_kernels`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from setori.errors import InputError
from setori.tracks import segment_kernels as kernels
from setori.tracks.segment_order import canonical_order

METRES_PER_NM = 1852.0
MPS_PER_KN = METRES_PER_NM / 3600.0
#: Hard upper bound of ``max_open_segments`` (kernel state is ``O(max_open_segments)``).
MAX_OPEN_SEGMENTS_LIMIT = 64

#: Drop reasons, indexed by the kernels' reason codes (0 = kept).
DROP_REASONS: tuple[str | None, ...] = (None, "invalid_position", "single_point_jump")

INPUT_COLUMNS = ("row_id", "mmsi", "ts", "lat", "lon")
INPUT_TYPES = "row_id uint64, mmsi int32, ts timestamp, lat/lon float64"
OUTPUT_SCHEMA = {"row_id": pl.UInt64, "segment_id": pl.String, "dropped_reason": pl.String}


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmenterParams:
    """Parameters of :func:`segment_positions`; defaults follow GFW's segmenter.

    Attributes:
        max_speed_kn: Implied speed (great-circle distance from a segment's last
            position / elapsed time) a vessel may sustain; GFW ``max_speed``/``max_knots`` = 25.
        hard_cap_speed_kn: Implied speed never accepted, whatever the short-time
            tolerance (only ``noise_distance_m`` overrides it).
        max_gap: Longest silence inside a segment; a longer gap always starts a new
            segment (GFW ``max_hours`` = 24).
        max_open_segments: Segments one MMSI may keep open at once; when full, a
            position that fits none closes the stalest (oldest last position).
        noise_distance_m: Positions this close to a segment's last position always fit
            it, whatever the time difference (GPS jitter, duplicate or
            same-second reports); GFW's ``noise_dist`` = 500 m.
        short_time_tolerance: Time padding for near-simultaneous reports: the speed
            rule allows ``max_speed_kn * hypot(dt, short_time_tolerance)`` of travel
            (GFW ``buffer_hours`` = 15 min), capped by ``hard_cap_speed_kn * dt``.
        fit_speed_kn: Rate at which a dead-reckoned position is expected to drift
            from the truth; scales the misfit when several segments could take a
            position (GFW ``penalty_speed`` = 5 kn).
        dead_reckoning_damping: Dead-reckoning horizon shrinks as
            ``dt / (1 + sqrt(dt / damping))`` (GFW ``penalty_hours`` = 4 h, ``hours_exp`` = 0.5).
        velocity_baseline: A segment's velocity is re-estimated from positions at
            least this far apart in time, so that jitter between close reports
            does not turn into speed.
        short_segment_positions: Segments shorter than this are less attractive when
            several could take a position (GFW ``short_seg_threshold`` = 10).
    """

    max_speed_kn: float = 25.0
    hard_cap_speed_kn: float = 50.0
    max_gap: timedelta = timedelta(hours=24)
    max_open_segments: int = 8
    noise_distance_m: float = 500.0
    short_time_tolerance: timedelta = timedelta(minutes=15)
    fit_speed_kn: float = 5.0
    dead_reckoning_damping: timedelta = timedelta(hours=4)
    velocity_baseline: timedelta = timedelta(seconds=30)
    short_segment_positions: int = 10

    def __post_init__(self) -> None:
        _require(0 < self.max_speed_kn <= self.hard_cap_speed_kn, "0 < max_speed_kn <= hard_cap")
        _require(self.max_gap > timedelta(0), "max_gap > 0")
        _require(
            1 <= self.max_open_segments <= MAX_OPEN_SEGMENTS_LIMIT,
            f"1 <= max_open_segments <= {MAX_OPEN_SEGMENTS_LIMIT}",
        )
        _require(self.noise_distance_m >= 0, "noise_distance_m >= 0")
        _require(self.short_time_tolerance >= timedelta(0), "short_time_tolerance >= 0")
        _require(self.fit_speed_kn > 0, "fit_speed_kn > 0")
        _require(self.dead_reckoning_damping > timedelta(0), "dead_reckoning_damping > 0")
        _require(self.velocity_baseline >= timedelta(0), "velocity_baseline >= 0")
        _require(self.short_segment_positions >= 1, "short_segment_positions >= 1")

    def kernel_config(self) -> npt.NDArray[np.float64]:
        """The parameters in SI units, laid out as the kernels expect."""
        config = np.zeros(kernels.CONFIG_SIZE, dtype=np.float64)
        config[kernels.C_MAX_GAP_MS] = self.max_gap / timedelta(milliseconds=1)
        config[kernels.C_MAX_SPEED_MPS] = self.max_speed_kn * MPS_PER_KN
        config[kernels.C_HARD_CAP_MPS] = self.hard_cap_speed_kn * MPS_PER_KN
        config[kernels.C_NOISE_M] = self.noise_distance_m
        config[kernels.C_TOLERANCE_S] = self.short_time_tolerance.total_seconds()
        config[kernels.C_FIT_SPEED_MPS] = self.fit_speed_kn * MPS_PER_KN
        config[kernels.C_DAMPING_S] = self.dead_reckoning_damping.total_seconds()
        config[kernels.C_BASELINE_MS] = self.velocity_baseline / timedelta(milliseconds=1)
        config[kernels.C_SHORT_POSITIONS] = self.short_segment_positions
        return config


def _require(ok: bool, expected: str) -> None:
    if not ok:
        raise InputError(f"invalid SegmenterParams: expected {expected}")


def segment_positions(
    positions: pa.Table | pl.DataFrame, params: SegmenterParams = SegmenterParams()
) -> pl.DataFrame:
    """Assign every position to a segment, or say why it was dropped.

    ``positions`` has columns ``row_id`` (uint64, unique), ``mmsi`` (int32),
    ``ts`` (timestamp, UTC), ``lat``, ``lon`` (float64), in any row order; other
    columns are ignored. Returns one row per input row, ordered by
    ``(mmsi, ts, row_id)``: ``row_id``, ``segment_id`` (e.g.
    ``"367000140-20200630T000000Z-1"``: MMSI, UTC second of the first position,
    ordinal among that MMSI's segments starting in that second; null if dropped)
    and ``dropped_reason`` (``"invalid_position"`` or ``"single_point_jump"``;
    null if kept). The result depends only on the set of rows, not their order.

    Raises :class:`~setori.errors.InputError` if a column is missing or
    ``row_id``/``mmsi``/``ts`` hold nulls.
    """
    df = canonical_order(_canonical(positions))
    mmsi = df["mmsi"].to_numpy()
    ts_ms = df["ts"].to_numpy()
    row_seg, row_reason, seg_first_row = kernels.assign_segments(
        mmsi, ts_ms, df["lat"].to_numpy(), df["lon"].to_numpy(),
        params.kernel_config(), params.max_open_segments,
    )  # fmt: skip
    seg_ids = _segment_ids(mmsi[seg_first_row], ts_ms[seg_first_row])
    return pl.DataFrame(
        {
            "row_id": df["row_id"],
            "segment_id": seg_ids.gather(_null_if_negative(row_seg)),
            "dropped_reason": pl.Series(DROP_REASONS, dtype=pl.String).gather(row_reason),
        },
        schema=OUTPUT_SCHEMA,
    )


def _canonical(positions: pa.Table | pl.DataFrame) -> pl.DataFrame:
    """The five input columns with canonical types; ``ts`` as int64 ms since the epoch."""
    df = positions if isinstance(positions, pl.DataFrame) else pl.DataFrame(positions)
    missing = [c for c in INPUT_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"positions lack columns {missing}; expected {list(INPUT_COLUMNS)}")
    try:
        df = df.select(
            pl.col("row_id").cast(pl.UInt64),
            pl.col("mmsi").cast(pl.Int32),
            _epoch_ms(df.schema["ts"]),
            pl.col("lat").cast(pl.Float64).fill_null(float("nan")),
            pl.col("lon").cast(pl.Float64).fill_null(float("nan")),
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"positions do not cast to {INPUT_TYPES}: {exc}") from exc
    nulls = {c: n for c in ("row_id", "mmsi", "ts") if (n := df[c].null_count())}
    if nulls:
        raise InputError(f"positions hold nulls in key columns {nulls}; expected none")
    return df


def _epoch_ms(ts_type: pl.DataType) -> pl.Expr:
    """``ts`` as integer milliseconds since the epoch; a naive timestamp is taken as UTC."""
    if not isinstance(ts_type, pl.Datetime):
        raise InputError(f"column ts has type {ts_type}; expected a timestamp")
    ts = pl.col("ts")
    if ts_type.time_zone is None:
        ts = ts.dt.replace_time_zone("UTC")
    return ts.dt.epoch("ms").alias("ts")


def _segment_ids(
    seg_mmsi: npt.NDArray[np.int32], seg_first_ts_ms: npt.NDArray[np.int64]
) -> pl.Series:
    """``f"{mmsi}-{first_ts:%Y%m%dT%H%M%S}Z-{n}"`` for each kept segment, in segment order."""
    ordinal = kernels.segment_ordinals(seg_mmsi, seg_first_ts_ms)
    first = pl.from_epoch(pl.Series(seg_first_ts_ms), time_unit="ms")
    return pl.select(
        pl.format(
            "{}-{}Z-{}",
            pl.lit(pl.Series(seg_mmsi)),
            first.dt.strftime("%Y%m%dT%H%M%S"),
            pl.lit(pl.Series(ordinal)),
        )
    ).to_series()


def _null_if_negative(index: npt.NDArray[np.int64]) -> pl.Series:
    """``index`` as a polars series with -1 turned into null (gather yields null)."""
    series = pl.Series(index)
    return series.set(series < 0, None)
