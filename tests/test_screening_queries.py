"""What an analyst asks to screen becomes queries (setori.screen.match.queries): one group
per name, every schema unless one is given, only the identifiers each kind can have."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from setori.errors import InputError
from setori.screen.match import query_groups, query_key, read_names_file
from setori.screen.model import ALL_SCHEMATA, Query

NAMES = st.lists(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=20), min_size=1, max_size=6
)


@given(NAMES)
def test_each_name_is_its_own_group_searched_as_every_schema(names: list[str]) -> None:
    groups = query_groups(names, imo="8660313")
    assert len(groups) == len(names)
    for i, (name, group) in enumerate(zip(names, groups, strict=True)):
        assert group.searched == ALL_SCHEMATA
        assert {q.names for q in group.queries} == {(name,)}
        assert {q.ref for q in group.queries} == {None if len(names) == 1 else f"name:{i + 1}"}


def test_each_kind_keeps_only_the_identifiers_it_can_have() -> None:
    (group,) = query_groups(["OCEAN STAR"], imo="8660313", mmsi="445123000", call_sign="HMYX",
                            flag="KP", birth_date="1984")  # fmt: skip
    vessel, person, organisation = group.queries
    assert vessel == Query("Vessel", ("OCEAN STAR",), imo="8660313", mmsi="445123000",
                           call_sign="HMYX", flag="KP")  # fmt: skip
    assert person == Query("Person", ("OCEAN STAR",), birth_date="1984")
    assert organisation == Query("Organization", ("OCEAN STAR",), imo="8660313")


def test_identifiers_alone_are_screened_as_what_carries_them() -> None:
    (by_mmsi,) = query_groups(mmsi="445123000")
    assert by_mmsi.searched == ("Vessel",)
    (by_imo,) = query_groups(imo="1790183")  # Ocean Maritime Management's company number
    assert by_imo.searched == ("Vessel", "Organization")


def test_a_given_schema_is_the_only_one_searched() -> None:
    (group,) = query_groups(["리영길"], schema="Person")
    assert group.searched == ("Person",)
    with pytest.raises(InputError, match="schema 'Ship'"):
        query_groups(["X"], schema="Ship")


def test_query_key_is_the_exact_query() -> None:
    assert query_key(Query(names=("CHON-MA-SAN",))) == query_key(Query(names=("CHON MA SAN",)))
    assert query_key(Query(names=("CHON MA SAN",))) == "Vessel|CHONMASAN|||"
    assert (
        query_key(Query(names=("CHON MA SAN",), imo="8660313")) == "Vessel|CHONMASAN|IMO8660313||"
    )
    assert query_key(Query(names=("CHON MA SAN",), flag="Panama")).endswith("|PA|")
    assert query_key(Query(names=("CHON MA SAN",), ref="cli")) == "Vessel|CHONMASAN|||"
    long = query_key(Query(names=("X" * 300,)))
    assert len(long) <= 200 and long != query_key(Query(names=("X" * 299,)))


def test_names_file_header_may_be_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text("\ufeffimo,name\n8660313,CHONMASAN\n")  # Excel's BOM
    (group,), errors = read_names_file(path)
    assert errors == [] and group.queries[0].imo == "8660313"
    assert {q.ref for q in group.queries} == {"line:2"}
