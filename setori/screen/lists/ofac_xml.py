"""OFAC SDN list, legacy XML (``SDN.XML``, schema ``sdnList.xsd``).

Root ``sdnList`` (namespace ``http://tempuri.org/sdnList.xsd``), then ``publshInformation``
(sic: ``Publish_Date`` MM/DD/YYYY, ``Record_Count``) and one ``sdnEntry`` per record:
uid, firstName, lastName, title, sdnType (Individual | Entity | Vessel | Aircraft), remarks,
programList/program, idList/id (idType, idNumber, idCountry), akaList/aka (type a.k.a. |
f.k.a. | n.k.a., category strong | weak, firstName, lastName), addressList,
nationalityList, citizenshipList, dateOfBirthList, placeOfBirthList and, for vessels,
vesselInfo (callSign, vesselType, vesselFlag, vesselOwner, tonnage, grossRegisteredTonnage).
Ids, schemata and the remarks mapping are those of the CSV loader (``ofac-{uid}``). A
file whose ``Record_Count`` differs from its entries is rejected as truncated.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from followthemoney import EntityProxy

from setori.screen.lists.base import ListFormatError, Tally
from setori.screen.lists.build import add, add_call_sign, add_checked, add_country, add_imo, make
from setori.screen.lists.ofac_csv import SCHEMATA, sanction_for
from setori.screen.lists.ofac_remarks import add_value, apply_remarks, ofac_dates
from setori.screen.lists.xmlstream import Element, stream, text, where

SOURCE = "US OFAC SDN list (legacy XML)"
ROOT = "sdnList"
ID_TYPES: dict[str, tuple[str, str]] = {
    "mmsi": ("mmsi", "mmsi"),
    "former vessel flag": ("pastFlags", "country"),
    "other vessel flag": ("pastFlags", "country"),
    "other vessel call sign": ("callSign", "call_sign"),
    "other vessel type": ("type", "text"),
    "vessel year of build": ("buildDate", "checked"),
    "passport": ("passportNumber", "text"),
}
AKA_PROPS = {"a.k.a.": "alias", "f.k.a.": "previousName", "n.k.a.": "name"}


def read(path: Path, tally: Tally) -> Iterator[EntityProxy]:
    """Stream entities and their Sanctions from an OFAC ``SDN.XML`` file."""
    expected, seen = None, 0
    for elem in stream(path, ("publshInformation", "sdnEntry"), on_root=lambda r: _root(path, r)):
        if elem.tag == "publshInformation":
            expected = _publication(path, elem, tally)
            continue
        seen += 1
        entity = _entry(path, elem, tally)
        yield entity
        yield sanction_for(entity, [p.text or "" for p in elem.iterfind("programList/program")])
    if expected is not None and expected != seen:
        raise ListFormatError(
            path, "end of file", f"{seen} sdnEntry elements, Record_Count says {expected}"
        )


def _root(path: Path, root: Element) -> None:
    if not str(root.tag).endswith(ROOT):
        raise ListFormatError(path, where(root), f"root element is not <{ROOT}>")


def _publication(path: Path, elem: Element, tally: Tally) -> int | None:
    date = text(elem, "Publish_Date")
    if date is not None:
        try:
            tally.published = datetime.strptime(date, "%m/%d/%Y").date().isoformat()
        except ValueError as exc:
            raise ListFormatError(
                path, where(elem), f"Publish_Date {date!r} is not MM/DD/YYYY"
            ) from exc
        tally.version = tally.published
    count = text(elem, "Record_Count")
    return int(count) if count is not None and count.isdigit() else None


def _entry(path: Path, elem: Element, tally: Tally) -> EntityProxy:
    uid, kind = text(elem, "uid"), (text(elem, "sdnType") or "").lower()
    schema = SCHEMATA.get("-0-" if kind == "entity" else kind)
    if uid is None or not uid.isdigit() or schema is None:
        raise ListFormatError(path, where(elem), f"uid {uid!r} / sdnType {kind!r} not usable")
    entity = make(schema, f"ofac-{uid}")
    add(entity, "name", " ".join(filter(None, (text(elem, "firstName"), text(elem, "lastName")))))
    if not entity.get("name"):
        raise ListFormatError(path, where(elem), f"uid {uid} has no lastName")
    add(entity, "program", [p.text for p in elem.iterfind("programList/program")])
    entity.add("topics", "sanction")
    add(entity, "position", text(elem, "title") if schema == "Person" else None)
    apply_remarks(entity, text(elem, "remarks"), tally)
    _ids(entity, elem, tally)
    _akas(entity, elem)
    _person_facts(entity, elem, tally)
    _vessel_info(entity, elem, tally)
    return entity


def _ids(entity: EntityProxy, elem: Element, tally: Tally) -> None:
    for item in elem.iterfind("idList/id"):
        kind, number = (text(item, "idType") or "").lower(), text(item, "idNumber")
        if number is None:
            continue
        if kind == "vessel registration identification" or number.upper().startswith("IMO"):
            add_imo(entity, number, tally)
        elif kind in ID_TYPES and entity.schema.get(ID_TYPES[kind][0]):
            add_value(entity, *ID_TYPES[kind], number, tally)
        elif entity.schema.get("idNumber"):
            add(entity, "idNumber", number)


def _akas(entity: EntityProxy, elem: Element) -> None:
    for aka in elem.iterfind("akaList/aka"):
        name = " ".join(filter(None, (text(aka, "firstName"), text(aka, "lastName"))))
        weak = (text(aka, "category") or "").lower() == "weak"
        prop = AKA_PROPS.get((text(aka, "type") or "").lower(), "alias")
        add(entity, "weakAlias" if weak and prop == "alias" else prop, name)


def _person_facts(entity: EntityProxy, elem: Element, tally: Tally) -> None:
    for address in elem.iterfind("addressList/address"):
        parts = (
            "address1",
            "address2",
            "address3",
            "city",
            "stateOrProvince",
            "postalCode",
            "country",
        )
        add(entity, "address", ", ".join(filter(None, (text(address, p) for p in parts))))
        add_country(entity, "country", text(address, "country"), tally)
    if not entity.schema.is_a("Person"):
        return
    for prop, path in (
        ("nationality", "nationalityList/nationality"),
        ("citizenship", "citizenshipList/citizenship"),
    ):
        for item in elem.iterfind(path):
            add_country(entity, prop, text(item, "country"), tally)
    for item in elem.iterfind("dateOfBirthList/dateOfBirthItem"):
        for date in ofac_dates(text(item, "dateOfBirth") or ""):
            add_checked(entity, "birthDate", date, tally)
    add(
        entity,
        "birthPlace",
        [i.findtext("placeOfBirth") for i in elem.iterfind("placeOfBirthList/placeOfBirthItem")],
    )


def _vessel_info(entity: EntityProxy, elem: Element, tally: Tally) -> None:
    info = elem.find("vesselInfo")
    if info is None or not entity.schema.is_a("Vessel"):
        return
    add_call_sign(entity, text(info, "callSign"), tally)
    add(entity, "type", text(info, "vesselType"))
    add_country(entity, "flag", text(info, "vesselFlag"), tally)
    add_checked(entity, "tonnage", (text(info, "tonnage") or "").replace(",", ""), tally)
    add_checked(
        entity,
        "grossRegisteredTonnage",
        (text(info, "grossRegisteredTonnage") or "").replace(",", ""),
        tally,
    )
    owner = text(info, "vesselOwner")
    if owner is not None:
        entity.add("notes", f"Vessel owner: {owner}")
