"""Decoded AIS messages -> canonical ``positions``, ``statics`` and ``quarantine`` tables.

Each message (one payload, multipart already joined) ends in exactly one outcome,
checked in this order:

1. ``undecodable`` - the decoder rejected the payload (quarantine reason
   ``undecodable: <decoder's reason>``);
2. ``no_timestamp`` - no time for it in the file and no ``default_ts``;
3. ``impossible_time`` - before :data:`setori.schema.MIN_PLAUSIBLE_YEAR` or after ``now`` + 1 day;
4. ``position_unavailable`` / ``impossible_position`` - a position report whose
   latitude or longitude is "not available", or outside +-90 / +-180;
5. otherwise ``position`` (types 1, 2, 3, 18, 19, 27), ``static`` (5, 24) or
   ``other_type:<n>`` (counted only).

Type 19 carries both: its static part is kept even when its position is
quarantined under 4. The non-final lines of a multipart message count as
``multipart_fragment``, so that every line has one count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from setori import schema
from setori.ingest.batch import IngestBatch
from setori.ingest.nmea.ais_decode import POSITION_TYPES, STATIC_TYPES, Decoded, decode
from setori.ingest.nmea.time import eta_ms

OUTCOMES = (
    "ok",
    "undecodable",
    "no_timestamp",
    "impossible_time",
    "position_unavailable",
    "impossible_position",
)
_OK, _UNDECODABLE, _NO_TS, _BAD_TIME, _UNAVAILABLE, _BAD_POSITION = range(len(OUTCOMES))
MIN_PLAUSIBLE_MS = int(datetime(schema.MIN_PLAUSIBLE_YEAR, 1, 1, tzinfo=UTC).timestamp() * 1000)
_ETA_PARTS = ("month", "day", "hour", "minute")
_STATIC_COLUMNS = [
    f.name for f in schema.STATICS if f.name not in {"ts", "eta", "source", "receiver", "line_no"}
]


@dataclass(slots=True)
class DecodedChunk:
    """A chunk's decoded messages and line-level results, before times are settled.

    ``messages`` has the columns of :data:`setori.ingest.nmea.multipart.MESSAGE_SCHEMA`
    (``ts_ms`` may be null while the file's first time is not known yet).
    """

    messages: pl.DataFrame
    decoded: Decoded
    quarantine: pa.Table
    counts: Counter[str] = field(default_factory=Counter)
    lines: int = 0


def decode_messages(messages: pl.DataFrame) -> Decoded:
    """Run the vectorised decoder over every message payload."""
    payloads = messages["payload"].to_arrow().cast(pa.large_string())
    return decode(payloads, messages["fill_bits"].to_numpy().astype(np.int8))


def quarantine_table(source: str, line_no: pa.Array, reason: pa.Array, raw: pa.Array) -> pa.Table:
    """Rows of :data:`setori.schema.QUARANTINE`."""
    src = pa.array(np.full(len(line_no), source, dtype=object), pa.string())
    return pa.Table.from_arrays(
        [src, line_no.cast(pa.int64()), reason.cast(pa.string()), raw.cast(pa.string())],
        schema=schema.QUARANTINE,
    )


def _outcomes(
    chunk: DecodedChunk, ts: npt.NDArray[np.int64], missing: npt.NDArray[np.bool_], max_ms: int
) -> npt.NDArray[np.int8]:
    code = np.zeros(chunk.messages.height, np.int8)
    code[chunk.decoded.rejects["idx"].to_numpy()] = _UNDECODABLE
    code[(code == _OK) & missing] = _NO_TS
    code[(code == _OK) & ~missing & ((ts < MIN_PLAUSIBLE_MS) | (ts > max_ms))] = _BAD_TIME
    pos = chunk.decoded.positions
    lat = pos["lat"].to_numpy(zero_copy_only=False)
    lon = pos["lon"].to_numpy(zero_copy_only=False)
    where = np.where(
        np.isnan(lat) | np.isnan(lon),
        _UNAVAILABLE,
        np.where((np.abs(lat) > 90) | (np.abs(lon) > 180), _BAD_POSITION, _OK),
    )
    pidx = pos["idx"].to_numpy()
    code[pidx] = np.where(code[pidx] == _OK, where, code[pidx])
    return code


def _counts(chunk: DecodedChunk, code: npt.NDArray[np.int8]) -> Counter[str]:
    counts: Counter[str] = Counter()
    types = chunk.decoded.msg_type[code == _OK]
    for msg_type, n in zip(*np.unique(types, return_counts=True), strict=True):
        if msg_type in POSITION_TYPES:
            counts["position"] += int(n)
        elif msg_type in STATIC_TYPES:
            counts["static"] += int(n)
        else:
            counts[f"other_type:{msg_type}"] += int(n)
    for value, n in zip(*np.unique(code[code != _OK], return_counts=True), strict=True):
        counts[OUTCOMES[value]] += int(n)
    fragments = int(chunk.messages["n_lines"].sum() - chunk.messages.height)
    if fragments:
        counts["multipart_fragment"] += fragments
    return counts


def _message_quarantine(chunk: DecodedChunk, code: npt.NDArray[np.int8], source: str) -> pa.Table:
    rows = np.flatnonzero(code != _OK)
    reasons = np.array(OUTCOMES, dtype=object)[code[rows]]
    rejects = chunk.decoded.rejects
    if len(rejects):
        detail = dict(zip(rejects["idx"].to_pylist(), rejects["reason"].to_pylist(), strict=True))
        bad = code[rows] == _UNDECODABLE
        reasons[bad] = [f"undecodable: {detail[i]}" for i in rows[bad]]
    msgs = chunk.messages[rows]
    return quarantine_table(
        source, msgs["line_no"].to_arrow(), pa.array(reasons, pa.string()), msgs["raw"].to_arrow()
    )


def _ts_array(ms: npt.NDArray[np.int64]) -> pa.Array:
    return pa.array(ms, pa.int64()).cast(schema.TS)


def _common(
    chunk: DecodedChunk, rows: npt.NDArray[np.int64], ts: npt.NDArray[np.int64], source: str
) -> dict[str, pa.Array]:
    msgs = chunk.messages[rows]
    return {
        "ts": _ts_array(ts[rows]),
        "source": pa.array(np.full(len(rows), source, dtype=object), pa.string()),
        "receiver": msgs["receiver"].to_arrow().cast(pa.string()),
        "line_no": msgs["line_no"].to_arrow().cast(pa.int64()),
    }


def _positions(
    chunk: DecodedChunk, code: npt.NDArray[np.int8], ts: npt.NDArray[np.int64], source: str
) -> pa.Table:
    pos = chunk.decoded.positions
    keep = code[pos["idx"].to_numpy()] == _OK
    pos = pos.filter(pa.array(keep))
    columns = {name: pos[name] for name in pos.column_names if name != "idx"}
    columns |= _common(chunk, pos["idx"].to_numpy(), ts, source)
    return pa.table({f.name: columns[f.name] for f in schema.POSITIONS}).cast(schema.POSITIONS)


def _int_or_minus_one(column: pa.ChunkedArray) -> npt.NDArray[np.int64]:
    return np.asarray(pc.fill_null(column, -1).to_numpy(), dtype=np.int64)


def _statics(
    chunk: DecodedChunk, code: npt.NDArray[np.int8], ts: npt.NDArray[np.int64], source: str
) -> pa.Table:
    stat = chunk.decoded.statics
    keep = np.isin(code[stat["idx"].to_numpy()], (_OK, _UNAVAILABLE, _BAD_POSITION))
    stat = stat.filter(pa.array(keep))
    rows = stat["idx"].to_numpy()
    month, day, hour, minute = (_int_or_minus_one(stat[f"eta_{p}"]) for p in _ETA_PARTS)
    eta, valid = eta_ms(month, day, hour, minute, ts[rows])
    columns = {name: stat[name] for name in _STATIC_COLUMNS}
    columns["eta"] = pa.array(eta, pa.int64(), mask=~valid).cast(schema.TS)
    columns |= _common(chunk, rows, ts, source)
    return pa.table({f.name: columns[f.name] for f in schema.STATICS}).cast(schema.STATICS)


def finalise(chunk: DecodedChunk, *, source: str, fill_ms: int | None, max_ms: int) -> IngestBatch:
    """Settle times (null ``ts_ms`` -> ``fill_ms``), classify, and build the batch."""
    ts_col = chunk.messages["ts_ms"]
    missing = ts_col.is_null().to_numpy()
    ts = ts_col.fill_null(fill_ms if fill_ms is not None else 0).to_numpy().astype(np.int64)
    if fill_ms is not None:
        missing = np.zeros_like(missing)
    code = _outcomes(chunk, ts, missing, max_ms)
    quarantine = pa.concat_tables([chunk.quarantine, _message_quarantine(chunk, code, source)])
    return IngestBatch(
        positions=_positions(chunk, code, ts, source),
        statics=_statics(chunk, code, ts, source),
        quarantine=quarantine.sort_by([("line_no", "ascending")]),
        counts=chunk.counts + _counts(chunk, code),
        lines=chunk.lines,
    )


def merge(batches: list[IngestBatch]) -> IngestBatch:
    """One batch holding several, in order."""
    counts: Counter[str] = Counter()
    for batch in batches:
        counts.update(batch.counts)
    return IngestBatch(
        positions=pa.concat_tables([b.positions for b in batches]),
        statics=pa.concat_tables([b.statics for b in batches]),
        quarantine=pa.concat_tables([b.quarantine for b in batches]),
        counts=counts,
        lines=sum(b.lines for b in batches),
    )
