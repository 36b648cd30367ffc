"""UN Security Council Consolidated List, XML (``consolidated.xml``, schema sc-sanctions.xsd).

Source: https://scsanctions.un.org/resources/xml/en/consolidated.xml; XSD
https://www.un.org/sc/resources/sc-sanctions.xsd. Mapping after OpenSanctions'
``un_sc_sanctions`` crawler (screening.md §2.1, docs/lists.md):

* ``INDIVIDUAL`` → Person, ``ENTITY`` → Organization, id ``unsc-{DATAID}``; each also
  gives a Sanction (``unscId`` = REFERENCE_NUMBER, e.g. ``KPe.020``; ``listingDate``).
* name = FIRST_NAME … FOURTH_NAME in order (DPRK names come surname first);
  alias QUALITY ``Good``/``a.k.a.``/empty → alias, ``Low`` → weakAlias,
  ``f.k.a.`` → previousName; NAME_ORIGINAL_SCRIPT → alias.
* IMO numbers in COMMENTS1 (DPRK shipping companies) → imoNumber (Organization).

The file streams through :mod:`setori.screen.lists.xmlstream` in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from followthemoney import EntityProxy

from setori.ids import find_imos
from setori.screen.lists.base import ListFormatError, Tally
from setori.screen.lists.build import add, add_checked, add_country, add_imo, clean, make
from setori.screen.lists.xmlstream import Element, stream, where

SOURCE = "UN Security Council Consolidated List (XML)"
ROOT = "CONSOLIDATED_LIST"
#: UN_LIST_TYPE → the committee's resolution, as OpenSanctions names programs.
PROGRAMS = {
    "DPRK": "UN-SC1718", "Al-Qaida": "UN-SC1267", "Taliban": "UN-SC1988", "Iraq": "UN-SC1518",
    "Iran": "UN-SC1737", "DRC": "UN-SC1533", "Libya": "UN-SC1970", "Somalia": "UN-SC2713",
    "CAR": "UN-SC2127", "Haiti": "UN-SC2653", "Yemen": "UN-SC2140", "GB": "UN-SC2048",
    "Sudan": "UN-SC1591", "SouthSudan": "UN-SC2206",
}  # fmt: skip
ALIAS_PROPS = {"good": "alias", "a.k.a.": "alias", "": "alias", "low": "weakAlias"}
ALIAS_PROPS["f.k.a."] = "previousName"


def read(path: Path, tally: Tally) -> Iterator[EntityProxy]:
    """Stream Person/Organization and Sanction entities from a UN consolidated XML file."""
    for record in stream(
        path, ("INDIVIDUAL", "ENTITY"), on_root=lambda r: _read_root(path, r, tally)
    ):
        yield from _record(path, record, tally)


def _read_root(path: Path, root: Element, tally: Tally) -> None:
    if root.tag != ROOT:
        raise ListFormatError(path, where(root), f"root element is not <{ROOT}>")
    generated = root.get("dateGenerated")
    if not generated:
        raise ListFormatError(path, where(root), "no dateGenerated attribute")
    tally.version = tally.published = generated


def _required(path: Path, rec: Element, tag: str) -> str:
    value = clean(rec.findtext(tag))
    if value is None:
        raise ListFormatError(path, where(rec), f"no {tag}; every record needs one")
    return value


def _record(path: Path, rec: Element, tally: Tally) -> Iterator[EntityProxy]:
    dataid = _required(path, rec, "DATAID")
    if not dataid.isdigit():
        raise ListFormatError(path, where(rec), f"DATAID {dataid!r} is not a number")
    reference = _required(path, rec, "REFERENCE_NUMBER")
    is_person = rec.tag == "INDIVIDUAL"
    entity = make("Person" if is_person else "Organization", f"unsc-{dataid}")
    names = [rec.findtext(t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    add(entity, "name", " ".join(n.strip() for n in names if n and n.strip()))
    if not entity.get("name"):
        raise ListFormatError(path, where(rec), "no FIRST_NAME ... FOURTH_NAME")
    _common(entity, rec, tally)
    (_person if is_person else _organization)(entity, rec, tally)
    yield entity
    yield _sanction(entity, rec, reference)


def _common(entity: EntityProxy, rec: Element, tally: Tally) -> None:
    list_type = clean(rec.findtext("UN_LIST_TYPE"))
    add(entity, "program", list_type)
    add(entity, "programId", PROGRAMS.get(list_type or ""))
    entity.add("topics", "sanction")
    add(entity, "notes", rec.findtext("COMMENTS1"))
    add(entity, "alias", rec.findtext("NAME_ORIGINAL_SCRIPT"))
    for alias in _children(rec, "_ALIAS"):
        quality = (clean(alias.findtext("QUALITY")) or "").lower()
        add(entity, ALIAS_PROPS.get(quality, "alias"), alias.findtext("ALIAS_NAME"))
    for address in _children(rec, "_ADDRESS"):
        parts = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
        add(entity, "address", ", ".join(filter(None, (clean(address.findtext(p)) for p in parts))))
        add_country(entity, "country", address.findtext("COUNTRY"), tally)
    for updated in rec.iterfind("./LAST_DAY_UPDATED/VALUE"):
        add_checked(entity, "modifiedAt", updated.text, tally)


def _children(rec: Element, suffix: str) -> list[Element]:
    """``INDIVIDUAL_ALIAS`` / ``ENTITY_ALIAS`` ... (ElementPath has no tag-suffix match)."""
    return [child for child in rec if str(child.tag).endswith(suffix)]


def _person(entity: EntityProxy, rec: Element, tally: Tally) -> None:
    add(entity, "gender", (clean(rec.findtext("GENDER")) or "").lower())
    add(entity, "title", [v.text for v in rec.iterfind("./TITLE/VALUE")])
    add(entity, "position", [v.text for v in rec.iterfind("./DESIGNATION/VALUE")])
    for value in rec.iterfind("./NATIONALITY/VALUE"):
        add_country(entity, "nationality", value.text, tally)
    for dob in rec.iterfind("./INDIVIDUAL_DATE_OF_BIRTH"):
        for tag in ("DATE", "YEAR", "FROM_YEAR", "TO_YEAR"):
            add_checked(entity, "birthDate", dob.findtext(tag), tally)
    for pob in rec.iterfind("./INDIVIDUAL_PLACE_OF_BIRTH"):
        parts = (clean(pob.findtext(t)) for t in ("CITY", "STATE_PROVINCE", "COUNTRY"))
        add(entity, "birthPlace", ", ".join(filter(None, parts)))
        add_country(entity, "birthCountry", pob.findtext("COUNTRY"), tally)
    for doc in rec.iterfind("./INDIVIDUAL_DOCUMENT"):
        kind = (clean(doc.findtext("TYPE_OF_DOCUMENT")) or "").lower()
        prop = "passportNumber" if "pas" in kind else "idNumber"
        add(entity, prop, doc.findtext("NUMBER"))


def _organization(entity: EntityProxy, rec: Element, tally: Tally) -> None:
    for imo in find_imos(rec.findtext("COMMENTS1") or ""):
        add_imo(entity, imo, tally)


def _sanction(entity: EntityProxy, rec: Element, reference: str) -> EntityProxy:
    sanction = make("Sanction", f"{entity.id}-sanction")
    sanction.add("entity", entity.id)
    sanction.add("authority", "United Nations Security Council")
    sanction.add("unscId", reference)
    sanction.add("program", entity.get("program"))
    sanction.add("programId", entity.get("programId"))
    add(sanction, "listingDate", rec.findtext("LISTED_ON"))
    return sanction
