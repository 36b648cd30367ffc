"""Readers of tabular AIS: known CSV layouts, a CSV with a column mapping, .traj and Parquet.

Every reader yields :class:`~setori.ingest.batch.IngestBatch` objects in bounded
memory (one chunk of about ``chunk_bytes`` of text, or one Parquet batch, at a time).
Rejected rows go to the batch's ``quarantine`` with their 1-based line number and
text; every input row is counted in exactly one ``counts`` bucket. Formats, mappings
and quarantine reasons are described in ``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import BinaryIO

import numpy as np
import polars as pl
import pyarrow as pa

from setori.errors import MappingError, UnknownFormatError
from setori.ingest.batch import IngestBatch
from setori.ingest.tables.checks import assemble, quarantine_table
from setori.ingest.tables.layouts import aisdb_plan, dma_plan, marinecadastre_plan
from setori.ingest.tables.lines import (
    CHUNK_BYTES,
    Lines,
    field_counts,
    iter_lines,
    parse_header,
    parse_rows,
    read_first_line,
)
from setori.ingest.tables.parquet import read_parquet
from setori.ingest.tables.plan import REQUIRED, TablePlan, mapping_plan
from setori.ingest.tables.traj import read_traj

__all__ = [
    "CSV_LAYOUTS",
    "read_aisdb",
    "read_csv",
    "read_dma",
    "read_generic_csv",
    "read_marinecadastre",
    "read_parquet",
    "read_traj",
]

PlanMaker = Callable[[Sequence[str]], TablePlan]
_DELIMITERS = (",", ";", "\t", "|")

#: Known CSV layouts (the names :func:`setori.ingest.formats.sniff_format` returns).
CSV_LAYOUTS: dict[str, PlanMaker] = {
    "marinecadastre": marinecadastre_plan,
    "dma": dma_plan,
    "aisdb": aisdb_plan,
}


def read_csv(
    stream: BinaryIO, source: str, *, fmt: str, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[IngestBatch]:
    """Read a CSV of a known layout: ``"marinecadastre"``, ``"dma"`` or ``"aisdb"``."""
    if fmt not in CSV_LAYOUTS:
        raise UnknownFormatError(
            f"{source}: no CSV layout {fmt!r}, expected one of {sorted(CSV_LAYOUTS)}"
        )
    header = parse_header(read_first_line(stream), ",")
    plan = CSV_LAYOUTS[fmt](header)
    for lines in iter_lines(stream, first_line_no=2, chunk_bytes=chunk_bytes):
        yield _read_lines(lines, plan, header, ",", source)


def read_marinecadastre(stream: BinaryIO, source: str) -> Iterator[IngestBatch]:
    """MarineCadastre / NOAA CSV (``MMSI,BaseDateTime,LAT,LON,...``, any column order)."""
    return read_csv(stream, source, fmt="marinecadastre")


def read_dma(stream: BinaryIO, source: str) -> Iterator[IngestBatch]:
    """Danish Maritime Authority CSV export (``# Timestamp,Type of mobile,MMSI,...``)."""
    return read_csv(stream, source, fmt="dma")


def read_aisdb(stream: BinaryIO, source: str) -> Iterator[IngestBatch]:
    """AISdb decoded CSV export (139 columns, ``Time`` as ``YYYYmmdd_HHMMSS``)."""
    return read_csv(stream, source, fmt="aisdb")


def read_generic_csv(
    stream: BinaryIO,
    source: str,
    mapping: Mapping[str, str | int],
    *,
    delimiter: str = ",",
    has_header: bool = True,
    time_format: str | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[IngestBatch]:
    """A delimited file read through ``mapping`` (canonical name -> column name or 0-based index).

    ``mmsi``, ``ts``, ``lat`` and ``lon`` must be mapped or, with a header, named by a
    canonical name or a common alias (:mod:`setori.ingest.tables.aliases`; the mapping
    wins). ``time_format``: ``None`` for ISO 8601 or unix seconds, ``"unix"`` /
    ``"unix_ms"``, or a strftime format such as ``"%d/%m/%Y %H:%M"``; naive times are UTC.
    Raises :class:`~setori.errors.MappingError` when the mapping names a column the file
    does not have, or two columns are named for one role.
    """
    header: list[str] | None = None
    first_line_no = 1
    if has_header:
        header = parse_header(read_first_line(stream), delimiter)
        _check_delimiter(header, delimiter, source)
        first_line_no = 2
    plan = None
    if header is not None:
        plan = mapping_plan(header, mapping, time_format, by_name=True)
    for lines in iter_lines(stream, first_line_no=first_line_no, chunk_bytes=chunk_bytes):
        if header is None or plan is None:
            header = [str(i) for i in range(_first_field_count(lines, delimiter))]
            plan = mapping_plan(header, mapping, time_format)
        yield _read_lines(lines, plan, header, delimiter, source)


def _check_delimiter(header: Sequence[str], delimiter: str, source: str) -> None:
    """A one-column header that another delimiter splits into a table: the wrong delimiter."""
    if len(header) != 1:
        return
    for other in _DELIMITERS:
        if other != delimiter and header[0].count(other) >= len(REQUIRED) - 1:
            raise MappingError(
                f"{source}: header {header[0][:80]!r} is one column with delimiter "
                f"{delimiter!r} but splits on {other!r}; expected the file's delimiter "
                f"(--delimiter {other!r})"
            )


def _first_field_count(lines: Lines, delimiter: str) -> int:
    counts, _ = field_counts(lines, delimiter)
    filled = np.flatnonzero(lines.ends > lines.starts)
    return int(counts[filled[0]]) if len(filled) else 1


def _read_lines(
    lines: Lines, plan: TablePlan, header: Sequence[str], delimiter: str, source: str
) -> IngestBatch:
    """One chunk of lines -> one batch: line-level checks, then value-level checks."""
    counts, unbalanced = field_counts(lines, delimiter)
    empty = lines.ends == lines.starts
    bad_quote = ~empty & unbalanced
    bad_count = ~empty & ~unbalanced & (counts != len(header))
    keep = ~(empty | bad_quote | bad_count)
    frame = parse_rows(lines, keep, list(header), delimiter)
    raw = plan.raw_frame(frame, pl.Series("_line_no", lines.line_no[keep]))
    batch = assemble(raw, plan.spec, source, lines.text)
    line_rejects = _line_rejects(lines, counts, bad_quote, bad_count, len(header), source)
    batch.quarantine = pa.concat_tables([line_rejects, batch.quarantine]).sort_by("line_no")
    batch.counts.update({"empty_line": int(empty.sum()), "unbalanced_quote": int(bad_quote.sum())})
    batch.counts.update({"column_count": int(bad_count.sum())})
    batch.counts = +batch.counts
    batch.lines = len(lines)
    return batch


def _line_rejects(
    lines: Lines,
    counts: np.ndarray,
    bad_quote: np.ndarray,
    bad_count: np.ndarray,
    expected: int,
    source: str,
) -> pa.Table:
    rows = np.flatnonzero(bad_quote | bad_count).astype(np.int64)
    reasons = [
        "unbalanced_quote: odd number of '\"' in the line, expected one record per line"
        if bad_quote[i]
        else f"column_count: {counts[i]} fields, expected {expected} (as in the header)"
        for i in rows
    ]
    return quarantine_table(source, lines.line_no[rows].tolist(), reasons, lines.text(rows))
