"""Sanctions-list Vessel entities -> listed, former and fraudulent claims.

Mapping (FollowTheMoney ``Vessel``, screening.md §1.1 and §2.4):

* ``listed``: one claim with the first ``name``, ``imoNumber``, ``mmsi``, ``callSign``
  and ``flag``; every further value of those properties, and every ``alias`` /
  ``weakAlias``, is a listed claim of its own (a list saying "also known as" says so
  about the same record).
* ``former``: each ``previousName`` and each ``pastFlags`` value.
* ``fraudulent``: FollowTheMoney has no ``fraud*`` properties and drops unknown ones, so
  a loader keeps them (RUSI's ``fraudImoNumber``, ``fraudMmsi``, ``fraudFlag``,
  ``fraudAlias``, ``fraudCallSign``) as top-level keys of the entity dict, which land in
  ``proxy.context`` and round-trip through ``to_dict``. They are never folded into the
  listed identifiers (§A.2).

Identifiers are canonicalised (``IMO1234567``, 9-digit MMSI, upper-case call sign, ISO-2
flag); the value as the list wrote it is kept in ``raw``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from setori.screen.identity import codes

if TYPE_CHECKING:  # the detectors import this package and need no screening stack
    from followthemoney.proxy import EntityProxy

Claim = dict[str, Any]

#: FtM property -> claimed column, for the listed identity.
LISTED = {
    "name": "name",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "callSign": "call_sign",
    "flag": "flag",
}
ALIASES = ("alias", "weakAlias")
FORMER = {"previousName": "name", "pastFlags": "flag"}
#: ``fraud*`` context key (lower case, without ``fraud``) -> claimed column.
FRAUD = {
    "imonumber": "imo",
    "imo": "imo",
    "mmsi": "mmsi",
    "flag": "flag",
    "alias": "name",
    "name": "name",
    "callsign": "call_sign",
}


def entity_claims(
    entities: Iterable[EntityProxy], list_id: str, listed_at: datetime | None
) -> list[Claim]:
    """The claimed columns of every claim the Vessel entities make."""
    return [
        {**claim, "source": list_id, "source_record_id": entity.id}
        for entity in entities
        if entity.schema.is_a("Vessel") and entity.id
        for claim in _claims(entity, listed_at)
    ]


def _claims(entity: EntityProxy, listed_at: datetime | None) -> Iterator[Claim]:
    found = {column: _values(entity, (prop,)) for prop, column in LISTED.items()}
    found["name"] = _values(entity, ("name", *ALIASES))
    firsts = {column: values[0] for column, values in found.items() if values}
    yield _claim("listed", listed_at, firsts)
    for column, values in found.items():
        for value in values[1:]:
            yield _claim("listed", listed_at, {column: value})
    for prop, column in FORMER.items():
        for value in _values(entity, (prop,)):
            yield _claim("former", None, {column: value})
    yield from _fraud_claims(entity, listed_at)


def _fraud_claims(entity: EntityProxy, listed_at: datetime | None) -> Iterator[Claim]:
    for key, values in sorted(entity.context.items()):
        column = FRAUD.get(key.lower().removeprefix("fraud")) if key.startswith("fraud") else None
        if column is None or not isinstance(values, list):
            continue
        for value in dict.fromkeys(str(v) for v in values):
            yield _claim("fraudulent", listed_at, {column: (key, value)})


def _values(entity: EntityProxy, props: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(property, value)`` pairs, first occurrence of each value kept."""
    seen: dict[str, str] = {}
    for prop in props:
        for value in entity.get(prop):
            seen.setdefault(value, prop)
    return [(prop, value) for value, prop in seen.items()]


def _claim(kind: str, at: datetime | None, values: dict[str, tuple[str, str]]) -> Claim:
    raw = {prop: value for prop, value in values.values()}
    return {
        "kind": kind,
        "observed_from": at,
        "observed_to": at,
        **{column: _canonical(column, value) for column, (_, value) in values.items()},
        "raw": json.dumps(raw, sort_keys=True, ensure_ascii=False),
    }


def _canonical(column: str, value: str) -> Any:
    if column == "imo":
        return codes.canonical_imo(value)
    if column == "mmsi":
        return codes.mmsi_number(value)
    if column == "call_sign":
        return codes.call_sign(value)
    if column == "flag":
        return codes.flag_code(value)
    return value.strip() or None
