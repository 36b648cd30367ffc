"""Loitering: one vessel moving slower than 2 kn for hours.

Definition (docs/detect-loitering-gaps.md; /work/shared/reference/detection.md §8.3, after
Global Fishing Watch's loitering query, D. Kroodsma 2019/2020): group each segment's
positions into epoch-aligned hourly buckets; a bucket's speed is its *implied* speed, the
great-circle distance between consecutive positions over their time difference, summed
over the steps that end in the bucket (so the first step reaches one position back into
the previous bucket). A loitering event is a run of consecutive buckets whose average
implied speed is below ``max_speed_kn``, lasting at least ``min_duration``. Sub-classes:
``anchored`` (average < ``anchored_speed_kn`` and every position within
``anchored_radius_m`` of the centre) and ``drifting`` (the rest, 0.5–2 kn).

"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import polars as pl
import pyarrow as pa

from setori.detect.events import empty_events, event_id, make_events
from setori.detect.track import Track, haversine_m, params_evidence, source_of
from setori.errors import InputError

DETECTOR_VERSION = "loitering/1"
EARTH_RADIUS_M = 6_371_008.8
METRES_PER_NM = 1852.0
MPS_PER_KN = METRES_PER_NM / 3600.0
TRACK_COLUMNS = ("row_id", "mmsi", "segment_id", "ts", "lat", "lon")
_RUN_KEYS = ["segment_id", "piece", "bucket"]


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
        anchored_radius_m: ... and every position within this distance of the centre (0.5 km).
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
        _require(self.profile in ("gfw", "dprk"), "profile 'gfw' or 'dprk'", self.profile)
        _require(0 < self.anchored_speed_kn <= self.max_speed_kn, "0 < anchored <= max", self)
        _require(self.min_duration > timedelta(0), "min_duration > 0", self.min_duration)
        _require(self.bucket >= timedelta(minutes=1), "bucket >= 1 min", self.bucket)
        _require(self.max_silence > timedelta(0), "max_silence > 0", self.max_silence)
        _require(self.thinning >= timedelta(0), "thinning >= 0", self.thinning)
        _require(self.anchored_radius_m > 0, "anchored_radius_m > 0", self.anchored_radius_m)

    @classmethod
    def gfw(cls) -> LoiteringParams:
        """The Global Fishing Watch profile (comparability)."""
        return cls()

    @classmethod
    def dprk(cls) -> LoiteringParams:
        """The DPRK-sensitive profile: bridges silences up to 2 h."""
        return replace(cls(), profile="dprk", max_silence=timedelta(hours=2))


def _require(ok: bool, expected: str, seen: object) -> None:
    if not ok:
        raise InputError(f"invalid detector parameters: expected {expected}, got {seen!r}")


def track_frame(positions: pa.Table | pl.DataFrame) -> pl.DataFrame:
    """Positions as a Polars frame sorted by (segment_id, ts, row_id), ``ts_ms`` in epoch ms.

    Needs ``row_id``, ``mmsi``, ``segment_id``, ``ts``, ``lat``, ``lon``; ``sog_kn`` is
    optional. Rows without a segment (dropped by the segmenter) are left out; a row given
    twice (same ``row_id`` and ``segment_id``, e.g. overlapping windows) counts once.
    """
    df = positions if isinstance(positions, pl.DataFrame) else pl.DataFrame(positions)
    missing = [c for c in TRACK_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"positions lack columns {missing}; expected {list(TRACK_COLUMNS)}")
    if not isinstance(df.schema["ts"], pl.Datetime):
        raise InputError(f"column ts has type {df.schema['ts']}; expected a timestamp")
    sog = pl.col("sog_kn") if "sog_kn" in df.columns else pl.lit(None)
    ts = pl.col("ts") if df.schema["ts"].time_zone else pl.col("ts").dt.replace_time_zone("UTC")
    return (
        df.select(
            pl.col("row_id").cast(pl.UInt64),
            pl.col("mmsi").cast(pl.Int32),
            pl.col("segment_id").cast(pl.String),
            ts.dt.epoch("ms").alias("ts_ms"),
            pl.col("lat").cast(pl.Float64),
            pl.col("lon").cast(pl.Float64),
            sog.cast(pl.Float64).alias("sog_kn"),
        )
        .drop_nulls(["segment_id", "ts_ms", "lat", "lon"])
        .sort(["segment_id", "ts_ms", "row_id"])
        .filter((pl.col("row_id") != pl.col("row_id").shift(1)).fill_null(True))
    )


def with_steps(
    track: pl.DataFrame, over: str = "segment_id", carry: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Adds the step from the previous position of the same ``over`` group.

    ``track`` must be sorted by (``over``, ts). New columns: ``prev_<c>`` for ``ts_ms``,
    ``lat``, ``lon``, ``row_id`` and each column in ``carry`` (null on a group's first
    row), ``dt_s`` and ``step_m`` (great-circle distance).
    """
    shifted = ("ts_ms", "lat", "lon", "row_id", *carry)
    prev = {f"prev_{c}": pl.col(c).shift(1).over(over) for c in shifted}
    return track.with_columns(**prev).with_columns(
        dt_s=(pl.col("ts_ms") - pl.col("prev_ts_ms")) / 1000.0,
        step_m=haversine_m(pl.col("prev_lat"), pl.col("prev_lon"), pl.col("lat"), pl.col("lon")),
    )


def detect_loitering(
    positions: pa.Table | pl.DataFrame | Track, params: LoiteringParams = LoiteringParams()
) -> pa.Table:
    """Loitering events (detection.md §8.3) of every segment in ``positions``.

    ``positions``: canonical position columns plus ``row_id`` and ``segment_id``, in any
    order. Returns an :data:`~setori.detect.events.EVENTS` table (type ``loitering``,
    subtype ``anchored`` / ``drifting``), one row per run, ordered by (start, mmsi).
    """
    positions = source_of(positions)
    steps = _steps(track_frame(positions), params)
    buckets = _runs_of_slow_buckets(_buckets(steps, params), params)
    runs = _run_summaries(buckets, params)
    if runs.is_empty():
        return empty_events()
    runs = runs.join(_run_shapes(steps, buckets), on="run", how="left")
    return _events(runs.sort(["start_ms", "mmsi", "segment_id"]), params)


def _steps(track: pl.DataFrame, params: LoiteringParams) -> pl.DataFrame:
    """Steps within a segment no longer than ``max_silence``, each with its piece and bucket.

    A *piece* is a stretch of a segment without a longer silence; runs never cross pieces.
    """
    max_silence_s = params.max_silence.total_seconds()
    bucket_ms = params.bucket // timedelta(milliseconds=1)
    breaks = pl.col("prev_ts_ms").is_null() | (pl.col("dt_s") > max_silence_s)
    return (
        with_steps(_thinned(track, params.thinning))
        .with_columns(piece=breaks.cast(pl.Int32).cum_sum().over("segment_id"))
        .filter(~breaks)
        .with_columns(bucket=pl.col("ts_ms") // bucket_ms)
    )


def _thinned(track: pl.DataFrame, interval: timedelta) -> pl.DataFrame:
    """The first position of each segment in each epoch-aligned ``interval``."""
    interval_ms = interval // timedelta(milliseconds=1)
    if interval_ms == 0:
        return track
    slot = pl.col("ts_ms") // interval_ms
    first = (slot != slot.shift(1)) | (pl.col("segment_id") != pl.col("segment_id").shift(1))
    return track.filter(first.fill_null(True))


def _buckets(steps: pl.DataFrame, params: LoiteringParams) -> pl.DataFrame:
    """One row per (segment, piece, bucket): implied speed, window and bounding row ids."""
    speed_kn = pl.col("distance_m") / pl.col("time_s") / MPS_PER_KN
    return (
        steps.group_by(_RUN_KEYS)
        .agg(
            pl.col("mmsi").first(),
            pl.col("step_m").sum().alias("distance_m"),
            pl.col("dt_s").sum().alias("time_s"),
            pl.len().alias("n_steps"),
            pl.col("prev_ts_ms").first().alias("start_ms"),
            pl.col("ts_ms").last().alias("end_ms"),
            pl.col("prev_row_id").first().alias("first_row_id"),
            pl.col("row_id").last().alias("last_row_id"),
        )
        .with_columns(speed_kn=pl.when(pl.col("time_s") > 0).then(speed_kn))
        .with_columns(slow=(pl.col("speed_kn") < params.max_speed_kn).fill_null(False))
        .sort(_RUN_KEYS)
    )


def _runs_of_slow_buckets(buckets: pl.DataFrame, params: LoiteringParams) -> pl.DataFrame:
    """Slow buckets, each numbered with its run (consecutive slow buckets of one piece)."""
    same_piece = (pl.col("segment_id") == pl.col("segment_id").shift(1)) & (
        pl.col("piece") == pl.col("piece").shift(1)
    )
    continues = same_piece.fill_null(False) & pl.col("slow").shift(1).fill_null(False)
    starts = pl.col("slow") & ~continues
    return buckets.with_columns(run=starts.cast(pl.Int64).cum_sum()).filter(pl.col("slow"))


def _run_summaries(buckets: pl.DataFrame, params: LoiteringParams) -> pl.DataFrame:
    """One row per run lasting at least ``min_duration``."""
    min_ms = params.min_duration // timedelta(milliseconds=1)
    return (
        buckets.group_by("run", maintain_order=True)
        .agg(
            pl.col("segment_id").first(),
            pl.col("mmsi").first(),
            pl.col("start_ms").first(),
            pl.col("end_ms").last(),
            pl.col("distance_m").sum(),
            pl.col("time_s").sum(),
            (pl.col("n_steps").sum() + 1).alias("point_count"),
            pl.col("speed_kn").max().alias("max_speed_kn"),
            pl.len().alias("buckets"),
            pl.col("first_row_id").first(),
            pl.col("last_row_id").last(),
        )
        .filter(pl.col("end_ms") - pl.col("start_ms") >= min_ms)
        .with_columns(avg_speed_kn=pl.col("distance_m") / pl.col("time_s") / MPS_PER_KN)
    )


def _run_shapes(steps: pl.DataFrame, buckets: pl.DataFrame) -> pl.DataFrame:
    """Centre (mean unit vector), radius (farthest position) and median SOG of each run."""
    in_run = steps.join(buckets.select([*_RUN_KEYS, "run"]), on=_RUN_KEYS, how="inner").sort(
        ["run", "ts_ms"]
    )
    first = in_run.group_by("run").agg(
        pl.col("prev_lat").first().alias("lat"),
        pl.col("prev_lon").first().alias("lon"),
        pl.lit(None, pl.Float64).alias("sog_kn"),
    )
    points = pl.concat([first, in_run.select("run", "lat", "lon", "sog_kn")], how="vertical")
    centre = points.group_by("run").agg(*_mean_position(), pl.col("sog_kn").median())
    spread = points.join(centre, on="run", suffix="_c").with_columns(
        d=haversine_m(pl.col("lat"), pl.col("lon"), pl.col("lat_c"), pl.col("lon_c"))
    )
    radius = spread.group_by("run").agg(pl.col("d").max().alias("radius_m"))
    return centre.rename({"sog_kn": "median_sog_kn"}).join(radius, on="run")


def _mean_position() -> list[pl.Expr]:
    """Mean position via the mean of unit vectors (safe across the antimeridian)."""
    lat, lon = pl.col("lat").radians(), pl.col("lon").radians()
    x = (lat.cos() * lon.cos()).mean()
    y = (lat.cos() * lon.sin()).mean()
    z = lat.sin().mean()
    return [
        pl.arctan2(z, (x**2 + y**2).sqrt()).degrees().alias("lat"),
        pl.arctan2(y, x).degrees().alias("lon"),
    ]


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
    return {
        "id": event_id(
            "loitering",
            [run["mmsi"]],
            run["start"],
            profile=params.profile,
            detector_version=DETECTOR_VERSION,
            params=parameters,
            subtype=run["subtype"],
        ),
        "type": "loitering",
        "subtype": run["subtype"],
        "mmsi": [run["mmsi"]],
        "segment_ids": [run["segment_id"]],
        "start": run["start"],
        "end": run["end"],
        "lat": run["lat"],
        "lon": run["lon"],
        "duration_h": round(run["hours"], 9),
        "profile": params.profile,
        "detector_version": DETECTOR_VERSION,
        "tags": {},
        "evidence": evidence,
    }
