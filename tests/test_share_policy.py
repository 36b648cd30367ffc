"""The releasability policy (reference sharing.md section C): a matrix of partner nations
against seeded items, and Hypothesis properties of the rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from setori.share.markings import (
    PARTNERS,
    TLP_ORDER,
    Marking,
    MarkingError,
    Originator,
    marking,
    parse_nations,
    parse_tlp,
)
from setori.share.policy import (
    Endpoint,
    Principal,
    can_read,
    derive,
    may_disseminate,
    may_remark,
    visible,
    widens,
)

USA = Originator("USA", "uscg")
JPN = Originator("JPN", "jcg")


def reader(nation: str, org: str = "analysts", user: str = "u", **kw: object) -> Principal:
    return Principal(nation, org, user, **kw)  # type: ignore[arg-type]


#: Seeded items and the nations that may read each (as the rules say, written out by hand).
ITEMS: dict[str, tuple[Marking, set[str]]] = {
    "originator only (no REL TO)": (marking(USA, tlp="amber"), {"USA"}),
    "three nations": (marking(USA, tlp="amber", rel_to="USA, JPN, KOR"), {"USA", "JPN", "KOR"}),
    "every partner": (marking(JPN, tlp="green", rel_to=PARTNERS), set(PARTNERS)),
    "clear, two nations": (marking(JPN, tlp="clear", rel_to="JPN,AUS"), {"JPN", "AUS"}),
    "amber+strict": (marking(USA, rel_to="USA,GBR"), {"USA", "GBR"}),
}


@pytest.mark.parametrize("name", sorted(ITEMS))
@pytest.mark.parametrize("nation", sorted(PARTNERS))
def test_the_releasability_matrix(name: str, nation: str) -> None:
    item, readers = ITEMS[name]
    assert bool(can_read(reader(nation), item)) is (nation in readers)


def test_organisation_limits_and_named_recipients() -> None:
    limited = marking(USA, tlp="amber", rel_to="USA,JPN", orgs=["jcg"])
    assert can_read(reader("JPN", "jcg"), limited)
    assert not can_read(reader("JPN", "mod"), limited)
    assert can_read(reader("USA", "uscg"), limited)  # the originator's organisation
    assert not can_read(reader("USA", "navy"), limited)
    red = marking(USA, tlp="red", rel_to="USA,KOR", named_recipients=["kim"])
    assert can_read(reader("KOR", user="kim"), red)
    assert not can_read(reader("KOR", user="lee"), red)
    assert not can_read(reader("JPN", user="kim"), red)  # the name is not the nation
    with pytest.raises(MarkingError, match="named recipients"):
        marking(USA, tlp="red", rel_to="USA")


def test_a_relationship_to_an_unreadable_object_is_left_out() -> None:
    shared = ITEMS["three nations"][0]
    us_only = ITEMS["originator only (no REL TO)"][0]
    link = marking(USA, tlp="amber", rel_to="USA,JPN,KOR")
    assert visible(reader("JPN"), link, [shared])
    hidden = visible(reader("JPN"), link, [shared, us_only])
    assert not hidden and "referenced object 2" in hidden.reason
    assert visible(reader("USA"), link, [shared, us_only])


def test_a_derived_report_gets_the_intersection_and_the_strictest_tlp() -> None:
    a = marking(USA, tlp="green", rel_to="USA,JPN,KOR,AUS")
    b = marking(JPN, tlp="amber", rel_to="JPN,KOR,USA", caveats=["no-press"])
    report = derive([a, b], USA)
    assert report.rel_to == {"USA", "JPN", "KOR"} and report.tlp == "AMBER"
    assert report.caveats == {"no-press"}
    assert report.rel_to_text == "REL TO USA, JPN, KOR"
    assert derive([a, b], USA, rel_to=["USA", "KOR"]).rel_to == {"USA", "KOR"}
    with pytest.raises(MarkingError, match="not to the originator AUS"):
        derive([a, b], Originator("AUS", "abf"))


def test_only_the_originator_widens_anyone_marking_narrows() -> None:
    old = marking(USA, tlp="amber", rel_to="USA,JPN,KOR")
    wider = marking(USA, tlp="green", rel_to="USA,JPN,KOR,AUS")
    narrower = marking(USA, tlp="amber+strict", rel_to="USA,JPN")
    assert may_remark(reader("USA", "uscg"), old, wider)
    assert not may_remark(reader("JPN", "jcg", scopes=frozenset({"read", "mark"})), old, wider)
    assert may_remark(reader("JPN", "jcg", scopes=frozenset({"read", "mark"})), old, narrower)
    assert not may_remark(reader("JPN", "jcg"), old, narrower)  # no 'mark' scope
    assert not may_remark(reader("DEU", scopes=frozenset({"mark"})), old, narrower)  # unreadable
    stolen = Marking(JPN, "AMBER", frozenset({"USA", "JPN", "KOR"}))
    assert not may_remark(reader("USA", "uscg"), old, stolen)


@pytest.mark.parametrize(
    ("tlp", "reached"),
    [
        ("clear", {"org", "clients", "community", "public"}),
        ("green", {"org", "clients", "community"}),
        ("amber", {"org", "clients"}),
        ("amber+strict", {"org"}),
    ],
)
def test_onward_dissemination_follows_the_tlp(tlp: str, reached: set[str]) -> None:
    item = marking(USA, tlp=tlp, rel_to="USA,JPN")
    for audience in ("org", "clients", "community", "public"):
        to = Endpoint("JPN", "jcg", audience)  # type: ignore[arg-type]
        assert bool(may_disseminate(item, to)) is (audience in reached), (tlp, audience)
    assert not may_disseminate(item, Endpoint("DEU", "bsh", "org"))


def test_red_reaches_no_channel() -> None:
    red = marking(USA, tlp="red", rel_to="USA", named_recipients=["kim"])
    assert not may_disseminate(red, Endpoint("USA", "uscg", "org"))


def test_markings_are_parsed_strictly() -> None:
    assert parse_tlp("TLP:AMBER+STRICT") == "AMBER+STRICT" and parse_tlp(" green ") == "GREEN"
    assert parse_nations("REL TO usa, JPN") == {"USA", "JPN"}
    for bad, message in (("USA,JP", "alpha-3"), ("USA,PRK", "not a partner"), ("", "alpha-3")):
        with pytest.raises(MarkingError, match=message):
            parse_nations(bad)
    with pytest.raises(MarkingError, match="TLP 'WHITE'"):
        parse_tlp("WHITE")  # TLP 1.0's WHITE is CLEAR in 2.0
    with pytest.raises(MarkingError, match="leaves out the originator USA"):
        marking(USA, rel_to="JPN,KOR")


# --- properties --------------------------------------------------------------------------

nations = st.frozensets(st.sampled_from(sorted(PARTNERS)), min_size=0, max_size=11)
tlps = st.sampled_from([t for t in TLP_ORDER if t != "RED"])
origins = st.sampled_from([USA, JPN, Originator("KOR", "kcg")])


@st.composite
def markings(draw: st.DrawFn) -> Marking:
    origin = draw(origins)
    return Marking(origin, draw(tlps), draw(nations) | {origin.nation})


@given(markings())
def test_the_set_read_by_nations_is_exactly_rel_to(item: Marking) -> None:
    assert {n for n in PARTNERS if can_read(reader(n), item)} == item.rel_to


@given(st.lists(markings(), min_size=1, max_size=5))
def test_a_derived_item_never_reaches_a_nation_a_source_does_not(
    sources: list[Marking],
) -> None:
    common = frozenset.intersection(*(s.rel_to for s in sources))
    if USA.nation not in common:
        with pytest.raises(MarkingError):
            derive(sources, USA)
        return
    product = derive(sources, USA)
    for nation in PARTNERS:
        if can_read(reader(nation), product):
            assert all(can_read(reader(nation), s) for s in sources)
    assert max(TLP_ORDER.index(s.tlp) for s in sources) == TLP_ORDER.index(product.tlp)


@given(markings(), nations, tlps)
def test_narrowing_never_adds_a_reader(item: Marking, keep: frozenset[str], tlp: str) -> None:
    narrowed_tlp = max(item.tlp, tlp, key=TLP_ORDER.index)
    narrower = Marking(
        item.originator, narrowed_tlp, (item.rel_to & keep) | {item.originator.nation}
    )  # type: ignore[arg-type]
    assert not widens(item, narrower)
    for nation in PARTNERS:
        if can_read(reader(nation), narrower):
            assert can_read(reader(nation), item)


@given(markings())
def test_rel_to_text_round_trips(item: Marking) -> None:
    text = item.rel_to_text
    assert text.split()[2].rstrip(",") == item.originator.nation
    assert parse_nations(text) == item.rel_to
