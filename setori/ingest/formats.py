"""Recognise an input's format from its first bytes (already decompressed) and its name.

Order of the tests (the first that fits wins):

1. ``parquet``: the magic ``PAR1``.
2. ``traj``: a first line starting ``*T*,`` (tracktable).
3. known CSV headers: ``dma`` (``# Timestamp,Type of mobile,MMSI,...``), ``aisdb``
   (``MMSI,Message_ID,...,Time,...``), ``marinecadastre`` (``MMSI``, ``BaseDateTime``,
   ``LAT``, ``LON`` in any order, or the snake_case names).
4. ``csv``: a header that names mmsi, ts, lat and lon by setori's canonical names or
   common aliases (``MMSI,timestamp,latitude,longitude``; see
   :mod:`setori.ingest.tables.aliases`), whatever the rows below it hold.
5. ``nmea``: any line with a ``VDM,`` or ``VDO,`` sentence.
6. ``csv``: other delimited text where most sampled lines (at least
   :data:`STEADY_SHARE`) split into the same number (>= 2) of fields: a few bad rows
   do not hide a table (the reader quarantines them by line). It needs a column mapping
   unless its header names the columns.

Anything else (empty, binary, prose, JSON, XML) raises :class:`UnknownFormatError`.
"""

from __future__ import annotations

import csv
import re
from collections import Counter

from setori.errors import UnknownFormatError
from setori.ingest.tables.aliases import named_roles
from setori.ingest.tables.plan import REQUIRED

SNIFF_BYTES = 64 * 1024
FORMATS = ("nmea", "marinecadastre", "dma", "aisdb", "traj", "parquet", "csv")
EXPECTED = (
    "expected NMEA (!AIVDM/!AIVDO sentences), a MarineCadastre, DMA or AISdb CSV, "
    "a tracktable .traj, Parquet, or a delimited table with a steady column count"
)

_NMEA = re.compile(rb"VD[MO],")
_DELIMITERS = (",", ";", "\t", "|", " ")
_HEADERS: list[tuple[str, set[str]]] = [
    ("dma", {"timestamp", "type of mobile", "mmsi", "latitude", "longitude"}),
    ("aisdb", {"mmsi", "message_id", "time", "longitude", "latitude"}),
    ("marinecadastre", {"mmsi", "basedatetime", "lat", "lon"}),
    ("marinecadastre", {"mmsi", "base_date_time", "latitude", "longitude"}),
]
_SAMPLE_LINES = 50
#: Share of sampled lines that must have the most common field count for a generic table.
STEADY_SHARE = 0.8
_MAX_CONTROL_SHARE = 0.01


def sniff_format(head: bytes, name: str) -> str:
    """One of :data:`FORMATS` for a file starting with ``head``; see the module docstring."""
    if head.startswith(b"PAR1"):
        return "parquet"
    text = _as_text(head, name)
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    if not lines:
        raise UnknownFormatError(f"{name}: no text lines in its start; {EXPECTED}")
    if lines[0].startswith("*T*,"):
        return "traj"
    layout = _known_header(lines[0])
    if layout:
        return layout
    if _named_header(lines[0]):
        return "csv"
    if _NMEA.search(head):
        return "nmea"
    if _steady_delimiter(lines[: _SAMPLE_LINES + 1], complete=len(head) < SNIFF_BYTES):
        return "csv"
    raise UnknownFormatError(f"{name}: first line {lines[0][:60]!r} fits no format; {EXPECTED}")


def _as_text(head: bytes, name: str) -> str:
    """``head`` decoded; binary (NUL bytes, many control bytes, not UTF-8/Latin-1 text) raises."""
    if not head:
        raise UnknownFormatError(f"{name}: empty; {EXPECTED}")
    control = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 13))
    if b"\x00" in head or control > _MAX_CONTROL_SHARE * len(head):
        raise UnknownFormatError(f"{name}: binary data (control bytes) in its start; {EXPECTED}")
    text = head.decode("utf-8", errors="replace")
    if text.count("\ufffd") > _MAX_CONTROL_SHARE * len(text):
        raise UnknownFormatError(f"{name}: not UTF-8 text in its start; {EXPECTED}")
    return text


def _known_header(line: str) -> str | None:
    fields = {f.strip().strip('"').lstrip("#").strip().lower() for f in line.split(",")}
    for layout, needed in _HEADERS:
        if needed <= fields:
            return layout
    return None


def _named_header(line: str) -> bool:
    """Whether ``line``, split on some delimiter, names every required column."""
    for delimiter in _DELIMITERS:
        names = _fields(line, delimiter)
        if len(names) >= len(REQUIRED) and set(REQUIRED) <= named_roles(names):
            return True
    return False


def _steady_delimiter(lines: list[str], *, complete: bool) -> bool:
    """Whether some delimiter splits most sampled lines into the same number (>= 2) of fields.

    "Most" is :data:`STEADY_SHARE`; each line is split on its own, so an unbalanced quote
    spoils one line only. The last line is ignored when the head was cut short (it may be
    a partial line).
    """
    sample = lines if complete or len(lines) < 2 else lines[:-1]
    if sample[0].lstrip().startswith(("{", "[", "<")):
        return False
    for delimiter in _DELIMITERS:
        counts = Counter(len(_fields(line, delimiter)) for line in sample)
        width, lines_of_width = counts.most_common(1)[0]
        if width >= 2 and lines_of_width >= STEADY_SHARE * len(sample):
            return True
    return False


def _fields(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])
