"""The shared Track: sorted once, coded, stepped; the same whatever the input row order."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from setori.detect.track import Track, is_sorted_by, shifted_within
from setori.errors import InputError
from setori.geo.sphere import haversine_m as haversine_np
from setori.geo.sphere import haversine_m_expr

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _positions(seed: int, n: int) -> pl.DataFrame:
    """``n`` positions of 3 MMSIs, 2 segments each (interleaved in time), a few repeated rows
    and rows without a segment."""
    rng = np.random.default_rng(seed)
    mmsi = rng.choice([412000001, 412000002, 999000003], n)
    transmitter = rng.integers(1, 3, n)
    segment = pl.Series([f"{m}-{t}" for m, t in zip(mmsi, transmitter, strict=True)])
    df = pl.DataFrame(
        {
            "row_id": np.arange(n, dtype=np.uint64),
            "mmsi": mmsi.astype(np.int32),
            "segment_id": segment,
            "ts": pl.Series(rng.integers(0, 86_400_000, n) + 1_709_251_200_000).cast(
                pl.Datetime("ms", "UTC")
            ),
            "lat": rng.uniform(30, 40, n),
            "lon": rng.uniform(120, 130, n),
            "sog_kn": rng.uniform(0, 15, n).astype(np.float32),
        }
    )
    no_segment = pl.int_range(pl.len()) % 17 == 5
    repeated = df.filter(pl.int_range(pl.len()) % 11 == 3)  # the same rows given twice
    return pl.concat(
        [
            df.with_columns(segment_id=pl.when(no_segment).then(None).otherwise("segment_id")),
            repeated,
        ]
    )


def _reference(df: pl.DataFrame) -> pl.DataFrame:
    """The frame and steps the slow, obvious way: sort, dedupe, shift().over()."""
    frame = (
        df.drop_nulls("segment_id")
        .select(
            "row_id",
            "mmsi",
            "segment_id",
            pl.col("ts").dt.epoch("ms").alias("ts_ms"),
            "lat",
            "lon",
        )
        .unique(["segment_id", "row_id"])
        .sort("segment_id", "ts_ms", "row_id")
    )
    prev = {f"prev_{c}": pl.col(c).shift(1).over("segment_id") for c in ("ts_ms", "lat", "lon")}
    return frame.with_columns(**prev).with_columns(
        step_m=haversine_m_expr(
            pl.col("prev_lat"), pl.col("prev_lon"), pl.col("lat"), pl.col("lon")
        )
    )


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 300))
def test_frame_and_steps_do_not_depend_on_row_order(seed: int, n: int) -> None:
    df = _positions(seed, n)
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=seed)
    a, b = Track.of(df), Track.of(shuffled)
    assert a.frame.equals(b.frame)
    ref = _reference(df)
    assert a.frame.select("row_id", "segment_id", "ts_ms").equals(
        ref.select("row_id", "segment_id", "ts_ms")
    )
    codes = a.frame["seg"].to_numpy()
    assert (np.diff(codes) >= 0).all() and (codes[:1] == 0).all()
    assert a.frame["seg"].n_unique() == a.frame["segment_id"].n_unique()
    steps = a.steps
    np.testing.assert_allclose(
        steps["step_m"].fill_null(-1).to_numpy(),
        ref["step_m"].fill_null(-1).to_numpy(),
        rtol=1e-9,
        atol=1e-6,
    )
    assert steps["prev_ts_ms"].equals(ref["prev_ts_ms"])


def test_by_mmsi_steps_cross_segments_of_one_mmsi_only() -> None:
    track = Track.of(_positions(3, 400))
    by_mmsi = track.by_mmsi
    assert is_sorted_by(by_mmsi, ["mmsi", "ts_ms", "row_id"])
    reference = by_mmsi.with_columns(
        ref=pl.col("segment_id").shift(1).over("mmsi"), ref_ts=pl.col("ts_ms").shift(1).over("mmsi")
    )
    assert reference["prev_segment_id"].equals(reference["ref"], check_names=False)
    assert reference["prev_ts_ms"].equals(reference["ref_ts"], check_names=False)
    first = by_mmsi.filter(pl.col("prev_ts_ms").is_null())
    assert first["mmsi"].n_unique() == first.height == by_mmsi["mmsi"].n_unique()


def test_step_distance_matches_numpy_haversine() -> None:
    steps = Track.of(_positions(5, 500)).steps.drop_nulls("prev_lat")
    expected = haversine_np(steps["prev_lat"], steps["prev_lon"], steps["lat"], steps["lon"])
    np.testing.assert_allclose(steps["step_m"].to_numpy(), expected, rtol=1e-9)


def test_shifted_within_equals_shift_over() -> None:
    df = pl.DataFrame({"g": [1, 1, 2, 2, 2, 3], "x": [1, 2, 3, 4, 5, 6]})
    masked = df.select(shifted_within("g", ["x"])).to_series()
    assert masked.to_list() == df.select(pl.col("x").shift(1).over("g")).to_series().to_list()


def test_missing_columns_and_bad_time_are_named() -> None:
    df = _positions(1, 10)
    with pytest.raises(InputError, match="segment_id"):
        _ = Track.of(df.drop("segment_id")).frame
    with pytest.raises(InputError, match="ts has type"):
        _ = Track.of(df.with_columns(pl.col("ts").cast(pl.Int64))).frame


def test_a_track_is_returned_as_is() -> None:
    track = Track.of(_positions(2, 20))
    assert Track.of(track) is track


def test_an_empty_table_gives_an_empty_track() -> None:
    track = Track.of(_positions(1, 10).head(0))
    assert track.frame.height == 0 and track.steps.height == 0 and track.by_mmsi.height == 0
    assert track.frame.columns[:4] == ["row_id", "mmsi", "segment_id", "seg"]


def test_detection_does_not_depend_on_input_row_order() -> None:
    """Every detector reads the shared Track: the planted scenario world in its generated
    order and shuffled gives the same events, evidence and tags."""
    from setori.detect.run import detect
    from tests.scenarios import world

    positions = world(np.random.default_rng(11)).positions
    ordered = pl.DataFrame(detect(positions).events).sort("id")
    shuffled = pl.DataFrame(detect(positions.sample(fraction=1.0, shuffle=True, seed=5)).events)
    assert ordered.height > 50
    assert ordered.equals(shuffled.sort("id"))
