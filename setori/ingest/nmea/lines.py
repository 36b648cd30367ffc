"""One chunk of an NMEA file: its bytes, where each line starts and ends, and line texts.

Lines are found with NumPy (``\\n`` positions); text columns (payloads, receivers,
raw lines for quarantine) are cut out of the chunk's bytes by one compiled copy per
column (:func:`gather_text`) into an Arrow string array, with no per-line Python
objects. Bytes >= 0x80 never occur in NMEA 0183; in text columns they become ``?``
so the text is valid UTF-8 (the line is quarantined ``non_ascii`` when it matters).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from setori.ingest.nmea.bytes import jit

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

_NEWLINE = 0x0A
#: A line longer than this is cut here (NMEA sentences are at most 82 characters).
MAX_LINE_BYTES = 2**20


class Kind(IntEnum):
    """What a line is, before any validation."""

    OTHER = 0  # comment, blank line, GPS or other NMEA sentence
    AIS = 1  # !xxVDM / !xxVDO, with or without a tag block
    GARBLED = 2  # mentions VDM/VDO but is not shaped like an AIS sentence
    PGHP = 3  # $PGHP Gatehouse timestamp
    RMC = 4  # $xxRMC
    ZDA = 5  # $xxZDA
    TAG_ONLY = 6  # a tag block alone on its line


@dataclass(slots=True)
class Chunk:
    """Complete lines: ``data[starts[i]:ends[i]]`` is line i with its line end."""

    data: U8
    starts: I64
    ends: I64

    @property
    def n_lines(self) -> int:
        return len(self.starts)


def split_complete(data: bytes, at_eof: bool) -> tuple[bytes, bytes]:
    """(complete lines, remainder). At EOF everything is complete.

    A remainder of :data:`MAX_LINE_BYTES` or more without a newline is cut there,
    so memory stays bounded whatever the input.
    """
    if at_eof:
        return data, b""
    cut = data.rfind(b"\n") + 1
    if cut == 0 and len(data) >= MAX_LINE_BYTES:
        return data[:MAX_LINE_BYTES] + b"\n", data[MAX_LINE_BYTES:]
    return data[:cut], data[cut:]


def make_chunk(data: bytes) -> Chunk:
    """Find the lines of ``data`` (the last may lack its newline)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == _NEWLINE).astype(np.int64) + 1
    if len(buf) and buf[-1] != _NEWLINE:
        ends = np.append(ends, len(buf))
    starts = np.concatenate([np.zeros(1, np.int64), ends[:-1]])[: len(ends)]
    return Chunk(buf, starts, ends)


@jit
def _gather_kernel(buf: U8, lo: I64, hi: I64, offsets: I64, out: U8) -> None:
    pos = 0
    for i in range(len(lo)):
        for j in range(lo[i], hi[i]):
            out[pos] = buf[j] if buf[j] < 0x80 else 63
            pos += 1
        offsets[i + 1] = pos


def gather_text(buf: U8, lo: I64, hi: I64) -> pa.Array:
    """``buf[lo[i]:hi[i]]`` as a large_string array; null where ``lo[i] < 0``."""
    present = lo >= 0
    lo, hi = np.where(present, lo, 0), np.where(present, hi, 0)
    offsets = np.zeros(len(lo) + 1, np.int64)
    out = np.empty(int((hi - lo).sum()), np.uint8)
    _gather_kernel(buf, lo, hi, offsets, out)
    nulls = None if present.all() else pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.LargeStringArray.from_buffers(
        len(lo), pa.py_buffer(offsets), pa.py_buffer(out), nulls, int((~present).sum())
    )
