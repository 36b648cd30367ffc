"""Putting list values on FtM entities, with identifiers normalised by :mod:`setori.ids`.

FtM would silently drop an IMO number that fails its check digit and a flag it does not
know; here such values are kept as the list's claim where their form allows it
(``IMO`` + 7 digits, a 9-digit MMSI) and flagged on the :class:`Tally` either way.
"""

from __future__ import annotations

from collections.abc import Iterable

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData

from setori.ids import imo_check, mmsi_info, normalize_call_sign, normalize_flag
from setori.screen.lists.base import Tally

#: Values lists write for "no value" (OFAC ``-0-``, "None Identified").
NULLS = frozenset({"", "-0-", "none identified", "none", "n/a", "unknown", "undetermined"})


def clean(value: str | None) -> str | None:
    """Whitespace-collapsed text, or None for empty and null markers."""
    if value is None:
        return None
    text = " ".join(value.split())
    return None if text.lower() in NULLS else text


def make(schema: str, entity_id: str) -> EntityProxy:
    """A new entity of ``schema`` with ``entity_id``."""
    entity = model.make_entity(schema)
    entity.id = entity_id
    return entity


def add(entity: EntityProxy, prop: str, values: str | Iterable[str | None] | None) -> None:
    """Add cleaned text values; silently skips empty ones (they carry no claim)."""
    for value in [values] if isinstance(values, str) or values is None else values:
        text = clean(value)
        if text is not None:
            entity.add(prop, text)


def add_imo(entity: EntityProxy, value: str | None, tally: Tally) -> None:
    """Add an IMO number as ``IMO`` + 7 digits; flag bad forms and check digits."""
    if clean(value) is None:
        return
    if not entity.schema.get("imoNumber"):
        tally.flag(entity, "imoNumber", value, f"a {entity.schema.name} has no imoNumber")
        return
    check = imo_check(value)
    for problem in check.problems:
        tally.flag(entity, "imoNumber", value, problem)
    if check.imo is None:
        return
    entity.add("imoNumber", check.imo, cleaned=True)
    if entity.schema.is_a("Vessel") and check.valid_company and not check.valid_ship:
        tally.flag(entity, "imoNumber", value, f"{check.imo} passes only the company check digit")


def add_mmsi(entity: EntityProxy, value: str | None, tally: Tally) -> None:
    """Add a 9-digit MMSI; flag values that are not a valid ship-station form."""
    if clean(value) is None:
        return
    info = mmsi_info(value)
    for problem in info.problems:
        tally.flag(entity, "mmsi", value, problem)
    if info.mmsi is not None:
        entity.add("mmsi", info.mmsi, cleaned=True)


def add_call_sign(entity: EntityProxy, value: str | None, tally: Tally) -> None:
    """Add a call sign upper-cased without spaces; flag values that are not alphanumeric."""
    if clean(value) is None:
        return
    sign = normalize_call_sign(value)
    if sign is None:
        tally.flag(entity, "callSign", value, f"call sign {value!r} is not letters and digits")
        return
    entity.add("callSign", sign, cleaned=True)


def add_country(entity: EntityProxy, prop: str, value: str | None, tally: Tally) -> None:
    """Add a country-typed value (flag, pastFlags, nationality ...) as its ISO-2 code."""
    text = clean(value)
    if text is None or not entity.schema.get(prop):
        return
    code = normalize_flag(text)
    if code is None:
        tally.flag(entity, prop, text, f"{prop} {text!r} is not a known country")
        return
    entity.add(prop, code.lower(), cleaned=True)


def add_checked(entity: EntityProxy, prop: str, value: str | None, tally: Tally) -> None:
    """Add a value FtM validates (dates, numbers); flag it when FtM rejects it."""
    text = clean(value)
    if text is None:
        return
    try:
        before = len(entity.get(prop))
        entity.add(prop, text)
    except InvalidData as exc:
        tally.flag(entity, prop, text, str(exc))
        return
    if len(entity.get(prop)) == before and text not in entity.get(prop):
        kind = entity.schema.properties[prop].type.name
        tally.flag(entity, prop, text, f"{prop} {text!r} is not a valid {kind}")


def person_name(name: str) -> str:
    """OFAC's ``LAST, First`` as ``First LAST``; other names unchanged."""
    last, sep, first = name.partition(", ")
    return f"{first} {last}".strip() if sep and first else name
