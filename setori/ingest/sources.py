"""Open an input (file, ``.gz`` file or ``-`` for stdin), recognise its format, read it.

``read_source`` is the one entry point: it yields :class:`IngestBatch` objects
in bounded memory, whatever the format.
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

from setori.errors import InputError, UnknownFormatError, UnreadableInputError
from setori.ingest.batch import IngestBatch

FORMATS = ("nmea", "marinecadastre", "dma", "aisdb", "traj", "csv", "parquet")
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read an input. ``mapping`` maps canonical column names to the file's columns."""

    fmt: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)  # canonical -> column
    delimiter: str = ","
    has_header: bool = True
    time_format: str | None = None
    default_ts: datetime | None = None
    batch_bytes: int = 16 * 2**20  # the batch_bytes setting
    batch_rows: int = 1_000_000  # the batch_rows setting


def source_name(path: str | Path) -> str:
    """The name recorded as ``source`` for an input."""
    return "stdin" if str(path) == "-" else str(path)


@contextmanager
def open_binary(path: str | Path) -> Iterator[BinaryIO]:
    """A buffered binary stream over ``path`` (``-`` = stdin), decompressing gzip transparently."""
    try:
        raw: BinaryIO = sys.stdin.buffer if str(path) == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise UnreadableInputError(f"cannot open {str(path)!r}: {exc.strerror}") from exc
    stream = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(Any, raw))
    try:
        if stream.peek(2)[:2] == _GZIP_MAGIC:
            yield cast(BinaryIO, gzip.GzipFile(fileobj=stream, mode="rb"))
        else:
            yield cast(BinaryIO, stream)
    finally:
        if str(path) != "-":
            raw.close()


def _peek(stream: BinaryIO, n: int) -> bytes:
    if isinstance(stream, io.BufferedReader):
        return stream.peek(n)[:n]
    return b""


def detect_format(stream: BinaryIO, name: str) -> str:
    """Recognise the format of an open stream without consuming it."""
    from setori.ingest.formats import sniff_format

    if isinstance(stream, gzip.GzipFile):
        head = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    else:
        head = _peek(stream, _SNIFF_BYTES)
    try:
        return sniff_format(head, name)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise UnreadableInputError(f"cannot read {name!r}: {exc}") from exc


def read_source(path: str | Path, options: ReadOptions = ReadOptions()) -> Iterator[IngestBatch]:
    """Yield the batches of one input, in bounded memory."""
    name = source_name(path)
    with open_binary(path) as stream:
        fmt = options.fmt or detect_format(stream, name)
        if fmt not in FORMATS:
            raise UnknownFormatError(f"{name}: unknown format {fmt!r}, expected one of {FORMATS}")
        try:
            for batch in _dispatch(fmt, stream, path, name, options):
                batch.bytes_read = _consumed(stream)
                yield batch
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise UnreadableInputError(f"cannot read {name!r} as {fmt}: {exc}") from exc


def _consumed(stream: BinaryIO) -> int:
    """Bytes of the file behind ``stream`` read so far (compressed bytes for gzip; 0 when
    the stream cannot tell, as stdin)."""
    try:
        if isinstance(stream, gzip.GzipFile):
            return int(stream.fileobj.tell()) if stream.fileobj is not None else 0
        return int(stream.tell())
    except (OSError, ValueError):
        return 0


def _dispatch(
    fmt: str, stream: BinaryIO, path: str | Path, name: str, options: ReadOptions
) -> Iterator[IngestBatch]:
    chunk_bytes = options.batch_bytes
    if fmt == "nmea":
        from setori.ingest.nmea.read import read_nmea

        return read_nmea(stream, name, chunk_bytes=chunk_bytes, default_ts=options.default_ts)
    if fmt == "parquet":
        from setori.ingest.tables.parquet import read_parquet

        mapping = dict(options.mapping) or None
        return read_parquet(path, name, mapping=mapping, batch_rows=options.batch_rows)
    if fmt == "traj":
        from setori.ingest.tables.traj import read_traj

        return read_traj(stream, name, chunk_bytes=chunk_bytes)
    from setori.ingest.tables import read as tables

    if fmt == "csv":
        return tables.read_generic_csv(
            stream,
            name,
            _column_refs(options.mapping, options.has_header),
            delimiter=options.delimiter,
            has_header=options.has_header,
            time_format=options.time_format,
            chunk_bytes=chunk_bytes,
        )
    return tables.read_csv(stream, name, fmt=fmt, chunk_bytes=chunk_bytes)


def _column_refs(mapping: Mapping[str, str], has_header: bool) -> dict[str, str | int]:
    """Without a header, mapped columns are 0-based indexes."""
    if has_header:
        return dict(mapping)
    refs: dict[str, str | int] = {}
    for key, column in mapping.items():
        if not column.isdigit():
            raise InputError(f"--map {key}={column}: without a header, expected a 0-based index")
        refs[key] = int(column)
    return refs
