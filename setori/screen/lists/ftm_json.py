"""FollowTheMoney JSON lines: one entity per line (OpenSanctions ``entities.ftm.json``).

``{"id": ..., "schema": "Vessel", "properties": {"imoNumber": ["8660313"], ...}}``.
Values go through the same door as the other loaders: IMO numbers, MMSIs, call signs and
country-typed properties are normalised by :mod:`setori.ids` (FtM's own cleaning would drop
an IMO number failing its check digit). Properties the schema does not have (RUSI's
``fraudImoNumber`` ...) and extra top-level keys (``datasets``, ``fraud*``) are kept in the
entity's ``context``, which round-trips through ``to_dict``; the unknown properties are also
flagged. Export metadata that changes every day (``first_seen``, ``last_seen``,
``last_change``, ``caption``, ``referents``, ``target``) is dropped; the latest
``last_change`` becomes the list's version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData

from setori.screen.lists.base import ListFormatError, Tally
from setori.screen.lists.build import add_call_sign, add_country, add_imo, add_mmsi, make

SOURCE = "FollowTheMoney entities (JSON lines)"
VOLATILE = frozenset({"first_seen", "last_seen", "last_change", "caption", "referents", "target"})
IDENTIFIERS = {"imoNumber": add_imo, "mmsi": add_mmsi}


def read(path: Path, tally: Tally) -> Iterator[EntityProxy]:
    """Stream the entities of an FtM JSON lines file."""
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if line.strip():
                data = _json(path, line_no, line)
                yield _entity(path, line_no, data, tally)
                _track_version(data, tally)


def _json(path: Path, line_no: int, line: str) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ListFormatError(path, f"line {line_no}", f"not JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise ListFormatError(path, f"line {line_no}", f"a JSON {kind}; expected one entity object")
    return data


def _entity(path: Path, line_no: int, data: dict[str, Any], tally: Tally) -> EntityProxy:
    entity_id, schema, props = data.get("id"), data.get("schema"), data.get("properties", {})
    if not isinstance(entity_id, str) or not entity_id or model.get(str(schema)) is None:
        reason = f"id {entity_id!r} / schema {schema!r}: need a string id and an FtM schema"
        raise ListFormatError(path, f"line {line_no}", reason)
    if not isinstance(props, dict):
        raise ListFormatError(path, f"line {line_no}", "properties is not an object")
    entity = make(str(schema), entity_id)
    extra = {k: v for k, v in data.items() if k not in ("id", "schema", "properties", *VOLATILE)}
    entity.context.update(extra)
    for prop, values in props.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ListFormatError(path, f"line {line_no}", f"{prop}: expected a list of strings")
        _add_property(entity, prop, values, tally)
    return entity


def _add_property(entity: EntityProxy, prop: str, values: list[str], tally: Tally) -> None:
    schema_prop = entity.schema.get(prop)
    if schema_prop is None:
        entity.context[prop] = values
        tally.flag(entity, prop, values, f"{entity.schema.name} has no property {prop}; kept")
        return
    for value in values:
        if prop in IDENTIFIERS:
            IDENTIFIERS[prop](entity, value, tally)
        elif prop == "callSign":
            add_call_sign(entity, value, tally)
        elif schema_prop.type.name == "country":
            add_country(entity, prop, value, tally)
        else:
            _add_plain(entity, prop, value, tally)


def _add_plain(entity: EntityProxy, prop: str, value: str, tally: Tally) -> None:
    try:
        entity.add(prop, value)
    except InvalidData as exc:
        tally.flag(entity, prop, value, str(exc))


def _track_version(data: dict[str, Any], tally: Tally) -> None:
    changed = data.get("last_change")
    if isinstance(changed, str) and (tally.version is None or changed > tally.version):
        tally.version = changed
