"""Sanctions lists in (setori.screen.lists) and into the store (setori.store.lists).

Real files: the UN consolidated XML and the OFAC 2021 legacy CSV set in ../shared/data
(SOURCES.md §4). Small fixtures in tests/data/lists (see its README.md) cover the formats
with no real copy available (OFAC XML and advanced XML) and the UN record with Hangul.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from followthemoney import EntityProxy

from setori.errors import StoreError, UnknownFormatError
from setori.ids import imo_check
from setori.screen.lists import ListFormatError, LoadedList, detect_format, load_list
from setori.store.db import connect
from setori.store.lists import ListDiff, iter_entities, list_info, replace_list

FIXTURES = Path(__file__).parent / "data" / "lists"


@pytest.fixture(scope="module")
def un_path(shared_data: Path) -> Path:
    return shared_data / "un-consolidated" / "UN_consolidated.xml"


@pytest.fixture(scope="module")
def ofac_dir(shared_data: Path) -> Path:
    return shared_data / "ofac-sdn-2021"


@pytest.fixture(scope="module")
def un(un_path: Path) -> LoadedList:
    return load_list(un_path)


@pytest.fixture(scope="module")
def un_entities(un: LoadedList) -> dict[str, EntityProxy]:
    return {str(e.id): e for e in un.entities()}


@pytest.fixture(scope="module")
def ofac_entities(ofac_dir: Path) -> dict[str, EntityProxy]:
    return {str(e.id): e for e in load_list(ofac_dir).entities()}


def _by_program(entities: dict[str, EntityProxy], schema: str, prefix: str) -> list[EntityProxy]:
    return [
        e
        for e in entities.values()
        if e.schema.name == schema and any(p.startswith(prefix) for p in e.get("program"))
    ]


# --- UN consolidated list -------------------------------------------------------------


@pytest.mark.slow
def test_un_counts_and_version(un: LoadedList, un_entities: dict[str, EntityProxy]) -> None:
    assert (un.fmt, un.list_id, un.version) == ("un_xml", "unsc", "2026-02-27T00:00:09.554Z")
    # SOURCES.md (read with lxml): 730 INDIVIDUAL and 273 ENTITY records, DPRK 80 and 75
    assert un.counts == {"Person": 730, "Organization": 273, "Sanction": 1003}
    assert len(_by_program(un_entities, "Person", "DPRK")) == 80
    assert len(_by_program(un_entities, "Organization", "DPRK")) == 75


@pytest.mark.slow
def test_un_dprk_companies_carry_imo_company_numbers(un_entities: dict[str, EntityProxy]) -> None:
    with_imo = [e for e in _by_program(un_entities, "Organization", "DPRK") if e.get("imoNumber")]
    assert len(with_imo) == 16
    omm = next(e for e in with_imo if e.caption.startswith("OCEAN MARITIME MANAGEMENT"))
    assert omm.get("imoNumber") == ["IMO1790183"] and imo_check("IMO1790183").valid_company
    assert "East Sea Shipping Company" in omm.get("alias")
    assert all(imo_check(i).valid_company for e in with_imo for i in e.get("imoNumber"))
    sanction = un_entities[f"{omm.id}-sanction"]
    assert sanction.get("unscId") == ["KPe.020"] and sanction.get("programId") == ["UN-SC1718"]


@pytest.mark.slow
def test_un_names_aliases_and_original_script(
    un_path: Path, un_entities: dict[str, EntityProxy]
) -> None:
    scripts = re.findall(r"<NAME_ORIGINAL_SCRIPT>([^<]+)<", un_path.read_text(encoding="utf-8"))
    aliases = {
        a for e in un_entities.values() if e.schema.name != "Sanction" for a in e.get("alias")
    }
    assert len(scripts) == 378 and {" ".join(s.split()) for s in scripts} <= aliases
    quality = Counter(
        p for e in un_entities.values() for p in e.properties if "lias" in p or "prev" in p
    )
    assert quality["previousName"] > 0 and quality["weakAlias"] > 0
    kpi1 = un_entities["unsc-690734"]
    assert kpi1.get("name") == ["YUN HO-JIN"] and kpi1.get("birthDate") == ["1944-10-13"]
    assert kpi1.get("nationality") == ["kp"]


def test_un_hangul_original_script_is_kept() -> None:
    entities = {str(e.id): e for e in load_list(FIXTURES / "un_dprk_hangul.xml").entities()}
    assert "윤호진" in entities["unsc-690734"].get("alias")
    assert "원양해운관리회사" in entities["unsc-6908046"].get("alias")
    assert entities["unsc-6908046"].get("imoNumber") == ["IMO1790183"]


# --- OFAC SDN legacy CSV --------------------------------------------------------------


@pytest.mark.slow
def test_ofac_csv_vessels(ofac_entities: dict[str, EntityProxy]) -> None:
    vessels = [e for e in ofac_entities.values() if e.schema.name == "Vessel"]
    dprk = _by_program(ofac_entities, "Vessel", "DPRK")
    # SOURCES.md (read with pandas): 406 vessels, 106 under DPRK programs with 105 distinct
    # IMO numbers, 73 flagged "Korea, North"
    assert len(vessels) == 406 and len(dprk) == 106
    assert len({imo for e in dprk for imo in e.get("imoNumber")}) == 105
    assert Counter(f for e in vessels for f in e.get("flag"))["kp"] == 73
    ccg = ofac_entities["ofac-17069"]
    assert (ccg.caption, ccg.get("imoNumber"), ccg.get("flag")) == (
        "CHONG CHON GANG", ["IMO7937317"], ["kp"],
    )  # fmt: skip


@pytest.mark.slow
def test_ofac_csv_vessel_fields_from_remarks_and_alt(ofac_entities: dict[str, EntityProxy]) -> None:
    artavil = ofac_entities["ofac-15036"]
    assert artavil.get("callSign") == ["T2EU4"] and artavil.get("mmsi") == ["572469210"]
    assert artavil.get("imoNumber") == ["IMO9187629"] and artavil.get("flag") == ["ir"]
    assert set(artavil.get("pastFlags")) == {"mt", "tv", "tz"}
    assert set(artavil.get("previousName")) == {"ALPHA", "ABADAN", "SHONA"}  # remarks + alt.csv
    assert artavil.get("tonnage") == ["99144"]
    star = ofac_entities["ofac-28716"]
    assert set(star.get("previousName")) == {"SAM 5", "THINH CUONG"}
    omm = ofac_entities["ofac-17068"]
    assert omm.schema.name == "Organization" and omm.get("imoNumber") == ["IMO1790183"]


@pytest.mark.slow
def test_ofac_csv_persons_and_remark_overflow(ofac_entities: dict[str, EntityProxy]) -> None:
    tian = ofac_entities["ofac-28263"]
    assert tian.get("name") == ["Yinyin TIAN"] and tian.get("birthDate") == ["1986-07-12"]
    assert "snowsjohn" in tian.get("alias")  # sdn.csv cuts at 'snowsjo', sdn_comments.csv continues
    assert set(ofac_entities["ofac-28263-sanction"].get("program")) == {"DPRK3", "CYBER2"}


@pytest.mark.slow
def test_ofac_csv_version_and_detection(ofac_dir: Path) -> None:
    loaded = load_list(ofac_dir / "sdn.csv")
    assert (loaded.fmt, loaded.list_id, loaded.version) == ("ofac_csv", "ofac", "ent_num 32391")
    # SOURCES.md: 8,976 records, 4,620 individuals and 406 vessels; highest ent_num 32391
    assert loaded.counts["Vessel"] == 406 and loaded.counts["Person"] == 4620
    assert detect_format(ofac_dir) == "ofac_csv"


# --- OFAC XML formats (hand-written fixtures) -------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("ofac_sdn_sample.xml", "ofac_xml"), ("ofac_sdn_advanced_sample.xml", "ofac_advanced")],
)
@pytest.mark.slow
def test_ofac_xml_formats_agree_with_the_csv(
    name: str, fmt: str, ofac_entities: dict[str, EntityProxy]
) -> None:
    loaded = load_list(FIXTURES / name)
    assert (loaded.fmt, loaded.version, loaded.published) == (fmt, "2021-07-06", "2021-07-06")
    assert loaded.counts == {"Vessel": 3, "Organization": 1, "Person": 1, "Sanction": 5}
    for entity in loaded.entities():
        if entity.schema.name == "Sanction":
            continue
        csv_entity = ofac_entities[str(entity.id)]
        for prop in ("name", "imoNumber", "mmsi", "callSign", "flag", "previousName", "birthDate"):
            if entity.schema.get(prop):
                assert set(entity.get(prop)) == set(csv_entity.get(prop)), (entity.id, prop)


def test_ofac_xml_record_count_guards_truncation(tmp_path: Path) -> None:
    text = (FIXTURES / "ofac_sdn_sample.xml").read_text(encoding="utf-8")
    cut = tmp_path / "sdn.xml"
    cut.write_text(re.sub(r"<sdnEntry>\s*<uid>28716</uid>.*?</sdnEntry>", "", text, flags=re.S))
    with pytest.raises(
        ListFormatError, match=r"sdn\.xml: end of file: 4 sdnEntry.*Record_Count says 5"
    ):
        load_list(cut)


# --- FtM JSON lines and the team watchlist ----------------------------------------------


def test_ftm_json_lines_are_normalised_and_flagged() -> None:
    loaded = load_list(FIXTURES / "ftm_sample.jsonl")
    entities = {str(e.id): e for e in loaded.entities()}
    assert (loaded.fmt, loaded.version) == ("ftm_json", "2022-07-26T00:00:00")
    assert entities["kp-vsl-chon-ma-san"].get("imoNumber") == ["IMO8660313"]
    assert entities["kp-vsl-chon-ma-san"].context["fraudImoNumber"] == ["8660313000"]
    yu_jong = entities["kp-vsl-yu-jong-2"]
    assert (yu_jong.get("imoNumber"), yu_jong.get("callSign"), yu_jong.get("mmsi")) == (
        ["IMO8604917"], ["HMYD"], ["445123000"],
    )  # fmt: skip
    assert entities["kp-vsl-bad-imo"].get("imoNumber") == ["IMO8660314"]  # kept, and flagged:
    assert {(p.entity_id, p.prop) for p in loaded.problems} == {
        ("kp-vsl-chon-ma-san", "fraudImoNumber"), ("kp-vsl-bad-imo", "imoNumber"),
        ("kp-vsl-bad-imo", "flag"),
    }  # fmt: skip


def test_team_watchlist_csv() -> None:
    loaded = load_list(FIXTURES / "team_watchlist.csv", list_id="team")
    entities = {str(e.id): e for e in loaded.entities()}
    assert loaded.counts == {"Vessel": 4, "Organization": 1, "Person": 1}
    assert entities["wl-1"].get("alias") == ["MV CHON MA SAN", "CHONMASAN"]
    assert entities["wl-3"].schema.name == "Vessel"  # schema defaults to Vessel
    assert entities["wl-4"].get("callSign") == ["5IM592"]
    assert {p.prop for p in loaded.problems if p.entity_id == "wl-4"} == {
        "imoNumber",
        "mmsi",
        "flag",
    }
    assert entities["wl-6"].get("alias") == ["윤호진"]


def test_watchlist_ids_without_an_id_column(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("name,imo\nCHON MA SAN,8660313\nNO IMO SHIP,\n", encoding="utf-8")
    ids = [str(e.id) for e in load_list(path).entities()]
    assert ids[0] == "mine-imo-8660313" and ids[1].startswith("mine-")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("name,imo_nr\nX,1\n", r"line 1: unknown columns \['imo_nr'\]"),
        ("imo\n8660313\n", "line 1: no 'name' column"),
        ("name,imo\nA,8660313\nB,1,2\n", "line 3: 3 fields, expected 2"),
        ("name,schema\nA,Ship\n", "line 2: schema 'Ship'"),
        ("id,name\nx,A\nx,B\n", "line 3: id x already on line 2"),
    ],
)
def test_watchlist_errors_name_file_and_line(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ListFormatError, match=rf"bad\.csv: {match}"):
        load_list(path)


# --- broken files are rejected whole ------------------------------------------------------


@pytest.mark.slow
def test_truncated_un_xml_is_rejected_with_file_and_line(un_path: Path, tmp_path: Path) -> None:
    data = un_path.read_bytes()
    cut = tmp_path / "UN_truncated.xml"
    cut.write_bytes(data[: len(data) // 2])
    lines = data[: len(data) // 2].count(b"\n") + 1
    with pytest.raises(ListFormatError) as caught:
        load_list(cut)
    assert str(cut) in str(caught.value) and caught.value.where == f"line {lines}"
    assert "broken XML" in caught.value.reason


@pytest.mark.slow
def test_un_record_without_reference_is_rejected(un_path: Path, tmp_path: Path) -> None:
    text = un_path.read_text(encoding="utf-8")
    broken = tmp_path / "UN_no_ref.xml"
    broken.write_text(text.replace("<REFERENCE_NUMBER>KPi.033</REFERENCE_NUMBER>", "", 1), "utf-8")
    with pytest.raises(
        ListFormatError, match=r"UN_no_ref\.xml: line \d+ <INDIVIDUAL>: no REFERENCE"
    ):
        load_list(broken)


def _ofac_copy(ofac_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ofac"
    shutil.copytree(ofac_dir, target)
    return target


def _edit_line(path: Path, line_no: int, edit: str) -> None:
    lines = path.read_bytes().split(b"\r\n")
    lines[line_no - 1] = edit.encode()
    path.write_bytes(b"\r\n".join(lines))


@pytest.mark.slow
def test_ofac_csv_broken_row_is_rejected_with_file_and_line(ofac_dir: Path, tmp_path: Path) -> None:
    target = _ofac_copy(ofac_dir, tmp_path)
    _edit_line(target / "sdn.csv", 4000, '17069,"CHONG CHON GANG","vessel","DPRK"')
    with pytest.raises(ListFormatError, match=r"ofac/sdn\.csv: line 4000: 4 fields, expected 12"):
        load_list(target)
    _edit_line(target / "sdn.csv", 4000, '17069,"CHONG CHON GANG,"vessel","DPRK",-0-,-0-')
    with pytest.raises(ListFormatError, match=r"sdn\.csv: line 4000: "):
        load_list(target)


@pytest.mark.slow
def test_ofac_companion_row_without_sdn_entry_is_rejected(ofac_dir: Path, tmp_path: Path) -> None:
    target = _ofac_copy(ofac_dir, tmp_path)
    _edit_line(target / "alt.csv", 10, '99999999,1,"aka","NOBODY",-0- ')
    with pytest.raises(ListFormatError, match=r"alt\.csv: line 10: ent_num 99999999 is not in sdn"):
        load_list(target)


def test_unknown_formats(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<catalog/>", encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="root <catalog>"):
        load_list(other)
    with pytest.raises(UnknownFormatError, match=r"no sdn\.csv"):
        detect_format(tmp_path)


@pytest.mark.slow
def test_entities_stream_in_bounded_memory(un: LoadedList) -> None:
    import tracemalloc

    tracemalloc.start()
    count = sum(1 for _ in un.entities())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # 2,006 = SOURCES.md's 730 INDIVIDUAL + 273 ENTITY records, each with its Sanction entity
    assert count == 2006 and peak < 8_000_000  # the whole 2 MB document as a tree is ~10x


# --- the store: atomic replace and the diff of an update --------------------------------------


def _save(con: duckdb.DuckDBPyConnection, loaded: LoadedList) -> ListDiff:
    return replace_list(
        con, list_id=loaded.list_id, source=loaded.source, version=loaded.version,
        counts=loaded.counts, entities=loaded.records(), meta=loaded.summary(),
    )  # fmt: skip


def _modified_un(un_path: Path, tmp_path: Path) -> Path:
    """A copy with KPi.002 removed, KPe.020 given a new alias and one new entity added."""
    text = un_path.read_text(encoding="utf-8")
    removed = re.search(r"<INDIVIDUAL>\s*<DATAID>6908045</DATAID>.*?</INDIVIDUAL>\s*", text, re.S)
    assert removed is not None
    text = text.replace(removed.group(0), "", 1)
    omm_alias = "<ALIAS_NAME>East Sea Shipping Company</ALIAS_NAME>"
    text = text.replace(omm_alias, omm_alias.replace("East Sea", "East Sea Coastal"), 1)
    new = (
        "<ENTITY><DATAID>9999001</DATAID><VERSIONNUM>1</VERSIONNUM>"
        "<FIRST_NAME>SETORI TEST SHIPPING CO</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>"
        "<REFERENCE_NUMBER>KPe.999</REFERENCE_NUMBER><LISTED_ON>2026-03-01</LISTED_ON>"
        "<COMMENTS1>IMO number: 5342883.</COMMENTS1></ENTITY>\n  </ENTITIES>"
    )
    text = text.replace("</ENTITIES>", new, 1)
    text = text.replace(
        'dateGenerated="2026-02-27T00:00:09.554Z"', 'dateGenerated="2026-03-02T00:00:00Z"'
    )
    path = tmp_path / "UN_next.xml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_reload_reports_exactly_what_changed(un: LoadedList, un_path: Path, tmp_path: Path) -> None:
    con = connect(tmp_path / "lists.duckdb")
    con.sql("CREATE TABLE screen_decisions (entity_id VARCHAR, decision VARCHAR)")
    con.sql("INSERT INTO screen_decisions VALUES ('unsc-6908045', 'confirmed')")
    first = _save(con, un)
    assert (first.old_version, len(first.added), first.removed, first.changed) == (
        None,
        2006,
        (),
        (),
    )
    again = _save(con, un)
    assert (again.added, again.removed, again.changed, again.unchanged) == ((), (), (), 2006)

    diff = _save(con, load_list(_modified_un(un_path, tmp_path), list_id="unsc"))
    assert (diff.old_version, diff.new_version) == (un.version, "2026-03-02T00:00:00Z")
    assert diff.added == ("unsc-9999001", "unsc-9999001-sanction")
    assert diff.removed == ("unsc-6908045", "unsc-6908045-sanction")
    assert diff.changed == ("unsc-6908046",)
    assert diff.unchanged == 2006 - 3 and diff.total == 2006
    assert list_info(con, "unsc")["version"] == "2026-03-02T00:00:00Z"
    assert con.sql("SELECT * FROM screen_decisions").fetchall() == [("unsc-6908045", "confirmed")]
    new = [
        e
        for e in iter_entities(con, "unsc", schemata=["Organization"])
        if e["id"] == "unsc-9999001"
    ]
    assert new[0]["properties"]["imoNumber"] == ["IMO5342883"] and new[0]["caption"]


@pytest.mark.slow
def test_failed_update_keeps_the_previous_version(un: LoadedList, tmp_path: Path) -> None:
    con = connect(tmp_path / "lists.duckdb")
    _save(con, un)

    def broken() -> Iterator[dict[str, object]]:
        yield from (r for _, r in zip(range(1500), un.records(), strict=False))
        raise ListFormatError("UN_next.xml", "line 9", "broken XML")

    with pytest.raises(ListFormatError):
        replace_list(con, list_id="unsc", source="x", version="v2", counts={}, entities=broken())
    assert list_info(con, "unsc")["version"] == un.version
    assert sum(1 for _ in iter_entities(con, "unsc")) == 2006
    twice = [{"id": "a", "schema": "Vessel", "properties": {}}] * 2
    with pytest.raises(StoreError, match="entity id 'a' appears 2 times"):
        replace_list(con, list_id="unsc", source="x", version="v3", counts={}, entities=twice)
    assert list_info(con, "unsc")["version"] == un.version


@pytest.mark.slow
def test_store_keeps_counts_and_flagged_values(tmp_path: Path, ofac_dir: Path) -> None:
    con = connect(tmp_path / "lists.duckdb")
    loaded = load_list(FIXTURES / "team_watchlist.csv")
    _save(con, loaded)
    info = list_info(con, loaded.list_id)
    assert info["counts"] == {"Vessel": 4, "Organization": 1, "Person": 1}
    assert info["meta"]["problems"] == 3 and info["meta"]["flagged"][0]["entity_id"] == "wl-4"
    stored = json.loads(json.dumps(next(iter_entities(con, loaded.list_id))))
    assert stored["id"] == "wl-1" and stored["caption"] == "CHON MA SAN"
