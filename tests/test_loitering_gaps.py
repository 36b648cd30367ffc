"""Loitering, AIS gaps, reception raster and dark rendezvous (docs/detect-loitering-gaps.md).

Hand-built tracks: ``_track`` lays positions on a meridian, moving north at ``speed_kn``,
at the listed minutes after ``T0``. Real data: two DMA "AIS abnormal" drift recordings,
read with pyais (the $PGHP line before each sentence gives its time).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais import decode

from setori.detect.dark_rendezvous import (
    DarkRendezvousParams,
    detect_dark_rendezvous,
    sun_elevation_deg,
)
from setori.detect.events import EVENTS
from setori.detect.gaps import GapParams, detect_gaps
from setori.detect.loitering import LoiteringParams, detect_loitering
from setori.detect.reception import reception_raster
from setori.errors import SetoriError

T0 = datetime(2024, 3, 1, tzinfo=UTC)  # 08:30 local time at 124.85° E
DEG_PER_M = 1 / 111_195.0
CHO_DO = (38.55, 124.85)  # West Korea Bay, detection.md §8.4 hotspot


def _track(
    mmsi: int,
    minutes: list[int],
    *,
    speed_kn: float = 0.0,
    at: tuple[float, float] = CHO_DO,
    segment: str | None = None,
    first_row: int = 0,
) -> pl.DataFrame:
    lat0, lon0 = at
    lat = [lat0 + speed_kn * 1852 / 60 * m * DEG_PER_M for m in minutes]
    n = len(minutes)
    return pl.DataFrame(
        {
            "row_id": [mmsi * 10_000 + first_row + i for i in range(n)],
            "mmsi": [mmsi] * n,
            "segment_id": [segment or f"{mmsi}-a"] * n,
            "ts": [T0 + timedelta(minutes=m) for m in minutes],
            "lat": lat,
            "lon": [lon0] * n,
            "sog_kn": [speed_kn] * n,
        },
        schema={
            "row_id": pl.UInt64,
            "mmsi": pl.Int32,
            "segment_id": pl.String,
            "ts": pl.Datetime("ms", "UTC"),
            "lat": pl.Float64,
            "lon": pl.Float64,
            "sog_kn": pl.Float32,
        },
    )


def _rows(events: pa.Table) -> list[dict[str, Any]]:
    assert events.schema.equals(EVENTS)
    rows = events.to_pylist()
    for row in rows:
        row["tags"], row["evidence"] = json.loads(row["tags"]), json.loads(row["evidence"])
    return rows


def _minutes(start: int, stop: int, step: int) -> list[int]:
    return list(range(start, stop, step))


# --- loitering -------------------------------------------------------------------------


def test_anchored_vessel_gives_one_anchored_event_with_its_window() -> None:
    track = _track(1, _minutes(0, 200, 10), speed_kn=0.1)  # 20 rows, 3 h 10 min, 590 m
    [event] = _rows(detect_loitering(track))
    assert (event["type"], event["subtype"], event["mmsi"]) == ("loitering", "anchored", [1])
    assert (event["start"], event["end"]) == (T0, T0 + timedelta(minutes=190))
    evidence = event["evidence"]
    assert evidence["point_count"] == 20
    assert (evidence["first_row_id"], evidence["last_row_id"]) == (10_000, 10_019)
    assert evidence["avg_speed_kn"] == pytest.approx(0.1, rel=1e-3)
    assert evidence["hours"] == pytest.approx(190 / 60, rel=1e-4)
    assert evidence["radius_m"] == pytest.approx(0.1 * 1852 * 190 / 60 / 2, rel=0.01)
    assert evidence["parameters"]["max_speed_kn"] == 2.0
    assert evidence["detector_version"] == event["detector_version"] == "loitering/2"


def test_drifting_vessel_is_drifting() -> None:
    [event] = _rows(detect_loitering(_track(2, _minutes(0, 190, 10), speed_kn=1.2)))
    assert event["subtype"] == "drifting"
    assert event["evidence"]["radius_m"] > 500


def test_vessel_at_ten_knots_does_not_loiter() -> None:
    assert detect_loitering(_track(3, _minutes(0, 300, 10), speed_kn=10)).num_rows == 0


def test_ninety_minutes_slow_is_too_short() -> None:
    assert detect_loitering(_track(4, _minutes(0, 100, 10), speed_kn=0.5)).num_rows == 0


def test_run_ends_when_vessel_gets_under_way() -> None:
    slow = _track(5, _minutes(0, 181, 10), speed_kn=0.3)
    end = slow["lat"][-1]
    fast = _track(5, _minutes(190, 300, 10), speed_kn=12, first_row=100)
    fast = fast.with_columns(lat=end + (pl.col("lat") - pl.col("lat").first()) + 0.006)
    [event] = _rows(detect_loitering(pl.concat([slow, fast])))
    assert event["start"] == T0
    # the step ending at 03:00 belongs to the 03:00 bucket, which the 12 kn steps make fast
    assert event["end"] == T0 + timedelta(minutes=170)


def test_anchored_vessel_arriving_and_leaving_within_slow_buckets_is_anchored() -> None:
    """At anchor 00:06-04:54, arriving and leaving at 10 kn: the 00:00 and 04:00 buckets
    hold 6-8 minutes at 10 kn yet average < 2 kn, so the run starts with the step from
    23:58 (2.5 km out) and ends at 04:58 (1.2 km out). The shape is of the settled
    positions, so the radius is the anchorage's (it was 2,441 m, ``drifting``)."""
    minutes = _minutes(-20, 312, 2)
    m_per_min = 10 * 1852 / 60
    north_m = [m_per_min * (min(m - 6, 0) + max(m - 294, 0)) for m in minutes]
    track = _track(8, minutes).with_columns(lat=pl.col("lat") + pl.Series(north_m) * DEG_PER_M)
    [event] = _rows(detect_loitering(track))
    assert (event["start"], event["end"]) == (
        T0 - timedelta(minutes=2),
        T0 + timedelta(minutes=298),
    )
    evidence = event["evidence"]
    assert evidence["avg_speed_kn"] < 0.5
    assert (event["subtype"], evidence["radius_m"]) == ("anchored", 0.0)
    assert (event["lat"], event["lon"]) == pytest.approx(CHO_DO)


def test_long_silence_splits_gfw_runs_but_not_dprk() -> None:
    minutes = [*_minutes(0, 91, 10), *_minutes(180, 271, 10)]  # 1.5 h, 90 min silent, 1.5 h
    track = _track(6, minutes, speed_kn=0.1)
    assert detect_loitering(track, LoiteringParams.gfw()).num_rows == 0
    [event] = _rows(detect_loitering(track, LoiteringParams.dprk()))
    assert (event["profile"], event["duration_h"]) == ("dprk", 4.5)


def test_gps_jitter_of_ten_second_reports_is_thinned_away() -> None:
    """3 h at anchor, a report every 10 s with 5 m of independent GPS noise."""
    noise = np.random.default_rng(0).normal(0, 5 * DEG_PER_M, size=(2, 1080))
    track = _track(7, [0] * 1080).with_columns(
        ts=pl.col("ts") + pl.duration(seconds=pl.int_range(0, 1080) * 10),
        lat=pl.col("lat") + noise[0],
        lon=pl.col("lon") + noise[1] / math.cos(math.radians(CHO_DO[0])),
    )
    [thinned] = _rows(detect_loitering(track))
    assert (thinned["subtype"], thinned["evidence"]["point_count"]) == ("anchored", 180)
    [raw] = _rows(detect_loitering(track, LoiteringParams(thinning=timedelta(0))))
    assert raw["subtype"] == "drifting"
    assert raw["evidence"]["avg_speed_kn"] > 1.5


def test_missing_columns_and_bad_params_raise_setori_errors() -> None:
    with pytest.raises(SetoriError, match="segment_id"):
        detect_loitering(_track(1, [0, 10]).drop("segment_id"))
    with pytest.raises(SetoriError, match="anchored"):
        LoiteringParams(anchored_speed_kn=3.0)


# --- gaps --------------------------------------------------------------------------------


def test_three_hour_gap_is_raw_with_distance_and_slack() -> None:
    track = _track(10, [0, 10, 20, 200, 210], speed_kn=10)
    [gap] = _rows(detect_gaps(track))
    assert (gap["type"], gap["subtype"]) == ("gap", "raw")
    assert (gap["start"], gap["end"], gap["duration_h"]) == (
        T0 + timedelta(minutes=20),
        T0 + timedelta(minutes=200),
        3.0,
    )
    evidence = gap["evidence"]
    assert evidence["distance_m"] == pytest.approx(10 * 1852 * 3, rel=1e-3)
    assert evidence["implied_speed_kn"] == pytest.approx(10, rel=1e-3)
    assert evidence["typical_speed_kn"] == pytest.approx(10)
    assert evidence["slack_h"] == pytest.approx(0, abs=0.01)
    assert (evidence["start_row_id"], evidence["end_row_id"]) == (100_002, 100_003)
    assert gap["tags"] == {
        "dense_prior_reporting": False,
        "is_multi_vessel_gap": False,
        "open": False,
        "reception_good": False,
    }


def _dense_then_silent(mmsi: int) -> pl.DataFrame:
    """25 reports 6 min apart (2.5 h, 8+ per vessel-hour), 13 h of silence, 3 reports."""
    return _track(mmsi, [*_minutes(0, 150, 6), *_minutes(144 + 780, 144 + 800, 6)], speed_kn=0.0)


def test_thirteen_hour_gap_in_dense_area_is_likely_disabling() -> None:
    [gap] = _rows(detect_gaps(_dense_then_silent(11)))
    assert gap["subtype"] == "likely_disabling"
    assert gap["duration_h"] == 13.0
    assert gap["evidence"]["prior_positions"] == 25
    assert gap["evidence"]["reception_pvh"] >= 6
    assert "not_likely_disabling" not in gap["tags"]


def test_thirteen_hour_gap_after_sparse_reporting_is_not_likely_disabling() -> None:
    sparse = _track(12, [*_minutes(0, 300, 30), 300 + 780])  # 10 reports in 5 h
    dense_area = reception_raster(_dense_then_silent(99))  # other vessels are heard there
    [gap] = _rows(detect_gaps(sparse, reception=dense_area))
    assert gap["subtype"] == "notable"
    assert gap["tags"]["not_likely_disabling"] == ["sparse_prior_reporting"]
    assert gap["tags"]["reception_good"] is True


def _heard_by_three_stations(track: pl.DataFrame) -> pl.DataFrame:
    """Each report three times, 0.2 s apart, with its own row id (as the store keeps them)."""
    copies = [
        track.with_columns(pl.col("row_id") + 1_000 * k, pl.col("ts") + timedelta(seconds=0.2 * k))
        for k in range(3)
    ]
    return pl.concat(copies)


def test_reports_heard_by_several_stations_count_once() -> None:
    sparse = _heard_by_three_stations(_track(12, [*_minutes(0, 300, 30), 300 + 780]))
    dense_area = reception_raster(_dense_then_silent(99))
    [gap] = _rows(detect_gaps(sparse, reception=dense_area))
    assert gap["evidence"]["prior_positions"] == 10  # 30 rows, 10 vessel-minutes
    assert gap["tags"]["not_likely_disabling"] == ["sparse_prior_reporting"]
    [cell] = reception_raster(sparse).to_dicts()
    assert (cell["positions"], cell["receptions"]) == (11, 33)


def test_thirteen_hour_gap_where_reception_is_poor_is_not_likely_disabling() -> None:
    poor_area = reception_raster(_track(98, _minutes(0, 600, 60)))  # one report per hour
    [gap] = _rows(detect_gaps(_dense_then_silent(13), reception=poor_area))
    assert gap["subtype"] == "notable"
    assert gap["tags"]["not_likely_disabling"] == ["poor_reception"]


def test_silent_segment_at_end_of_data_is_an_open_gap() -> None:
    silent = _track(14, _minutes(0, 60, 10))
    other = _track(15, _minutes(0, 600, 30))
    [gap] = _rows(detect_gaps(pl.concat([silent, other])))
    assert (gap["mmsi"], gap["end"], gap["tags"]["open"]) == ([14], None, True)
    assert gap["duration_h"] == pytest.approx(520 / 60)  # to the last position in the data
    assert gap["evidence"]["as_of"] == (T0 + timedelta(minutes=570)).isoformat()
    assert gap["subtype"] == "notable"
    now = T0 + timedelta(hours=20)
    [later] = _rows(detect_gaps(pl.concat([silent, other]).filter(pl.col("mmsi") == 14), now=now))
    assert later["duration_h"] == pytest.approx(19 + 10 / 60)


def test_silence_between_two_segments_is_an_mmsi_gap() -> None:
    first = _track(16, _minutes(0, 30, 10), segment="16-a")
    second = _track(16, _minutes(30 * 60, 30 * 60 + 30, 10), segment="16-b", first_row=50)
    [gap] = _rows(detect_gaps(pl.concat([first, second])))
    assert gap["evidence"]["scope"] == "mmsi"
    assert gap["segment_ids"] == ["16-a", "16-b"]
    assert gap["duration_h"] == pytest.approx(30 - 20 / 60)
    assert gap["tags"]["is_multi_vessel_gap"] is False


def test_gap_while_another_segment_of_the_mmsi_reports_is_multi_vessel() -> None:
    gappy = _track(17, [0, 10, 200, 210], segment="17-a")
    other = _track(17, _minutes(5, 215, 20), at=(30.0, 123.0), segment="17-b", first_row=50)
    [gap] = [g for g in _rows(detect_gaps(pl.concat([gappy, other]))) if g["subtype"] == "raw"]
    assert gap["segment_ids"] == ["17-a"]
    assert gap["tags"]["is_multi_vessel_gap"] is True
    assert gap["evidence"]["other_segments"] == 1


def test_draught_change_and_reachable_dprk_ports() -> None:
    near_nampo = _track(18, [0, 10, 20, 20 + 8 * 60, 20 + 8 * 60 + 10], at=(38.6, 125.2))
    statics = pl.DataFrame(
        {"mmsi": [18, 18], "ts": [T0, T0 + timedelta(hours=9)], "draught_m": [5.5, 9.0]},
        schema={"mmsi": pl.Int32, "ts": pl.Datetime("ms", "UTC"), "draught_m": pl.Float32},
    )
    [gap] = _rows(detect_gaps(near_nampo, statics=statics))
    evidence = gap["evidence"]
    assert (evidence["draught_before_m"], evidence["draught_after_m"]) == (5.5, 9.0)
    assert evidence["draught_change_m"] == 3.5
    assert (evidence["typical_speed_source"], evidence["slack_h"]) == ("fallback", 8.0)
    names = [port["name"] for port in evidence["reachable_ports"]]
    assert names[0] == "NAMPO"  # nearest first
    assert "HAEJU" not in names  # 80 km: 2 x 80 km at 10 kn takes 8.6 h > 8 h of slack
    dprk = _rows(detect_gaps(near_nampo, GapParams.dprk()))[0]["evidence"]["reachable_ports"]
    assert {port["kind"] for port in dprk} == {"dprk_port"}  # Vostochny is too far


def test_reception_raster_counts_positions_per_vessel_hour() -> None:
    two = pl.concat([_track(20, _minutes(0, 120, 10)), _track(21, [0, 30])])
    [cell] = reception_raster(two).to_dicts()
    assert (cell["positions"], cell["vessel_hours"], cell["vessels"]) == (14, 3, 2)
    assert cell["positions_per_vessel_hour"] == pytest.approx(14 / 3)
    assert (cell["lat_cell"], cell["lon_cell"]) == (385, 1248)


# --- dark rendezvous -----------------------------------------------------------------------


def _loiterer_and_gapper(gapper_at: tuple[float, float], start_min: int = 0) -> pl.DataFrame:
    loiterer = _track(30, _minutes(start_min, start_min + 300, 15), speed_kn=0.1)
    gapper = _track(31, [start_min + m for m in (0, 10, 20, 60 * 5, 60 * 5 + 10)], at=gapper_at)
    return pl.concat([loiterer, gapper])


def _rendezvous(positions: pl.DataFrame) -> list[dict[str, Any]]:
    loitering = detect_loitering(positions)
    gaps = detect_gaps(positions)
    return _rows(detect_dark_rendezvous(loitering, gaps, positions))


def test_loiterer_next_to_another_vessels_gap_is_a_dark_rendezvous() -> None:
    positions = _loiterer_and_gapper((38.60, 124.90))  # ~7 km away
    loitering = _rows(detect_loitering(positions))
    gaps = [g for g in _rows(detect_gaps(positions)) if g["mmsi"] == [31]]
    [event] = [e for e in _rendezvous(positions) if e["evidence"]["loitering_mmsi"] == 30]
    evidence = event["evidence"]
    assert (event["type"], event["subtype"], event["mmsi"]) == (
        "dark_rendezvous",
        "gap_start_and_end",
        [30, 31],
    )
    assert evidence["loitering_event_id"] == next(e["id"] for e in loitering if e["mmsi"] == [30])
    assert evidence["gap_event_id"] == gaps[0]["id"]
    assert 6_000 < evidence["distance_m"] < 8_000
    # nearest end point: reappeared 15 min after the loitering ended, 6.4 km from the loiterer
    assert [p["endpoint"] for p in evidence["matched_endpoints"]] == ["end", "start"]
    assert evidence["time_offset_h"] == 0.25
    assert evidence["night_share"] == 0.0  # 08:30-13:15 local time
    assert evidence["gap_overlap_h"] == pytest.approx(265 / 60, abs=1e-4)


def test_loiterer_far_from_the_gap_is_no_rendezvous() -> None:
    positions = _loiterer_and_gapper((37.2, 124.90))  # ~150 km away
    assert _rendezvous(positions) == []


def test_rendezvous_across_the_antimeridian() -> None:
    loiterer = _track(30, _minutes(0, 300, 15), speed_kn=0.1, at=(52.0, 179.99))
    gapper = _track(31, [0, 10, 20, 300, 310], at=(52.0, -179.99))  # 1.4 km east
    [event] = [e for e in _rendezvous(pl.concat([loiterer, gapper])) if e["mmsi"] == [30, 31]]
    assert event["evidence"]["distance_m"] < 2_000


def test_night_share_of_a_rendezvous_at_night() -> None:
    positions = _loiterer_and_gapper((38.60, 124.90), start_min=15 * 60 + 30)  # 00:00 local
    [event] = [e for e in _rendezvous(positions) if e["evidence"]["loitering_mmsi"] == 30]
    assert event["evidence"]["night_share"] == 1.0
    assert event["tags"]["night_share_over_half"] is True


def test_sun_elevation_matches_noaa_at_solstice_noon_and_midnight() -> None:
    noon = int(datetime(2024, 6, 20, 12, tzinfo=UTC).timestamp() * 1000)
    out = pl.select(sun_elevation_deg(pl.lit(noon), pl.lit(23.44), pl.lit(0.0))).item()
    assert out == pytest.approx(90, abs=1)
    midnight = pl.select(sun_elevation_deg(pl.lit(noon), pl.lit(23.44), pl.lit(180.0))).item()
    assert midnight == pytest.approx(-(90 - 2 * 23.44), abs=1)


# --- properties ----------------------------------------------------------------------------

_legs = st.lists(
    st.tuples(st.integers(1, 240), st.sampled_from([0.0, 0.3, 1.0, 1.8, 5.0, 12.0])),
    min_size=8,
    max_size=30,
)


def _random_fleet(legs_by_vessel: list[list[tuple[int, float]]]) -> pl.DataFrame:
    """Vessels whose reports are ``minutes`` apart at the given speed (row ids fixed)."""
    frames = []
    for k, legs in enumerate(legs_by_vessel):
        minutes, lat, t, y = [], [], 0, 38.0 + k * 0.05
        for gap_min, speed_kn in legs:
            t, y = t + gap_min, y + speed_kn * 1852 / 60 * gap_min * DEG_PER_M
            minutes.append(t)
            lat.append(y)
        frame = _track(40 + k, minutes).with_columns(lat=pl.Series(lat))
        frames.append(frame.with_columns(sog_kn=pl.lit(None, pl.Float32)))
    return pl.concat(frames)


def _all_events(positions: pl.DataFrame) -> dict[str, pa.Table]:
    loitering, gaps = detect_loitering(positions), detect_gaps(positions)
    rendezvous = detect_dark_rendezvous(loitering, gaps, positions, DarkRendezvousParams())
    return {"loitering": loitering, "gaps": gaps, "rendezvous": rendezvous}


def _comparable(events: pa.Table, shift: timedelta) -> list[dict[str, Any]]:
    """Events moved back by ``shift``, without what depends on absolute time.

    Ids hash the start time; the night-time share depends on where the sun is.
    """
    rows = _rows(events)
    for row in rows:
        row.pop("id")
        row["start"] -= shift
        row["end"] = None if row["end"] is None else row["end"] - shift
        row["tags"].pop("night_share_over_half", None)
        for key in ("as_of", "loitering_event_id", "gap_event_id", "night_share"):
            row["evidence"].pop(key, None)
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True, default=str))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_legs, min_size=1, max_size=3), st.integers(-20_000, 20_000))
@pytest.mark.slow
def test_shifting_all_times_by_whole_hours_shifts_events_equally(
    legs: list[list[tuple[int, float]]], shift_h: int
) -> None:
    positions, shift = _random_fleet(legs), timedelta(hours=shift_h)
    before = _all_events(positions)
    after = _all_events(positions.with_columns(pl.col("ts") + shift))
    for kind, events in before.items():
        assert _comparable(after[kind], shift) == _comparable(events, timedelta(0)), kind


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_legs, min_size=1, max_size=3), st.randoms(use_true_random=False))
@pytest.mark.slow
def test_splitting_input_into_two_tables_gives_the_same_events(
    legs: list[list[tuple[int, float]]], rnd: Any
) -> None:
    positions = _random_fleet(legs)
    mask = pl.Series([rnd.random() < 0.5 for _ in range(positions.height)])
    split = pl.concat([positions.filter(~mask), positions.filter(mask)])
    whole, parts = _all_events(positions), _all_events(split)
    for kind, events in whole.items():
        assert parts[kind].equals(events), kind


# --- real data -----------------------------------------------------------------------------


def _read_dma(path: Path) -> pl.DataFrame:
    """Single-sentence position reports of a DMA file, timed by the preceding $PGHP line.

    The same payload heard by several base stations counts once (its first reception).
    """
    rows, seen, ts = [], set(), None
    for line in path.read_text(encoding="ascii", errors="replace").splitlines():
        fields = line.split(",")
        if line.startswith("$PGHP"):
            y, mo, d, h, mi, s, ms = (int(f) for f in fields[2:9])
            ts = datetime(y, mo, d, h, mi, s, ms * 1000, tzinfo=UTC)
        elif line[3:6] == "VDM" and len(fields) > 6 and fields[1] == "1" and fields[5] not in seen:
            seen.add(fields[5])
            msg = decode(line)
            if msg.msg_type in (1, 2, 3, 18) and ts is not None:
                rows.append(
                    {
                        "ts": ts,
                        "mmsi": msg.mmsi,
                        "lat": msg.lat,
                        "lon": msg.lon,
                        "sog_kn": msg.speed,
                    }
                )
    df = pl.DataFrame(rows).with_row_index("row_id")
    return df.with_columns(
        pl.col("row_id").cast(pl.UInt64), segment_id=pl.col("mmsi").cast(pl.String)
    )


def test_real_drifting_vessel_212123000_loiters_twelve_hours(shared_data: Path) -> None:
    positions = _read_dma(shared_data / "dma-aisabnormal" / "212123000_drift_1.ais")
    # pyais: 901 distinct single-sentence position payloads (first receptions) of 2,563 reports
    # (SOURCES.md); tests/data/tracks keeps exactly these lines (tests/test_slices.py)
    assert positions.height == 901
    for params in (LoiteringParams.gfw(), LoiteringParams.dprk()):
        [event] = _rows(detect_loitering(positions, params))
        assert (event["mmsi"], event["subtype"]) == ([212123000], "drifting")
        assert event["start"] == datetime(2014, 10, 2, 16, 59, 45, 245000, tzinfo=UTC)
        assert event["end"] == datetime(2014, 10, 3, 4, 59, 46, 401000, tzinfo=UTC)
        assert event["evidence"]["hourly_buckets"] == 12
        assert 0.5 < event["evidence"]["avg_speed_kn"] < 0.7


def test_real_538004030_drifts_faster_than_the_loitering_limit(shared_data: Path) -> None:
    """Labelled "drift" by DMA, but its hourly implied speeds are 2.6-4.4 kn: no loitering."""
    positions = _read_dma(shared_data / "dma-aisabnormal" / "538004030_drift_1.ais")
    assert positions.height == 899  # pyais: distinct payloads of SOURCES.md's 5,029 reports
    assert detect_loitering(positions).num_rows == 0
    relaxed = LoiteringParams(max_speed_kn=5.0, min_duration=timedelta(hours=2))
    [event] = _rows(detect_loitering(positions, relaxed))
    assert event["subtype"] == "drifting"
    assert event["duration_h"] > 2.4
