"""Column plans: how one table layout maps to canonical columns (known layouts or a user mapping).

A :class:`TablePlan` says, for one file's header, which expression over the
source-named string columns gives each canonical column (see
:data:`setori.ingest.tables.values.FIELD_KINDS`), and how to read times. Every plan
names its source columns so quarantine messages can say what was seen where.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from setori.errors import MappingError
from setori.ingest.tables.aliases import alias_mapping
from setori.ingest.tables.checks import RowSpec
from setori.ingest.tables.values import FIELD_KINDS

REQUIRED = ("mmsi", "ts", "lat", "lon")


@dataclass(frozen=True, slots=True)
class TablePlan:
    """Canonical column -> expression over the source columns, plus how to read times."""

    columns: Mapping[str, pl.Expr]
    spec: RowSpec
    kind: pl.Expr | None = None

    def raw_frame(self, frame: pl.DataFrame, line_no: pl.Series) -> pl.DataFrame:
        """The raw frame of canonical columns for :func:`setori.ingest.tables.checks.assemble`."""
        exprs = [expr.alias(name) for name, expr in self.columns.items()]
        if self.kind is not None:
            exprs.append(self.kind.alias("_kind"))
        return frame.select([*exprs, pl.col("_row")]).with_columns(_line_no=line_no)


def find_columns(
    header: Sequence[str], aliases: Mapping[str, Sequence[str]], layout: str
) -> dict[str, str]:
    """Canonical name -> the header's column, matching aliases case-insensitively.

    Raises :class:`MappingError` when a required column (mmsi, ts, lat, lon) is absent.
    """
    by_lower = {name.lower(): name for name in header}
    found: dict[str, str] = {}
    for canonical, names in aliases.items():
        hits = [by_lower[n.lower()] for n in names if n.lower() in by_lower]
        if hits:
            found[canonical] = hits[0]
    missing = [aliases[c][0] for c in REQUIRED if c in aliases and c not in found]
    if missing:
        raise MappingError(
            f"{layout}: no column {', '.join(missing)} in the header; columns seen: {list(header)}"
        )
    return found


def plain_plan(found: Mapping[str, str], time_format: str | None) -> TablePlan:
    """A plan that takes each canonical column straight from its source column."""
    columns = {name: pl.col(source) for name, source in found.items()}
    return TablePlan(columns, RowSpec(labels=dict(found), time_format=time_format))


def mapping_plan(
    header: Sequence[str],
    mapping: Mapping[str, str | int],
    time_format: str | None,
    *,
    by_name: bool = False,
) -> TablePlan:
    """A plan from a user mapping: canonical name -> column name, or 0-based column index.

    With ``by_name`` (the header holds real column names), the roles the mapping leaves
    open are taken from the header's names: canonical names and the common aliases of
    :mod:`setori.ingest.tables.aliases`. The mapping always wins.
    """
    unknown = sorted(set(mapping) - set(FIELD_KINDS))
    if unknown:
        raise MappingError(
            f"mapping names unknown canonical columns {unknown}; "
            f"expected some of {sorted(FIELD_KINDS)}"
        )
    full = {**alias_mapping(header, mapping), **mapping} if by_name else dict(mapping)
    missing = [name for name in REQUIRED if name not in full]
    if missing:
        named = " and no column is named for it (see docs/formats.md)" if by_name else ""
        raise MappingError(
            f"mapping lacks {missing}{named}; expected at least {list(REQUIRED)}; "
            f"columns seen: {list(header)}"
        )
    found = {name: _resolve(header, column) for name, column in full.items()}
    return plain_plan(found, time_format)


def _resolve(header: Sequence[str], column: str | int) -> str:
    if isinstance(column, str) and column in header:
        return column
    text = str(column).strip()
    if text.isdigit() and int(text) < len(header):
        return header[int(text)]
    raise MappingError(
        f"mapping names column {column!r}, not in the file; columns seen: {list(header)}"
    )
