"""Reference layers (setori.geo), context tags, port visits, zone entries and identity rules.

Hand-built tracks for each detector (with negatives), plus real data from ../shared/data:
the Suez queue of March 2021 (movingpandas-evergiven) lies at anchorages, New York
Harbor's first hour of 2020-06-30 (NOAA) lies in port.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from setori.detect.context import ContextLayers, ContextParams, default_view, tag_events
from setori.detect.events import EVENTS, make_events
from setori.detect.identity import (
    IdentityParams,
    detect_cloning,
    detect_destination_changes,
    detect_identity,
    detect_invalid_imo,
    detect_invalid_mmsi,
    detect_kinematic_jumps,
    detect_name_churn,
    detect_on_land,
    imo_is_valid,
)
from setori.detect.port_visits import PortVisitParams, detect_port_visits
from setori.detect.zones import ZoneEntryParams, detect_zone_entries
from setori.errors import InputError
from setori.geo import GeoSettings, load_land, load_mid_table, load_places, load_zones
from setori.geo.kdtree import build_kdtree, nearest
from setori.geo.mid import mid_of
from setori.geo.solar import solar_elevation_deg
from setori.geo.sphere import chord_to_m, haversine_m, unit_vectors

T0 = datetime(2024, 3, 1, tzinfo=UTC)
NAMPO_ANCHORAGE = (38.72, 125.22)  # outside the West Sea Barrage, approach to Nampo
CHO_DO_STS = (38.60, 124.80)  # 7-10 km W/NW of Cho-do, the UN PoE STS area
NAMPO_PORT = (38.7167, 125.4)  # WPI position
YELLOW_SEA = (35.5, 123.5)  # open sea between China and Korea
OFAC_2018_IMOS = [
    7408873,
    8122347,
    8405311,
    8660313,
    8712362,
    8720436,
    8705539,
    9066978,
    7389704,
    8610461,
    8106496,
    8604917,
    8605026,
    8691702,
    8898740,
    7303803,
    8665131,
    8966535,
    8848276,
    8613360,
    8977900,
    8151415,
]


def positions(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    """A positions table from (mmsi, segment_id, hours after T0, lat, lon, sog_kn) tuples."""
    return pl.DataFrame(
        [
            {
                "mmsi": m,
                "segment_id": seg,
                "ts": T0 + timedelta(hours=h),
                "lat": la,
                "lon": lo,
                "sog_kn": s,
            }
            for m, seg, h, la, lo, s in rows
        ]
    ).with_columns(pl.col("ts").dt.cast_time_unit("ms"), pl.col("mmsi").cast(pl.Int32))


def statics(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A statics table; ``days`` after T0 becomes ``ts``."""
    out = [
        {**{k: v for k, v in r.items() if k != "days"}, "ts": T0 + timedelta(days=r["days"])}
        for r in rows
    ]
    return pl.DataFrame(out).with_columns(pl.col("ts").dt.cast_time_unit("ms"))


def tags_of(table: pa.Table) -> list[dict[str, Any]]:
    return [json.loads(t) for t in table["tags"].to_pylist()]


def evidence_of(table: pa.Table) -> list[dict[str, Any]]:
    return [json.loads(t) for t in table["evidence"].to_pylist()]


@pytest.fixture(scope="module")
def layers() -> ContextLayers:
    return ContextLayers.load()


# --- geo layers ----------------------------------------------------------------------------


def test_kdtree_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    lat, lon = rng.uniform(-85, 85, 3000), rng.uniform(-180, 180, 3000)
    qlat, qlon = rng.uniform(-90, 90, 300), rng.uniform(-180, 180, 300)
    index, chord = nearest(build_kdtree(unit_vectors(lat, lon)), unit_vectors(qlat, qlon))
    brute = haversine_m(qlat[:, None], qlon[:, None], lat[None, :], lon[None, :])
    assert (index == brute.argmin(axis=1)).all()
    assert np.allclose(chord_to_m(chord), brute.min(axis=1), atol=1e-3)


def test_kdtree_empty_and_antimeridian() -> None:
    index, chord = nearest(build_kdtree(unit_vectors([], [])), unit_vectors([0.0], [0.0]))
    assert index.tolist() == [-1] and np.isinf(chord).all()
    tree = build_kdtree(unit_vectors([0.0, 0.0], [179.99, 10.0]))
    index, chord = nearest(tree, unit_vectors([0.0], [-179.99]))
    assert index.tolist() == [0] and chord_to_m(chord)[0] == pytest.approx(2224, abs=5)


def test_places_table_has_ports_anchorages_and_dprk_ports() -> None:
    table = load_places().table
    assert set(table["kind"].unique()) == {"port", "anchorage"}
    dprk = table.filter(pl.col("source") == "dprk_areas")
    assert "NAMPO" in dprk["name"].to_list() and set(dprk["iso3"].drop_nulls()) == {"PRK", "RUS"}
    assert table.filter(pl.col("source") == "wpi")["iso3"].null_count() == 0


def test_nearest_port_to_nampo_approach() -> None:
    places = load_places()
    near = places.nearest([NAMPO_PORT[0]], [NAMPO_PORT[1] - 0.01], "port")
    assert places.names(near.index)[0].upper() == "NAMPO"
    assert near.distance_m[0] == pytest.approx(867, abs=20)


def test_suez_queue_is_at_anchorages(shared_data: Path) -> None:
    queue = pd.read_csv(shared_data / "movingpandas-evergiven" / "boat-positions.csv")
    places = load_places()
    anchorage = places.nearest(
        queue["latitude"].to_numpy(), queue["longitude"].to_numpy(), "anchorage"
    )
    port = places.nearest(queue["latitude"].to_numpy(), queue["longitude"].to_numpy(), "port")
    in_anchorage = anchorage.distance_m <= 3000
    assert in_anchorage.mean() > 0.6
    assert (in_anchorage | (port.distance_m <= 10_000)).mean() > 0.7
    names = set(places.names(anchorage.index[in_anchorage]))
    assert {"SUEZ SOUTH ANCHORAGE", "PORT SAID"} <= names


def test_new_york_harbor_positions_are_in_port(shared_data: Path) -> None:
    ny = pd.read_csv(shared_data / "tracktable-noaa" / "NYHarbor_2020_06_30_first_hour.csv")
    port = load_places().nearest(ny["LAT"].to_numpy(), ny["LON"].to_numpy(), "port")
    assert (port.distance_m <= 3000).mean() > 0.6
    assert (port.distance_m <= 10_000).mean() > 0.9


def test_nampo_anchorage_is_in_dprk_waters_and_cho_do_in_hotspot() -> None:
    zones = load_zones()
    lat = np.array([NAMPO_ANCHORAGE[0], CHO_DO_STS[0], 39.5, 37.45, YELLOW_SEA[0]])
    lon = np.array([NAMPO_ANCHORAGE[1], CHO_DO_STS[1], 128.5, 126.6, YELLOW_SEA[1]])
    waters = zones.first_zone(lat, lon, ("dprk_waters",))
    assert (waters >= 0).tolist() == [True, True, True, False, False]  # Incheon, open sea: no
    hotspots = zones.names(zones.first_zone(lat, lon, ("sts_hotspot",)))
    assert hotspots[1] == "West Korea Bay near Cho-do (approach to Nampo)"
    assert hotspots[3] is None and hotspots[4] is None


def test_user_zone_file_is_a_setting(tmp_path: Path) -> None:
    box = {
        "type": "Polygon",
        "coordinates": [[[123, 35], [124, 35], [124, 36], [123, 36], [123, 35]]],
    }
    path = tmp_path / "mine.geojson"
    feature = {"type": "Feature", "properties": {"name": "my box"}, "geometry": box}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    zones = load_zones(GeoSettings(zone_files=(path,)))
    found = zones.first_zone(np.array([YELLOW_SEA[0]]), np.array([YELLOW_SEA[1]]), ("user",))
    assert zones.names(found) == ["my box"]
    with pytest.raises(InputError):
        load_zones(GeoSettings(zone_files=(tmp_path / "missing.geojson",)))


def test_land_and_distance_to_shore() -> None:
    land = load_land()
    lat = np.array([39.03, YELLOW_SEA[0], NAMPO_ANCHORAGE[0]])  # Pyongyang, sea, anchorage
    lon = np.array([125.75, YELLOW_SEA[1], NAMPO_ANCHORAGE[1]])
    assert land.on_land(lat, lon).tolist() == [True, False, False]
    shore_km = land.distance_to_shore_km(lat, lon)
    assert shore_km[1] > 100 and shore_km[2] < 15


def test_packaged_slices_match_the_full_sources() -> None:
    packaged = GeoSettings(data_dir=None)
    assert not packaged.is_shared("wpi")
    lat, lon = np.array([NAMPO_ANCHORAGE[0], 40.64]), np.array([NAMPO_ANCHORAGE[1], -74.07])
    for kind in ("port", "anchorage"):
        full, small = (
            load_places().nearest(lat, lon, kind),
            load_places(packaged).nearest(lat, lon, kind),
        )
        assert np.allclose(full.distance_m, small.distance_m, atol=30)
    full_km = load_land().distance_to_shore_km(lat, lon)
    assert np.allclose(full_km, load_land(packaged).distance_to_shore_km(lat, lon), atol=0.05)
    assert load_zones(packaged).table.height == load_zones().table.height


def test_mid_445_is_dprk() -> None:
    mids = load_mid_table()
    assert mids.flags(mid_of([445123456]))[0] == "Democratic People's Republic of Korea"
    assert mid_of([445123456, 844512345, 984451234, 994451234, 111445123, 970123456]).tolist() == [
        445,
        445,
        445,
        445,
        445,
        -1,
    ]
    assert mids.is_allocated([445, 520, 999]).tolist() == [True, True, False]


def test_solar_elevation_noon_and_midnight() -> None:
    ts = np.array(["2018-01-20T04:00", "2018-01-20T16:00"], dtype="datetime64[ms]").astype(np.int64)
    noon, midnight = solar_elevation_deg(ts, [31.0, 31.0], [124.0, 124.0])
    assert noon == pytest.approx(90 - 31 - 20.2, abs=1.0) and midnight < -60


# --- port visits ---------------------------------------------------------------------------

NAMPO_VISIT = [  # from 20 km west: enter, stop ~1 km off Nampo, leave
    (445000001, "a", 0, 38.7167, 125.15, 8.0),
    (445000001, "a", 1, 38.7167, 125.30, 8.0),
    (445000001, "a", 2, 38.7167, 125.37, 3.0),
    (445000001, "a", 3, 38.7167, 125.39, 0.1),
    (445000001, "a", 4, 38.7167, 125.39, 0.0),
    (445000001, "a", 5, 38.7167, 125.39, 0.3),
    (445000001, "a", 6, 38.7167, 125.37, 4.0),
    (445000001, "a", 7, 38.7167, 125.30, 8.0),
]


def test_port_visit_with_entry_stop_exit_is_confidence_4() -> None:
    visits = detect_port_visits(positions(NAMPO_VISIT))
    assert visits.schema == EVENTS and visits.num_rows == 1
    row = visits.to_pylist()[0]
    assert (row["type"], row["subtype"], row["mmsi"]) == ("port_visit", "confidence_4", [445000001])
    assert (row["start"], row["end"]) == (T0 + timedelta(hours=2), T0 + timedelta(hours=7))
    assert tags_of(visits)[0]["port_name"] == "NAMPO"
    kinds = [e["type"] for e in evidence_of(visits)[0]["events"]]
    assert kinds == ["PORT_ENTRY", "PORT_STOP_BEGIN", "PORT_STOP_END", "PORT_EXIT"]


def test_going_dark_stopped_near_port_is_confidence_2_in_dprk_profile() -> None:
    dark = positions(
        [(445000002, "b", 0, 38.7167, 125.39, 0.1), (445000002, "b", 1, 38.7167, 125.39, 0.1)]
    )
    later = positions([(445000009, "z", 7, *YELLOW_SEA, 10.0)])  # the data run on to 07:00
    track = pl.concat([dark, later])
    assert detect_port_visits(track, params=PortVisitParams.gfw()).num_rows == 0
    visits = detect_port_visits(track, params=PortVisitParams.dprk())
    row = visits.to_pylist()[0]
    assert (row["subtype"], row["end"], row["profile"]) == ("confidence_2", None, "dprk")
    assert evidence_of(visits)[0]["open"] is True


def test_gap_in_port_and_pass_through() -> None:
    gap = [(1, "g", h, 38.7167, 125.39, 1.0) for h in (0, 1, 6)] + [
        (1, "g", 7, 38.7167, 125.2, 9.0)
    ]
    visits = detect_port_visits(positions([(1, "g", -1, 38.7167, 125.2, 9.0), *gap]))
    assert [e["type"] for e in evidence_of(visits)[0]["events"]] == [
        "PORT_ENTRY",
        "PORT_GAP_BEGIN",
        "PORT_GAP_END",
        "PORT_EXIT",
    ]
    passing = positions(
        [(2, "p", h, 38.7167, lon, 10.0) for h, lon in enumerate((125.2, 125.38, 125.2))]
    )
    assert detect_port_visits(passing).num_rows == 0  # confidence 1 (entry/exit only)
    once = detect_port_visits(passing, params=PortVisitParams(min_confidence=1))
    assert once["subtype"].to_pylist() == ["confidence_1"]


def test_transit_far_from_ports_makes_no_visit() -> None:
    transit = positions([(3, "t", h, YELLOW_SEA[0], YELLOW_SEA[1] + h / 10, 0.0) for h in range(6)])
    assert detect_port_visits(transit).num_rows == 0


@settings(max_examples=10, deadline=None)
@given(shift_h=st.integers(min_value=-10_000, max_value=10_000))
def test_port_visits_shift_with_time(shift_h: int) -> None:
    shifted = [(m, s, h + shift_h, la, lo, v) for m, s, h, la, lo, v in NAMPO_VISIT]
    start = detect_port_visits(positions(shifted))["start"].to_pylist()
    assert start == [T0 + timedelta(hours=2 + shift_h)]


def test_invalid_parameters_raise() -> None:
    with pytest.raises(InputError):
        PortVisitParams(entry_km=5, exit_km=4)
    with pytest.raises(InputError):
        ZoneEntryParams(profile="other")


# --- zone entries --------------------------------------------------------------------------


def test_entering_dprk_waters_and_hotspot() -> None:
    route = [
        (4, "w", h, 38.60, lon, 8.0)
        for h, lon in enumerate((123.2, 123.5, 124.0, 124.8, 124.85, 123.5))
    ]
    events = detect_zone_entries(positions(route))
    by_kind = {r["subtype"]: r for r in events.to_pylist()}
    assert set(by_kind) == {"dprk_waters", "sts_hotspot"}
    waters = by_kind["dprk_waters"]
    assert (waters["start"], waters["end"]) == (T0 + timedelta(hours=2), T0 + timedelta(hours=4))
    assert json.loads(waters["tags"])["entry_observed"] is True
    assert json.loads(by_kind["sts_hotspot"]["tags"])["zone_name"].startswith("West Korea Bay")


def test_zone_presence_profiles_and_negative() -> None:
    one = positions([(5, "o", 0, *NAMPO_ANCHORAGE, 0.0), (5, "o", 1, *YELLOW_SEA, 9.0)])
    assert detect_zone_entries(one).num_rows == 0  # gfw needs 2 positions inside
    dprk = detect_zone_entries(one, params=ZoneEntryParams.dprk())
    assert json.loads(dprk["tags"][0].as_py())["entry_observed"] is False
    korea = positions([(6, "k", h, 37.45, 126.3 - h / 10, 5.0) for h in range(4)])  # off Incheon
    assert detect_zone_entries(korea, params=ZoneEntryParams.dprk()).num_rows == 0


# --- identity ------------------------------------------------------------------------------


def test_imo_check_digit() -> None:
    assert imo_is_valid([9596985, 9596986]).tolist() == [True, False]  # FRIO; one digit off
    assert imo_is_valid(OFAC_2018_IMOS).all()
    assert not imo_is_valid([8314881, 8814881, 123456, 12345678]).any()  # "A LI" as quoted


def test_invalid_mmsi_rules() -> None:
    mmsis = [445123456, 111111111, 12345, 999123456, 412000000]
    track = positions([(m, str(m), 0, *YELLOW_SEA, 5.0) for m in mmsis])
    events = detect_invalid_mmsi(track)
    reasons = {r["mmsi"][0]: json.loads(r["tags"])["reasons"] for r in events.to_pylist()}
    assert 445123456 not in reasons
    assert "test_value" in reasons[111111111] and reasons[12345] == ["not_9_digits"]
    assert reasons[999123456] == ["mid_not_allocated"] and reasons[412000000] == [
        "placeholder_suffix"
    ]


def test_invalid_and_missing_imo_from_statics() -> None:
    table = statics(
        [
            {"mmsi": 1, "days": 0, "imo": 9596985, "ship_type": 80, "length_m": 120.0},
            {"mmsi": 2, "days": 0, "imo": 9596986, "ship_type": 80, "length_m": 120.0},
            {"mmsi": 3, "days": 0, "imo": None, "ship_type": 80, "length_m": 120.0},
            {"mmsi": 4, "days": 0, "imo": None, "ship_type": 30, "length_m": 20.0},
        ]
    )
    events = detect_invalid_imo(table)
    # a missing IMO (MMSI 3) is a vessel attribute scored by setori.risk, not an event
    assert sorted((r["mmsi"][0], r["subtype"]) for r in events.to_pylist()) == [
        (2, "invalid_imo"),
    ]


def test_name_churn_three_names_in_30_days() -> None:
    names = [(0, "KUM UN SAN"), (1, "kum-un san "), (5, "SHUN FA"), (10, "APEX"), (80, "APEX 2")]
    churn = detect_name_churn(statics([{"mmsi": 7, "days": d, "name": n} for d, n in names]))
    assert churn.num_rows == 1
    listed = [n["name"] for n in evidence_of(churn)[0]["names"]]
    assert listed == ["KUM UN SAN", "SHUN FA", "APEX"]
    slow = [(0, "A"), (20, "B"), (45, "C"), (70, "D")]
    assert (
        detect_name_churn(statics([{"mmsi": 8, "days": d, "name": n} for d, n in slow])).num_rows
        == 0
    )


def test_cloned_mmsi_on_two_simultaneous_tracks() -> None:
    clone = [
        (9, "x1", 0.0, 30.0, 123.0, 10.0),
        (9, "x2", 0.1, 35.0, 120.0, 10.0),
        (9, "x1", 0.2, 30.01, 123.0, 10.0),
        (9, "x2", 0.3, 35.01, 120.0, 10.0),
    ]
    events = detect_cloning(positions(clone))
    assert events.num_rows == 1 and events["segment_ids"].to_pylist() == [["x1", "x2"]]
    assert evidence_of(events)[0]["n_jumps"] == 3
    sequential = [
        (10, "s1", 0, 30.0, 123.0, 10.0),
        (10, "s1", 1, 30.0, 123.1, 10.0),
        (10, "s2", 30, 35.0, 120.0, 10.0),
        (10, "s2", 31, 35.0, 120.1, 10.0),
    ]
    assert detect_cloning(positions(sequential)).num_rows == 0  # one after the other


def test_kinematic_jump_and_on_land() -> None:
    jump = [
        (11, "j", 0, 30.0, 123.0, 10.0),
        (11, "j", 0.5, 30.0, 125.0, 10.0),
        (11, "j", 1, 30.0, 125.05, 10.0),
    ]
    events = detect_kinematic_jumps(positions(jump))
    assert events.num_rows == 1 and evidence_of(events)[0]["max_speed_kn"] > 200
    smooth = [(12, "s", h, 30.0, 123.0 + h * 0.2, 10.0) for h in range(5)]
    assert detect_kinematic_jumps(positions(smooth)).num_rows == 0
    inland = [
        (13, "l", 0, 39.03, 125.75, 0.0),
        (13, "l", 1, 39.04, 125.75, 0.0),
        (13, "l", 2, *YELLOW_SEA, 0.0),
    ]
    land = detect_on_land(positions(inland))
    assert land.num_rows == 1 and evidence_of(land)[0]["n_positions"] == 2
    assert detect_on_land(positions([(14, "n", 0, *NAMPO_ANCHORAGE, 0.0)])).num_rows == 0


def test_destination_change_mid_voyage_only() -> None:
    dests = [(0, "NAMPO"), (0.5, "CN LYG"), (0.6, "CNLYG"), (2, "RU VVO")]
    table = statics([{"mmsi": 15, "days": d, "destination": x} for d, x in dests])
    unknown = detect_destination_changes(table)
    assert [json.loads(t)["to"] for t in unknown["tags"].to_pylist()] == ["CN LYG", "RU VVO"]
    track = positions([(15, "d", 12, *YELLOW_SEA, 11.0), (15, "d", 48, *NAMPO_PORT, 0.0)])
    moving = detect_destination_changes(table, track)
    assert [json.loads(t)["to"] for t in moving["tags"].to_pylist()] == ["CN LYG"]


def test_detect_identity_concatenates_rules() -> None:
    track = positions([(111111111, "a", 0, *YELLOW_SEA, 5.0)])
    table = statics([{"mmsi": 2, "days": 0, "imo": 9596986, "name": "X", "destination": "A"}])
    events = detect_identity(track, table, params=IdentityParams.dprk())
    assert events.schema == EVENTS
    assert set(events["subtype"].to_pylist()) == {"invalid_mmsi", "invalid_imo"}
    assert set(events["profile"].to_pylist()) == {"dprk"}


# --- context -------------------------------------------------------------------------------


def encounter(
    lat: float | None, lon: float | None, mmsi: list[int], kind: str = "encounter"
) -> dict[str, Any]:
    start = datetime(2018, 1, 20, 12, tzinfo=UTC)  # 20:00-23:00 local in East Asia
    return {
        "id": f"{lat}{lon}",
        "type": kind,
        "subtype": None,
        "mmsi": mmsi,
        "segment_ids": None,
        "start": start,
        "end": start + timedelta(hours=3),
        "lat": lat,
        "lon": lon,
        "duration_h": 3.0,
        "profile": "dprk",
        "detector_version": "test",
        "tags": {"kept": 1},
        "evidence": {},
    }


def test_tag_events_context(layers: ContextLayers) -> None:
    events = make_events(
        [
            encounter(*CHO_DO_STS, [445111111, 667000001]),
            encounter(30.9, 124.0, [412000001, 413000002]),
            encounter(40.64409, -74.07157, [367000140, 366999618]),
            encounter(None, None, [445111111], kind="gap"),
        ]
    )
    tags = tags_of(tag_events(events, layers=layers))
    assert all(t["kept"] == 1 for t in tags)
    assert tags[0]["in_dprk_waters"] and tags[0]["in_hotspot"].startswith("West Korea Bay")
    assert (
        tags[0]["dprk_flag"]
        and tags[0]["flags"] == ["KP", "SL"]
        and tags[0]["flag_names"][1] == "Sierra Leone"
        and tags[0]["night_share"] == 1.0
    )
    assert (
        tags[1]["in_hotspot"] == "East China Sea high seas off Shanghai"
        and not tags[1]["in_dprk_waters"]
    )
    assert tags[1]["distance_to_shore_km"] > 100 and not tags[1]["dprk_flag"]
    assert (
        tags[2]["in_port"] and tags[2]["distance_to_port_km"] < 3 and tags[2]["night_share"] < 0.5
    )
    assert (
        tags[3]["distance_to_port_km"] is None
        and tags[3]["night_share"] is None
        and tags[3]["mids"] == [445]
    )


def test_night_share_from_positions(layers: ContextLayers) -> None:
    events = make_events([encounter(None, None, [445111111], kind="gap")])
    start = datetime(2018, 1, 20, 0, tzinfo=UTC)  # 09:00 local at Nampo: day
    track = positions([(445111111, "a", h, *NAMPO_ANCHORAGE, 0.0) for h in range(4)])
    track = track.with_columns(pl.col("ts") + (pl.lit(start) - pl.lit(T0)))
    shifted = pl.DataFrame(events).with_columns(
        pl.lit(start).dt.cast_time_unit("ms").alias("start")
    )
    share = tags_of(tag_events(shifted.to_arrow().cast(EVENTS), track, layers=layers))[0][
        "night_share"
    ]
    assert share == 0.0


def test_default_view_hides_in_port_encounters_for_gfw_only(layers: ContextLayers) -> None:
    events = make_events(
        [
            encounter(40.64409, -74.07157, [1, 2]),
            encounter(*YELLOW_SEA, [3, 4]),
            encounter(40.64409, -74.07157, [5], kind="loitering"),
        ]
    )
    tagged = tag_events(events, layers=layers)
    assert default_view(tagged, "gfw").num_rows == 2
    assert default_view(tagged, "dprk").num_rows == 3
    assert default_view(tagged, "gfw", params=ContextParams(gfw_exclusion_km=0.1)).num_rows == 3
    with pytest.raises(InputError):
        default_view(events, "gfw")
