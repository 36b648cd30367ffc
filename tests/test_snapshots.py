"""Frozen event and vessel snapshots (setori.cases.snapshot, setori.casework.snapshots) and
the status of a cited event after detection runs again.

Real data: the DMA drifting tanker STOC MARCIA (``tracks/dma-212123000-drift-positions.ais``,
one loitering/drifting event per profile) and, from shared data, FRIO (MMSI 538004030,
IMO 9596985) with its static reports.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

import setori
from setori.canonical import canonical_bytes, sha256_hex
from setori.cases.snapshot import (
    MAX_SAFE_INT,
    iso_z,
    jsonable,
    key_of_identities,
    parse_vessel_key,
    vessel_key,
)
from setori.casework.snapshots import event_snapshot, event_status, vessel_snapshot
from setori.errors import InputError, NotFoundError
from setori.store.db import open_store
from tests.conftest import TESTS_DATA

DRIFT = TESTS_DATA / "tracks" / "dma-212123000-drift-positions.ais"


def _store(tmp: Path, *sources: Path, profiles: tuple[str, ...] = ("dprk",)) -> Path:
    db = tmp / "ships.duckdb"
    setori.ingest(list(sources), db=db)
    for profile in profiles:
        setori.detect(db=db, profile=profile)
    return db


def _loitering_id(db: Path, profile: str) -> str:
    with open_store(db) as con:
        row = con.sql(
            "SELECT id FROM events WHERE type = 'loitering' AND profile = $p", params={"p": profile}
        ).fetchone()
    assert row is not None
    return str(row[0])


@pytest.fixture(scope="module")
def drift_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory.mktemp("drift"), DRIFT, profiles=("dprk", "gfw"))


# --- vessel keys ---------------------------------------------------------------------------


def test_a_valid_imo_is_the_key() -> None:
    assert vessel_key(538004030, 9596985, "FRIO") == "IMO:9596985"
    assert vessel_key("538004030", "IMO 9596985") == "IMO:9596985"


def test_without_a_valid_imo_the_key_is_the_mmsi_and_the_upper_case_name() -> None:
    assert vessel_key(212123000, 1234568, "stoc  marcia@@") == "MMSI:212123000:STOC MARCIA"
    assert vessel_key(212123000, None, None) == "MMSI:212123000"
    assert vessel_key(2123000, 0, "  ") == "MMSI:002123000"
    with pytest.raises(ValueError, match="valid IMO or an MMSI"):
        vessel_key(None, 1234568, "X")


def test_stable_keys_parse_back() -> None:
    assert parse_vessel_key("IMO:9596985") == ("IMO", "9596985", None)
    assert parse_vessel_key("MMSI:212123000:STOC MARCIA") == ("MMSI", "212123000", "STOC MARCIA")
    assert parse_vessel_key("MMSI:212123000") == ("MMSI", "212123000", None)
    assert parse_vessel_key("FRIO") is None


def test_the_key_of_identities_prefers_the_most_reported_valid_imo() -> None:
    rows = [
        {"mmsi": 1, "name": "A", "imo": 1234568, "reports": 9, "last_seen": "2020"},
        {"mmsi": 1, "name": "B", "imo": 9596985, "reports": 2, "last_seen": "2019"},
    ]
    assert key_of_identities(1, rows) == "IMO:9596985"  # 1234568 fails both check digits
    assert key_of_identities(
        5, [{"name": "old", "last_seen": "1"}, {"name": "new", "last_seen": "2"}]
    ) == ("MMSI:000000005:NEW")


@given(st.integers(min_value=-(2**64), max_value=2**64))
def test_integers_beyond_2_53_are_strings(value: int) -> None:
    frozen = jsonable({"n": value, "row_id": value})
    assert frozen["row_id"] == str(value)
    assert frozen["n"] == (value if abs(value) <= MAX_SAFE_INT else str(value))
    assert int(json.loads(canonical_bytes(frozen))["row_id"]) == value


@given(st.datetimes(timezones=st.just(UTC)))
def test_iso_z_keeps_milliseconds(value: datetime) -> None:
    text = iso_z(value)
    assert text is not None and text.endswith("Z")
    back = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert timedelta(0) <= value - back < timedelta(milliseconds=1)


def test_non_finite_floats_are_null() -> None:
    assert jsonable({"a": float("nan"), "b": [float("inf"), 1.5]}) == {"a": None, "b": [None, 1.5]}


# --- event snapshots on the real drifting tanker -----------------------------------------


def test_an_event_snapshot_freezes_the_event_its_positions_and_its_detector(drift_db: Path) -> None:
    event_id = _loitering_id(drift_db, "dprk")
    with open_store(drift_db) as con:
        snap = event_snapshot(con, event_id)
        stored = con.sql("SELECT evidence FROM events WHERE id = $i", params={"i": event_id})
        evidence = json.loads(stored.fetchall()[0][0])
    assert snap["schema"] == "setori.event-snapshot/1"
    event = snap["event"]
    assert (event["id"], event["type"], event["subtype"], event["profile"]) == (
        event_id, "loitering", "drifting", "dprk",
    )  # fmt: skip
    assert event["start"].endswith("Z") and event["end"].endswith("Z")
    assert snap["detector"]["name"] == "loitering"
    assert snap["detector"]["version"] == event["detector_version"] == "loitering/2"
    assert snap["detector"]["parameters"]["profile"] == "dprk"
    assert snap["detector"]["parameters"] == evidence["parameters"]
    # 64-bit row ids are strings, and the positions cited include the event's first and last
    assert event["evidence"]["first_row_id"] == str(evidence["first_row_id"])
    row_ids = {p["row_id"] for p in snap["positions"]}
    assert {p["segment_id"] for p in snap["positions"]} >= set(event["segment_ids"])
    assert all(isinstance(r, str) for r in row_ids)
    assert {event["evidence"]["first_row_id"], event["evidence"]["last_row_id"]} <= row_ids
    times = [p["time"] for p in snap["positions"]]
    assert times == sorted(times)
    assert (
        snap["positions_window"]["start"] <= times[0]
        and times[-1] <= snap["positions_window"]["end"]
    )
    assert [v["key"] for v in snap["vessels"]] == ["MMSI:212123000"]
    # the snapshot is canonical JSON: its bytes hash; a number above 2^53 appears nowhere
    data = canonical_bytes(snap)
    assert len(sha256_hex(data)) == 64
    assert json.loads(data) == snap


def test_a_missing_event_is_not_found(drift_db: Path) -> None:
    with open_store(drift_db) as con, pytest.raises(NotFoundError, match="no event 'nope'"):
        event_snapshot(con, "nope")


def test_a_bad_snapshot_is_an_input_error(drift_db: Path) -> None:
    with open_store(drift_db) as con, pytest.raises(InputError, match="event-snapshot"):
        event_status(con, {"schema": "x"})


def test_a_cited_event_holds_while_detection_gives_the_same_event(tmp_path: Path) -> None:
    db = _store(tmp_path, DRIFT)
    with open_store(db) as con:
        snap = event_snapshot(con, _loitering_id(db, "dprk"))
    setori.detect(db=db, profile="dprk")  # the same inputs and parameters again
    setori.detect(db=db, profile="gfw")  # another profile leaves the dprk events alone
    with open_store(db) as con:
        status = event_status(con, snap)
    assert status == {"status": "holds", "current_event_id": snap["event"]["id"], "differences": []}


def test_a_cited_event_is_changed_when_its_first_positions_are_gone(tmp_path: Path) -> None:
    db = _store(tmp_path, DRIFT)
    with open_store(db) as con:
        snap = event_snapshot(con, _loitering_id(db, "dprk"))
    start = datetime.fromisoformat(snap["event"]["start"].replace("Z", "+00:00"))
    with duckdb.connect(str(db)) as con:  # the first two hours of the drift are lost
        con.execute("DELETE FROM positions WHERE ts < $t", {"t": start + timedelta(hours=2)})
    setori.detect(db=db, profile="dprk")
    with open_store(db) as con:
        status = event_status(con, snap)
    assert status["status"] == "changed"
    assert status["current_event_id"] not in (None, snap["event"]["id"])
    changed = {d["field"]: d for d in status["differences"]}
    assert {"id", "start"} <= set(changed)
    assert changed["start"]["cited"] == snap["event"]["start"]
    assert changed["start"]["current"] > snap["event"]["start"]
    assert "profile" not in changed


def test_a_cited_event_is_gone_when_its_positions_are_gone(tmp_path: Path) -> None:
    db = _store(tmp_path, DRIFT)
    with open_store(db) as con:
        snap = event_snapshot(con, _loitering_id(db, "dprk"))
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM positions WHERE mmsi = 212123000")
    setori.detect(db=db, profile="dprk")
    with open_store(db) as con:
        assert event_status(con, snap) == {
            "status": "gone", "current_event_id": None, "differences": [],
        }  # fmt: skip


def test_another_profile_overlapping_the_cited_event_is_a_change_of_profile(drift_db: Path) -> None:
    with open_store(drift_db) as con:
        snap = event_snapshot(con, _loitering_id(drift_db, "dprk"))
    other = json.loads(json.dumps(snap))
    other["event"]["id"] = "0" * 20  # as if the dprk run no longer found it
    other["event"]["profile"] = "nonesuch"
    with open_store(drift_db) as con:
        status = event_status(con, other)
    assert status["status"] == "changed"
    fields = {d["field"] for d in status["differences"]}
    assert "profile" in fields and "id" in fields


# --- vessel snapshots on FRIO and STOC MARCIA (shared data, with static reports) -----------


@pytest.fixture(scope="module")
def dma_db(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    folder = shared_data / "dma-aisabnormal"
    files = (folder / "212123000_drift_1.ais", folder / "538004030_drift_1.ais")
    return _store(tmp_path_factory.mktemp("dma"), *files)


def test_a_vessel_with_a_valid_imo_is_cited_by_it(dma_db: Path) -> None:
    with open_store(dma_db) as con:
        by_mmsi = vessel_snapshot(con, "538004030")
        by_key = vessel_snapshot(con, "IMO:9596985")
        by_name = vessel_snapshot(con, "frio")
    assert by_mmsi["schema"] == "setori.vessel-snapshot/1"
    assert by_mmsi["key"] == by_key["key"] == by_name["key"] == "IMO:9596985"
    assert by_mmsi["mmsi"] == [538004030] and by_mmsi["imo"] == "9596985"
    assert by_mmsi["names"] == ["FRIO"]
    assert by_mmsi["identities"] and all(i["mmsi"] == 538004030 for i in by_mmsi["identities"])
    assert all(i["first_seen"].endswith("Z") for i in by_mmsi["identities"])
    assert by_mmsi["identities"] == by_key["identities"]


def test_an_event_snapshot_carries_the_vessel_snapshot(dma_db: Path) -> None:
    event_id = _loitering_id(dma_db, "dprk")
    with open_store(dma_db) as con:
        snap = event_snapshot(con, event_id)
    (vessel,) = snap["vessels"]
    assert vessel["key"] == "IMO:9390305" and vessel["names"] == ["STOC MARCIA"]
    assert vessel["identities"] and vessel["mmsi"] == [212123000]


def test_an_open_gap_cites_the_position_before_it(dma_db: Path) -> None:
    with open_store(dma_db) as con:
        rows = con.sql(
            "SELECT id, start FROM events WHERE type = 'gap' AND \"end\" IS NULL ORDER BY start"
        ).fetchall()
        assert rows, "FRIO's track ends in an open gap"
        snap = event_snapshot(con, str(rows[0][0]))
    assert snap["event"]["end"] is None
    times = [p["time"] for p in snap["positions"]]
    assert snap["event"]["start"] in times  # the last position before the gap
    assert snap["positions_window"]["end"] > snap["event"]["start"]


def test_an_unknown_vessel_is_not_found(dma_db: Path) -> None:
    with open_store(dma_db) as con, pytest.raises(NotFoundError, match="NO SUCH SHIP"):
        vessel_snapshot(con, "NO SUCH SHIP")


def test_of_several_changed_candidates_the_cited_profile_and_the_longest_overlap_win(
    tmp_path: Path,
) -> None:
    db = _store(tmp_path, DRIFT, profiles=("dprk", "gfw"))
    cited = _loitering_id(db, "dprk")
    with open_store(db) as con:
        snap = event_snapshot(con, cited)
    with duckdb.connect(str(db)) as con:  # the dprk event replaced by two shorter ones
        for new_id, shift_h in (("short", 10), ("long", 2)):
            con.execute(
                """INSERT INTO events SELECT * REPLACE ($id AS id, start + to_hours($h) AS start)
                FROM events WHERE id = $cited""",
                {"id": new_id, "h": shift_h, "cited": cited},
            )
        con.execute("DELETE FROM events WHERE id = $cited", {"cited": cited})
    with open_store(db) as con:
        status = event_status(con, snap)
    # the gfw event overlaps the whole drift, but the cited profile comes first
    assert status["status"] == "changed" and status["current_event_id"] == "long"
    assert [d["field"] for d in status["differences"]] == ["id", "start"]
