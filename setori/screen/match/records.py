"""What the matcher keeps of each list entity: identifiers in canonical form and name forms.

Name forms come from ``name``, ``alias``, ``previousName`` and ``weakAlias``, kept apart
(screening.md §C.2). A list name written in Hangul (the UN ``NAME_ORIGINAL_SCRIPT`` becomes
an ``alias``) is also indexed in its McCune-Reischauer readings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from followthemoney.proxy import EntityProxy

from setori.ids import mmsi_info, normalize_call_sign, normalize_flag, normalize_imo
from setori.screen.match.hangul import has_hangul, romanise
from setori.screen.match.names import NameKey, name_key

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
KIND_WORDS = {"name": "name", "alias": "alias", "previousName": "former name",
              "weakAlias": "weak alias"}  # fmt: skip
VESSEL_SCHEMATA = frozenset({"Vessel"})


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One list entity with its identifiers in canonical form."""

    entity: EntityProxy
    list_id: str
    imos: frozenset[str]
    mmsis: frozenset[str]
    call_signs: frozenset[str]
    flags: frozenset[str]
    past_flags: frozenset[str]
    list_version: str = ""  # the list's version the entity was read from ("" when unknown)

    @property
    def is_vessel(self) -> bool:
        """True for vessels, which have their own name scorer."""
        return self.entity.schema.name in VESSEL_SCHEMATA


@dataclass(frozen=True, slots=True)
class NameForm:
    """One name of one entity: the record's position, the property it came from, its key."""

    record: int
    kind: str  # name | alias | previousName | weakAlias
    key: NameKey
    note: str | None = None  # how a derived form was made from the list's text

    @property
    def kind_words(self) -> str:
        """The property in words ("former name")."""
        return KIND_WORDS[self.kind]


@dataclass(frozen=True, slots=True)
class ListedEntities:
    """The entities of one version of one list, as the store names them."""

    list_id: str
    version: str
    entities: Iterable[EntityProxy]


def list_id_of(entity: EntityProxy) -> str:
    """The list an entity comes from: its dataset when it has one, else its id's prefix."""
    datasets = sorted(getattr(entity, "datasets", None) or ())
    if datasets:
        return str(datasets[0])
    return (entity.id or "").split("-", 1)[0]


def make_record(
    entity: EntityProxy, list_id: str | None = None, list_version: str = ""
) -> EntityRecord:
    """Identifiers of an entity in canonical form (its list: ``list_id``, else
    :func:`list_id_of`)."""
    return EntityRecord(
        entity=entity,
        list_id=list_id or list_id_of(entity),
        list_version=list_version,
        imos=_canonical(entity, "imoNumber", normalize_imo),
        mmsis=_canonical(entity, "mmsi", canonical_mmsi),
        call_signs=_canonical(entity, "callSign", normalize_call_sign),
        flags=_canonical(entity, "flag", normalize_flag),
        past_flags=_canonical(entity, "pastFlags", normalize_flag),
    )


def name_forms(record: EntityRecord, position: int) -> list[NameForm]:
    """Every name form of a record, Hangul ones also in MR."""
    forms: list[NameForm] = []
    for prop in NAME_PROPS:
        if not record.entity.schema.get(prop):
            continue
        for value in record.entity.get(prop, quiet=True):
            forms.extend(_forms_of(value, prop, position, vessel=record.is_vessel))
    return [form for form in forms if form.key.tokens]


def _forms_of(value: str, prop: str, position: int, *, vessel: bool) -> list[NameForm]:
    forms = [NameForm(position, prop, name_key(value, vessel=vessel))]
    if has_hangul(value):
        for voiced in (False, True):
            text = romanise(value, voiced=voiced)
            note = f"list {KIND_WORDS[prop]} {value} romanised as {text.upper()}"
            forms.append(NameForm(position, prop, name_key(text, vessel=vessel), note))
    return forms


#: What a hit shows of the listed entity besides its names: FtM property -> output key.
LISTING_PROPS = {
    "program": "programme", "programId": "programme_id", "imoNumber": "imo", "mmsi": "mmsi",
    "callSign": "call_sign", "flag": "flag", "birthDate": "birth_date", "country": "country",
}  # fmt: skip


def listing_of(entity: EntityProxy) -> dict[str, Any]:
    """The listed entity's programmes and identifiers, each a sorted list (absent: left
    out); countries as upper-case ISO codes, as everywhere else in setori's output."""
    found: dict[str, Any] = {}
    for prop, key in LISTING_PROPS.items():
        if entity.schema.get(prop):
            values = entity.get(prop, quiet=True)
            if key in ("flag", "country"):
                values = [v.upper() for v in values]
            if values:
                found[key] = sorted(values)
    return found


def canonical_mmsi(value: str | None) -> str | None:
    """Nine digits, whatever the station kind (a list's claim is kept as it is)."""
    return mmsi_info(value).mmsi


def _canonical(
    entity: EntityProxy, prop: str, clean: Callable[[str | None], str | None]
) -> frozenset[str]:
    if not entity.schema.get(prop):
        return frozenset()
    values = (clean(v) for v in entity.get(prop, quiet=True))
    return frozenset(v for v in values if v)
