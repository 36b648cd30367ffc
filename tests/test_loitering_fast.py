"""The fast loitering, dark-rendezvous and night-share code agrees with the plain Polars
definitions it replaced (kept here as references) on random fleets.

* loitering: one numba pass over the Track frame vs. thinning + ``shift().over()`` steps +
  ``group_by`` buckets and runs (the code before the speed-up, verbatim in method);
* the loiterer's position nearest in time: binary search vs. ``join_asof(nearest)``;
* night: :func:`setori.detect.context.night_flags` (bounded skipping, exact near the
  threshold) vs. the NOAA formula on every row, for both formulas used;
* ``tag_events`` night share from a Track vs. from the plain table (MMSI sort).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest

from setori.detect.context import ContextLayers, night_flags, tag_events
from setori.detect.dark_rendezvous import _nearest_rows, sun_elevation_deg
from setori.detect.loitering import (
    LoiteringParams,
    _distance_floor_m,
    detect_loitering,
)
from setori.detect.track import Track
from setori.geo.solar import solar_elevation_deg
from setori.geo.sphere import haversine_m_expr, haversine_m_jit

MPS_PER_KN = 1852.0 / 3600.0
T0 = datetime(2024, 12, 30, 20, tzinfo=UTC)  # across a leap year's end
KEYS = ["segment_id", "piece", "bucket"]


def _fleet(seed: int, vessels: int = 30) -> pl.DataFrame:
    """Vessels alternating anchored, drifting and steaming legs, reporting every few
    seconds to minutes, with silences; two segments per vessel."""
    rng = np.random.default_rng(seed)
    frames = []
    for v in range(vessels):
        n = int(rng.integers(50, 600))
        gaps_s = rng.choice([5, 20, 60, 61, 180, 600], size=n, p=[0.2, 0.2, 0.3, 0.1, 0.15, 0.05])
        gaps_s = np.where(rng.random(n) < 0.01, rng.integers(3_600, 10_000, n), gaps_s)
        ts = np.datetime64(T0.replace(tzinfo=None), "ms") + _as_ms(np.cumsum(gaps_s))
        speed_kn = rng.choice([0.0, 0.3, 1.0, 1.8, 2.5, 10.0], size=n // 40 + 1)[np.arange(n) // 40]
        step_deg = speed_kn * MPS_PER_KN * gaps_s / 111_195.0
        lat = 40 + v * 0.1 + np.cumsum(step_deg) + rng.normal(0, 2e-5, n)
        lon = 179.99 - rng.normal(0, 2e-5, n) if v % 7 == 0 else 124 + rng.normal(0, 2e-5, n)
        frames.append(
            pl.DataFrame(
                {
                    "row_id": np.arange(n, dtype=np.uint64) + v * 1000,
                    "mmsi": np.full(n, 412_000_000 + v, dtype=np.int32),
                    "segment_id": [f"{412_000_000 + v}-{int(i >= n // 2)}" for i in range(n)],
                    "ts": ts,
                    "lat": lat,
                    "lon": lon,
                    "sog_kn": np.where(rng.random(n) < 0.2, np.nan, speed_kn),
                }
            ).with_columns(
                pl.col("ts").dt.cast_time_unit("ms").dt.replace_time_zone("UTC"),
                pl.col("sog_kn").fill_nan(None),
            )
        )
    return pl.concat(frames).sample(fraction=1.0, shuffle=True, seed=seed)


def _as_ms(seconds: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return (seconds * 1000).astype("timedelta64[ms]")


# --- the loitering definition as it was written before the numba passes ---------------


def _reference_runs(positions: pl.DataFrame, params: LoiteringParams) -> pl.DataFrame:
    frame = Track.of(positions).frame
    interval_ms = params.thinning // timedelta(milliseconds=1)
    if interval_ms:
        slot = pl.col("ts_ms") // interval_ms
        first = (slot != slot.shift(1)) | (pl.col("segment_id") != pl.col("segment_id").shift(1))
        frame = frame.filter(first.fill_null(True))
    prev = {f"prev_{c}": pl.col(c).shift(1).over("segment_id") for c in ("ts_ms", "lat", "lon")}
    steps = frame.with_columns(**prev).with_columns(
        dt_s=(pl.col("ts_ms") - pl.col("prev_ts_ms")) / 1000.0,
        step_m=haversine_m_expr(
            pl.col("prev_lat"), pl.col("prev_lon"), pl.col("lat"), pl.col("lon")
        ),
    )
    breaks = pl.col("prev_ts_ms").is_null() | (pl.col("dt_s") > params.max_silence.total_seconds())
    steps = (
        steps.with_columns(piece=breaks.cast(pl.Int32).cum_sum().over("segment_id"))
        .filter(~breaks)
        .with_columns(bucket=pl.col("ts_ms") // (params.bucket // timedelta(milliseconds=1)))
    )
    speed = pl.col("distance_m") / pl.col("time_s") / MPS_PER_KN
    buckets = (
        steps.group_by(KEYS)
        .agg(
            distance_m=pl.col("step_m").sum(),
            time_s=pl.col("dt_s").sum(),
            start_ms=pl.col("prev_ts_ms").first(),
            end_ms=pl.col("ts_ms").last(),
        )
        .with_columns(speed_kn=pl.when(pl.col("time_s") > 0).then(speed))
        .with_columns(slow=(pl.col("speed_kn") < params.max_speed_kn).fill_null(False))
        .sort(KEYS)
    )
    same_piece = (pl.col("segment_id") == pl.col("segment_id").shift(1)) & (
        pl.col("piece") == pl.col("piece").shift(1)
    )
    continues = same_piece.fill_null(False) & pl.col("slow").shift(1).fill_null(False)
    runs = buckets.with_columns(run=(pl.col("slow") & ~continues).cast(pl.Int64).cum_sum())
    min_ms = params.min_duration // timedelta(milliseconds=1)
    return (
        runs.filter(pl.col("slow"))
        .group_by("run", maintain_order=True)
        .agg(
            pl.col("segment_id").first(),
            pl.col("start_ms").first(),
            pl.col("end_ms").last(),
            pl.col("distance_m").sum(),
            pl.col("time_s").sum(),
        )
        .filter(pl.col("end_ms") - pl.col("start_ms") >= min_ms)
        .with_columns(avg_speed_kn=pl.col("distance_m") / pl.col("time_s") / MPS_PER_KN)
        .sort("start_ms", "segment_id")
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "params",
    [
        LoiteringParams.gfw(),
        LoiteringParams.dprk(),
        LoiteringParams(thinning=timedelta(0)),
        LoiteringParams(bucket=timedelta(minutes=20), min_duration=timedelta(minutes=40)),
    ],
)
def test_loitering_runs_match_the_polars_definition(seed: int, params: LoiteringParams) -> None:
    positions = _fleet(seed)
    reference = _reference_runs(positions, params)
    events = pl.DataFrame(detect_loitering(positions, params))
    assert reference.height > 3
    assert events.height == reference.height
    evidence = [json.loads(e) for e in events["evidence"]]
    got = sorted(
        (e["segment_id"], s.timestamp(), end.timestamp(), e["avg_speed_kn"])
        for e, s, end in zip(evidence, events["start"], events["end"], strict=True)
    )
    want = sorted(
        (r["segment_id"], r["start_ms"] / 1000, r["end_ms"] / 1000, round(r["avg_speed_kn"], 4))
        for r in reference.iter_rows(named=True)
    )
    assert [g[:3] for g in got] == [w[:3] for w in want]
    assert [g[3] for g in got] == pytest.approx([w[3] for w in want], abs=1e-4)


def test_distance_floor_is_below_the_great_circle_distance() -> None:
    """Fast buckets are recognised by a trigonometry-free lower bound of the distance."""
    rng = np.random.default_rng(9)
    for spread_deg in (1e-4, 0.01, 1.0, 30.0, 200.0):
        lat1, lon1 = rng.uniform(-90, 90, 2_000), rng.uniform(-180, 180, 2_000)
        lat2 = np.clip(lat1 + rng.normal(0, spread_deg, 2_000), -90, 90)
        lon2 = lon1 + rng.normal(0, spread_deg, 2_000)
        for args in zip(lat1, lon1, lat2, lon2, strict=True):
            exact_m = haversine_m_jit(*args)
            assert 0 <= _distance_floor_m(*args) <= exact_m * (1 + 1e-12)
            if spread_deg <= 0.01 and abs(args[0]) < 60:  # tight where ships are
                assert _distance_floor_m(*args) >= exact_m * (1 - 1e-3)


def test_loitering_of_a_track_equals_loitering_of_its_table() -> None:
    positions = _fleet(4)
    assert detect_loitering(Track.of(positions)).equals(detect_loitering(positions.to_arrow()))


# --- nearest position in time ----------------------------------------------------------


def test_nearest_rows_pick_what_join_asof_nearest_picks() -> None:
    rng = np.random.default_rng(5)
    ts = np.sort(rng.integers(0, 200, 300)).astype(np.int64)  # many equal times
    right = pl.DataFrame({"t": ts, "row": np.arange(ts.size)})
    at = rng.integers(-20, 220, 500).astype(np.int64)
    left = pl.DataFrame({"t": at}).sort("t")
    want = left.join_asof(right, on="t", strategy="nearest")["row"].to_numpy()
    lo, hi = np.zeros(at.size, np.int64), np.full(at.size, ts.size, np.int64)
    got = _nearest_rows(ts, lo, hi, left["t"].to_numpy())
    assert np.array_equal(ts[got], ts[want])  # same time; among equal times, the last row
    assert np.array_equal(got, want)
    assert (_nearest_rows(ts, lo, lo, at) == -1).all()


# --- night ---------------------------------------------------------------------------------


def _drifting_tracks(seed: int) -> tuple[np.ndarray[Any, Any], ...]:
    rng = np.random.default_rng(seed)
    vessels, n = 60, 3_000
    start = np.datetime64("2023-12-30").astype("datetime64[ms]").astype(np.int64)
    ts = start + np.cumsum(rng.integers(1_000, 300_000, (vessels, n)), axis=1)
    lat = rng.uniform(-80, 80, (vessels, 1)) + np.cumsum(rng.normal(0, 0.02, (vessels, n)), 1)
    lon = rng.uniform(-180, 180, (vessels, 1)) + np.cumsum(rng.normal(0, 0.02, (vessels, n)), 1)
    lat = np.clip(lat, -89.9, 89.9)
    lat[0, 5] = np.nan
    return ts.ravel(), lat.ravel(), lon.ravel()


def _dark_rendezvous_elevation(
    ts: np.ndarray[Any, Any], lat: np.ndarray[Any, Any], lon: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    frame = pl.DataFrame({"t": ts, "a": lat, "b": lon})
    return (
        frame.select(sun_elevation_deg(pl.col("t"), pl.col("a"), pl.col("b")))
        .to_series()
        .to_numpy()
    )


@pytest.mark.parametrize(
    ("exact", "threshold", "year_days"),
    [(solar_elevation_deg, 0.0, 0), (_dark_rendezvous_elevation, -0.833, 365)],
)
def test_night_flags_equal_the_formula_on_every_row(
    exact: Any, threshold: float, year_days: int
) -> None:
    ts, lat, lon = _drifting_tracks(6)
    lo = np.array([0, 1_000, 50_000, 90_000, 179_000], dtype=np.int64)
    hi = np.array([40_000, 30_000, 120_000, 90_000, 180_000], dtype=np.int64)
    asked: list[int] = []

    def counted(*args: Any) -> Any:
        asked.append(args[0].size)
        return exact(*args)

    flags = night_flags(ts, lat, lon, lo, hi, threshold, counted, year_days)
    covered = np.zeros(ts.size, dtype=bool)
    for a, b in zip(lo, hi, strict=True):
        covered[a:b] = True
    want = np.where(covered, exact(ts, lat, lon) < threshold, -1)
    assert np.array_equal(flags, want)
    assert sum(asked) < 10  # the NaN row, and rows within 1e-6 deg of the threshold


def test_tag_night_share_from_a_track_equals_from_the_table() -> None:
    positions = _fleet(7, vessels=12)
    events = detect_loitering(positions)
    assert events.num_rows
    layers = ContextLayers.load()
    from_track = pl.DataFrame(tag_events(events, Track.of(positions), layers=layers))
    from_table = pl.DataFrame(tag_events(events, positions.to_arrow(), layers=layers))
    assert from_track["tags"].to_list() == from_table["tags"].to_list()
    shares = [json.loads(t)["night_share"] for t in from_track["tags"]]
    assert any(0 < s < 1 for s in shares)


def test_tag_night_share_with_rows_outside_the_track_uses_the_table() -> None:
    positions = _fleet(8, vessels=6)
    events = detect_loitering(positions)
    unsegmented = positions.head(200).with_columns(
        segment_id=pl.lit(None, pl.String), row_id=pl.col("row_id") + 100_000
    )
    both = pl.concat([positions, unsegmented])
    layers = ContextLayers.load()
    from_track = tag_events(events, Track.of(both), layers=layers)
    from_table = tag_events(events, both.to_arrow(), layers=layers)
    assert from_track.equals(from_table)
