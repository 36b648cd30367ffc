"""OFAC SDN list, advanced XML (``sdn_advanced.xml``; Treasury's ``sdn_advanced_notes.pdf``).

Two streaming passes: :mod:`setori.screen.lists.ofac_index` keeps the reference tables,
then each ``DistinctParty`` becomes one entity (id ``ofac-{FixedRef}``, as the legacy
formats' ``ofac-{uid}``) and its Sanction. Mapping after OpenSanctions ``ofac_advanced.py``
and ``us_ofac_sdn.yml`` (screening.md §2.2):

* PartySubType ``Vessel`` → Vessel, ``Aircraft`` → Airplane, else PartyType
  ``Individual`` → Person, ``Entity`` → Organization.
* Alias type ``Name``/``N.K.A.`` → name, ``A.K.A.`` → alias (``LowQuality`` → weakAlias),
  ``F.K.A.`` → previousName; name parts joined (persons: first, middle, last).
* Documents ``Vessel Registration Identification`` → imoNumber, ``MMSI`` → mmsi,
  ``Passport`` → passportNumber, an ``IMO …`` number of any type → imoNumber.
* Features: see ``FEATURES``. ``ProfileRelationships`` are not mapped yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from followthemoney import EntityProxy

from setori.screen.lists.base import ListFormatError, Tally
from setori.screen.lists.build import add, add_checked, add_imo, make
from setori.screen.lists.ofac_csv import sanction_for
from setori.screen.lists.ofac_index import AdvancedIndex, build_index, ymd
from setori.screen.lists.ofac_remarks import add_value, date_span
from setori.screen.lists.xmlstream import Element, stream, where

SOURCE = "US OFAC SDN list (advanced XML)"
ROOT = "Sanctions"
SUBTYPES = {"Vessel": "Vessel", "Aircraft": "Airplane"}
PARTY_TYPES = {"Individual": "Person", "Entity": "Organization"}
ALIAS_PROPS = {"Name": "name", "N.K.A.": "name", "A.K.A.": "alias", "F.K.A.": "previousName"}
PERSON_PARTS = ("First Name", "Middle Name", "Patronymic", "Last Name", "Matronymic")
DOCUMENTS = {"mmsi": ("mmsi", "mmsi"), "passport": ("passportNumber", "text")}
FEATURES: dict[str, tuple[str, str]] = {
    "vessel call sign": ("callSign", "call_sign"),
    "other vessel call sign": ("callSign", "call_sign"),
    "vessel flag": ("flag", "country"),
    "former vessel flag": ("pastFlags", "country"),
    "other vessel flag": ("pastFlags", "country"),
    "vessel type": ("type", "text"),
    "other vessel type": ("type", "text"),
    "vessel tonnage": ("tonnage", "checked"),
    "vessel gross registered tonnage": ("grossRegisteredTonnage", "checked"),
    "vessel year of build": ("buildDate", "checked"),
    "birthdate": ("birthDate", "checked"),
    "place of birth": ("birthPlace", "text"),
    "nationality country": ("nationality", "country"),
    "citizenship country": ("citizenship", "country"),
    "gender": ("gender", "lower"),
    "location": ("address", "text"),
}


def read(path: Path, tally: Tally) -> Iterator[EntityProxy]:
    """Stream entities and their Sanctions from an OFAC advanced XML file."""
    index = build_index(path)
    tally.version = tally.published = index.published
    for party in stream(path, ("DistinctParty",), on_root=lambda r: _root(path, r)):
        entity = _party(path, party, index, tally)
        sanction = sanction_for(entity, index.programs.get(str(entity.id)[5:], []))
        add(sanction, "listingDate", index.listed.get(str(entity.id)[5:], []))
        yield entity
        yield sanction


def _root(path: Path, root: Element) -> None:
    if not str(root.tag).endswith(ROOT):
        raise ListFormatError(path, where(root), f"root element is not <{ROOT}>")


def _party(path: Path, party: Element, index: AdvancedIndex, tally: Tally) -> EntityProxy:
    profile, ref = party.find("Profile"), party.get("FixedRef")
    identity = profile.find("Identity") if profile is not None else None
    if identity is None or ref is None or not ref.isdigit():
        raise ListFormatError(
            path, where(party), "a DistinctParty needs a FixedRef and a Profile/Identity"
        )
    entity = make(_schema(path, profile, index), f"ofac-{ref}")
    entity.add("topics", "sanction")
    add(entity, "program", index.programs.get(ref, []))
    groups = {
        g.get("ID"): index.ref("NamePartType", g.get("NamePartTypeID")) or ""
        for g in identity.iterfind("NamePartGroups/MasterNamePartGroup/NamePartGroup")
    }
    for alias in identity.iterfind("Alias"):
        _alias(entity, alias, groups, index)
    if not entity.get("name"):
        raise ListFormatError(path, where(party), f"party {ref} has no primary Name alias")
    for type_id, number in index.documents.get(identity.get("ID"), []):
        _document(entity, index.ref("IDRegDocType", type_id) or "", number, tally)
    for feature in profile.iterfind("Feature"):
        _feature(entity, feature, index, tally)
    return entity


def _schema(path: Path, profile: Element, index: AdvancedIndex) -> str:
    sub_id = profile.get("PartySubTypeID")
    found = index.refs.get(("PartySubType", sub_id or ""))
    if found is None:
        raise ListFormatError(path, where(profile), f"PartySubTypeID {sub_id!r} is not defined")
    party_type = index.ref("PartyType", found[1].get("PartyTypeID")) or ""
    schema = SUBTYPES.get(found[0]) or PARTY_TYPES.get(party_type)
    if schema is None:
        raise ListFormatError(path, where(profile), f"party type {found[0]}/{party_type} unknown")
    return schema


def _alias(
    entity: EntityProxy, alias: Element, groups: dict[str, str], index: AdvancedIndex
) -> None:
    prop = ALIAS_PROPS.get(index.ref("AliasType", alias.get("AliasTypeID")) or "", "alias")
    if prop == "alias" and alias.get("LowQuality") == "true":
        prop = "weakAlias"
    for name in alias.iterfind("DocumentedName"):
        parts = [(groups.get(v.get("NamePartGroupID"), ""), (v.text or "").strip())
                 for v in name.iterfind("DocumentedNamePart/NamePartValue")]  # fmt: skip
        if entity.schema.is_a("Person"):
            parts.sort(key=lambda p: PERSON_PARTS.index(p[0]) if p[0] in PERSON_PARTS else 9)
        add(entity, prop, " ".join(value for _, value in parts if value))


def _document(entity: EntityProxy, doc_type: str, number: str, tally: Tally) -> None:
    if doc_type == "Vessel Registration Identification" or number.upper().startswith("IMO"):
        add_imo(entity, number, tally)
    elif doc_type.lower() in DOCUMENTS and entity.schema.get(DOCUMENTS[doc_type.lower()][0]):
        add_value(entity, *DOCUMENTS[doc_type.lower()], number, tally)
    else:
        add(entity, "idNumber" if entity.schema.get("idNumber") else "registrationNumber", number)


def _feature(entity: EntityProxy, feature: Element, index: AdvancedIndex, tally: Tally) -> None:
    label = (index.ref("FeatureType", feature.get("FeatureTypeID")) or "").strip().lower()
    targets = [FEATURES[label]] if label in FEATURES else []
    if label == "location":  # an address also names the country
        targets.append(("country", "country"))
    for prop, how in targets:
        if not entity.schema.get(prop):
            continue
        for version in feature.iterfind("FeatureVersion"):
            for value in _values(version, index, country=how == "country"):
                if how == "checked":
                    add_checked(entity, prop, value, tally)
                else:
                    add_value(entity, prop, how, value, tally)


def _values(version: Element, index: AdvancedIndex, *, country: bool) -> list[str]:
    values: list[str] = []
    for detail in version.iterfind("VersionDetail"):
        ref_id = detail.get("DetailReferenceID")
        values.append((index.ref("DetailReference", ref_id) if ref_id else detail.text) or "")
    for loc in version.iterfind("VersionLocation"):
        address, countries = index.locations.get(loc.get("LocationID"), ("", []))
        names = [
            (index.country(c) if country else index.ref("Country", c)) or "" for c in countries
        ]
        values.extend(names if country else [", ".join(filter(None, [address, *names]))])
    for period in version.iterfind("DatePeriod"):
        start, end = ymd(period.find("Start/From")), ymd(period.find("End/To"))
        values.extend(date_span(start or end or "", end or start or ""))
    return [v for v in values if v]
