"""Tests of setori.tracks.segment: hand-built tracks, properties, one real capture."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings

from setori.errors import InputError
from setori.tracks.segment import SegmenterParams, segment_positions

T0 = datetime(2024, 3, 1, tzinfo=UTC)
EARTH_RADIUS_M = 6_371_008.8
KN_MPS = 1852.0 / 3600.0
NY_HARBOR = "tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv"  # under shared_data


def _frame(rows: list[tuple[int, int, datetime, float, float]]) -> pl.DataFrame:
    """(row_id, mmsi, ts, lat, lon) tuples as a canonical positions frame."""
    return pl.DataFrame(
        rows,
        schema={
            "row_id": pl.UInt64,
            "mmsi": pl.Int32,
            "ts": pl.Datetime("ms", "UTC"),
            "lat": pl.Float64,
            "lon": pl.Float64,
        },
        orient="row",
    )


def _moving(
    start: tuple[float, float], course_deg: float, speed_kn: float, seconds: list[float]
) -> list[tuple[float, float]]:
    """Positions on a great circle from ``start`` at constant speed, after ``seconds``."""
    lat0, lon0 = map(math.radians, start)
    bearing = math.radians(course_deg)
    points = []
    for s in seconds:
        delta = speed_kn * KN_MPS * s / EARTH_RADIUS_M
        lat = math.asin(
            math.sin(lat0) * math.cos(delta) + math.cos(lat0) * math.sin(delta) * math.cos(bearing)
        )
        lon = lon0 + math.atan2(
            math.sin(bearing) * math.sin(delta) * math.cos(lat0),
            math.cos(delta) - math.sin(lat0) * math.sin(lat),
        )
        points.append((math.degrees(lat), (math.degrees(lon) + 540.0) % 360.0 - 180.0))
    return points


def _rows(
    mmsi: int,
    seconds: list[float],
    points: list[tuple[float, float]],
    *,
    first_id: int = 0,
    id_step: int = 1,
) -> list[tuple[int, int, datetime, float, float]]:
    """Rows of one transmitter: ``points`` at ``seconds`` after T0."""
    return [
        (first_id + id_step * i, mmsi, T0 + timedelta(seconds=s), lat, lon)
        for i, (s, (lat, lon)) in enumerate(zip(seconds, points, strict=True))
    ]


def _groups(out: pl.DataFrame) -> dict[str, set[int]]:
    """Segment id -> row ids."""
    kept = out.filter(pl.col("segment_id").is_not_null())
    return {k[0]: set(v["row_id"]) for k, v in kept.group_by("segment_id")}


def _partition(out: pl.DataFrame) -> set[frozenset[int]]:
    return {frozenset(rows) for rows in _groups(out).values()}


# -- hand-built tracks -------------------------------------------------------------------------


def test_eight_row_track_is_one_segment() -> None:
    # A vessel steaming north at ~10 kn off New York, one report a minute.
    rows = [
        (1, 367000001, T0 + timedelta(minutes=0), 40.5000, -73.9000),
        (2, 367000001, T0 + timedelta(minutes=1), 40.5028, -73.9001),
        (3, 367000001, T0 + timedelta(minutes=2), 40.5056, -73.9000),
        (4, 367000001, T0 + timedelta(minutes=3), 40.5083, -73.8999),
        (5, 367000001, T0 + timedelta(minutes=4), 40.5111, -73.9000),
        (6, 367000001, T0 + timedelta(minutes=5), 40.5139, -73.9002),
        (7, 367000001, T0 + timedelta(minutes=6), 40.5167, -73.9001),
        (8, 367000001, T0 + timedelta(minutes=7), 40.5194, -73.9000),
    ]
    out = segment_positions(_frame(rows))
    assert out["row_id"].to_list() == [1, 2, 3, 4, 5, 6, 7, 8]
    assert out["segment_id"].to_list() == ["367000001-20240301T000000Z-1"] * 8
    assert out["dropped_reason"].null_count() == 8


def test_gap_over_max_gap_starts_new_segment() -> None:
    rows = [
        (1, 5, T0, 10.0, 10.0),
        (2, 5, T0 + timedelta(hours=1), 10.0, 10.0),
        (3, 5, T0 + timedelta(hours=31), 10.0, 10.0),
        (4, 5, T0 + timedelta(hours=32), 10.0, 10.0),
    ]
    groups = _groups(segment_positions(_frame(rows)))
    assert groups == {
        "5-20240301T000000Z-1": {1, 2},
        "5-20240302T070000Z-1": {3, 4},
    }


def test_100_kn_jump_splits_track() -> None:
    minutes = list(range(0, 50, 10))
    before = _moving((0.0, 0.0), 90.0, 10.0, [60.0 * m for m in minutes])
    # From the last position, jump ahead as if at 100 kn for 10 minutes, then go on at 10 kn.
    jump_start = _moving(before[-1], 90.0, 100.0, [600.0])[0]
    after = _moving(jump_start, 90.0, 10.0, [0.0, 600.0, 1200.0])
    times = [T0 + timedelta(minutes=m) for m in [*minutes, 50, 60, 70]]
    rows = [(i, 7, t, *p) for i, (t, p) in enumerate(zip(times, before + after, strict=True))]
    assert _partition(segment_positions(_frame(rows))) == {
        frozenset(range(5)),
        frozenset(range(5, 8)),
    }


def test_two_transmitters_on_one_mmsi_are_separate_simultaneous_segments() -> None:
    # Two ships ~200 km apart, both sending MMSI 123456789 every 30 s, interleaved.
    seconds = [30.0 * i for i in range(40)]
    ship_a = _moving((40.0, -70.0), 45.0, 12.0, seconds)
    ship_b = _moving((40.0, -67.65), 200.0, 8.0, seconds)
    rows_a = _rows(123456789, seconds, ship_a, id_step=2)
    rows_b = _rows(123456789, [s + 10.0 for s in seconds], ship_b, first_id=1, id_step=2)
    out = segment_positions(_frame(rows_a + rows_b))
    assert out["dropped_reason"].null_count() == out.height
    assert _partition(out) == {frozenset(r[0] for r in rows_a), frozenset(r[0] for r in rows_b)}


def test_crossing_transmitters_are_separated_by_dead_reckoning() -> None:
    # Two ships on one MMSI cross at right angles at 15 kn, the second 10 s (77 m) behind
    # the first, each reporting every 10 s. Near the crossing every position is within
    # noise_distance_m of both segments' last positions; only the dead-reckoned positions
    # tell the ships apart (with velocity_baseline=1 day, i.e. no dead reckoning, this fails).
    seconds = [10.0 * i for i in range(150)]
    east = _moving((0.0, -0.05), 90.0, 15.0, seconds)
    north = _moving((-0.05, 0.0), 0.0, 15.0, [s - 10.0 for s in seconds])
    rows_a = _rows(9, seconds, east)
    rows_b = _rows(9, [s + 5.0 for s in seconds], north, first_id=1000)
    out = segment_positions(_frame(rows_a + rows_b))
    assert _partition(out) == {frozenset(range(150)), frozenset(range(1000, 1150))}


def test_spoofed_outlier_is_dropped_as_single_point_jump() -> None:
    seconds = [60.0 * i for i in range(10)]
    track = _moving((55.0, 12.0), 10.0, 10.0, seconds)
    rows = _rows(219000001, seconds, track)
    rows[4] = (4, 219000001, rows[4][2], 55.5, 12.8)  # ~70 km off the track for one report
    out = segment_positions(_frame(rows)).sort("row_id")
    assert out["dropped_reason"].to_list() == [None] * 4 + ["single_point_jump"] + [None] * 5
    assert out["segment_id"][4] is None
    assert _partition(out) == {frozenset(set(range(10)) - {4})}


def test_outlier_at_track_end_is_kept_as_its_own_segment() -> None:
    # The track does not continue past it, so it cannot be told from a new transmitter.
    rows = [(i, 3, T0 + timedelta(minutes=i), 1.0, 1.0) for i in range(5)]
    rows.append((5, 3, T0 + timedelta(minutes=5), 3.0, 3.0))
    out = segment_positions(_frame(rows))
    assert _partition(out) == {frozenset(range(5)), frozenset({5})}


def test_near_simultaneous_reports_stay_in_one_segment() -> None:
    # Same millisecond, 120 m apart (two receivers, GPS jitter): within noise_distance_m.
    rows = [
        (1, 4, T0, 50.0, 0.0),
        (2, 4, T0, 50.001, 0.001),
        (3, 4, T0 + timedelta(seconds=2), 50.0, 0.0),
    ]
    assert len(_groups(segment_positions(_frame(rows)))) == 1


def test_shuffled_rows_give_the_same_result() -> None:
    seconds = [45.0 * i for i in range(30)]
    rows = [
        row
        for k in range(3)
        for row in _rows(
            100 + k, seconds, _moving((k, k), 30.0 * k, 9.0, seconds), first_id=k * 100
        )
    ]
    rows.append((999, 101, T0 + timedelta(seconds=300), 45.0, 45.0))  # an outlier
    expected = segment_positions(_frame(rows))
    rng = np.random.default_rng(7)
    for _ in range(5):
        shuffled = [rows[i] for i in rng.permutation(len(rows))]
        assert segment_positions(_frame(shuffled)).equals(expected)


@pytest.mark.parametrize("mmsi_pair", [(5, 6), (-2_000_000_000, 2_000_000_000)])
@pytest.mark.parametrize("years", [[2024], [1960, 2100]])
def test_ties_and_wide_ranges_sort_the_same_in_any_order(
    mmsi_pair: tuple[int, int], years: list[int]
) -> None:
    # Same (mmsi, ts) for several rows, even the same row_id: ordered by (row_id, lat, lon).
    # Wide MMSI and time ranges take polars' multi-column sort instead of a packed key.
    rows = [
        (row_id, mmsi, datetime(year, 1, 1, tzinfo=UTC) + timedelta(seconds=sec), lat, 0.0)
        for mmsi in mmsi_pair
        for year in years
        for sec in (0, 1)
        for row_id, lat in ((1, 0.0), (2, 0.001), (2, 0.002), (2, float("nan")), (0, 0.003))
    ]
    expected = segment_positions(_frame(rows))
    rng = np.random.default_rng(3)
    for _ in range(5):
        shuffled = [rows[i] for i in rng.permutation(len(rows))]
        assert segment_positions(_frame(shuffled)).equals(expected)


def test_invalid_positions_are_dropped_with_reason() -> None:
    rows = [
        (1, 8, T0, 10.0, 10.0),
        (2, 8, T0 + timedelta(minutes=1), 91.0, 181.0),  # AIS "not available"
        (3, 8, T0 + timedelta(minutes=2), float("nan"), 10.0),
        (4, 8, T0 + timedelta(minutes=3), 10.0, 10.0),
    ]
    out = segment_positions(_frame(rows))
    assert out["dropped_reason"].to_list() == [None, "invalid_position", "invalid_position", None]
    assert out["segment_id"].null_count() == 2


def test_full_slots_close_the_stalest_segment() -> None:
    # Three transmitters far apart, at most two open segments: every row still lands somewhere.
    rows = [(i, 6, T0 + timedelta(minutes=i), 10.0 * (i % 3), 0.0) for i in range(12)]
    out = segment_positions(_frame(rows), SegmenterParams(max_open_segments=2))
    assert out["dropped_reason"].null_count() == 12
    assert len(_groups(out)) > 3


def test_accepts_arrow_table_with_microsecond_times() -> None:
    table = pa.table(
        {
            "row_id": pa.array([2, 1], pa.uint64()),
            "mmsi": pa.array([1, 1], pa.int32()),
            "ts": pa.array([T0 + timedelta(seconds=30), T0], pa.timestamp("us", tz="UTC")),
            "lat": [0.0, 0.0],
            "lon": [0.001, 0.0],
            "sog_kn": pa.array([1.0, 1.0], pa.float32()),
        }
    )
    out = segment_positions(table)
    assert out["row_id"].to_list() == [1, 2]
    assert out["segment_id"].to_list() == ["1-20240301T000000Z-1"] * 2


def test_empty_input_gives_empty_output() -> None:
    out = segment_positions(_frame([]))
    assert out.height == 0
    assert out.schema == pl.Schema(
        {"row_id": pl.UInt64, "segment_id": pl.String, "dropped_reason": pl.String}
    )


def test_missing_column_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"lack columns \['lon'\]"):
        segment_positions(_frame([]).drop("lon"))


def test_null_key_is_an_input_error() -> None:
    df = _frame([(1, 1, T0, 0.0, 0.0)]).with_columns(pl.lit(None, pl.Int32).alias("mmsi"))
    with pytest.raises(InputError, match="nulls in key columns"):
        segment_positions(df)


def test_uncastable_column_is_an_input_error() -> None:
    df = _frame([(1, 1, T0, 0.0, 0.0)]).with_columns(pl.lit("367000000x").alias("mmsi"))
    with pytest.raises(InputError, match="do not cast"):
        segment_positions(df)
    with pytest.raises(InputError, match="expected a timestamp"):
        segment_positions(df.with_columns(pl.lit(1).alias("ts"), pl.lit(1).alias("mmsi")))


def test_invalid_params_are_input_errors() -> None:
    with pytest.raises(InputError, match="max_open_segments"):
        SegmenterParams(max_open_segments=0)
    with pytest.raises(InputError, match="hard_cap"):
        SegmenterParams(max_speed_kn=60.0)


# -- properties --------------------------------------------------------------------------------

_MS_PER_DAY = 86_400_000
_random_rows = st.lists(
    st.tuples(
        st.sampled_from([1, 2, 3]),
        st.one_of(st.integers(0, 3 * _MS_PER_DAY), st.sampled_from([0, 1000, 60_000])),
        st.one_of(st.floats(-1.0, 1.0), st.floats(-95.0, 95.0), st.just(0.0)),
        st.one_of(st.floats(-1.0, 1.0), st.just(float("nan"))),
    ),
    max_size=60,
)


def _random_frame(rows: list[tuple[int, int, float, float]], shift_ms: int = 0) -> pl.DataFrame:
    epoch = datetime(2020, 1, 1, tzinfo=UTC)
    return _frame(
        [
            (i, m, epoch + timedelta(milliseconds=t + shift_ms), lat, lon)
            for i, (m, t, lat, lon) in enumerate(rows)
        ]
    )


@settings(max_examples=200, deadline=None)
@given(_random_rows)
def test_every_row_appears_exactly_once(rows: list[tuple[int, int, float, float]]) -> None:
    out = segment_positions(_random_frame(rows), SegmenterParams(max_open_segments=2))
    assert sorted(out["row_id"].to_list()) == list(range(len(rows)))
    kept = out["segment_id"].is_not_null()
    assert (kept ^ out["dropped_reason"].is_not_null()).all()


@settings(max_examples=100, deadline=None)
@given(_random_rows, st.randoms(use_true_random=False))
def test_output_is_independent_of_input_order(
    rows: list[tuple[int, int, float, float]], rnd: random.Random
) -> None:
    df = _random_frame(rows)
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 2**31))
    assert segment_positions(shuffled).equals(segment_positions(df))


@settings(max_examples=100, deadline=None)
@given(_random_rows, st.integers(-10 * 365 * _MS_PER_DAY, 10 * 365 * _MS_PER_DAY))
def test_shifting_all_times_keeps_the_partition(
    rows: list[tuple[int, int, float, float]], shift_ms: int
) -> None:
    before = segment_positions(_random_frame(rows))
    after = segment_positions(_random_frame(rows, shift_ms))
    assert _partition(after) == _partition(before)
    assert after["dropped_reason"].equals(before["dropped_reason"])


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-70.0, 70.0),
    st.floats(-180.0, 180.0),
    st.floats(0.0, 360.0),
    st.lists(st.integers(0, 23 * 3_600_000), min_size=1, max_size=40),
)
def test_straight_10_kn_track_never_splits(
    lat: float, lon: float, course_deg: float, steps_ms: list[int]
) -> None:
    times_ms = np.cumsum(steps_ms)
    points = _moving((lat, lon), course_deg, 10.0, [t / 1000.0 for t in times_ms])
    rows = _rows(1, [t / 1000.0 for t in times_ms], points)
    out = segment_positions(_frame(rows))
    assert out["segment_id"].null_count() == 0
    assert out["segment_id"].n_unique() == 1


# -- real data ---------------------------------------------------------------------------------


def test_noaa_new_york_harbor_hour(shared_data: Path) -> None:
    """NOAA AIS, New York Harbor, 2020-06-30 00:00-01:00 (tracktable sample).

    8,689 positions of 295 MMSIs. Seen: 8,688 rows kept in 295 segments (one per
    vessel for the hour) and one row dropped as a single-point jump: a 33-35 kn
    fast ferry (367531710) whose report at 00:46:46 lies 2.8 km (51 kn) from the
    one 106 s earlier, just over hard_cap_speed_kn.
    """
    raw = pd.read_csv(shared_data / NY_HARBOR, usecols=["BaseDateTime", "LON", "LAT", "MMSI"])
    df = pl.DataFrame(
        {
            "row_id": np.arange(len(raw), dtype=np.uint64),
            "mmsi": raw["MMSI"].to_numpy(np.int32),
            "ts": pd.to_datetime(raw["BaseDateTime"], utc=True),
            "lat": raw["LAT"].to_numpy(np.float64),
            "lon": raw["LON"].to_numpy(np.float64),
        }
    )
    out = segment_positions(df)
    n_mmsi = raw["MMSI"].nunique()
    n_segments = out["segment_id"].drop_nulls().n_unique()
    assert out.height == len(raw)
    assert out["segment_id"].is_not_null().sum() >= 0.99 * len(raw)
    assert n_mmsi <= n_segments <= 1.05 * n_mmsi
