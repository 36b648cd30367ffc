"""Lists keep their history (issue 11 §2): versions in the store, ``lists history``, the
workspace's ``list_versions``, and the OFAC legacy CSV set loaded in one command.

Real data: the slices ``tests/data/lists/ofac-sdn-2021-dprk-vessels/`` (the 106 DPRK
vessels with their add.csv and alt.csv rows) and ``ofac-sdn-2021-comments/`` (the five
entries that have sdn_comments.csv rows, with all their rows), both cut byte for byte from
``../shared/data/ofac-sdn-2021`` (tests/data/README.md); the full set when it is there.
Hypothesis checks the history's bookkeeping on random sequences of list contents.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import setori
from setori.casework import lists as casework_lists
from setori.cli import cli
from setori.errors import NotFoundError, UnknownFormatError
from setori.screen.lists import load_list, load_lists
from setori.store import lists as list_store
from setori.store.db import connect, open_store
from setori.store.list_history import list_history
from setori.workspace import open_workspace
from setori.workspace.analysts import add_analyst
from setori.workspace.tables import list_versions
from tests.conftest import TESTS_DATA

VESSELS = TESTS_DATA / "lists" / "ofac-sdn-2021-dprk-vessels"
COMMENTS = TESTS_DATA / "lists" / "ofac-sdn-2021-comments"
SET = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")


def _entity(entity_id: str, name: str) -> dict[str, Any]:
    return {"id": entity_id, "schema": "Vessel", "properties": {"name": [name]}, "caption": name}


def _hash(entity_id: str, name: str) -> str:
    """The content hash the store gives an entity (its caption is not content)."""
    body = {k: v for k, v in _entity(entity_id, name).items() if k != "caption"}
    return list_store.content_hash(body)


def _store(
    con: duckdb.DuckDBPyConnection,
    content: Mapping[str, str],
    *,
    label: str = "v1",
    reserved: Mapping[str, str] | None = None,
) -> list_store.ListDiff:
    return list_store.add_version(
        con, list_id="team", source="test", version=label, counts={"Vessel": len(content)},
        entities=[_entity(i, n) for i, n in content.items()], reserved=reserved,
    )  # fmt: skip


# --- the store keeps every version ---------------------------------------------------


def test_a_new_load_adds_a_version_and_readers_see_the_newest() -> None:
    con = duckdb.connect()
    first = _store(con, {"a": "ALPHA", "b": "BRAVO"}, label="2021-01")
    second = _store(con, {"a": "ALPHA ONE", "c": "CHARLIE"}, label="2021-02")
    assert (first.old_version, first.new_version) == (None, "2021-01")
    assert (second.added, second.removed, second.changed) == (("c",), ("b",), ("a",))
    assert list_store.list_info(con, "team")["version"] == "2021-02"
    assert list_store.list_info(con, "team")["versions"] == 2
    assert [e["caption"] for e in list_store.iter_entities(con, "team")] == ["ALPHA ONE", "CHARLIE"]
    old = list_store.iter_entities(con, "team", version="2021-01")
    assert [e["caption"] for e in old] == ["ALPHA", "BRAVO"]
    assert list_store.entity_at(con, "team", "2021-01", "a")["caption"] == "ALPHA"
    assert list_store.list_ids(con) == ["team"]


def test_identical_content_adds_no_version_and_reports_no_change() -> None:
    con = duckdb.connect()
    _store(con, {"a": "ALPHA", "b": "BRAVO"})
    again = _store(con, {"b": "BRAVO", "a": "ALPHA"}, label="a new label, same content")
    assert (again.old_version, again.new_version) == ("v1", "v1")
    assert (again.added, again.removed, again.changed, again.unchanged) == ((), (), (), 2)
    assert len(list_store.list_versions(con, "team")) == 1


def test_a_label_is_never_given_to_two_contents() -> None:
    con = duckdb.connect()
    _store(con, {"a": "ALPHA"})
    assert _store(con, {"a": "ALPHA", "b": "BRAVO"}).new_version == "v1 (2)"
    back = _store(con, {"a": "ALPHA"})  # the first content again: a version of its own
    assert (back.new_version, back.added, back.removed) == ("v1 (3)", (), ("b",))
    assert [h["current"] for h in list_history(con, "team")] == [False, False, True]
    other = duckdb.connect()  # a rebuilt store: the workspace knows "v1" as other content
    assert _store(other, {"z": "ZULU"}, reserved={"v1": "0" * 64}).new_version == "v1 (2)"
    digest = list_store.entities_digest([_hash("z", "ZULU")])
    assert _store(duckdb.connect(), {"z": "ZULU"}, reserved={"v1": digest}).new_version == "v1"


def test_history_counts_and_digests() -> None:
    con = duckdb.connect()
    _store(con, {"a": "ALPHA", "b": "BRAVO"}, label="one")
    _store(con, {"a": "ALPHA", "b": "BRAVO 2", "c": "CHARLIE", "d": "DELTA"}, label="two")
    _store(con, {"d": "DELTA"}, label="three")
    history = list_history(con, "team")
    counts = [
        (h["version"], h["entities"], h["added"], h["removed"], h["changed"]) for h in history
    ]
    assert counts == [("one", 2, 2, 0, 0), ("two", 4, 2, 0, 1), ("three", 1, 0, 3, 0)]
    assert history[-1]["digest"] == list_store.entities_digest([_hash("d", "DELTA")])
    assert history[0]["loaded_at"] < history[1]["loaded_at"] < history[2]["loaded_at"]


def test_unknown_list_version_or_entity_is_named() -> None:
    con = duckdb.connect()
    _store(con, {"a": "ALPHA"})
    with pytest.raises(NotFoundError, match="has no version 'v9'; stored: 'v1'"):
        list(list_store.iter_entities(con, "team", version="v9"))
    with pytest.raises(NotFoundError, match="version 'v1' holds no entity 'zz'"):
        list_store.entity_at(con, "team", "v1", "zz")
    with pytest.raises(NotFoundError, match="list 'nope' is not in the store"):
        list_history(con, "nope")
    assert list(list_store.iter_entities(con, "nope")) == []


def test_a_failed_load_keeps_every_version() -> None:
    con = duckdb.connect()
    _store(con, {"a": "ALPHA"})
    _store(con, {"a": "ALPHA", "b": "BRAVO"}, label="v2")
    twice = [_entity("x", "X"), _entity("x", "X")]
    with pytest.raises(setori.SetoriError, match="entity id 'x' appears 2 times"):
        list_store.add_version(
            con, list_id="team", source="t", version="v3", counts={}, entities=twice
        )
    assert [v["version"] for v in list_store.list_versions(con, "team")] == ["v1", "v2"]
    assert list_store.list_info(con, "team")["version"] == "v2"


names = st.sampled_from(["ALPHA", "BRAVO", "CHARLIE"])
contents = st.dictionaries(st.sampled_from("abcdef"), names, min_size=1)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loads=st.lists(contents, min_size=1, max_size=6))
def test_history_bookkeeping_holds_for_any_sequence_of_loads(loads: list[dict[str, str]]) -> None:
    con = duckdb.connect()
    for content in loads:
        _store(con, content)
    history = list_history(con, "team")
    previous = 0
    for entry in history:
        assert entry["entities"] == previous + entry["added"] - entry["removed"]
        previous = entry["entities"]
    assert all(a["digest"] != b["digest"] for a, b in itertools.pairwise(history))
    assert len({h["version"] for h in history}) == len(history)
    current = {e["id"]: e["caption"] for e in list_store.iter_entities(con, "team")}
    assert current == loads[-1]


# --- the OFAC legacy CSV set in one command ------------------------------------------


def _by_id(paths: list[Path]) -> dict[str, Any]:
    (loaded,) = load_lists(paths)
    return {str(e.id): e for e in loaded.entities()}


def test_ofac_set_given_as_files_is_one_list_with_aliases_and_addresses(tmp_path: Path) -> None:
    files = [VESSELS / name for name in ("sdn.csv", "add.csv", "alt.csv")]
    (loaded,) = load_lists(files)
    assert (loaded.list_id, loaded.version, loaded.files) == ("ofac", "ent_num 28716", tuple(files))
    vessels = {str(e.id): e for e in loaded.entities()}
    # alt.csv: 17084,26230,"aka","AP ROK GANG" and 27408,44456,"fka","ASIA BRIDGE 2"
    assert vessels["ofac-17084"].caption == "AM NOK GANG"
    assert vessels["ofac-17084"].get("alias") == ["AP ROK GANG"]
    assert "ASIA BRIDGE 2" in vessels["ofac-27408"].get("previousName")


def test_sdn_comments_continue_the_remarks_and_add_csv_gives_addresses() -> None:
    entities = _by_id([COMMENTS / name for name in SET])
    tian = entities["ofac-28263"]  # TIAN, Yinyin: DPRK3 / CYBER2, remarks cut in sdn.csv
    assert tian.get("notes")[0].endswith("Linked To: LAZARUS GROUP.")
    assert sorted(tian.get("alias")) == ["snowsjohn", "tianyinyin0404"]  # in sdn_comments.csv
    assert tian.get("address") == ["Nanjing, Jiangsu, China"] and tian.get("country") == ["cn"]
    assert "FORWARDERZ" in entities["ofac-30518"].get("alias")  # alt.csv, aka
    assert len(entities["ofac-12300"].get("address")) == 11  # add.csv: 11 rows for 12300


def test_companions_are_known_by_shape_under_other_names(tmp_path: Path) -> None:
    sdn_dir, other = tmp_path / "sdn", tmp_path / "other"
    sdn_dir.mkdir()
    other.mkdir()
    shutil.copy(COMMENTS / "sdn.csv", sdn_dir / "sdn.csv")
    renamed = {name: other / f"ofac_2021_{name}" for name in SET[1:]}
    for name, path in renamed.items():
        shutil.copy(COMMENTS / name, path)
    alone = _by_id([sdn_dir / "sdn.csv"])
    assert "snowsjohn" not in alone["ofac-28263"].get("alias")  # no companions beside it
    together = _by_id([sdn_dir / "sdn.csv", *renamed.values()])
    expected = _by_id([COMMENTS / name for name in SET])
    assert {i: e.to_dict() for i, e in together.items()} == {
        i: e.to_dict() for i, e in expected.items()
    }


def test_a_companion_alone_or_twice_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match=r"addresses file \(add.csv\) of an OFAC"):
        load_lists([COMMENTS / "add.csv"])
    with pytest.raises(UnknownFormatError, match=r"aliases file \(alt.csv\) of an OFAC"):
        load_list(COMMENTS / "alt.csv")
    copy = tmp_path / "alt_copy.csv"
    shutil.copy(COMMENTS / "alt.csv", copy)
    with pytest.raises(UnknownFormatError, match=r"two alt\.csv files"):
        load_lists([COMMENTS / "sdn.csv", COMMENTS / "alt.csv", copy])


@pytest.mark.slow
def test_the_vessel_slice_matches_the_full_set(shared_data: Path) -> None:
    full = _by_id([shared_data / "ofac-sdn-2021" / name for name in SET])
    assert len(full) == 17_952  # 8,976 sdn.csv records (SOURCES.md), each with its Sanction
    sliced = _by_id([VESSELS / name for name in ("sdn.csv", "add.csv", "alt.csv")])
    assert all(full[i].to_dict() == e.to_dict() for i, e in sliced.items())
    comments = _by_id([COMMENTS / name for name in SET])
    assert all(full[i].to_dict() == e.to_dict() for i, e in comments.items())


@pytest.mark.slow
def test_the_full_set_in_one_command_keeps_aliases_and_addresses(
    shared_data: Path, tmp_path: Path
) -> None:
    db = tmp_path / "ofac.duckdb"
    files = [str(shared_data / "ofac-sdn-2021" / name) for name in SET]
    result = CliRunner().invoke(cli, ["lists", "load", *files, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "ofac: US OFAC SDN list (legacy CSV), version ent_num 32391: 17,952 entities" in (
        result.output
    )
    (ofac,) = setori.lists(db=db)
    assert (ofac["list_id"], ofac["meta"]["files"]) == ("ofac", files)
    with open_store(db) as con:
        vessel = list_store.entity_at(con, "ofac", "ent_num 32391", "ofac-17084")
        tian = list_store.entity_at(con, "ofac", "ent_num 32391", "ofac-28263")
    assert vessel["caption"] == "AM NOK GANG" and vessel["properties"]["alias"] == ["AP ROK GANG"]
    assert "snowsjohn" in tian["properties"]["alias"]  # from sdn_comments.csv
    assert tian["properties"]["address"] == ["Nanjing, Jiangsu, China"]  # from add.csv


# --- the verb, the workspace's list_versions, the CLI --------------------------------


def _recorded(url: str) -> list[dict[str, Any]]:
    ws = open_workspace(url)
    try:
        return casework_lists.recorded_versions(ws, "ofac")
    finally:
        ws.close()


def test_load_lists_records_each_version_in_the_workspace(
    tmp_path: Path, workspace_url: str
) -> None:
    ws = open_workspace(workspace_url)
    add_analyst(ws, "Kim Analyst")
    ws.close()
    db = tmp_path / "lists.duckdb"
    first = setori.load_lists(
        [COMMENTS / n for n in SET], db=db, workspace=workspace_url, analyst="Kim Analyst"
    )
    assert [(x.list_id, x.version, x.entities, x.added) for x in first] == [
        ("ofac", "ent_num 30518", 10, 10)
    ]
    again = setori.load_lists([COMMENTS / n for n in SET], db=db, workspace=workspace_url)
    assert (again[0].version, again[0].added, again[0].changed) == ("ent_num 30518", 0, 0)
    setori.load_lists([VESSELS / "sdn.csv"], db=db, workspace=workspace_url)  # another content
    rows = _recorded(workspace_url)
    assert [
        (r["version"], r["loaded_by"], r["entities"], r["added"], r["removed"]) for r in rows
    ] == [
        ("ent_num 30518", "Kim Analyst", 10, 10, 0),
        ("ent_num 28716", None, 212, 212, 10),
    ]
    history = setori.lists_history("ofac", db=db)
    assert [h["digest"] for h in history] == [r["digest"] for r in rows]
    assert json.loads(rows[0]["meta"])["files"] == [str(COMMENTS / n) for n in SET]
    assert rows[0]["loaded_at"].endswith("Z") and rows[0]["loaded_at"] < rows[1]["loaded_at"]


def test_a_rebuilt_store_keeps_version_names_apart(tmp_path: Path, workspace_url: str) -> None:
    setori.load_lists([COMMENTS / "sdn.csv"], db=tmp_path / "a.duckdb", workspace=workspace_url)
    # a new store, the same workspace: the same label with other content gets a new name
    sdn_only = tmp_path / "sdn.csv"
    lines = (COMMENTS / "sdn.csv").read_bytes().split(b"\r\n")
    sdn_only.write_bytes(b"\r\n".join(lines[:2] + lines[4:]))  # without 28264
    (new,) = setori.load_lists([sdn_only], db=tmp_path / "b.duckdb", workspace=workspace_url)
    assert new.version == "ent_num 30518 (2)"
    assert [r["version"] for r in _recorded(workspace_url)] == [
        "ent_num 30518",
        "ent_num 30518 (2)",
    ]


def test_an_unknown_analyst_loads_nothing(tmp_path: Path, workspace_url: str) -> None:
    db = tmp_path / "lists.duckdb"
    with pytest.raises(NotFoundError, match="no analyst 'nobody'"):
        setori.load_lists([COMMENTS / "sdn.csv"], db=db, workspace=workspace_url, analyst="nobody")
    assert not db.exists()
    ws = open_workspace(workspace_url)
    with ws.read() as con:
        assert con.execute(sa.select(sa.func.count()).select_from(list_versions)).scalar() == 0
    ws.close()


def test_cli_loads_the_set_in_one_command_and_shows_history(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    loaded = runner.invoke(cli, ["lists", "load", *(str(COMMENTS / n) for n in SET), "--db", db])
    assert loaded.exit_code == 0, loaded.output
    assert (
        "ofac: US OFAC SDN list (legacy CSV), version ent_num 30518: 10 entities" in loaded.output
    )
    runner.invoke(cli, ["lists", "load", str(VESSELS / "sdn.csv"), "--db", db])
    table = runner.invoke(cli, ["lists", "history", "ofac", "--db", db])
    assert table.exit_code == 0, table.output
    assert "ent_num 30518" in table.output and "ent_num 28716" in table.output
    as_json = runner.invoke(cli, ["lists", "history", "ofac", "--db", db, "--format", "json"])
    rows = [json.loads(line) for line in as_json.output.splitlines()]
    assert [(r["version"], r["added"], r["removed"], r["current"]) for r in rows] == [
        ("ent_num 30518", 10, 0, False),
        ("ent_num 28716", 212, 10, True),
    ]
    missing = runner.invoke(cli, ["lists", "history", "unsc", "--db", db])
    assert isinstance(missing.exception, NotFoundError)
    assert "list 'unsc' is not in the store" in str(missing.exception)


def test_lone_companion_on_the_command_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["lists", "load", str(COMMENTS / "add.csv"), "--db", str(tmp_path / "x.duckdb")]
    )
    assert isinstance(result.exception, UnknownFormatError)
    assert "load it together with its sdn.csv" in str(result.exception)
    assert list(tmp_path.iterdir()) == []  # nothing read, nothing created


def test_store_file_reopened_reads_the_same_history(tmp_path: Path) -> None:
    con = connect(tmp_path / "s.duckdb")
    _store(con, {"a": "ALPHA"})
    _store(con, {"a": "ALPHA 2"})
    before = list_history(con, "team")
    con.close()
    again = connect(tmp_path / "s.duckdb")
    assert list_history(again, "team") == before
    again.close()
