"""The matcher (setori.screen.match) on real list names.

Entities are built with ``followthemoney.model.make_entity`` from names read out of the
shared OFAC SDN 2021 CSV and UN consolidated XML (``shared_data`` fixture), never typed by
hand. Queries are typed: list names with one perturbation, Hangul renderings checked
against the list spelling, Han characters taken from the UN XML, and the short AIS names
(with their MMSIs) that ``python -m setori demo`` broadcast from real Danish traffic.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from followthemoney import model
from followthemoney.proxy import EntityProxy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from rigour.text.distance import levenshtein

from setori.errors import InputError
from setori.ids import normalize_flag
from setori.screen.match import Screener, query_key
from setori.screen.match.hangul import romanise
from setori.screen.match.hanja_reading import reading_table
from setori.screen.match.korean_names import readings
from setori.screen.match.names import name_key
from setori.screen.match.screener import prepare
from setori.screen.match.vessel import is_transposition
from setori.screen.match.weights import MEDIUM_NAME_MAX, SHORT_SWAP_MAX
from setori.screen.model import REVIEW_AT, STRONG_AT, Hit, Query

IMO_REMARK = re.compile(r"IMO (\d{7})")
MMSI_REMARK = re.compile(r"MMSI (\d{9})")
FKA_REMARK = re.compile(r"f\.k\.a\. '([^']+)'")


def sdn_rows(shared: Path) -> dict[str, list[str]]:
    with open(shared / "ofac-sdn-2021" / "sdn.csv", encoding="latin-1", newline="") as f:
        return {row[0]: row for row in csv.reader(f) if len(row) >= 12}


def ofac_vessel(row: list[str]) -> EntityProxy:
    entity = model.make_entity("Vessel")
    entity.id = f"ofac-{row[0]}"
    entity.add("name", row[1])
    entity.add("imoNumber", IMO_REMARK.findall(row[11]))
    entity.add("mmsi", MMSI_REMARK.findall(row[11]))
    entity.add("previousName", FKA_REMARK.findall(row[11]))
    entity.add("flag", row[9].strip(), quiet=True)
    if row[5].strip() != "-0-":
        entity.add("callSign", row[5].strip())
    return entity


def un_records(shared: Path) -> dict[str, etree._Element]:
    root = etree.parse(str(shared / "un-consolidated" / "UN_consolidated.xml")).getroot()
    return {
        (rec.findtext("REFERENCE_NUMBER") or "").strip(): rec
        for rec in root.iter("INDIVIDUAL", "ENTITY")
        if (rec.findtext("UN_LIST_TYPE") or "").strip() == "DPRK"
    }


def un_name(rec: etree._Element) -> str:
    parts = (rec.findtext(t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME"))
    return " ".join(p.strip() for p in parts if p and p.strip())


def un_entity(ref: str, rec: etree._Element) -> EntityProxy:
    entity = model.make_entity("Person" if rec.tag == "INDIVIDUAL" else "Organization")
    entity.id = f"un-{ref}"
    entity.add("name", un_name(rec))
    for alias in rec.iter("INDIVIDUAL_ALIAS", "ENTITY_ALIAS"):
        entity.add("alias", alias.findtext("ALIAS_NAME"), quiet=True)
    for dob in rec.iter("INDIVIDUAL_DATE_OF_BIRTH"):
        entity.add("birthDate", dob.findtext("DATE") or dob.findtext("YEAR"), quiet=True)
    return entity


@pytest.fixture(scope="module")
def rows(shared_data: Path) -> dict[str, list[str]]:
    return sdn_rows(shared_data)


@pytest.fixture(scope="module")
def un(shared_data: Path) -> dict[str, etree._Element]:
    return un_records(shared_data)


@pytest.fixture(scope="module")
def entities(rows: dict[str, list[str]], un: dict[str, etree._Element]) -> list[EntityProxy]:
    vessels = [ofac_vessel(row) for row in rows.values() if row[2] == "vessel"]
    return vessels + [un_entity(ref, rec) for ref, rec in un.items()]


@pytest.fixture(scope="module")
def screener(entities: list[EntityProxy]) -> Screener:
    return Screener(entities)


def top(screener: Screener, query: Query) -> Hit:
    hits = screener.screen(query)
    assert hits, f"no hit for {query}"
    return hits[0]


def hit_for(screener: Screener, query: Query, entity_id: str) -> Hit | None:
    return next((h for h in screener.screen(query, limit=50) if h.entity_id == entity_id), None)


def feature_names(hit: Hit) -> set[str]:
    return {f.name for f in hit.features}


# (a) identifiers -------------------------------------------------------------------------


@pytest.mark.slow
def test_imo_exact_hit_with_flag_contradiction(screener: Screener, rows: dict) -> None:
    chon_ma_san = rows["23729"]
    imo = IMO_REMARK.findall(chon_ma_san[11])[0]
    query = Query(names=("HUA FU",), imo=f"IMO {imo}", mmsi="351234000", flag="Panama")
    hit = hit_for(screener, query, "ofac-23729")
    assert hit is not None and hit.band == "strong"
    names = {f.name: f.contribution for f in hit.features}
    assert names["imo_exact"] == pytest.approx(0.95)
    assert names["flag_conflict"] < 0
    assert "mid_flag_conflict" not in names  # the MMSI says the same as the declared flag


@pytest.mark.slow
def test_mid_conflict_alone(screener: Screener, rows: dict) -> None:
    imo = IMO_REMARK.findall(rows["23729"][11])[0]
    hit = hit_for(screener, Query(imo=imo, mmsi="667001234"), "ofac-23729")
    assert hit is not None
    conflict = next(f for f in hit.features if f.name == "mid_flag_conflict")
    assert conflict.contribution < 0 and "SL" in conflict.explanation


@pytest.mark.slow
def test_mmsi_and_call_sign_exact(screener: Screener, rows: dict) -> None:
    row = next(r for r in rows.values() if r[2] == "vessel" and MMSI_REMARK.search(r[11]))
    query = Query(mmsi=MMSI_REMARK.findall(row[11])[0], call_sign=row[5].strip().lower())
    hit = top(screener, query)
    assert hit.entity_id == f"ofac-{row[0]}" and hit.score == 1.0
    assert {"mmsi_exact", "call_sign_exact"} <= feature_names(hit)


@pytest.mark.slow
def test_dprk_call_sign_under_a_foreign_flag(screener: Screener, rows: dict) -> None:
    imo = IMO_REMARK.findall(rows["23729"][11])[0]
    hit = hit_for(screener, Query(imo=imo, call_sign="HMYX", flag="Sierra Leone"), "ofac-23729")
    assert hit is not None and "call_sign_flag_conflict" in feature_names(hit)


@pytest.mark.slow
def test_same_name_different_valid_imo_is_contradicted(screener: Screener, rows: dict) -> None:
    yu_jong, star = rows["23736"], rows["28716"]
    other_imo = IMO_REMARK.findall(star[11])[0]
    hit = hit_for(screener, Query(names=(yu_jong[1],), imo=other_imo), "ofac-23736")
    assert hit is not None and hit.band == "none" and not hit.match
    assert "imo_conflict" in feature_names(hit)
    assert top(screener, Query(names=(yu_jong[1],), imo=other_imo)).entity_id == "ofac-28716"


# (b, c) vessel names ----------------------------------------------------------------------


@pytest.mark.slow
def test_space_collapsed_name_finds_spaced_name(screener: Screener, rows: dict) -> None:
    name = rows["23729"][1]
    hit = top(screener, Query(names=(name.replace(" ", ""),)))
    assert hit.entity_id == "ofac-23729" and hit.band == "strong"


@pytest.mark.parametrize("prefix", ["M/V ", "MV ", "M.V. ", "SS ", "mv. "])
@pytest.mark.slow
def test_vessel_prefixes_are_dropped(screener: Screener, rows: dict, prefix: str) -> None:
    hit = top(screener, Query(names=(prefix + rows["23517"][1],)))
    assert hit.entity_id == "ofac-23517" and hit.score == 1.0


@pytest.mark.slow
def test_sister_ship_numeral_does_not_match(screener: Screener, rows: dict) -> None:
    kum_un_san, kum_un_san_3 = rows["23517"][1], rows["23163"][1]
    hit = hit_for(screener, Query(names=(kum_un_san_3,)), "ofac-23517")
    assert hit is None or (hit.score == 0.0 and "numeral_mismatch" in feature_names(hit))
    assert top(screener, Query(names=(kum_un_san_3,))).entity_id == "ofac-23163"
    hit = hit_for(screener, Query(names=(f"M/V {kum_un_san}",)), "ofac-23163")
    assert hit is None or not hit.match


@pytest.mark.slow
def test_sam_jong_1_is_not_sam_jong_2(screener: Screener, rows: dict) -> None:
    hit = hit_for(screener, Query(names=(rows["23733"][1],)), "ofac-23734")
    assert hit is not None and hit.score == 0.0
    reason = next(f for f in hit.features if f.name == "numeral_mismatch")
    assert "different hulls" in reason.explanation


@pytest.mark.slow
def test_no_dot_before_the_numeral(screener: Screener, rows: dict) -> None:
    stem, number = rows["23163"][1].rsplit(" ", 1)
    hit = top(screener, Query(names=(f"{stem} NO. {number}",)))
    assert hit.entity_id == "ofac-23163" and hit.score == 1.0


def dprk_vessel_names(rows: dict) -> list[tuple[str, str]]:
    return [
        (f"ofac-{r[0]}", r[1])
        for r in rows.values()
        if r[2] == "vessel" and "DPRK" in r[3] and sum(ch.isalpha() for ch in r[1]) >= 3
    ]


def one_letter_typos(name: str) -> list[str]:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    i, j = letters[len(letters) // 2], letters[-1]
    swapped = (
        name[: j - 1] + name[j] + name[j - 1] + name[j + 1 :] if name[j - 1].isalpha() else None
    )
    typos = [name[:i] + name[i + 1 :], name[:i] + ("X" if name[i] != "X" else "Q") + name[i + 1 :]]
    return typos + ([swapped] if swapped and swapped != name else [])


def typos_by_length(rows: dict, *, short: bool) -> list[tuple[str, str, str, list[str]]]:
    """(entity id, typo, listed name, row) for DPRK vessel names up to or over 7 characters."""
    return [
        (entity_id, typo, name, rows[entity_id.removeprefix("ofac-")])
        for entity_id, name in dprk_vessel_names(rows)
        if (len(name_key(name).collapsed) <= MEDIUM_NAME_MAX) == short
        for typo in one_letter_typos(name)
    ]


@pytest.mark.slow
def test_one_letter_typos_on_long_names_match(screener: Screener, rows: dict) -> None:
    misses = []
    for entity_id, typo, name, _ in typos_by_length(rows, short=False):
        hit = hit_for(screener, Query(names=(typo,)), entity_id)
        if hit is None or hit.score < REVIEW_AT:
            misses.append((typo, name))
    assert misses == []


@pytest.mark.slow
def test_one_letter_typos_on_short_names_need_an_identifier_or_the_flag(
    screener: Screener, rows: dict
) -> None:
    typos = [
        (entity_id, typo, name, row)
        for entity_id, typo, name, row in typos_by_length(rows, short=True)
        if not is_transposition(name_key(typo).collapsed, name_key(name).collapsed)
    ]
    assert len(typos) >= 80  # JON JIN 2, PAEK MA, YU SON ...
    for entity_id, typo, name, row in typos:
        alone = hit_for(screener, Query(names=(typo,)), entity_id)
        assert alone is not None and not alone.match, (typo, name)
        assert any("weak on its own" in f.explanation for f in alone.features), alone.features
        if normalize_flag(row[9].strip()):  # HAO FAN 2 has no flag on the list
            flagged = hit_for(screener, Query(names=(typo,), flag=row[9].strip()), entity_id)
            assert flagged is not None and flagged.band == "review", (typo, name, row[9])
            assert "flag_agrees" in feature_names(flagged)
        imos = IMO_REMARK.findall(row[11])
        if imos:
            with_imo = hit_for(screener, Query(names=(typo,), imo=imos[0]), entity_id)
            assert with_imo is not None and with_imo.band == "strong"
            assert "flag_agrees" not in feature_names(with_imo)


@pytest.mark.slow
def test_adjacent_swaps_on_names_of_five_to_seven_characters_match(
    screener: Screener, rows: dict
) -> None:
    swaps = [
        (entity_id, typo, name)
        for entity_id, typo, name, _ in typos_by_length(rows, short=True)
        if is_transposition(name_key(typo).collapsed, name_key(name).collapsed)
    ]
    assert len(swaps) > 20
    for entity_id, typo, name in swaps:
        hit = hit_for(screener, Query(names=(typo,)), entity_id)
        length = len(name_key(name).collapsed)
        assert hit is not None and hit.match == (length > SHORT_SWAP_MAX), (typo, name)


@pytest.mark.slow
def test_a_dprk_mid_counts_as_the_flag(screener: Screener, rows: dict) -> None:
    entity_id, typo, name, row = typos_by_length(rows, short=True)[0]
    assert normalize_flag(row[9].strip()) == "KP", (name, row[9])
    hit = hit_for(screener, Query(names=(typo,), mmsi="445112000"), entity_id)
    assert hit is not None and hit.band == "review"
    agrees = next(f for f in hit.features if f.name == "flag_agrees")
    assert "MID of KP" in agrees.explanation


#: Real AIS names and MMSIs (Danish and US traffic in ``python -m setori demo``) that were
#: review-band alerts, each one letter from a listed vessel name (SARA: MARA, SANA, SARAK).
AIS_SHORT_NAMES = [("SARA", "265548570"), ("IONA", "244670348"), ("MENJA", "219000603"),
                   ("PASSAAT", "246901005"), ("SANNA", "265604540")]  # fmt: skip


def listed_one_edit_away(rows: dict, ais_name: str) -> list[list[str]]:
    """SDN vessel rows whose name or former name is one edit (or swap) from the AIS name."""
    a = name_key(ais_name).collapsed

    def near(listed: str) -> bool:
        b = name_key(listed).collapsed
        edits = levenshtein(a, b, max_edits=2)
        return edits == 1 or (edits == 2 and is_transposition(a, b))

    return [
        row
        for row in rows.values()
        if row[2] == "vessel" and any(near(n) for n in [row[1], *FKA_REMARK.findall(row[11])])
    ]


@pytest.mark.parametrize(("ais_name", "mmsi"), AIS_SHORT_NAMES)
@pytest.mark.slow
def test_short_ais_names_one_letter_from_a_listed_name_do_not_alert(
    screener: Screener, rows: dict, ais_name: str, mmsi: str
) -> None:
    listed = listed_one_edit_away(rows, ais_name)
    assert listed, ais_name
    query = Query(names=(ais_name,), mmsi=mmsi, ref=f"mmsi:{mmsi}")
    assert list(screener.screen_many([query])) == []
    for row in listed:
        hit = hit_for(screener, query, f"ofac-{row[0]}")
        assert hit is not None and 0 < hit.score < REVIEW_AT, (ais_name, row[1])
        length = max(len(name_key(ais_name).collapsed), len(name_key(row[1]).collapsed))
        why = next(f.explanation for f in hit.features if f.name.endswith("_one_edit"))
        assert f"on a {length}-letter name: weak on its own" in why, why
        flagged = hit_for(screener, Query(names=(ais_name,), flag=row[9].strip()), hit.entity_id)
        assert flagged is not None and flagged.band == "review"


@pytest.mark.slow
def test_word_swaps_match(screener: Screener, rows: dict) -> None:
    for entity_id, name in dprk_vessel_names(rows):
        words = name.split()
        if len(words) > 1 and len(set(words)) > 1:
            swapped = " ".join([words[1], words[0], *words[2:]])
            hit = hit_for(screener, Query(names=(swapped,)), entity_id)
            assert hit is not None and hit.score >= REVIEW_AT, (swapped, name)


@pytest.mark.slow
def test_former_name_matches_and_says_so(screener: Screener, rows: dict) -> None:
    star = rows["28716"]
    former = FKA_REMARK.findall(star[11])[-1]
    hit = top(screener, Query(names=(former,)))
    assert hit.entity_id == "ofac-28716" and hit.band == "strong"
    assert any("former name" in f.explanation for f in hit.features)


@pytest.mark.slow
def test_hangul_vessel_name(screener: Screener, rows: dict) -> None:
    assert romanise("천마산").upper() == rows["23729"][1]
    assert top(screener, Query(names=("천마산",))).entity_id == "ofac-23729"


@pytest.mark.slow
def test_candidates_are_blocked_not_scanned(screener: Screener, rows: dict) -> None:
    found = screener._candidates(prepare(Query(names=(rows["23729"][1],))))
    assert 0 < len(found) < 20 < len(screener.records)


# (d) persons and organisations -----------------------------------------------------------


@pytest.mark.parametrize(
    ("hangul", "ref"),
    [("김철삼", "KPi.035"), ("리원호", "KPi.033"), ("박춘일", "KPi.029"), ("김세곤", "KPi.032")],
)
@pytest.mark.slow
def test_hangul_query_finds_the_romanised_person(
    screener: Screener, un: dict, hangul: str, ref: str
) -> None:
    listed = un_name(un[ref])
    plain, voiced = romanise(hangul).upper(), romanise(hangul, voiced=True).upper()
    assert listed.upper().replace("-", " ") in (plain, voiced)  # the typed Hangul is right
    hit = top(screener, Query(schema="Person", names=(hangul,)))
    assert hit.entity_id == f"un-{ref}" and hit.band == "strong"
    assert "derived_name" in feature_names(hit) or hit.score == 1.0


@pytest.mark.slow
def test_han_alias_from_the_un_xml_finds_its_person(screener: Screener, un: dict) -> None:
    if reading_table() is None:
        pytest.skip("hanja not installed; Hanja queries are matched only as written")
    alias = next(a.findtext("ALIAS_NAME") or "" for a in un["KPi.035"].iter("INDIVIDUAL_ALIAS"))
    han = "".join(re.findall(r"[\u4e00-\u9fff]", alias))
    assert han, alias
    hit = top(screener, Query(schema="Person", names=(han,)))
    assert hit.entity_id == "un-KPi.035" and hit.band == "strong"


@pytest.mark.parametrize("variant", ["Lee", "Yi", "Rhee", "Li"])
@pytest.mark.slow
def test_ri_surname_variants(screener: Screener, un: dict, variant: str) -> None:
    surname, given = un_name(un["KPi.053"]).split(" ", 1)
    assert surname == "RI"
    hit = top(screener, Query(schema="Person", names=(f"{variant} {given.title()}",)))
    assert hit.entity_id == "un-KPi.053" and hit.score >= STRONG_AT


@pytest.mark.parametrize(("ref", "variant"), [("KPi.063", "Park"), ("KPi.064", "Choi")])
@pytest.mark.slow
def test_other_surname_variants(screener: Screener, un: dict, ref: str, variant: str) -> None:
    given = un_name(un[ref]).split(" ", 1)[1]
    hit = top(screener, Query(schema="Person", names=(f"{variant} {given}",)))
    assert hit.entity_id == f"un-{ref}" and hit.score >= REVIEW_AT


@pytest.mark.slow
def test_birth_dates_qualify(screener: Screener, un: dict) -> None:
    name = un_name(un["KPi.053"])
    dob = un["KPi.053"].findtext("INDIVIDUAL_DATE_OF_BIRTH/DATE")
    same = hit_for(screener, Query(schema="Person", names=(name,), birth_date=dob), "un-KPi.053")
    other = hit_for(
        screener, Query(schema="Person", names=(name,), birth_date="1980-01-01"), "un-KPi.053"
    )
    assert same is not None and other is not None
    assert "birth_date_match" in feature_names(same)
    assert other.score < same.score and any(f.contribution < 0 for f in other.features)


@pytest.mark.slow
def test_organisation_by_logic_v2(screener: Screener, un: dict) -> None:
    name = un_name(un["KPe.020"])
    short = name.split(" COMPANY")[0].title()
    hit = top(screener, Query(schema="LegalEntity", names=(short,)))
    assert hit.entity_id == "un-KPe.020" and hit.match
    assert any(f.name.startswith("lv2_") for f in hit.features)


def ofac_person(row: list[str]) -> EntityProxy:
    entity = model.make_entity("Person")
    entity.id = f"ofac-{row[0]}"
    entity.add("name", row[1])
    return entity


@pytest.fixture(scope="module")
def persons(rows: dict, un: dict) -> list[EntityProxy]:
    """Every DPRK person of the OFAC SDN (``KIM, Yo Jong``) and of the UN list."""
    ofac = [ofac_person(r) for r in rows.values() if r[2] == "individual" and "DPRK" in r[3]]
    return ofac + [un_entity(ref, rec) for ref, rec in un.items() if rec.tag == "INDIVIDUAL"]


@pytest.fixture(scope="module")
def person_screener(persons: list[EntityProxy]) -> Screener:
    return Screener(persons)


def given_name_of(name: str, surname: str) -> tuple[str, ...] | None:
    found = [r.given for r in readings(name) if r.surname == surname]
    return found[0] if found else None


@pytest.mark.slow
def test_hangul_kim_jong_un_does_not_find_his_sister(
    person_screener: Screener, persons: list[EntityProxy]
) -> None:
    assert romanise("김정은", voiced=True) == "kim jong un"
    hits = person_screener.screen(Query(schema="Person", names=("김정은",)), limit=50)
    him = hits[0]
    assert him.band == "strong"
    assert given_name_of(him.caption, "kim") == ("chong", "un")
    # every listed KIM sharing the syllable JONG with another given name (KIM YO JONG ...)
    relatives = {
        str(p.id)
        for p in persons
        for name in p.get("name")
        if (given := given_name_of(name, "kim")) and "chong" in given and given != ("chong", "un")
    }
    assert len(relatives) >= 3
    scored = [h for h in hits if h.entity_id in relatives]
    assert scored and all(not h.match for h in scored)
    for hit in scored:
        conflict = next(f for f in hit.features if f.name == "given_name_conflict")
        assert conflict.contribution < 0 and "syllable by syllable" in conflict.explanation


def spelled(given: tuple[str, ...]) -> str:
    """A given name with the o/u, ou/o and ui/i spellings of one Korean vowel merged."""
    return "".join(given).replace("ui", "i").replace("ou", "o").replace("u", "o")


@pytest.mark.slow
def test_no_listed_person_alerts_on_a_namesake_with_another_given_name(
    person_screener: Screener, persons: list[EntityProxy]
) -> None:
    """Every DPRK person's name, screened: alerts only on the same given name (or an alias)."""
    names = {str(p.id): p.get("name") + p.get("alias") for p in persons}
    for person in persons:
        name = person.get("name")[0]
        query_readings = readings(name)
        for hit in person_screener.screen(Query(schema="Person", names=(name,))):
            if not hit.match or hit.entity_id == person.id:
                continue
            for reading in query_readings:
                listed = [given_name_of(n, reading.surname) for n in names[hit.entity_id]]
                shared = [g for g in listed if g is not None]
                assert not shared or any(spelled(g) == spelled(reading.given) for g in shared), (
                    name,
                    hit.caption,
                    hit.score,
                )


@pytest.mark.parametrize("ref", ["KPi.035", "KPi.053", "KPi.063", "KPi.064"])
@pytest.mark.slow
def test_listed_korean_persons_in_other_orders_or_run_together_still_match(
    person_screener: Screener, un: dict, ref: str
) -> None:
    surname, given = un_name(un[ref]).split(" ", 1)
    forms = (f"{given.title()} {surname}", f"{surname}, {given.replace(' ', '-')}",
             f"{given.replace(' ', '').title()} {surname}")  # fmt: skip
    for name in forms:
        hit = hit_for(person_screener, Query(schema="Person", names=(name,)), f"un-{ref}")
        assert hit is not None and hit.score >= STRONG_AT, name
        assert "given_name_conflict" not in feature_names(hit)


# decisions -------------------------------------------------------------------------------


@pytest.mark.slow
def test_dismissed_pairs_stay_dismissed(entities: list[EntityProxy], rows: dict) -> None:
    """Decisions are keyed by the exact query (query_key) and entity: never by ``ref``, a
    label several queries may share (a CLI query's ``cli`` once leaked to every other)."""
    name = rows["23729"][1]
    spelled = Query(names=(name.replace(" ", "-"),), ref="cli")  # same key as `name`
    with_imo = Query(names=(name,), imo="8660313", ref="cli")  # another query
    decisions = {
        (query_key(Query(names=(name,))), "ofac-23729"): "dismissed",
        ("cli", "ofac-23729"): "confirmed",  # a ref is no key: never applied
    }
    screener = Screener(entities, decisions=decisions)
    dismissed = top(screener, spelled)
    assert dismissed.entity_id == "ofac-23729" and dismissed.decision == "dismissed"
    assert dismissed.band == "strong" and not dismissed.match
    assert list(screener.screen_many([spelled])) == [dismissed]
    other = top(screener, with_imo)
    assert other.entity_id == "ofac-23729" and other.decision is None and other.match


@pytest.mark.slow
def test_unknown_decision_is_refused(entities: list[EntityProxy]) -> None:
    with pytest.raises(InputError, match="maybe"):
        Screener(entities[:3], decisions={("q", "e"): "maybe"})


@pytest.mark.slow
def test_screen_many_yields_only_alerts(screener: Screener, rows: dict) -> None:
    queries = [Query(names=(rows["23729"][1],), ref="a"), Query(names=("ZZZ QQQ",), ref="b")]
    hits = list(screener.screen_many(queries))
    assert {h.query_ref for h in hits} == {"a"} and all(h.match for h in hits)


# invariants ------------------------------------------------------------------------------

NAME_TOKENS = st.sampled_from(
    ["KUM", "UN", "SAN", "CHON", "MA", "SAM", "JONG", "STAR", "M/V", "NO.", "-", "3", "12", "YU"]
)
QUERIES = st.builds(
    Query,
    names=st.lists(
        st.one_of(
            st.lists(NAME_TOKENS, min_size=1, max_size=4).map(" ".join), st.text(max_size=12)
        ),
        max_size=2,
    ).map(tuple),
    imo=st.one_of(st.none(), st.sampled_from(["8660313", "IMO 8720436", "1234567", "x"])),
    mmsi=st.one_of(st.none(), st.sampled_from(["445539000", "351234000", "12"])),
    flag=st.one_of(st.none(), st.sampled_from(["KP", "Panama", "nowhere"])),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERIES)
@pytest.mark.slow
def test_scores_are_the_clipped_sum_of_features(screener: Screener, query: Query) -> None:
    for hit in screener.screen(query):
        assert 0.0 <= hit.score <= 1.0
        total = sum(f.contribution for f in hit.features)
        assert hit.score == pytest.approx(min(1.0, max(0.0, total)), abs=1e-3)
        assert all(f.explanation for f in hit.features)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
@pytest.mark.slow
def test_a_name_never_matches_a_sister_ship_with_another_numeral(
    screener: Screener, rows: dict, data: st.DataObject
) -> None:
    numbered = [
        (f"ofac-{r[0]}", r[1])
        for r in rows.values()
        if r[2] == "vessel" and name_key(r[1]).numerals and not FKA_REMARK.search(r[11])
    ]
    entity_id, name = data.draw(st.sampled_from(numbered))
    listed = name_key(name).numerals
    number = data.draw(st.integers(0, 120).map(str).filter(lambda n: (n,) != listed))
    stem = " ".join(t for t in name_key(name).tokens if not t.isdigit())
    form = data.draw(st.sampled_from(["{s} {n}", "M/V {s} NO.{n}", "{s}{n}", "{n} {s}"]))
    hit = hit_for(screener, Query(names=(form.format(s=stem, n=number),)), entity_id)
    assert hit is None or hit.score < REVIEW_AT


# romanisation units ----------------------------------------------------------------------


def test_every_hangul_syllable_romanises_to_ascii() -> None:
    for code in range(0xAC00, 0xD7A4):
        text = romanise(chr(code))
        assert text and text.isascii() and text.isalpha(), (hex(code), text)


@pytest.mark.parametrize(
    ("hangul", "plain", "voiced"),
    [
        ("김정은", "kim chong un", "kim jong un"),
        ("리영길", "ri yong kil", "ri yong gil"),
        ("최룡해", "choe ryong hae", "choe ryong hae"),
        ("박봉주", "pak pong chu", "pak bong ju"),
        ("금운산 3", "kum un san 3", "kum un san 3"),
    ],
)
def test_mccune_reischauer_syllable_by_syllable(hangul: str, plain: str, voiced: str) -> None:
    assert romanise(hangul) == plain
    assert romanise(hangul, voiced=True) == voiced


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("M/V KUM UN SAN", ("KUM", "UN", "SAN")),
        ("M.V. Ch'ŏn-Ma-San", ("CHON", "MA", "SAN")),
        ("SS STAR18", ("STAR", "18")),
        ("KUM UN SAN No.03", ("KUM", "UN", "SAN", "3")),
        ("ARGO II", ("ARGO", "2")),
    ],
)
def test_vessel_name_normalisation(name: str, tokens: tuple[str, ...]) -> None:
    assert name_key(name).tokens == tokens
