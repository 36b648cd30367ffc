"""A watchlist a team writes itself: a CSV with a header row.

Columns (case and spaces ignored; ``name`` required, every other optional)::

    id, name, schema, imo, mmsi, call_sign, flag, aliases, previous_names,
    past_flags, country, program, notes

``schema`` defaults to ``Vessel`` (also Person, Organization, Company, LegalEntity).
``aliases``, ``previous_names``, ``past_flags`` and the identifier columns hold several
values separated by ``;`` or ``|``. A column the loader does not know is an error (a typo
such as ``imo_nr`` would otherwise drop every IMO number), as is a row of the wrong width.
Without an ``id`` column, ids are ``{list_id}-imo-1234567`` when the row has a valid IMO,
else ``{list_id}-`` + a hash of schema and name: renaming such a row reads as one entity
removed and one added, so teams that rename should keep an ``id`` column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from followthemoney import EntityProxy
from followthemoney.util import make_entity_id

from setori.ids import imo_check
from setori.screen.lists.base import ListFormatError, Tally
from setori.screen.lists.build import (
    add,
    add_call_sign,
    add_country,
    add_imo,
    add_mmsi,
    clean,
    make,
)

SOURCE = "Team watchlist (CSV)"
COLUMNS = (
    "id", "name", "schema", "imo", "mmsi", "call_sign", "flag", "aliases",
    "previous_names", "past_flags", "country", "program", "notes",
)  # fmt: skip
SYNONYMS = {
    "imo_number": "imo", "imonumber": "imo", "callsign": "call_sign", "alias": "aliases",
    "previous_name": "previous_names", "former_names": "previous_names", "type": "schema",
    "past_flag": "past_flags", "note": "notes", "mmsi_number": "mmsi",
}  # fmt: skip
SCHEMATA = ("Vessel", "Person", "Organization", "Company", "LegalEntity")
_SPLIT = re.compile(r"\s*[;|]\s*")
#: multi-valued column → FtM property
FIELDS = (
    ("imo", "imoNumber"), ("mmsi", "mmsi"), ("call_sign", "callSign"), ("flag", "flag"),
    ("past_flags", "pastFlags"), ("country", "country"), ("aliases", "alias"),
    ("previous_names", "previousName"), ("program", "program"),
)  # fmt: skip


def read(path: Path, tally: Tally) -> Iterator[EntityProxy]:
    """Stream the rows of a watchlist CSV as entities (ids prefixed with the file's stem)."""
    yield from read_as(path, tally, prefix=path.stem)


def read_as(path: Path, tally: Tally, *, prefix: str) -> Iterator[EntityProxy]:
    """As :func:`read`, with derived ids prefixed by ``prefix`` (the list id)."""
    seen: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = _header(path, next(reader, []))
            for fields in reader:
                line = reader.line_num
                if any(f.strip() for f in fields):
                    row = _row(path, line, header, fields)
                    yield _entity(path, line, row, tally, prefix, seen)
        except csv.Error as exc:
            raise ListFormatError(
                path, f"line {reader.line_num}", f"unreadable CSV: {exc}"
            ) from exc


def _header(path: Path, fields: list[str]) -> list[str]:
    names = [re.sub(r"[\s\-]+", "_", f.strip().lower()) for f in fields]
    names = [SYNONYMS.get(n, n) for n in names]
    unknown = [f for f, n in zip(fields, names, strict=True) if n not in COLUMNS]
    if unknown or "name" not in names:
        reason = f"unknown columns {unknown}" if unknown else "no 'name' column"
        raise ListFormatError(path, "line 1", f"{reason}; expected columns from {list(COLUMNS)}")
    return names


def _row(path: Path, line: int, header: list[str], fields: list[str]) -> dict[str, str]:
    if len(fields) != len(header):
        reason = f"{len(fields)} fields, expected {len(header)} (the header's)"
        raise ListFormatError(path, f"line {line}", reason)
    return {name: value.strip() for name, value in zip(header, fields, strict=True)}


def _entity(
    path: Path, line: int, row: dict[str, str], tally: Tally, prefix: str, seen: dict[str, int]
) -> EntityProxy:
    name, schema = clean(row.get("name")), clean(row.get("schema")) or "Vessel"
    if name is None:
        raise ListFormatError(path, f"line {line}", "empty name")
    if schema not in SCHEMATA:
        raise ListFormatError(
            path, f"line {line}", f"schema {schema!r}; expected one of {SCHEMATA}"
        )
    entity_id = _entity_id(row, schema, name, prefix)
    if entity_id in seen:
        raise ListFormatError(
            path, f"line {line}", f"id {entity_id} already on line {seen[entity_id]}"
        )
    seen[entity_id] = line
    entity = make(schema, entity_id)
    entity.add("name", name)
    _fill(entity, row, tally)
    return entity


def _entity_id(row: dict[str, str], schema: str, name: str, prefix: str) -> str:
    given = clean(row.get("id"))
    if given is not None:
        return given
    imos = [imo_check(v) for v in _values(row, "imo")]
    valid = [c.imo for c in imos if c.imo is not None and c.valid]
    if len(valid) == 1 and schema == "Vessel":
        return f"{prefix}-imo-{valid[0][3:]}"
    return f"{prefix}-{make_entity_id(schema, name.upper())}"


def _values(row: dict[str, str], column: str) -> list[str]:
    return [v for v in _SPLIT.split(row.get(column, "")) if v]


def _fill(entity: EntityProxy, row: dict[str, str], tally: Tally) -> None:
    for column, prop in FIELDS:
        values = _values(row, column)
        if values and not entity.schema.get(prop):
            tally.flag(entity, prop, row[column], f"a {entity.schema.name} has no {prop}")
        elif prop == "imoNumber":
            for value in values:
                add_imo(entity, value, tally)
        elif prop == "mmsi":
            for value in values:
                add_mmsi(entity, value, tally)
        elif prop == "callSign":
            for value in values:
                add_call_sign(entity, value, tally)
        elif prop in ("flag", "pastFlags", "country"):
            for value in values:
                add_country(entity, prop, value, tally)
        else:
            add(entity, prop, values)
    add(entity, "notes", row.get("notes"))
