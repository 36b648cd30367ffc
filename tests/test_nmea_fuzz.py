"""Property tests of :func:`setori.ingest.nmea.read_nmea` on damaged input.

Fixture strategy: real lines from ``tests/data/nmea/`` (see its README). Valid lines
are the single-sentence position reports of ``amsa-tag-c-checksum-00.nmea``; each
carries its own time (tag block ``c:``), so no neighbour can change its outcome.
They are mixed with random bytes and with real lines of every slice damaged by
character flips, insertions and deletions. Whatever the mix and the chunk size:
reading never raises, every line is counted once, and every valid line is kept.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from setori.ingest.nmea.read import read_nmea

SLICES = Path(__file__).parent / "data" / "nmea"
VALID = (SLICES / "amsa-tag-c-checksum-00.nmea").read_bytes().splitlines()
REAL = [
    line
    for path in sorted(SLICES.glob("*"))
    if path.suffix != ".md"
    for line in path.read_bytes().splitlines()
]

Edit = tuple[str, int, int]  # (operation, position, byte)


def damage(line: bytes, edits: list[Edit]) -> bytes:
    """Apply flips / insertions / deletions at positions taken modulo the line length."""
    data = bytearray(line)
    for operation, position, value in edits:
        at = position % (len(data) + 1)
        if operation == "insert":
            data.insert(at, value)
        elif data and operation == "flip":
            data[at % len(data)] = value
        elif data:
            del data[at % len(data)]
    return bytes(data)


edits = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete"]),
        st.integers(0, 200),
        st.integers(0, 255),
    ),
    min_size=1,
    max_size=4,
)
valid_line = st.sampled_from(VALID).map(lambda line: (True, line))
random_bytes = st.binary(max_size=120).map(lambda data: (False, data))
damaged_line = st.builds(damage, st.sampled_from(REAL), edits).map(lambda data: (False, data))
inputs = st.lists(st.one_of(valid_line, random_bytes, damaged_line), min_size=1, max_size=40)


def assemble(parts: list[tuple[bool, bytes]]) -> tuple[bytes, set[int]]:
    """Join the parts with newlines; the 1-based line numbers of the valid parts."""
    data, valid_lines, line_no = b"", set(), 1
    for is_valid, part in parts:
        if is_valid:
            valid_lines.add(line_no)
        data += part + b"\n"
        line_no += part.count(b"\n") + 1
    return data, valid_lines


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs, st.sampled_from([1 << 20, 4096, 97, 13]))
def test_damaged_input_never_raises_and_keeps_valid_lines(
    parts: list[tuple[bool, bytes]], chunk_bytes: int
) -> None:
    data, valid_lines = assemble(parts)
    kept: set[int] = set()
    counts: Counter[str] = Counter()
    lines = 0
    for batch in read_nmea(io.BytesIO(data), "fuzz", chunk_bytes=chunk_bytes):
        kept |= set(batch.positions["line_no"].to_pylist())
        kept |= set(batch.statics["line_no"].to_pylist())
        counts.update(batch.counts)
        lines += batch.lines
    assert valid_lines <= kept
    assert lines == data.count(b"\n")
    assert sum(counts.values()) == lines


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([1 << 20, 64, 7]))
def test_random_bytes_are_counted_not_raised(data: bytes, chunk_bytes: int) -> None:
    batches = list(read_nmea(io.BytesIO(data), "noise", chunk_bytes=chunk_bytes))
    lines = sum(b.lines for b in batches)
    assert lines == data.count(b"\n") + (not data.endswith(b"\n") and len(data) > 0)
    assert sum(sum(b.counts.values()) for b in batches) == lines
