"""OFAC SDN list, legacy CSV set: ``sdn.csv`` + ``add.csv`` + ``alt.csv`` + ``sdn_comments.csv``.

Data specification: OFAC "Specially Designated Nationals and Blocked Persons: Data
Specification" (``dat_spec.txt``). No header; ``-0-`` for null; CRLF; a trailing
0x1A byte. Columns (watchman ``pkg/sources/ofac/ofac.go``):

* ``sdn.csv``: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
  Tonnage, GRT, Vess_flag, Vess_owner, Remarks
* ``add.csv``: ent_num, add_num, Address, City/State/Province/Postal Code, Country, Add_remarks
* ``alt.csv``: ent_num, alt_num, alt_type (aka, fka, nka), alt_name, alt_remarks
* ``sdn_comments.csv``: ent_num, the rest of a Remarks text cut off in ``sdn.csv``

SDN_Type ``individual`` → Person, ``vessel`` → Vessel, ``aircraft`` → Airplane, ``-0-`` →
Organization; id ``ofac-{ent_num}`` (as OpenSanctions and the XML formats). Remarks
→ :mod:`setori.screen.lists.ofac_remarks`. The four files are sorted by ent_num, so they
are merged in one pass in bounded memory; a row out of order is an error. The companions are
found beside ``sdn.csv`` under their standard names or given by kind (``companions``; under
other names :func:`companion_kind` knows them by the shape of their first row).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from followthemoney import EntityProxy

from setori.screen.lists.base import ListFormatError, Tally
from setori.screen.lists.build import (
    add,
    add_call_sign,
    add_checked,
    add_country,
    clean,
    make,
    person_name,
)
from setori.screen.lists.ofac_remarks import apply_remarks

SOURCE = "US OFAC SDN list (legacy CSV)"
SDN_COLUMNS = (
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type",
    "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks",
)  # fmt: skip
AUX_WIDTHS = {"add.csv": 6, "alt.csv": 5, "sdn_comments.csv": 2}
SCHEMATA = {
    "individual": "Person",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "-0-": "Organization",
}
ALT_PROPS = {"aka": "alias", "fka": "previousName", "nka": "name"}
_PROGRAM_SPLIT = re.compile(r"\]\s*\[")
Row = tuple[int, list[str]]  # (line number, fields)


def files_of(path: Path, companions: Mapping[str, Path] | None = None) -> list[Path]:
    """``sdn.csv`` and its companion files: those given in ``companions`` (by kind, the
    standard file name: ``add.csv``, ``alt.csv``, ``sdn_comments.csv``), else whichever
    sit next to it under their standard names."""
    sdn = path / "sdn.csv" if path.is_dir() else path
    given = dict(companions or {})
    found = {name: given.get(name, sdn.with_name(name)) for name in AUX_WIDTHS}
    return [sdn, *(p for name, p in found.items() if name in given or p.is_file())]


def companion_kind(path: Path) -> str | None:
    """Which companion of ``sdn.csv`` ``path`` is (``add.csv``, ``alt.csv``,
    ``sdn_comments.csv``), by its name or else by the shape of its first row; None if none.

    Shapes (no header in the legacy set): ``add.csv`` 6 fields, ent_num and add_num numbers;
    ``alt.csv`` 5 fields, ent_num and alt_num numbers, alt_type aka / fka / nka;
    ``sdn_comments.csv`` 2 fields, ent_num a number.
    """
    if path.name.lower() in AUX_WIDTHS:
        return path.name.lower()
    try:
        with path.open(newline="", encoding="utf-8", errors="replace") as fh:
            first = next(csv.reader(fh), [])
    except (OSError, csv.Error):
        return None
    fields = [f.strip() for f in first]
    numbered = len(fields) >= 2 and fields[0].isdigit()
    if numbered and len(fields) == 6 and fields[1].isdigit():
        return "add.csv"
    if numbered and len(fields) == 5 and fields[1].isdigit() and fields[2].lower() in ALT_PROPS:
        return "alt.csv"
    if numbered and len(fields) == 2:
        return "sdn_comments.csv"
    return None


def rows(path: Path, width: int) -> Iterator[Row]:
    """The rows of one OFAC CSV file, each checked to have ``width`` fields."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, strict=True)
        line = 1
        try:
            for fields in reader:
                if fields and fields != ["\x1a"]:
                    yield line, _checked(path, line, fields, width)
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ListFormatError(path, f"line {line}", f"unreadable CSV: {exc}") from exc


def _checked(path: Path, line: int, fields: list[str], width: int) -> list[str]:
    if len(fields) != width:
        raise ListFormatError(path, f"line {line}", f"{len(fields)} fields, expected {width}")
    if any("\n" in f or "\r" in f for f in fields):
        raise ListFormatError(path, f"line {line}", "a quoted field runs over a line end")
    return [f.strip() for f in fields]


def ent_num(path: Path, line: int, value: str) -> int:
    """The row's ent_num, which must be a positive integer."""
    if not value.isdigit():
        raise ListFormatError(path, f"line {line}", f"ent_num {value!r} is not a number")
    return int(value)


@dataclass
class _AuxFile:
    """A companion file read alongside ``sdn.csv``, one ent_num at a time."""

    path: Path
    rows: Iterator[Row]
    pending: tuple[int, int, list[str]] | None = None  # (ent_num, line, fields)

    def take(self, ent: int) -> list[list[str]]:
        found: list[list[str]] = []
        while (row := self._peek()) is not None and row[0] <= ent:
            if row[0] < ent:
                raise ListFormatError(
                    self.path,
                    f"line {row[1]}",
                    f"ent_num {row[0]} is not in sdn.csv or out of order",
                )
            found.append(row[2])
            self.pending = None
        return found

    def finish(self) -> None:
        if (row := self._peek()) is not None:
            raise ListFormatError(
                self.path, f"line {row[1]}", f"ent_num {row[0]} is not in sdn.csv"
            )

    def _peek(self) -> tuple[int, int, list[str]] | None:
        if self.pending is None:
            line, fields = next(self.rows, (0, []))
            if fields:
                self.pending = (ent_num(self.path, line, fields[0]), line, fields)
        return self.pending


def read(
    path: Path, tally: Tally, *, companions: Mapping[str, Path] | None = None
) -> Iterator[EntityProxy]:
    """Stream entities and Sanctions from an OFAC CSV set (``path``: sdn.csv or its folder;
    ``companions``: see :func:`files_of`)."""
    sdn, *others = files_of(path, companions)
    kinds = {p: kind for kind, p in (companions or {}).items()}
    aux: dict[str, _AuxFile] = {}
    for p in others:
        kind = kinds.get(p, p.name)
        aux[kind] = _AuxFile(p, rows(p, AUX_WIDTHS[kind]))
    last = 0
    for line, fields in rows(sdn, len(SDN_COLUMNS)):
        ent = ent_num(sdn, line, fields[0])
        if ent <= last:
            raise ListFormatError(
                sdn, f"line {line}", f"ent_num {ent} after {last}; expected ascending"
            )
        last = ent
        entity = _entity(sdn, line, ent, fields, tally)
        _apply_aux(entity, ent, aux, fields[11], tally)
        yield entity
        yield sanction_for(entity, _PROGRAM_SPLIT.split(fields[3]))
    for companion in aux.values():
        companion.finish()
    tally.version = f"ent_num {last}"


def _entity(path: Path, line: int, ent: int, fields: list[str], tally: Tally) -> EntityProxy:
    kind = fields[2].lower()
    if kind not in SCHEMATA:
        raise ListFormatError(
            path, f"line {line}", f"SDN_Type {fields[2]!r} is not one of {sorted(SCHEMATA)}"
        )
    name = clean(fields[1])
    if name is None:
        raise ListFormatError(path, f"line {line}", f"ent_num {ent} has no SDN_Name")
    entity = make(SCHEMATA[kind], f"ofac-{ent}")
    entity.add("name", person_name(name) if kind == "individual" else name)
    add(entity, "program", _PROGRAM_SPLIT.split(fields[3]))
    entity.add("topics", "sanction")
    add(entity, "position" if kind == "individual" else "notes", fields[4])
    if entity.schema.is_a("Vessel"):
        _vessel(entity, fields, tally)
    return entity


def _vessel(entity: EntityProxy, fields: list[str], tally: Tally) -> None:
    add_call_sign(entity, fields[5], tally)
    add(entity, "type", fields[6])
    add_checked(entity, "tonnage", fields[7].replace(",", ""), tally)
    add_checked(entity, "grossRegisteredTonnage", fields[8].replace(",", ""), tally)
    add_country(entity, "flag", fields[9], tally)
    owner = clean(fields[10])
    if owner is not None:
        entity.add("notes", f"Vessel owner: {owner}")


def _apply_aux(
    entity: EntityProxy, ent: int, aux: dict[str, _AuxFile], remarks: str, tally: Tally
) -> None:
    more = aux["sdn_comments.csv"].take(ent) if "sdn_comments.csv" in aux else []
    apply_remarks(entity, remarks + "".join(r[1] for r in more), tally)
    for alt in aux["alt.csv"].take(ent) if "alt.csv" in aux else []:
        name = clean(alt[3])
        if name is not None:
            named = person_name(name) if entity.schema.is_a("Person") else name
            entity.add(ALT_PROPS.get(alt[2].lower(), "alias"), named)
    for address in aux["add.csv"].take(ent) if "add.csv" in aux else []:
        add(entity, "address", ", ".join(filter(None, (clean(a) for a in address[2:5]))))
        add_country(entity, "country", address[4], tally)


def sanction_for(entity: EntityProxy, programs: list[str]) -> EntityProxy:
    """The OFAC Sanction of a listed entity (``{id}-sanction``) under ``programs``."""
    sanction = make("Sanction", f"{entity.id}-sanction")
    sanction.add("entity", entity.id)
    sanction.add("authority", "US Treasury Office of Foreign Assets Control (OFAC)")
    sanction.add("authorityId", str(entity.id).removeprefix("ofac-"))
    add(sanction, "program", programs)
    return sanction
