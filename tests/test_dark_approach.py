"""Dark approach (detection.md §8.5): going dark toward DPRK waters, reappearing outbound."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from setori.detect.dark_approach import (
    DarkApproachParams,
    Waters,
    angle_off_deg,
    detect_dark_approach,
    initial_bearing_deg,
)
from setori.detect.run import detect
from setori.errors import InputError
from setori.geo.sphere import METRES_PER_NM, haversine_m
from tests.scenarios import Leg, finish, track

T0 = datetime(2024, 3, 1, 6, tzinfo=UTC)
#: South of the hand-drawn West Sea polygon, ~40 nm from it.
SOUTH_OF_WEST_SEA = (37.05, 124.3)


def _dark_trip(
    mmsi: int,
    lat: float,
    lon: float,
    *,
    course_in: float,
    course_out: float,
    dark: timedelta,
    speed_kn: float = 10.0,
) -> pl.DataFrame:
    """2 h at ``course_in``, silent for ``dark``, then 2 h at ``course_out`` from where the
    first leg ended (the vessel went somewhere and came back)."""
    before = track(mmsi, T0, lat, lon, [Leg(timedelta(hours=2), speed_kn, course_in)])
    last = before.row(-1, named=True)
    after = track(
        mmsi,
        T0 + timedelta(hours=2) + dark,
        last["lat"],
        last["lon"],
        [Leg(timedelta(hours=2), speed_kn, course_out)],
    )
    return pl.concat([before, after])


def _events(frames: list[pl.DataFrame]) -> pl.DataFrame:
    found = detect(finish(frames), types=("gap", "dark_approach")).events
    return pl.DataFrame(found).filter(pl.col("type") == "dark_approach")


def test_inbound_then_outbound_is_one_event_with_both_ends_explained() -> None:
    lat, lon = SOUTH_OF_WEST_SEA
    events = _events(
        [_dark_trip(412000001, lat, lon, course_in=0, course_out=180, dark=timedelta(hours=10))]
    )
    assert events.height == 1
    event = events.row(0, named=True)
    assert event["subtype"] == "inbound_outbound"
    assert event["mmsi"] == [412000001]
    assert event["start"] == T0 + timedelta(hours=2)
    evidence = json.loads(event["evidence"])
    inbound, outbound = evidence["ends"]
    assert inbound["direction"] == "inbound" and outbound["direction"] == "outbound"
    assert inbound["course_source"] == "reported_cog"
    assert 0 < inbound["distance_to_dprk_waters_nm"] <= 50
    assert inbound["angle_off_deg"] <= 45 and outbound["angle_off_deg"] >= 135
    assert evidence["parameters"]["max_distance_nm"] == 50.0
    assert evidence["detector_version"] == "dark_approach/1"


@pytest.mark.parametrize(
    ("course_in", "course_out", "dark_h", "at", "why"),
    [
        (180, 90, 10, SOUTH_OF_WEST_SEA, "heading away before, parallel after"),
        (0, 180, 4, SOUTH_OF_WEST_SEA, "gap shorter than 6 h"),
        (0, 180, 10, (31.0, 122.8), "far from DPRK waters (off Shanghai)"),
    ],
)
def test_negatives(
    course_in: float, course_out: float, dark_h: float, at: tuple[float, float], why: str
) -> None:
    trip = _dark_trip(
        412000002, *at, course_in=course_in, course_out=course_out, dark=timedelta(hours=dark_h)
    )
    assert _events([trip]).height == 0, why


def test_a_stopped_vessel_is_not_judged_by_its_cog() -> None:
    lat, lon = SOUTH_OF_WEST_SEA
    trip = _dark_trip(
        412000003, lat, lon, course_in=0, course_out=180, dark=timedelta(hours=10), speed_kn=0.2
    )
    assert _events([trip]).height == 0


def test_course_from_the_track_when_no_cog_is_reported() -> None:
    lat, lon = SOUTH_OF_WEST_SEA
    trip = _dark_trip(412000004, lat, lon, course_in=0, course_out=180, dark=timedelta(hours=10))
    trip = trip.with_columns(cog_deg=pl.lit(None, pl.Float32), sog_kn=pl.lit(None, pl.Float32))
    events = _events([trip])
    assert events["subtype"].to_list() == ["inbound_outbound"]
    ends = json.loads(events["evidence"][0])["ends"]
    assert {e["course_source"] for e in ends} == {"track_step"}


def test_east_sea_approach_is_found_too() -> None:
    # off Sokcho, heading north-east toward the claimed EEZ's southern edge
    trip = _dark_trip(440000005, 38.0, 128.9, course_in=20, course_out=200, dark=timedelta(hours=8))
    assert _events([trip])["subtype"].to_list() == ["inbound_outbound"]


def test_nearest_point_is_on_the_sphere_within_the_projection_error() -> None:
    waters = Waters.load()
    nearest = waters.nearest(*SOUTH_OF_WEST_SEA)
    assert nearest is not None
    distance_nm, near_lat, near_lon = nearest
    measured = float(haversine_m(*SOUTH_OF_WEST_SEA, near_lat, near_lon)) / METRES_PER_NM
    assert distance_nm == pytest.approx(measured)
    assert waters.nearest(39.0, 124.5) is None  # inside the West Sea polygon


@given(st.floats(0, 359.99), st.floats(0, 359.99))
def test_angle_off_is_symmetric_and_bounded(a: float, b: float) -> None:
    assert 0 <= angle_off_deg(a, b) <= 180
    assert angle_off_deg(a, b) == pytest.approx(angle_off_deg(b, a))


def test_initial_bearing_cardinal_directions() -> None:
    assert initial_bearing_deg(37.0, 124.0, 38.0, 124.0) == pytest.approx(0.0)
    assert initial_bearing_deg(37.0, 124.0, 36.0, 124.0) == pytest.approx(180.0)
    assert initial_bearing_deg(0.0, 124.0, 0.0, 125.0) == pytest.approx(90.0)


def test_no_gaps_no_events_and_bad_params() -> None:
    assert detect_dark_approach(pl.DataFrame().to_arrow(), pl.DataFrame()).num_rows == 0
    with pytest.raises(InputError, match="max_bearing_off_deg"):
        DarkApproachParams(max_bearing_off_deg=95)
