"""A case as FollowTheMoney entities, for the tools of the OpenSanctions / Aleph ecosystem.

* each vessel (vessel snapshots, and the vessels inside event snapshots) -> ``Vessel``
  (name, IMO, MMSI, flag, call sign), its id made from the stable vessel key;
* each event snapshot -> ``Event`` (name, start and end dates, ``involved`` vessels, the
  detector in ``summary``);
* each hit -> the listed entity as the list gave it (FtM already), a ``Sanction`` on it
  (programme, the list as authority, the hit id as ``recordId``) and, when the hit's query
  is one of the case's vessels, an ``UnknownLink`` from that vessel to the listed entity
  (role "sanctions screening match").

Every entity is checked with ``model.get_proxy`` (unknown schemata or properties raise).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from setori.cases.model import Case, EvidenceItem

__all__ = ["case_entities"]

_NS = "setori"


def _content(item: EvidenceItem) -> dict[str, Any]:
    try:
        value = json.loads(item.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)] if value != "" else []


def _identity_values(vessel: Mapping[str, Any], *names: str) -> list[str]:
    found = []
    for row in [vessel, *(vessel.get("identities") or [])]:
        if isinstance(row, Mapping):
            for name in names:
                found += _values(row.get(name))
    return sorted(set(found))


def _vessel_key(vessel: Mapping[str, Any]) -> str:
    return str(vessel.get("key") or vessel.get("imo") or vessel.get("mmsi") or "")


def _vessel(vessel: Mapping[str, Any]) -> dict[str, Any] | None:
    from followthemoney import model

    key = _vessel_key(vessel)
    if not key:
        return None
    proxy = model.make_entity("Vessel")
    proxy.make_id(_NS, "vessel", key)
    names = _identity_values(vessel, "names", "name", "shipname")
    proxy.add("name", names or [key])
    proxy.add("imoNumber", _identity_values(vessel, "imo"))
    proxy.add("mmsi", _identity_values(vessel, "mmsi"))
    proxy.add("flag", _identity_values(vessel, "flag", "flags"))
    proxy.add("callSign", _identity_values(vessel, "call_sign", "callsign"))
    return proxy.to_dict()


def _event(snapshot: Mapping[str, Any], vessel_ids: Sequence[str]) -> dict[str, Any]:
    from followthemoney import model

    event = snapshot.get("event") or {}
    event_id = str(event.get("event_id") or event.get("id") or "")
    detector = snapshot.get("detector") or {}
    proxy = model.make_entity("Event")
    proxy.make_id(_NS, "event", event_id or json.dumps(event, sort_keys=True))
    kind = event.get("event_type") or event.get("type") or detector.get("name") or "event"
    proxy.add("name", f"{kind} {event_id}".strip())
    proxy.add("startDate", _values(event.get("start")))
    proxy.add("endDate", _values(event.get("end")))
    proxy.add("involved", list(vessel_ids))
    proxy.add("summary", f"detector {detector.get('name')} {detector.get('version')}")
    return proxy.to_dict()


def _hit(content: Mapping[str, Any], vessels: Mapping[str, str]) -> list[dict[str, Any]]:
    from followthemoney import model

    listed = content.get("entity")
    if not isinstance(listed, Mapping) or not listed.get("schema"):
        return []
    entity = model.get_proxy(dict(listed), cleaned=False)
    sanction = model.make_entity("Sanction")
    sanction.make_id(_NS, "sanction", str(content.get("hit_id")), entity.id or "")
    sanction.add("entity", entity.id)
    sanction.add("program", entity.get("program", quiet=True))
    sanction.add("authority", _values(content.get("list_id")))
    sanction.add("recordId", _values(content.get("hit_id")))
    found = [entity.to_dict(), sanction.to_dict()]
    for value in _strings_of(content.get("query")):
        if value in vessels:
            link = model.make_entity("UnknownLink")
            link.make_id(_NS, "match", vessels[value], entity.id or "")
            link.add("subject", vessels[value])
            link.add("object", entity.id)
            link.add("role", "sanctions screening match")
            found.append(link.to_dict())
    return found


def _strings_of(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        for inner in value.values():
            yield from _strings_of(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _strings_of(inner)
    elif value is not None:
        yield str(value)


def _vessels_of(items: Sequence[EvidenceItem]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for item in items:
        content = _content(item)
        if item.kind == "vessel":
            found.append(content)
        elif item.kind == "event":
            found += [v for v in content.get("vessels") or [] if isinstance(v, Mapping)]
    return found


def case_entities(
    case: Case, evidence: Sequence[EvidenceItem] | None = None
) -> list[dict[str, Any]]:
    """The FtM entities of ``case`` (of ``evidence`` only, when given: a redacted export),
    each validated, without duplicates, in a stable order."""
    from followthemoney import model

    items = list(case.evidence if evidence is None else evidence)
    entities: dict[str, dict[str, Any]] = {}
    by_identifier: dict[str, str] = {}
    for vessel in _vessels_of(items):
        entity = _vessel(vessel)
        if entity is not None:
            entities[entity["id"]] = entity
            for value in _identity_values(vessel, "key", "imo", "mmsi"):
                by_identifier[value] = entity["id"]
    for item in items:
        content = _content(item)
        if item.kind == "event":
            ids = [
                by_identifier[k]
                for k in map(_vessel_key, content.get("vessels") or [])
                if k in by_identifier
            ]
            entity = _event(content, ids)
            entities[entity["id"]] = entity
        elif item.kind == "hit":
            for entity in _hit(content, by_identifier):
                entities[entity["id"]] = entity
    for entity in entities.values():
        model.get_proxy(entity, cleaned=False)  # raises on an unknown schema or property
    return [entities[k] for k in sorted(entities)]
