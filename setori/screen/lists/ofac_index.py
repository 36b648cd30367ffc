"""First pass over OFAC's advanced XML: everything a party refers to by ID.

In ``sdn_advanced.xml`` a DistinctParty names its alias types, features, documents and
programmes only by ID: the words are in ``ReferenceValueSets``, the documents in
``IDRegDocuments``, the addresses in ``Locations`` and the programmes in
``SanctionsEntries`` (which the real file puts *after* the parties). This pass keeps those
small tables (a few short strings per party) so the second pass can stream the parties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from setori.screen.lists.xmlstream import Element, stream, text

TAGS = (
    "DateOfIssue", "ReferenceValueSets", "Location", "IDRegDocument",
    "DistinctParty", "ProfileRelationship", "SanctionsEntry",
)  # fmt: skip


@dataclass(slots=True)
class AdvancedIndex:
    """The reference tables of one advanced XML file."""

    refs: dict[tuple[str, str], tuple[str, dict[str, str]]] = field(default_factory=dict)
    locations: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # text, country IDs
    documents: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # type ID, number
    programs: dict[str, list[str]] = field(default_factory=dict)  # profile → programmes
    listed: dict[str, list[str]] = field(default_factory=dict)  # profile → listing dates
    published: str | None = None

    def ref(self, kind: str, ref_id: str | None) -> str | None:
        """The text of reference value ``kind`` #``ref_id`` (e.g. ``AliasType``, ``1400``)."""
        found = self.refs.get((kind, ref_id or ""))
        return found[0] if found else None

    def country(self, country_id: str | None) -> str | None:
        """A Country reference as its ISO2 attribute, else its name."""
        found = self.refs.get(("Country", country_id or ""))
        return (found[1].get("ISO2") or found[0]) if found else None


def build_index(path: Path) -> AdvancedIndex:
    """Read the reference tables of ``path`` (parties are skipped and freed)."""
    index = AdvancedIndex()
    for elem in stream(path, TAGS):
        reader = _READERS.get(elem.tag)
        if reader is not None:
            reader(index, elem)
    return index


def ymd(elem: Element | None) -> str | None:
    """``<Year/><Month/><Day/>`` as an ISO date (or year-month, year)."""
    if elem is None or text(elem, "Year") is None:
        return None
    parts = [text(elem, t) for t in ("Year", "Month", "Day")]
    return "-".join(p.zfill(2) for p in parts if p is not None)


def _date_of_issue(index: AdvancedIndex, elem: Element) -> None:
    index.published = ymd(elem)


def _reference_values(index: AdvancedIndex, elem: Element) -> None:
    for value_set in elem:
        for value in value_set:
            if isinstance(value.tag, str) and value.get("ID") is not None:
                entry = ((value.text or "").strip(), {k: str(v) for k, v in value.attrib.items()})
                index.refs[(value.tag, value.get("ID"))] = entry


def _location(index: AdvancedIndex, elem: Element) -> None:
    parts = [
        v.text.strip() for v in elem.iterfind("LocationPart/LocationPartValue/Value") if v.text
    ]
    countries = [c.get("CountryID") for c in elem.iterfind("LocationCountry")]
    index.locations[elem.get("ID")] = (", ".join(parts), countries)


def _document(index: AdvancedIndex, elem: Element) -> None:
    number = text(elem, "IDRegistrationNo")
    if number is not None:
        item = (elem.get("IDRegDocTypeID"), number)
        index.documents.setdefault(elem.get("IdentityID"), []).append(item)


def _sanctions_entry(index: AdvancedIndex, elem: Element) -> None:
    profile = elem.get("ProfileID")
    for measure in elem.iterfind("SanctionsMeasure"):
        if index.ref("SanctionsType", measure.get("SanctionsTypeID")) == "Program":
            index.programs.setdefault(profile, []).append(text(measure, "Comment") or "")
    for date in elem.iterfind("EntryEvent/Date"):
        index.listed.setdefault(profile, []).append(ymd(date) or "")


_READERS = {
    "DateOfIssue": _date_of_issue,
    "ReferenceValueSets": _reference_values,
    "Location": _location,
    "IDRegDocument": _document,
    "SanctionsEntry": _sanctions_entry,
}
