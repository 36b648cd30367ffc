"""One chunk of lines -> decoded messages, with times and receivers resolved in file order.

State carried from chunk to chunk (:class:`ChunkReader`): the line number, the last
time seen (for forward filling), a receiver announced by a ``$PGHP`` or tag-block
line and not yet used by an AIS sentence, and the pending multipart fragments.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from setori.ingest.nmea import scan
from setori.ingest.nmea.bytes import NO_MS
from setori.ingest.nmea.lines import Chunk, Kind, gather_text, make_chunk
from setori.ingest.nmea.multipart import MESSAGE_SCHEMA, FragmentAssembler
from setori.ingest.nmea.tables import DecodedChunk, decode_messages, quarantine_table
from setori.ingest.nmea.time import forward_fill

I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


@dataclass(slots=True)
class Stamps:
    """Per line of a chunk: the time it carries (if any), and its filled time."""

    own_ms: I64
    has: Mask
    filled_ms: I64
    known: Mask
    offsets: I64  # byte offset of each line in the chunk

    def first(self) -> tuple[int, int] | None:
        """(byte offset in the chunk, ms) of the chunk's first stamp, or None."""
        if not self.has.any():
            return None
        row = int(np.argmax(self.has))
        return int(self.offsets[row]), int(self.own_ms[row])


@dataclass(slots=True)
class Lines:
    """A scanned chunk: the chunk and the kernel's table (see :data:`scan.COLUMNS`)."""

    chunk: Chunk
    table: I64
    base: int  # line number of the chunk's first line

    def col(self, column: int) -> I64:
        return self.table[:, column]

    def text(self, rows: I64, lo: I64, hi: I64) -> pa.Array:
        return gather_text(self.chunk.data, lo[rows], hi[rows])

    def raw(self, rows: I64) -> pa.Array:
        return self.text(rows, self.chunk.starts, self.col(scan.END))


@dataclass(slots=True)
class ChunkReader:
    """Reads the chunks of one file in order; see the module docstring."""

    source: str
    next_line_no: int = 1
    last_ms: int | None = None
    pending_receiver: str | None = None
    assembler: FragmentAssembler = field(default_factory=FragmentAssembler)

    def read(self, data: bytes) -> tuple[DecodedChunk, Stamps]:
        """Scan, time, assemble and decode one chunk of complete lines."""
        chunk = make_chunk(data)
        lines = Lines(
            chunk, scan.scan_lines(chunk.data, chunk.starts, chunk.ends), self.next_line_no
        )
        self.next_line_no += chunk.n_lines
        stamps = self._stamps(lines)
        decoded = self._messages(self._sentences(lines, stamps))
        rejected = np.flatnonzero(lines.col(scan.REASON) != 0)
        reasons = np.array(scan.REASONS, dtype=object)[lines.col(scan.REASON)[rejected]]
        rows_out = quarantine_table(
            self.source,
            pa.array(rejected + lines.base),
            pa.array(reasons, pa.string()),
            lines.raw(rejected),
        )
        decoded.quarantine = pa.concat_tables([decoded.quarantine, rows_out])
        decoded.counts.update(_line_counts(lines))
        decoded.lines = chunk.n_lines
        return decoded, stamps

    def finish(self) -> tuple[pa.Table, int]:
        """End of file: the orphan fragments still pending, as quarantine rows (and their count)."""
        orphans = self.assembler.flush()
        return self._orphans(orphans), orphans.height

    def _stamps(self, lines: Lines) -> Stamps:
        own = lines.col(scan.MS)
        has = (own != NO_MS) & (lines.col(scan.REASON) == 0)
        filled, known = forward_fill(own, has, self.last_ms)
        if len(known) and known[-1]:
            self.last_ms = int(filled[-1])
        return Stamps(own, has, filled, known, lines.chunk.starts)

    def _sentences(self, lines: Lines, stamps: Stamps) -> pl.DataFrame:
        """The valid AIS sentences of the chunk, with time and receiver, in line order."""
        kind = lines.col(scan.KIND)
        rows = np.flatnonzero((kind == Kind.AIS) & (lines.col(scan.REASON) == 0))
        ts = pa.array(stamps.filled_ms[rows], pa.int64(), mask=~stamps.known[rows])
        col = lines.col
        return pl.DataFrame(
            {
                "line_no": rows + lines.base,
                "ts_ms": pl.Series(ts),
                "receiver": pl.Series(self._receivers(lines, rows)),
                "line": pl.Series(lines.raw(rows)),
                "payload": pl.Series(lines.text(rows, col(scan.PAY_LO), col(scan.PAY_HI))),
                "fill_bits": col(scan.FILL_BITS)[rows].astype(np.int8),
                "count": col(scan.COUNT)[rows].astype(np.int8),
                "number": col(scan.NUMBER)[rows].astype(np.int8),
                "stream": col(scan.STREAM)[rows],
                "channel": col(scan.CHANNEL)[rows],
                "seq_id": col(scan.SEQ_ID)[rows],
                "group": col(scan.GROUP)[rows],
            }
        )

    def _receivers(self, lines: Lines, rows: I64) -> pa.Array:
        """Receiver of each AIS line in ``rows``: its own, else one announced just before it."""
        kind, lo, hi = lines.col(scan.KIND), lines.col(scan.RECV_LO), lines.col(scan.RECV_HI)
        index = np.arange(len(kind))
        announced = (kind != Kind.AIS) & (lines.col(scan.REASON) == 0) & (lo >= 0)
        last_att = np.maximum.accumulate(np.where(announced, index, -1))
        last_ais = np.maximum.accumulate(np.where(kind == Kind.AIS, index, -1))
        before = np.concatenate([[-1], last_ais[:-1]])
        source = np.where(lo >= 0, index, np.where(last_att > before, last_att, -1))
        carried = (lo < 0) & (last_att < 0) & (before < 0)
        src = source[rows]
        text = lines.text(np.maximum(src, 0), lo, hi)
        text = pc.if_else(pa.array(src >= 0), text, pa.nulls(len(src), pa.large_string()))
        if self.pending_receiver is not None and carried[rows].any():
            text = pc.if_else(pa.array(carried[rows]), self.pending_receiver, text)
        self._carry_receiver(lines, last_att, last_ais)
        return text

    def _carry_receiver(self, lines: Lines, last_att: I64, last_ais: I64) -> None:
        if not len(last_att):
            return
        if last_att[-1] > last_ais[-1]:
            row = int(last_att[-1])
            lo, hi = lines.col(scan.RECV_LO)[row], lines.col(scan.RECV_HI)[row]
            self.pending_receiver = bytes(lines.chunk.data[lo:hi]).decode("ascii", "replace")
        elif last_ais[-1] >= 0:
            self.pending_receiver = None

    def _messages(self, sentences: pl.DataFrame) -> DecodedChunk:
        singles = sentences.filter(pl.col("count") == 1).select(
            "line_no", "ts_ms", "receiver", raw="line", payload="payload",
            fill_bits="fill_bits", n_lines=pl.lit(1, pl.Int64),
        )  # fmt: skip
        assembled, orphans = self.assembler.feed(sentences.filter(pl.col("count") > 1))
        messages = pl.concat([singles.cast(MESSAGE_SCHEMA), assembled]).sort("line_no")  # type: ignore[arg-type]
        counts = _empty_counts(messages)
        if orphans.height:
            counts["orphan_fragment"] += orphans.height
        messages = messages.filter(pl.col("payload") != "")
        return DecodedChunk(messages, decode_messages(messages), self._orphans(orphans), counts)

    def _orphans(self, orphans: pl.DataFrame) -> pa.Table:
        reason = pa.array(["orphan_fragment"] * orphans.height, pa.string())
        return quarantine_table(
            self.source, orphans["line_no"].to_arrow(), reason, orphans["raw"].to_arrow()
        )


def _empty_counts(messages: pl.DataFrame) -> Counter[str]:
    """Counts of messages with an empty payload (not decoded) and their extra fragment lines."""
    counts: Counter[str] = Counter()
    empty = messages.filter(pl.col("payload") == "")
    if empty.height:
        counts["empty_payload"] += empty.height
        extra = int(empty["n_lines"].sum()) - empty.height
        if extra:
            counts["multipart_fragment"] += extra
    return counts


def _line_counts(lines: Lines) -> Counter[str]:
    """Counts of the lines rejected on their own, and of the non-AIS lines."""
    counts: Counter[str] = Counter()
    reason, kind = lines.col(scan.REASON), lines.col(scan.KIND)
    for value, n in zip(*np.unique(reason[reason != 0], return_counts=True), strict=True):
        counts[scan.REASONS[value]] += int(n)
    not_ais = int(((kind != Kind.AIS) & (kind != Kind.GARBLED) & (reason == 0)).sum())
    if not_ais:
        counts["non_ais_line"] += not_ais
    return counts
