"""Screening that does not silently miss, stored hits and decisions (issue 11 §2), on real
list slices: the OFAC 2021 DPRK vessels, the UN DPRK individuals and entities, and three
real OFAC DPRK persons (tests/data/screening/README.md). Every test that touches the
workspace runs on SQLite and PostgreSQL (``workspace_url``).
"""

from __future__ import annotations

import functools
import json
import operator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import setori
from setori.cli import cli
from setori.errors import InputError, NotFoundError
from setori.schema import HITS
from setori.screen.model import MATCHER_VERSION, hit_id_of
from setori.store import lists as list_store
from setori.store.db import open_store

DATA = Path(__file__).resolve().parent / "data"
OFAC_VESSELS = DATA / "lists" / "ofac-sdn-2021-dprk-vessels" / "sdn.csv"
UN_DPRK = DATA / "lists" / "un_consolidated_dprk.xml"
OFAC_PERSONS = DATA / "screening" / "ofac-sdn-2021-dprk-persons" / "sdn.csv"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The OFAC DPRK vessels (list ``ofac``), the UN DPRK list (``unsc``) and three OFAC
    DPRK persons stored as list ``ofac-persons`` (ids keep their ``ofac-`` prefix)."""
    db = tmp_path_factory.mktemp("screening") / "lists.duckdb"
    setori.load_lists([OFAC_VESSELS, UN_DPRK], db=db)
    setori.load_lists([OFAC_PERSONS], db=db, list_id="ofac-persons")
    return db


@pytest.fixture
def ws(workspace_url: str, store: Path) -> str:
    """A fresh workspace with two analysts."""
    for name in ("kim", "sato"):
        setori.analyst_add(name, db=store, workspace=workspace_url)
    return workspace_url


def _screen(store: Path, ws: str, **options: Any) -> list[dict[str, Any]]:
    table = setori.screen(db=store, workspace=ws, **options)
    assert table.schema.names == HITS.names
    return table.to_pylist()


def _meta(store: Path, ws: str, **options: Any) -> dict[str, Any]:
    table = setori.screen(db=store, workspace=ws, **options)
    return dict(json.loads(table.schema.metadata[b"setori.screen"]))


def _version(store: Path, list_id: str) -> str:
    with open_store(store, mode="read") as con:
        return str(list_store.list_info(con, list_id)["version"])


# --- every schema, each name its own query ------------------------------------------------


def test_a_name_without_schema_searches_vessels_people_and_organisations(
    store: Path, ws: str
) -> None:
    names = ["RI JE SON", "Ocean Maritime Management", "CHONMASAN"]
    hits = _screen(store, ws, names=names)
    assert {(h["caption"], h["schema"]) for h in hits} >= {
        ("RI JE-SON", "Person"),  # UN KPi.002
        ("OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)", "Organization"),  # UN KPe.020
        ("CHON MA SAN", "Vessel"),  # OFAC ent_num 23729
    }
    assert {h["searched"] for h in hits} == {"Vessel,Person,Organization"}
    meta = _meta(store, ws, names=names)
    assert meta["searched"] == ["Organization", "Person", "Vessel"] and meta["queries"] == 3
    vessels_only = _screen(store, ws, names=["RI JE SON"], schema="Vessel")
    assert vessels_only == []  # what `setori screen --name` did before: a silent miss


@pytest.mark.parametrize("name", ["Kim Jong Un", "김정은"])
def test_kim_jong_un_is_found_with_his_programme(store: Path, ws: str, name: str) -> None:
    (hit, *_) = _screen(store, ws, names=[name])
    assert (hit["entity_id"], hit["caption"], hit["band"]) == (
        "ofac-20157",
        "Jong Un KIM",
        "strong",
    )
    assert json.loads(hit["listing"])["programme"] == ["DPRK3"]  # sdn.csv ent_num 20157
    assert json.loads(hit["listing"])["birth_date"] == ["1984-01-08"]
    assert hit["list_id"] == "ofac-persons"  # the lists table's id, not the entity id prefix
    assert hit["list_version"] == _version(store, "ofac-persons")


def test_hits_show_programme_identifiers_and_list(store: Path, ws: str) -> None:
    (hit,) = _screen(store, ws, names=["CHONMASAN"])
    listing = json.loads(hit["listing"])
    assert listing == {"flag": ["KP"], "imo": ["IMO8660313"], "programme": ["DPRK4"]}
    assert (hit["list_id"], hit["list_version"]) == ("ofac", _version(store, "ofac"))
    assert hit["matcher_version"] == MATCHER_VERSION
    assert json.loads(hit["entity"])["properties"]["name"] == ["CHON MA SAN"]


def test_an_imo_hit_with_another_name_says_so(store: Path, ws: str) -> None:
    (hit,) = _screen(store, ws, names=["OCEAN STAR"], imo="8660313")
    assert hit["caption"] == "CHON MA SAN" and hit["band"] == "strong"
    (differs,) = [f for f in json.loads(hit["features"]) if f["name"] == "name_differs"]
    assert differs["contribution"] == 0
    assert (
        "IMO IMO8660313 matches but the listed name is CHON MA SAN, not OCEAN STAR"
        in (differs["explanation"])
    )


def test_repeated_names_are_screened_one_by_one(store: Path, ws: str) -> None:
    hits = _screen(store, ws, names=["CHONMASAN", "KUM UN SAN 3"], schema="Vessel")
    assert [(h["query_ref"], h["caption"]) for h in hits] == [
        ("name:1", "CHON MA SAN"),
        ("name:2", "KUM UN SAN 3"),
    ]
    assert [json.loads(h["query"])["names"] for h in hits] == [["CHONMASAN"], ["KUM UN SAN 3"]]
    assert hits[0]["query_key"] != hits[1]["query_key"]


def test_names_file_screens_good_rows_and_numbers_bad_ones(
    store: Path, ws: str, tmp_path: Path
) -> None:
    names = tmp_path / "queries.csv"
    names.write_text(
        "name,schema,imo,mmsi,call_sign,flag,birth_date\n"
        "CHONMASAN,,,,,,\n"  # line 2: every schema
        "KUM UN SAN 3,Ship,,,,,\n"  # line 3: unknown schema
        "Kim Jong Un,Person,,,,,1984\n"  # line 4
        "SOMETHING,,86603,,,,\n"  # line 5: IMO not 7 digits
        ",,,,,,\n"  # line 6: nothing to screen
        "RI JE SON,,,,,Narnia,\n",  # line 7: unknown flag
        encoding="utf-8",
    )
    table = setori.screen(db=store, workspace=ws, names_file=names)
    assert [(h["query_ref"], h["entity_id"]) for h in table.to_pylist()] == [
        ("line:2", "ofac-23729"),
        ("line:4", "ofac-20157"),
    ]
    errors = json.loads(table.schema.metadata[b"setori.screen"])["row_errors"]
    assert [e.split(":")[0] for e in errors] == ["line 3", "line 5", "line 6", "line 7"]
    assert "schema 'Ship'" in errors[0] and "IMO '86603' is not 7 digits" in errors[1]
    result = CliRunner().invoke(
        cli, ["screen", "--db", str(store), "--workspace", ws, "--names-file", str(names)]
    )
    assert result.exit_code == 0, result.output
    assert "not screened: line 3: schema 'Ship'" in result.stderr
    assert "4 rows not screened" in result.stderr
    assert "2 queries screened as Organization, Person, Vessel" in result.stderr


def test_a_names_file_without_a_name_column_is_refused(store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("vessel,imo\nCHONMASAN,8660313\n")
    with pytest.raises(InputError, match="'name' column"):
        setori.screen(db=store, names_file=bad, workspace=f"sqlite:///{tmp_path / 'w.sqlite'}")


# --- stored hits ------------------------------------------------------------------------------


def test_hit_id_is_derived_from_query_entity_list_and_matcher(store: Path, ws: str) -> None:
    (hit,) = _screen(store, ws, names=["CHONMASAN"])
    parts = (hit["query_key"], hit["entity_id"], hit["list_id"], hit["list_version"],
             hit["matcher_version"])  # fmt: skip
    assert hit["hit_id"] == hit_id_of(*parts) and len(hit["hit_id"]) == 16
    assert hit_id_of(*parts[:3], "another version", parts[4]) != hit["hit_id"]
    (again,) = _screen(store, ws, names=["CHON-MA-SAN"])  # same query key: same hit
    assert again["hit_id"] == hit["hit_id"]


def test_screen_stores_its_hits_once_and_shows_them_again_as_they_were(
    store: Path, ws: str
) -> None:
    assert _meta(store, ws, names=["Kim Jong Un", "CHONMASAN"])["stored"] == 2
    assert _meta(store, ws, names=["Kim Jong Un", "CHONMASAN"])["stored"] == 0  # idempotent
    for shown in _screen(store, ws, names=["Kim Jong Un", "CHONMASAN"]):
        again = setori.hit(shown["hit_id"], db=store, workspace=ws)
        assert again["created_by"] is None and again["created_at"]
        assert {k: again[k] for k in HITS.names if k != "searched"} == {
            k: shown[k] for k in HITS.names if k != "searched"
        }


def test_stored_hit_names_the_analyst_when_set(store: Path, ws: str) -> None:
    from setori.settings import Settings

    settings = Settings.load().with_overrides(analyst="kim")
    (hit,) = setori.screen(
        db=store, workspace=ws, names=["CHONMASAN"], settings=settings
    ).to_pylist()
    assert setori.hit(hit["hit_id"], db=store, workspace=ws)["created_by"] == "kim"


def test_an_unknown_hit_id_is_an_error(store: Path, ws: str) -> None:
    with pytest.raises(NotFoundError, match="no stored hit"):
        setori.hit("0123456789abcdef", db=store, workspace=ws)
    with pytest.raises(NotFoundError, match="no stored hit"):
        setori.decide("0123456789abcdef", "dismissed", reason="other", analyst="kim",
                      db=store, workspace=ws)  # fmt: skip


# --- decisions ---------------------------------------------------------------------------------


def test_a_decision_applies_to_its_own_query_only(store: Path, ws: str) -> None:
    (a,) = _screen(store, ws, names=["CHONMASAN"])
    (b,) = _screen(store, ws, names=["CHONMASAN"], imo="8660313")
    assert a["entity_id"] == b["entity_id"] and a["query_key"] != b["query_key"]
    row = setori.decide(a["hit_id"], "dismissed", reason="different_vessel", note="other hull",
                        analyst="kim", db=store, workspace=ws)  # fmt: skip
    assert (row["query_key"], row["entity_id"], row["hit_id"]) == (
        a["query_key"], a["entity_id"], a["hit_id"],
    )  # fmt: skip
    (a_again,) = _screen(store, ws, names=["CHONMASAN"])
    (b_again,) = _screen(store, ws, names=["CHONMASAN"], imo="8660313")
    assert a_again["decision"] == "dismissed" and a_again["match"] is False
    assert b_again["decision"] is None and b_again["match"] is True  # no leak to query B
    assert setori.hit(a["hit_id"], db=store, workspace=ws)["decision"] == "dismissed"


def test_history_keeps_every_decision_and_a_revert_restores_the_previous(
    store: Path, ws: str
) -> None:
    (hit,) = _screen(store, ws, names=["CHONMASAN"])
    first = setori.decide(hit["hit_id"], "confirmed", reason="same_identifiers",
                          analyst="kim", db=store, workspace=ws)  # fmt: skip
    second = setori.decide(hit["query_key"], "dismissed", entity_id=hit["entity_id"],
                           reason="list_error", analyst="sato", db=store, workspace=ws)  # fmt: skip
    assert second["hit_id"] == hit["hit_id"]  # the newest stored hit of the pair
    assert _screen(store, ws, names=["CHONMASAN"])[0]["decision"] == "dismissed"
    undo = setori.decide_revert(second["decision_id"], note="misread the list", analyst="kim",
                                db=store, workspace=ws)  # fmt: skip
    assert (undo["decision"], undo["reverts"]) == ("reverted", second["decision_id"])
    assert _screen(store, ws, names=["CHONMASAN"])[0]["decision"] == "confirmed"
    history = setori.decisions(key=hit["hit_id"], db=store, workspace=ws)
    assert [(r["decision"], r["analyst"], r["current"]) for r in history] == [
        ("confirmed", "kim", True), ("dismissed", "sato", False), ("reverted", "kim", False),
    ]  # fmt: skip
    assert history == setori.decisions(key=hit["query_key"], db=store, workspace=ws)
    assert all(r["decided_at"].endswith("Z") for r in history)
    with pytest.raises(InputError, match="already reverted"):
        setori.decide_revert(second["decision_id"], analyst="kim", db=store, workspace=ws)
    with pytest.raises(InputError, match="itself a revert"):
        setori.decide_revert(undo["decision_id"], analyst="kim", db=store, workspace=ws)
    setori.decide_revert(first["decision_id"], analyst="kim", db=store, workspace=ws)
    assert _screen(store, ws, names=["CHONMASAN"])[0]["decision"] is None


def test_a_decision_needs_a_known_analyst_and_a_reason_code(store: Path, ws: str) -> None:
    (hit,) = _screen(store, ws, names=["CHONMASAN"])
    with pytest.raises(InputError, match="--analyst"):
        setori.decide(hit["hit_id"], "dismissed", reason="other", db=store, workspace=ws)
    with pytest.raises(NotFoundError, match="no analyst 'nobody'"):
        setori.decide(hit["hit_id"], "dismissed", reason="other", analyst="nobody",
                      db=store, workspace=ws)  # fmt: skip
    with pytest.raises(InputError, match="reason code 'looks wrong'"):
        setori.decide(hit["hit_id"], "dismissed", reason="looks wrong", analyst="kim",
                      db=store, workspace=ws)  # fmt: skip
    with pytest.raises(InputError, match="decision 'maybe'"):
        setori.decide(hit["hit_id"], "maybe", reason="other", analyst="kim",
                      db=store, workspace=ws)  # fmt: skip
    assert setori.decisions(db=store, workspace=ws) == []


def test_decide_through_the_cli(store: Path, ws: str) -> None:
    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, [*args, "--db", str(store), "--workspace", ws])

    shown = run("screen", "--name", "CHONMASAN", "--format", "json")
    (hit,) = [json.loads(line) for line in shown.stdout.splitlines()]
    refused = run("decide", hit["hit_id"], "dismissed", "--reason", "different_vessel")
    assert refused.exit_code == 1 and "--analyst" in str(refused.exception)
    done = run("decide", hit["hit_id"], "dismissed", "--reason", "different_vessel",
               "--analyst", "kim")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "decision 1: dismissed (different_vessel) by kim" in done.stderr
    assert run("decide", "--revert", "1", "--analyst", "sato").exit_code == 0
    history = run("decisions", hit["hit_id"], "--format", "json")
    rows = [json.loads(line) for line in history.stdout.splitlines()]
    assert [(r["decision"], r["reverts"]) for r in rows] == [("dismissed", None), ("reverted", 1)]
    table = run("decisions")
    assert "different_vessel" in table.stdout and "reverted 1" in table.stdout
    again = run("hit", hit["hit_id"], "--format", "json")
    assert json.loads(again.stdout)["hit_id"] == hit["hit_id"]


def test_decide_help_shows_keys_a_real_run_prints(tmp_path: Path) -> None:
    """The help's hit id and query key come from `setori screen --name CHONMASAN` on the
    OFAC DPRK-vessel slice (tests/data/lists/ofac-sdn-2021-dprk-vessels)."""
    db = tmp_path / "help.duckdb"
    setori.load_lists([OFAC_VESSELS], db=db)
    (hit,) = setori.screen(db=db, names=["CHONMASAN"], schema="Vessel").to_pylist()
    help_text = CliRunner().invoke(cli, ["decide", "--help"]).stdout
    assert f"setori decide {hit['hit_id']} dismissed" in help_text
    assert f"setori decide '{hit['query_key']}' {hit['entity_id']} confirmed" in help_text


def test_two_writers_storing_the_same_hits_at_once_lose_nothing(store: Path, ws: str) -> None:
    """Two analysts screening overlapping names at the same moment: every hit stored once."""
    from concurrent.futures import ThreadPoolExecutor

    from setori.workspace import Workspace, open_workspace
    from setori.workspace.hits import get_hit, store_hits

    names = ["CHONMASAN", "KUM UN SAN 3", "Kim Jong Un", "RI JE SON", "CHON MA SAN 2"]
    rows = setori.screen(db=store, names=names, store=False, workspace=ws).to_pylist()
    assert len(rows) >= 4

    # Opened one after the other: Alembic's upgrade (run on open) is not thread-safe.
    first, second = open_workspace(ws), open_workspace(ws)

    def write(one: Workspace, part: list[dict[str, Any]]) -> int:
        return sum(store_hits(one, [row], None) for row in part)

    try:
        with ThreadPoolExecutor(2) as pool:
            stored = list(pool.map(write, [first, second], [rows, rows[::-1]]))
    finally:
        first.close()
        second.close()
    assert sum(stored) == len(rows)
    check = open_workspace(ws)
    try:
        assert all(get_hit(check, row["hit_id"]) is not None for row in rows)
    finally:
        check.close()


def test_a_stored_hit_outlives_a_list_update(ws: str, tmp_path: Path) -> None:
    """A new list version gives new hit ids; the hit stored before is shown as it was."""
    db = tmp_path / "update.duckdb"
    setori.load_lists([OFAC_VESSELS], db=db, workspace=ws)
    (before,) = _screen(db, ws, names=["CHONMASAN"])
    fewer = tmp_path / "cut" / "sdn.csv"  # the same real lines, CHON MA SAN's and 9 more
    fewer.parent.mkdir()
    lines = OFAC_VESSELS.read_bytes().split(b"\r\n")
    keep = [line for line in lines if line.startswith(b"23729,") or line in lines[:9]]
    fewer.write_bytes(b"\r\n".join(keep) + b"\r\n\x1a")
    setori.load_lists([fewer], db=db, workspace=ws)
    (after,) = _screen(db, ws, names=["CHONMASAN"])
    assert after["list_version"] != before["list_version"]
    assert after["list_version"] == _version(db, "ofac")
    assert after["hit_id"] != before["hit_id"] and after["query_key"] == before["query_key"]
    again = setori.hit(before["hit_id"], db=db, workspace=ws)
    assert {k: again[k] for k in HITS.names if k != "searched"} == {
        k: before[k] for k in HITS.names if k != "searched"
    }


def test_vessel_page_hits_are_stored_and_decided(ws: str, tmp_path: Path) -> None:
    """A hull broadcasting CHON MA SAN's IMO (OFAC ent_num 23729) under another name: the
    vessel page shows the hit, says the names differ, and its id can be decided on."""
    from pyais.encode import encode_dict

    db = tmp_path / "ais.duckdb"
    static = dict(msg_type=5, mmsi=445123000, imo=8660313, shipname="OCEAN STAR",
                  callsign="HMYX", ship_type=70)  # fmt: skip
    report = dict(msg_type=1, mmsi=445123000, lat=39.0, lon=124.5, speed=0.1)
    lines = []
    for i, fields in enumerate([static, report, report]):
        body = f"c:{1709251200 + 600 * i}"  # 2024-03-01, ten minutes apart (NMEA tag block)
        checksum = functools.reduce(operator.xor, (ord(c) for c in body), 0)
        sentences = encode_dict(fields, talker_id="AI", radio_channel="A")
        lines += [f"\\{body}*{checksum:02X}\\{sentence}" for sentence in sentences]
    nmea = tmp_path / "ocean-star.nmea"
    nmea.write_text("\n".join(lines) + "\n")
    setori.ingest([nmea], db=db)
    setori.load_lists([OFAC_VESSELS], db=db, workspace=ws)
    (hit,) = setori.vessel("445123000", db=db, workspace=ws)["hits"]
    assert (hit["entity_id"], hit["query_ref"]) == ("ofac-23729", "mmsi:445123000")
    assert "name_differs" in {f["name"] for f in json.loads(hit["features"])}
    assert setori.hit(hit["hit_id"], db=db, workspace=ws)["entity_id"] == "ofac-23729"
    setori.decide(hit["hit_id"], "confirmed", reason="same_identifiers", analyst="kim",
                  db=db, workspace=ws)  # fmt: skip
    (again,) = setori.vessel("445123000", db=db, workspace=ws)["hits"]
    assert again["decision"] == "confirmed"
