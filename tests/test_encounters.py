"""Encounter (STS) detector: hand-built tracks, properties, and a planted-scenario check.

Hand-built tracks use :func:`scenarios.track` with coarse reports (8-30 rows per vessel)
or literal rows; the precision/recall check uses :func:`scenarios.scenario`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import hypothesis.strategies as st
import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from scenarios import Leg, convoy, crossing, meeting, precision_recall, scenario, track

from setori.detect.encounter_params import DPRK, GFW, EncounterParams, encounter_params
from setori.detect.encounters import close_pairs, detect_encounters, unit_vectors
from setori.detect.events import EVENTS
from setori.detect.resample import KIND_EXTRAPOLATED, KIND_SLOW_GAP, resample, segment_positions_of
from setori.errors import InputError, SetoriError

T0 = datetime(2024, 3, 1, 18, 0, tzinfo=UTC)
A, B = 412_000_001, 667_000_002
PROFILES = [GFW, DPRK]


def positions(frames: list[pl.DataFrame]) -> pl.DataFrame:
    df = pl.concat(frames, how="diagonal_relaxed")
    return df.with_columns(
        row_id=pl.int_range(pl.len(), dtype=pl.UInt64), segment_id=pl.format("{}-1", "mmsi")
    )


def events(frames: list[pl.DataFrame], params: EncounterParams) -> list[dict[str, Any]]:
    table = detect_encounters(positions(frames), params)
    assert table.schema == EVENTS
    rows = table.to_pylist()
    for row in rows:
        row["evidence"] = json.loads(row["evidence"])
    return rows


def coarse_meeting(
    duration: timedelta,
    *,
    distance_m: float = 150.0,
    drift_kn: float = 1.0,
    mmsi: tuple[int, int] = (A, B),
    start: datetime = T0,
) -> list[pl.DataFrame]:
    """Two vessels reporting every 15 min: 30 min approach at 10 kn, drift, 30 min departure."""
    every = timedelta(minutes=15)
    frames, _ = meeting(
        *mmsi,
        start,
        34.0,
        124.0,
        duration,
        distance_m=distance_m,
        drift_kn=drift_kn,
        approach=timedelta(minutes=30),
        transit_kn=10.0,
        report_every=(every, every),
        jitter_m=0.0,
    )
    return frames


# --- hand-built tracks -----------------------------------------------------------------


@pytest.mark.parametrize("params", PROFILES, ids=lambda p: p.profile)
def test_ships_crossing_at_speed_within_300_m_is_no_encounter(params: EncounterParams) -> None:
    every = timedelta(minutes=5)
    frames = crossing(A, B, T0, 34.0, 124.0, passing_m=300.0, speed_kn=12.0, report_every=every)
    assert all(8 <= f.height <= 30 for f in frames)
    assert events(frames, params) == []


@pytest.mark.parametrize("params", PROFILES, ids=lambda p: p.profile)
def test_convoy_at_10_kn_within_500_m_is_no_encounter(params: EncounterParams) -> None:
    every = timedelta(minutes=15)
    frames = convoy(A, B, T0, 34.0, 124.0, apart_m=480.0, report_every=every)
    assert all(8 <= f.height <= 30 for f in frames)
    assert events(frames, params) == []


def test_45_minute_meeting_is_no_encounter_in_either_profile() -> None:
    frames = coarse_meeting(timedelta(minutes=45))
    assert events(frames, GFW) == []
    assert events(frames, DPRK) == []


def test_70_minute_meeting_is_an_encounter_in_dprk_only() -> None:
    frames = coarse_meeting(timedelta(minutes=70))
    assert events(frames, GFW) == []
    assert len(events(frames, DPRK)) == 1


def test_45_minute_meeting_with_a_north_korean_mmsi_is_flagged_in_dprk_only() -> None:
    frames = coarse_meeting(timedelta(minutes=45), mmsi=(A, 445_000_009))
    assert events(frames, GFW) == []
    [event] = events(frames, DPRK)
    assert event["mmsi"] == [A, 445_000_009]
    assert frames[0].height <= 30


@pytest.mark.parametrize("params", PROFILES, ids=lambda p: p.profile)
def test_3_hour_meeting_at_1_kn_within_200_m_gives_one_event_with_its_window(
    params: EncounterParams,
) -> None:
    frames = coarse_meeting(timedelta(hours=3), distance_m=180.0, drift_kn=1.0)
    assert all(8 <= f.height <= 30 for f in frames)
    [event] = events(frames, params)
    assert event["mmsi"] == [A, B] and event["type"] == "encounter"
    assert abs(event["start"] - T0) <= params.tick
    assert abs(event["end"] - (T0 + timedelta(hours=3))) <= params.tick
    evidence = event["evidence"]
    assert 170 <= evidence["median_distance_m"] <= 190
    assert [v["mmsi"] for v in evidence["vessels"]] == [A, B]
    assert all(0.8 <= v["median_speed_kn"] <= 1.2 for v in evidence["vessels"])
    assert all(v["point_count"] == 13 for v in evidence["vessels"])  # reports at 0, 15, ... 180 min
    assert evidence["profile"] == params.profile and evidence["params"] == params.as_dict()
    assert event["id"] == detect_encounters(positions(frames), params)["id"][0].as_py()


def test_ships_moored_at_adjacent_piers_are_an_encounter() -> None:
    # Literal rows: two ships alongside adjacent piers (60 m apart), class A moored
    # reports thinned to every 20 minutes, SOG 0, no COG, fixed heading.
    times = [T0 + timedelta(minutes=20 * k) for k in range(19)]
    pier_a = [(35.0950, 129.0400 + 1e-6 * (k % 3)) for k in range(19)]
    pier_b = [(35.0950 + 0.00054, 129.0400) for _ in range(19)]
    frames = [
        pl.DataFrame(
            {
                "mmsi": [mmsi] * 19,
                "ts": times,
                "lat": [p[0] for p in pier],
                "lon": [p[1] for p in pier],
                "sog_kn": [0.0] * 19,
                "heading_deg": [heading] * 19,
            }
        )
        for mmsi, pier, heading in ((A, pier_a, 45), (B, pier_b, 45))
    ]
    for params in PROFILES:
        [event] = events(frames, params)
        assert event["start"] == T0 and event["end"] == times[-1]
        assert event["evidence"]["heading_difference_deg"] == 0.0
    assert events(frames, DPRK)[0]["subtype"] == "alongside"


@pytest.mark.parametrize("params", PROFILES, ids=lambda p: p.profile)
def test_meeting_across_midnight_is_one_event(params: EncounterParams) -> None:
    start = datetime(2024, 3, 1, 22, 30, tzinfo=UTC)
    [event] = events(coarse_meeting(timedelta(hours=4), start=start), params)
    assert event["start"].date() < event["end"].date()
    assert event["duration_h"] >= 4 - 2 * params.tick / timedelta(hours=1)


def test_runs_less_than_4_h_apart_merge_and_further_ones_do_not() -> None:
    legs = [Leg(timedelta(hours=3), 0.0, 0.0)]
    for pause, expected in ((timedelta(hours=3), 1), (timedelta(hours=5), 2)):
        a = track(
            A,
            T0,
            34.0,
            124.0,
            [*legs, Leg(pause + legs[0].duration, 0.0, 0.0)],
            report_every=timedelta(minutes=20),
        )
        b1 = track(B, T0, 34.001, 124.0, legs, report_every=timedelta(minutes=20))
        b2 = track(
            B,
            T0 + legs[0].duration + pause,
            34.001,
            124.0,
            legs,
            report_every=timedelta(minutes=20),
        )
        found = events([a, b1, b2], GFW)
        assert len(found) == expected
        assert found[0]["evidence"]["runs_merged"] == 3 - expected


def test_one_missing_tick_splits_a_run_in_gfw_but_not_in_dprk() -> None:
    # B steps 700 m away for 10 minutes in the middle of a 6 h meeting (reports every 10 min).
    times = [T0 + timedelta(minutes=10 * k) for k in range(31)]
    b_lat = [34.0 + (0.0063 if k == 15 else 0.001) for k in range(31)]
    frames = [
        pl.DataFrame({"mmsi": [A] * 31, "ts": times, "lat": [34.0] * 31, "lon": [124.0] * 31}),
        pl.DataFrame({"mmsi": [B] * 31, "ts": times, "lat": b_lat, "lon": [124.0] * 31}),
    ]
    dprk = replace(DPRK, tick=timedelta(minutes=10))
    assert [e["evidence"]["runs_merged"] for e in events(frames, GFW)] == [2]
    assert [e["evidence"]["runs_merged"] for e in events(frames, dprk)] == [1]


def test_dprk_bridges_a_90_minute_silence_only_when_both_vessels_are_slow() -> None:
    # 6 h side by side, 10-minute reports; A is silent from 2 h to 3 h 30 min.
    every, legs = timedelta(minutes=10), [Leg(timedelta(hours=6), 0.3, 90.0)]
    a = track(A, T0, 34.0, 124.0, legs, report_every=every)
    silent = (pl.col("ts") > T0 + timedelta(hours=2)) & (pl.col("ts") < T0 + timedelta(hours=3.5))
    frames = [a.filter(~silent), track(B, T0, 34.001, 124.0, legs, report_every=every)]
    assert len(a.filter(~silent)) <= 30
    [gfw] = events(frames, GFW)
    [dprk] = events(frames, DPRK)
    assert gfw["evidence"]["runs_merged"] == 2 and gfw["evidence"]["slow_gap_ticks"] == 0
    assert dprk["evidence"]["runs_merged"] == 1 and dprk["evidence"]["slow_gap_ticks"] == 17
    fast_b = track(B, T0, 34.001, 124.0, [Leg(timedelta(hours=6), 1.5, 90.0)], report_every=every)
    a_fast = track(A, T0, 34.0, 124.0, [Leg(timedelta(hours=6), 1.5, 90.0)], report_every=every)
    [dprk_fast] = events([a_fast.filter(~silent), fast_b], DPRK)
    assert dprk_fast["evidence"]["runs_merged"] == 2  # 1.5 kn is not slow enough to bridge


def test_one_mmsi_is_never_paired_with_itself() -> None:
    frames = coarse_meeting(timedelta(hours=3), mmsi=(A, A))
    df = positions(frames).with_columns(
        segment_id=pl.format("{}-{}", "mmsi", pl.col("cog_deg").round(0))
    )
    assert detect_encounters(df, GFW).num_rows == 0


def test_input_forms_and_errors() -> None:
    frames = coarse_meeting(timedelta(hours=3))
    df = pl.concat(frames).drop("sog_kn", "cog_deg", "heading_deg")
    assert detect_encounters(df.to_arrow(), GFW).num_rows == 1  # no row_id, no segment_id
    assert detect_encounters(df.head(0), GFW).num_rows == 0
    with pytest.raises(InputError, match="lack columns"):
        detect_encounters(df.drop("lat"), GFW)
    with pytest.raises(InputError, match="expected one of"):
        encounter_params("skylight")
    with pytest.raises(SetoriError, match="min_duration"):
        replace(GFW, min_duration=timedelta(hours=-1))


def test_profiles_match_detection_md() -> None:
    assert (GFW.tick, DPRK.tick) == (timedelta(minutes=10), timedelta(minutes=5))
    assert (GFW.min_duration, DPRK.min_duration) == (timedelta(hours=2), timedelta(hours=1))
    assert (GFW.missing_ticks_tolerated, DPRK.missing_ticks_tolerated) == (0, 1)
    assert DPRK.slow_interpolation_gap == timedelta(hours=2) and DPRK.alongside_distance_m == 100
    assert encounter_params("dprk") is DPRK


# --- resampling ------------------------------------------------------------------------


def _ticks(frames: list[pl.DataFrame], params: EncounterParams) -> pl.DataFrame:
    t = resample(segment_positions_of(positions(frames)), params)
    step_ms = params.tick // timedelta(milliseconds=1)
    return pl.DataFrame(
        {
            "seg": t.segment,
            "ms": t.tick * step_ms,
            "lat": t.lat,
            "lon": t.lon,
            "kind": t.kind,
            "speed_kn": t.speed_kn,
        }
    )


def test_resample_interpolates_short_gaps_and_dead_reckons_at_most_1_h() -> None:
    start = datetime(2024, 3, 1, 18, 3, tzinfo=UTC)
    ts = [start, start + timedelta(minutes=50), start + timedelta(minutes=165)]
    frame = pl.DataFrame(
        {
            "mmsi": [A] * 3,
            "ts": ts,
            "lat": [0.0, 0.05, 0.1],
            "lon": [0.0] * 3,
            "sog_kn": [3.6, 3.6, 1.0],
            "cog_deg": [0.0, 0.0, 90.0],
        }
    )
    ticks = _ticks([frame], GFW)
    ms = ticks["ms"].to_numpy()
    first, last = (int(t.timestamp() * 1000) for t in (ts[0], ts[-1]))
    assert ms.min() >= first - 3_600_000 and ms.max() <= last + 3_600_000
    inside = ticks.filter((pl.col("ms") > first + 50 * 60_000) & (pl.col("ms") < last))
    assert inside.height == 0  # a 2 h gap is not interpolated (gfw)
    after = ticks.filter(pl.col("ms") > last)
    assert (after["kind"] == KIND_EXTRAPOLATED).all() and (
        after["lon"].diff().drop_nulls() > 0
    ).all()
    dprk = _ticks(
        [frame.with_columns(sog_kn=pl.lit(0.2), lat=pl.Series([0.0, 0.001, 0.002]))], DPRK
    )
    assert (dprk["kind"] == KIND_SLOW_GAP).sum() == 23  # 115 min gap, slow: interpolated


def test_resample_handles_the_antimeridian() -> None:
    ts = [T0, T0 + timedelta(minutes=30)]
    frame = pl.DataFrame({"mmsi": [A] * 2, "ts": ts, "lat": [0.0, 0.0], "lon": [179.999, -179.999]})
    ticks = _ticks([frame], replace(GFW, max_extrapolation=timedelta(0)))
    assert ticks["lon"].abs().min() > 179.99
    assert ticks["speed_kn"].max() < 1.0


# --- spatial hashing -------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.floats(-89.99, 89.99), st.floats(-180, 180)),
        min_size=0,
        max_size=60,
    ),
    st.floats(10.0, 3000.0),
    st.integers(0, 2**31),
)
def test_close_pairs_equal_brute_force(
    points: list[tuple[int, float, float]], radius_m: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    base = np.array([[t, lat, lon] for t, lat, lon in points]).reshape(-1, 3)
    near = base + np.column_stack([np.zeros(len(base)), rng.normal(0, 0.003, (len(base), 2))])
    data = np.concatenate([base, near])
    data[:, 1] = np.clip(data[:, 1], -90, 90)
    tick = data[:, 0].astype(np.int64)
    xyz = unit_vectors(data[:, 1], data[:, 2])
    chord = 2 * np.sin(radius_m / 2 / 6_371_008.8)
    i, j = close_pairs(tick, xyz, chord)
    got = set(zip(i.tolist(), j.tolist(), strict=True))
    d2 = ((xyz[:, None, :] - xyz[None, :, :]) ** 2).sum(axis=2)
    same = tick[:, None] == tick[None, :]
    bi, bj = np.nonzero(np.triu(same & (d2 <= chord * chord), k=1))
    assert got == set(zip(bi.tolist(), bj.tolist(), strict=True))


# --- properties ------------------------------------------------------------------------

meetings = st.fixed_dictionaries(
    {
        "minutes": st.integers(20, 300),
        "distance_m": st.floats(0.0, 700.0),
        "drift_kn": st.floats(0.0, 2.5),
        "every_a": st.integers(1, 20),
        "every_b": st.integers(1, 20),
        "offset_min": st.integers(0, 24 * 60),
        "seed": st.integers(0, 2**31),
        "profile": st.sampled_from(["gfw", "dprk"]),
    }
)
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _meeting_positions(m: dict[str, Any]) -> pl.DataFrame:
    rng = np.random.default_rng(m["seed"])
    every = (timedelta(minutes=m["every_a"]), timedelta(minutes=m["every_b"]))
    frames, _ = meeting(
        A,
        B,
        T0 + timedelta(minutes=m["offset_min"]),
        34.0,
        124.0,
        timedelta(minutes=m["minutes"]),
        distance_m=m["distance_m"],
        drift_kn=m["drift_kn"],
        report_every=every,
        rng=rng,
    )
    return positions(frames)


def _swap_vessels(event: dict[str, Any]) -> dict[str, Any]:
    evidence = json.loads(event["evidence"])
    vessels = evidence.pop("vessels")
    for v in vessels:
        v.pop("mmsi")
        v.pop("segment_ids")
        v.pop("first_row_id")
        v.pop("last_row_id")
    return {**event, "segment_ids": None, "evidence": evidence, "vessels": vessels}


@PROPERTY
@given(meetings)
def test_symmetric_in_the_two_vessels(m: dict[str, Any]) -> None:
    df = _meeting_positions(m)
    params = encounter_params(m["profile"])
    swapped = df.with_columns(mmsi=pl.when(pl.col("mmsi") == A).then(B).otherwise(A))
    swapped = swapped.with_columns(segment_id=pl.format("{}-1", "mmsi"))
    original = [_swap_vessels(e) for e in detect_encounters(df, params).to_pylist()]
    mirrored = [_swap_vessels(e) for e in detect_encounters(swapped, params).to_pylist()]
    for event in mirrored:
        event["vessels"].reverse()
    assert mirrored == original


@PROPERTY
@given(meetings, st.integers(-5000, 5000))
def test_shifting_all_times_shifts_events_equally(m: dict[str, Any], ticks: int) -> None:
    df = _meeting_positions(m)
    params = encounter_params(m["profile"])
    shift = ticks * timedelta(minutes=10)
    before = detect_encounters(df, params).drop_columns(["id"]).to_pylist()
    after = detect_encounters(df.with_columns(pl.col("ts") + shift), params)
    after_rows = after.drop_columns(["id"]).to_pylist()
    for row in after_rows:
        row["start"] -= shift
        row["end"] -= shift
    assert after_rows == before


@PROPERTY
@given(meetings, st.floats(0.0, 1.0))
def test_splitting_the_input_in_two_tables_gives_the_same_events(
    m: dict[str, Any], at: float
) -> None:
    df = _meeting_positions(m)
    params = encounter_params(m["profile"])
    lo, hi = df["ts"].min(), df["ts"].max()
    cut = lo + (hi - lo) * at  # type: ignore[operator]
    first, second = df.filter(pl.col("ts") < cut), df.filter(pl.col("ts") >= cut)
    joined = pa.concat_tables([second.to_arrow(), first.to_arrow()])
    assert detect_encounters(joined, params).equals(detect_encounters(df, params))


@PROPERTY
@given(meetings, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_overlapping_chunks_give_the_same_events(
    m: dict[str, Any], at: float, width: float
) -> None:
    df = _meeting_positions(m)
    params = encounter_params(m["profile"])
    lo, hi = df["ts"].min(), df["ts"].max()
    cut = lo + (hi - lo) * at  # type: ignore[operator]
    overlap = (hi - lo) * width / 4  # type: ignore[operator]
    first = df.filter(pl.col("ts") < cut + overlap)
    second = df.filter(pl.col("ts") >= cut - overlap)
    assert detect_encounters(pl.concat([first, second]), params).equals(
        detect_encounters(df, params)
    )


# --- planted scenario ------------------------------------------------------------------


@pytest.mark.parametrize("params", PROFILES, ids=lambda p: p.profile)
@pytest.mark.parametrize("seed", [1, 2])
def test_precision_and_recall_on_planted_encounters(params: EncounterParams, seed: int) -> None:
    df, truth = scenario(np.random.default_rng(seed), n_encounters=20, n_negatives=24)
    found = detect_encounters(df, params)
    precision, recall = precision_recall(found, truth)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
