"""Cases in the workspace on SQLite and PostgreSQL, on real AIS: the drifting tanker STOC
MARCIA (MMSI 212123000, DMA 2014-10-02/03) ingested, detected, cited, sighted, tampered."""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa

import setori
from setori.errors import InputError, NotFoundError
from setori.settings import Settings
from setori.workspace import open_workspace
from setori.workspace.cases import new_case_id
from setori.workspace.hits import store_hits
from tests.conftest import TESTS_DATA

DRIFT = TESTS_DATA / "tracks" / "dma-212123000-drift-positions.ais"
SIGHTINGS = TESTS_DATA / "sightings" / "stoc-marcia-2014-10.csv"
SETTINGS = Settings()  # defaults: nothing from the environment


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cases") / "drift.duckdb"
    setori.ingest([DRIFT], db=db, settings=SETTINGS)
    setori.detect(db=db, settings=SETTINGS)
    return db


@pytest.fixture
def opened(workspace_url: str, store: Path) -> dict[str, Any]:
    """A workspace with analyst kim and one case; the options every verb takes."""
    options: dict[str, Any] = {"db": store, "workspace": workspace_url, "settings": SETTINGS}
    setori.analyst_add("kim", **options)
    return options


def _event_id(store: Path) -> str:
    events = setori.events(db=store, settings=SETTINGS).to_pylist()
    assert [(e["type"], e["subtype"]) for e in events] == [("loitering", "drifting")]
    return str(events[0]["id"])


def test_case_ids_are_short_and_random() -> None:
    ids = {new_case_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 10 and i.startswith("C-") for i in ids)


def test_a_whole_case_from_events_to_verify(opened: dict[str, Any], store: Path) -> None:
    o = opened
    case_id = setori.case_new("STOC MARCIA adrift east of Bornholm", analyst="kim", **o)
    event_id = _event_id(store)
    added = setori.case_add(
        case_id,
        events=[event_id],
        vessels=["212123000"],
        notes=["no way on for 12 h, 38 km from Christiansø"],
        files=[SIGHTINGS.parent / "patrol-0001.png"],
        analyst="kim",
        **o,
    )
    assert [a["kind"] for a in added] == ["note", "file", "event", "vessel"]
    with pytest.raises(InputError, match=r"line 6: time '2014-10-02T25:00:00Z'"):
        setori.case_add(case_id, sightings=[SIGHTINGS], analyst="kim", **o)
    (sighted,) = setori.case_add(
        case_id,
        sightings=[SIGHTINGS],
        skip_bad_rows=True,
        analyst="kim",
        **o,
    )
    assert (sighted["added"], sighted["dark_vessels"], len(sighted["rejected"])) == (4, 1, 1)
    setori.case_status(case_id, "review", analyst="kim", **o)

    shown = setori.case_show(case_id, **o)
    assert shown["status"] == "review"
    kinds = [e["kind"] for e in shown["evidence"]]
    assert kinds == ["note", "file", "event", "vessel"] + ["sighting"] * 4
    (event,) = [e for e in shown["evidence"] if e["kind"] == "event"]
    assert event["current"]["status"] == "holds" and event["meta"]["event_id"] == event_id
    dark = [e for e in shown["evidence"] if e["kind"] == "sighting" and e["meta"]["dark_vessel"]]
    assert [d["meta"]["row"] for d in dark] == [5]
    assert dark[0]["meta"]["near_events"] == [event_id]

    log = setori.case_log(case_id, **o)
    assert [r["action"] for r in log] == [
        "created",
        "note_added",
        "evidence_added",
        "evidence_added",
        "evidence_added",
        *["sighting_added"] * 4,
        "sightings_rejected",
        "status_changed",
    ]
    assert [r["seq"] for r in log] == list(range(1, 12))
    assert all(b["prev_hash"] == a["record_hash"] for a, b in itertools.pairwise(log))
    assert setori.case_verify(case_id, **o)["ok"] is True
    listed = setori.case_list(**o)
    assert [(c["case_id"], c["evidence"], c["head_seq"]) for c in listed] == [(case_id, 8, 11)]


def test_the_same_evidence_twice_is_refused(opened: dict[str, Any]) -> None:
    case_id = setori.case_new("twice", analyst="kim", **opened)
    setori.case_add(case_id, notes=["one"], analyst="kim", **opened)
    with pytest.raises(InputError, match=r"already in case .*nothing was added"):
        setori.case_add(case_id, notes=["one"], analyst="kim", **opened)
    assert len(setori.case_log(case_id, **opened)) == 2


def test_writes_need_a_known_analyst_and_a_case(opened: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="--analyst"):
        setori.case_new("anonymous", **opened)
    with pytest.raises(NotFoundError, match="'nobody'"):
        setori.case_new("stranger", analyst="nobody", **opened)
    with pytest.raises(NotFoundError, match="no case 'C-NOSUCH00'"):
        setori.case_add("C-NOSUCH00", notes=["x"], analyst="kim", **opened)


def test_a_stored_hit_is_added_as_it_was(opened: dict[str, Any], workspace_url: str) -> None:
    entity = {"id": "ofac-9702", "schema": "Vessel", "properties": {"name": ["CHON MA SAN"]}}
    hit = {
        "hit_id": "6a1f0c2d9e8b7a65",
        "query_key": "name:CHON MA SAN",
        "query": {"name": "CHON MA SAN"},
        "entity_id": "ofac-9702",
        "list_id": "ofac-sdn",
        "list_version": "2021-01-01",
        "matcher_version": "setori-match/1",
        "score": 1.0,
        "band": "strong",
        "features": {"name": 1.0},
        "entity": entity,
    }
    ws = open_workspace(workspace_url)
    store_hits(ws, [hit], "kim")
    ws.close()
    case_id = setori.case_new("hit", analyst="kim", **opened)
    (added,) = setori.case_add(case_id, hits=["6a1f0c2d9e8b7a65"], analyst="kim", **opened)
    shown = setori.case_show(case_id, **opened)
    assert shown["evidence"][0]["meta"]["list_version"] == "2021-01-01"
    assert added["name"] == "hit-6a1f0c2d9e8b7a65.json"


def _tamper(url: str, sql: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as con:
        con.execute(sa.text(sql))
    engine.dispose()


def _noted(opened: dict[str, Any]) -> str:
    case_id = setori.case_new("tamper", analyst="kim", **opened)
    for text in ("first", "second", "third"):
        setori.case_add(case_id, notes=[text], analyst="kim", **opened)
    assert setori.case_verify(case_id, **opened)["ok"]
    return case_id


def _problems(case_id: str, opened: dict[str, Any]) -> list[str]:
    return list(setori.case_verify(case_id, **opened)["problems"])


def test_an_edited_record_is_named(opened: dict[str, Any], workspace_url: str) -> None:
    case_id = _noted(opened)
    _tamper(
        workspace_url,
        f"UPDATE case_log SET payload = REPLACE(payload, 'second', 'altered') "
        f"WHERE case_id = '{case_id}' AND seq = 3",
    )
    problems = _problems(case_id, opened)
    assert len(problems) == 1
    assert problems[0].startswith("record 3 (note_added): content does not match its hash")


def test_deleted_records_are_named(opened: dict[str, Any], workspace_url: str) -> None:
    case_id = _noted(opened)
    _tamper(workspace_url, f"DELETE FROM case_log WHERE case_id = '{case_id}' AND seq = 2")
    problems = _problems(case_id, opened)
    assert problems[0] == "record 2 missing before record 3 (deleted)"
    assert problems[1].startswith("record 3: prev_hash")
    assert "no log record adds it (that record was deleted" in problems[-1]
    _tamper(workspace_url, f"DELETE FROM case_log WHERE case_id = '{case_id}' AND seq = 4")
    assert "record 4 missing at the end of the log (the case's head is record 4)" in _problems(
        case_id, opened
    )


def test_reordered_records_are_named(opened: dict[str, Any], workspace_url: str) -> None:
    case_id = _noted(opened)
    for a, b in ((2, 100), (3, 2), (100, 3)):  # swap records 2 and 3
        _tamper(
            workspace_url,
            f"UPDATE case_log SET seq = {b} WHERE case_id = '{case_id}' AND seq = {a}",
        )
    problems = _problems(case_id, opened)
    assert problems[0].startswith("record 2 (note_added): content does not match its hash")
    assert any(p.startswith("record 3 (note_added): content does not match") for p in problems)


def test_altered_evidence_is_named(opened: dict[str, Any], workspace_url: str) -> None:
    case_id = _noted(opened)
    (note,) = [e for e in setori.case_show(case_id, **opened)["evidence"] if e["text"] == "third"]
    body = json.dumps({"schema": "setori.note/1", "text": "thirdly"}, separators=(",", ":"))
    new_sha = hashlib.sha256(body.encode()).hexdigest()
    _tamper(
        workspace_url,
        f"UPDATE evidence SET content = {_blob(workspace_url, body)}, sha256 = '{new_sha}' "
        f"WHERE case_id = '{case_id}' AND evidence_id = '{note['evidence_id']}'",
    )
    problems = _problems(case_id, opened)
    assert problems == [
        f"evidence {note['evidence_id']} (note {note['name']!r}): its bytes hash to "
        f"{new_sha[:12]}…, not the sha256 {note['sha256'][:12]}… that record 4 logged "
        "(content altered)"
    ]


def _blob(url: str, text: str) -> str:
    hexed = text.encode().hex()
    return f"'\\x{hexed}'::bytea" if url.startswith("postgresql") else f"X'{hexed}'"


def test_two_processes_appending_to_one_case_never_fork(
    opened: dict[str, Any], workspace_url: str
) -> None:
    case_id = setori.case_new("race", analyst="kim", **opened)
    script = textwrap.dedent(
        """
        import sys
        from setori.workspace import open_workspace
        from setori.casework.cases import add_note
        ws = open_workspace(sys.argv[1])
        for i in range(40):
            add_note(ws, sys.argv[2], f"{sys.argv[3]}-{i}", analyst="kim")
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, workspace_url, case_id, tag])
        for tag in "ab"
    ]
    assert [p.wait(timeout=180) for p in procs] == [0, 0]
    log = setori.case_log(case_id, **opened)
    assert [r["seq"] for r in log] == list(range(1, 82))
    texts = {r["payload"]["text"] for r in log if r["action"] == "note_added"}
    assert texts == {f"{t}-{i}" for t in "ab" for i in range(40)}
    assert setori.case_verify(case_id, **opened)["problems"] == []


def test_show_says_when_the_current_detection_lost_a_cited_event(
    opened: dict[str, Any], store: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(store, copy)
    options = {**opened, "db": copy}
    case_id = setori.case_new("gone", analyst="kim", **options)
    event_id = _event_id(copy)
    (added,) = setori.case_add(case_id, events=[event_id], analyst="kim", **options)
    con = duckdb.connect(str(copy))
    con.execute("DELETE FROM events")  # as if a re-run no longer found it
    con.close()
    (shown,) = setori.case_show(case_id, **options)["evidence"]
    assert shown["current"]["status"] == "gone" and shown["sha256"] == added["sha256"]
    assert setori.case_verify(case_id, **options)["ok"]  # the frozen evidence is unchanged
    (unknown,) = setori.case_show(case_id, **{**options, "db": tmp_path / "none.duckdb"})[
        "evidence"
    ]
    assert unknown["current"]["status"] == "unknown"
