"""Cut a delimited text stream into bounded chunks of lines, with exact line numbers.

Each :class:`Lines` chunk keeps the raw bytes and the offsets of every line, so a
rejected row can be quarantined with its 1-based line number in the file and its
exact text. Field counts are checked with NumPy over the whole chunk (quote-aware,
RFC 4180 double quotes), then the well-formed lines are parsed by Polars as strings.

Limits (documented in ``docs/formats.md``): one record per line (a quoted field that
spans lines is quarantined as ``unbalanced_quote``), a single-character delimiter,
UTF-8 text (invalid bytes are replaced, not fatal).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import polars as pl

from setori.errors import UnreadableInputError

BOM = b"\xef\xbb\xbf"
#: Default chunk size: bounds the memory of one batch. 16 MiB is ~125k MarineCadastre rows;
#: reading then peaks near 0.5 GB RSS (measured: a 132 MB file, 346k rows/s, 2 shared cores).
CHUNK_BYTES = 16 * 1024 * 1024
_NL, _CR, _QUOTE = ord("\n"), ord("\r"), ord('"')

Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Lines:
    """A chunk of complete lines: ``data[starts[i]:ends[i]]`` is line ``line_no[i]``."""

    data: bytes
    starts: Int64Array
    ends: Int64Array
    line_no: Int64Array

    def __len__(self) -> int:
        return len(self.starts)

    def text(self, rows: npt.NDArray[np.int64]) -> list[str]:
        """The decoded text of the given rows (only used for the few quarantined rows)."""
        return [self.data[self.starts[i] : self.ends[i]].decode("utf-8", "replace") for i in rows]


def split_lines(data: bytes, first_line_no: int) -> Lines:
    """Index the lines of ``data`` (which ends with a newline)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(arr == _NL).astype(np.int64)
    starts = np.concatenate([np.zeros(1, np.int64), nl[:-1] + 1])
    ends = nl.copy()
    has_cr = (ends > starts) & (arr[np.maximum(ends - 1, 0)] == _CR)
    ends[has_cr] -= 1
    line_no = np.arange(first_line_no, first_line_no + len(nl), dtype=np.int64)
    return Lines(data, starts, ends, line_no)


def read_first_line(stream: BinaryIO) -> bytes:
    """The first line of ``stream`` without BOM and line ending (for a header)."""
    line = stream.readline()
    if line.startswith(BOM):
        line = line[len(BOM) :]
    return line.rstrip(b"\r\n")


def iter_lines(
    stream: BinaryIO, *, first_line_no: int, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[Lines]:
    """Yield chunks of whole lines of about ``chunk_bytes``, numbered from ``first_line_no``."""
    carry, line_no, first = b"", first_line_no, True
    while block := stream.read(chunk_bytes):
        if first and block.startswith(BOM):
            block = block[len(BOM) :]
        first = False
        buf = carry + block
        cut = buf.rfind(b"\n") + 1
        carry = buf[cut:]
        if cut:
            lines = split_lines(buf[:cut], line_no)
            line_no += len(lines)
            yield lines
    if carry:
        yield split_lines(carry + b"\n", line_no)


def parse_header(line: bytes, delimiter: str) -> list[str]:
    """Column names of a header line; a leading ``#`` (DMA exports) and spaces are stripped."""
    text = line.decode("utf-8", "replace")
    names = next(csv.reader([text], delimiter=delimiter), [])
    names = [name.strip() for name in names]
    if names and names[0].startswith("#"):
        names[0] = names[0].lstrip("#").strip()
    return _unique(names)


def _unique(names: list[str]) -> list[str]:
    """Names made unique (``x``, ``x_2``, ...) so every column can be addressed."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return unique


def field_counts(lines: Lines, delimiter: str) -> tuple[Int64Array, npt.NDArray[np.bool_]]:
    """Fields per line (delimiters outside double quotes + 1) and whether quotes are unbalanced.

    Works on the positions of delimiters and quotes only (no per-byte running sums), so
    memory stays proportional to the number of fields.
    """
    arr = np.frombuffer(lines.data, dtype=np.uint8)
    delim_at = np.flatnonzero(arr == ord(delimiter))
    counts = _between(delim_at, lines.starts, lines.ends) + 1
    quote_at = np.flatnonzero(arr == _QUOTE)
    if len(quote_at) == 0:
        return counts, np.zeros(len(lines), dtype=bool)
    quotes_before_line = np.searchsorted(quote_at, lines.starts)
    quotes = np.searchsorted(quote_at, lines.ends) - quotes_before_line
    line_of = np.searchsorted(lines.starts, delim_at, side="right") - 1
    in_quoted_line = quotes[line_of] > 0
    line_of, candidates = line_of[in_quoted_line], delim_at[in_quoted_line]
    parity = (np.searchsorted(quote_at, candidates) - quotes_before_line[line_of]) % 2
    counts -= np.bincount(line_of[parity == 1], minlength=len(lines)).astype(np.int64)
    return counts, quotes % 2 == 1


def _between(positions: Int64Array, starts: Int64Array, ends: Int64Array) -> Int64Array:
    """How many sorted ``positions`` fall in each ``[start, end)``."""
    found = np.searchsorted(positions, ends) - np.searchsorted(positions, starts)
    return found.astype(np.int64)


def parse_rows(
    lines: Lines, keep: npt.NDArray[np.bool_], columns: list[str], delimiter: str
) -> pl.DataFrame:
    """Parse the kept lines into a frame of string columns, plus ``_row`` (index into ``lines``)."""
    rows = np.flatnonzero(keep).astype(np.int64)
    if len(rows) == 0:
        frame = pl.DataFrame({name: pl.Series([], dtype=pl.String) for name in columns})
        return frame.with_columns(_row=pl.Series([], dtype=pl.Int64))
    frame = pl.read_csv(
        _kept_bytes(lines, keep),
        has_header=False,
        new_columns=columns,
        separator=delimiter,
        infer_schema=False,
        encoding="utf8-lossy",
        raise_if_empty=False,
    )
    if frame.height != len(rows):
        raise UnreadableInputError(
            f"lines {lines.line_no[0]}-{lines.line_no[-1]}: parsed {frame.height} rows, "
            f"expected {len(rows)} (one record per line)"
        )
    return frame.with_columns(_row=pl.Series(rows))


def _kept_bytes(lines: Lines, keep: npt.NDArray[np.bool_]) -> bytes:
    """The bytes of the kept lines, copying contiguous runs at once."""
    if keep.all():
        return lines.data
    edges = np.flatnonzero(np.diff(np.concatenate([[False], keep, [False]]).astype(np.int8)))
    run_first, run_last = edges[0::2], edges[1::2] - 1
    ends = np.append(lines.starts[1:], len(lines.data))
    return b"".join(
        lines.data[lines.starts[a] : ends[b]] for a, b in zip(run_first, run_last, strict=True)
    )
