"""What an analyst asks to screen, as queries: one per name, per schema searched.

A name given without a schema is screened as every kind of listed party
(:data:`~setori.screen.model.ALL_SCHEMATA`: a vessel, a person, an organisation), each
query carrying only the identifiers that kind can have, and the :class:`QueryGroup` says
which schemata were searched. Several names are several groups: each is screened on its
own, never merged into one query. :func:`read_names_file` reads a CSV of such requests.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from setori.errors import InputError
from setori.ids import mmsi_info, normalize_flag, normalize_imo
from setori.screen.model import ALL_SCHEMATA, Query, SchemaName

SCHEMATA: tuple[SchemaName, ...] = ("Vessel", "Person", "Organization", "Company", "LegalEntity")
#: Columns of a names file (a header row is required; every column but ``name`` optional).
NAMES_FILE_COLUMNS = ("name", "schema", "imo", "mmsi", "call_sign", "flag", "birth_date")
_BIRTH_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True, slots=True)
class QueryGroup:
    """One thing asked about (a name, a file row), screened as one query per schema."""

    queries: tuple[Query, ...]

    @property
    def searched(self) -> tuple[str, ...]:
        """The schemata searched, in order."""
        return tuple(q.schema for q in self.queries)


@dataclass(frozen=True, slots=True)
class RowError:
    """A names-file row that could not be screened: its line number and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def query_groups(
    names: Sequence[str] = (),
    *,
    schema: str | None = None,
    imo: str | None = None,
    mmsi: str | None = None,
    call_sign: str | None = None,
    flag: str | None = None,
    birth_date: str | None = None,
    ref: str | None = None,
) -> list[QueryGroup]:
    """One group per name (one for the identifiers alone when there is no name)."""
    base = Query(imo=imo, mmsi=mmsi, call_sign=call_sign, flag=flag, birth_date=birth_date)
    chosen = _schema(schema)
    bodies = [replace(base, names=(name,)) for name in names] or [base]
    groups = []
    for i, body in enumerate(bodies):
        label = ref or (f"name:{i + 1}" if len(bodies) > 1 else None)
        group = group_of(replace(body, ref=label), chosen)
        if group.queries:
            groups.append(group)
    return groups


def group_of(query: Query, schema: SchemaName | None) -> QueryGroup:
    """``query`` as ``schema``, or, without one, as each schema it can be screened as."""
    if schema is not None:
        return QueryGroup((replace(query, schema=schema),))
    return QueryGroup(tuple(q for s in ALL_SCHEMATA if (q := as_schema(query, s)) is not None))


def as_schema(query: Query, schema: SchemaName) -> Query | None:
    """The query with the fields a ``schema`` entity can have (None: nothing left to match).

    A vessel keeps every identifier; a person its names and birth date; an organisation its
    names and IMO (a company number: the UN lists shipping companies by it).
    """
    if schema == "Vessel":
        kept = replace(query, schema=schema, birth_date=None)
        return kept if kept.names or kept.imo or kept.mmsi or kept.call_sign else None
    if schema == "Person":
        return Query(schema, query.names, birth_date=query.birth_date, ref=query.ref) if (
            query.names
        ) else None  # fmt: skip
    if query.names or query.imo:
        return Query(schema, query.names, imo=query.imo, ref=query.ref)
    return None


def read_names_file(path: str | Path) -> tuple[list[QueryGroup], list[RowError]]:
    """The queries of a CSV names file and the rows that could not be read.

    The header row names the columns (:data:`NAMES_FILE_COLUMNS`, any order, ``name``
    required, an unknown column is an error). A bad row (unknown schema, IMO not 7 digits,
    MMSI not 9 digits, unknown flag, birth date not YYYY[-MM[-DD]], nothing to screen) is
    reported with its line number and the other rows are still screened. Each query's
    ``ref`` is ``line:N``.
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = sorted(set(header) - set(NAMES_FILE_COLUMNS))
    if "name" not in header or unknown:
        raise InputError(
            f"{path}: header {header!r}: expected a header row with a 'name' column and only "
            f"the columns {', '.join(NAMES_FILE_COLUMNS)}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        )
    reader.fieldnames = header
    groups: list[QueryGroup] = []
    errors: list[RowError] = []
    for row in reader:
        line = reader.line_num
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        problems = _row_problems(cells)
        if problems:
            errors.append(RowError(line, "; ".join(problems)))
            continue
        groups.extend(_row_groups(cells, line))
    return groups, errors


def _row_groups(cells: dict[str, str], line: int) -> list[QueryGroup]:
    return query_groups(
        [cells["name"]] if cells.get("name") else [],
        schema=cells.get("schema") or None,
        imo=cells.get("imo") or None,
        mmsi=cells.get("mmsi") or None,
        call_sign=cells.get("call_sign") or None,
        flag=cells.get("flag") or None,
        birth_date=cells.get("birth_date") or None,
        ref=f"line:{line}",
    )


def _row_problems(cells: dict[str, str]) -> list[str]:
    problems = []
    schema, imo, mmsi = cells.get("schema"), cells.get("imo"), cells.get("mmsi")
    flag, born = cells.get("flag"), cells.get("birth_date")
    if schema and schema not in SCHEMATA:
        problems.append(f"schema {schema!r}: expected one of {', '.join(SCHEMATA)} or empty")
    if imo and normalize_imo(imo) is None:
        problems.append(f"IMO {imo!r} is not 7 digits")
    if mmsi and mmsi_info(mmsi).mmsi is None:
        problems.append(f"MMSI {mmsi!r} is not 9 digits")
    if flag and normalize_flag(flag) is None:
        problems.append(f"flag {flag!r} is not a country name or ISO code")
    if born and not _BIRTH_DATE.fullmatch(born):
        problems.append(f"birth date {born!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    if not any(cells.get(k) for k in ("name", "imo", "mmsi", "call_sign")):
        problems.append("nothing to screen: expected a name, IMO, MMSI or call sign")
    return problems


def _schema(value: str | None) -> SchemaName | None:
    if value is None:
        return None
    if value not in SCHEMATA:
        raise InputError(f"schema {value!r}: expected one of {', '.join(SCHEMATA)}")
    return value
