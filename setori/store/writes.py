"""Atomic, idempotent writes of ingest batches into the store.

A read of a source replaces what the store says about that source's *input*: batch 0
deletes the source's quarantine rows before adding its own, and each batch overwrites its
recorded line count and outcome counts. Positions and statics are never removed (the first
source that delivered a row keeps it). So after a corrected file is re-ingested,
``quarantine`` and ``info`` describe the corrected file; see ``docs/store.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from setori.store.db import transaction

_STATIC_FIELDS = (
    "mmsi", "ts", "msg_type", "part", "imo", "name", "call_sign", "ship_type", "to_bow_m",
    "to_stern_m", "to_port_m", "to_starboard_m", "length_m", "beam_m", "draught_m",
    "destination", "eta",
)  # fmt: skip
_STATIC_CONTENT = ", ".join(f"epoch_ms({f})" if f in ("ts", "eta") else f for f in _STATIC_FIELDS)
#: A static report's id: the md5 of its content as a JSON array, so a null keeps its place
#: (``[10,null]`` and ``[null,10]`` differ) and a ``|`` inside a name cannot shift fields.
STATIC_ID_SQL = f"md5(json_array({_STATIC_CONTENT}))"
#: The id stores written before 2026-12 hold: ``concat_ws`` skips nulls, so reports whose
#: non-null fields read the same in order collided. Still matched (with the whole content
#: compared) so that re-reading a source into such a store adds nothing twice.
LEGACY_STATIC_ID_SQL = f"md5(concat_ws('|', {_STATIC_CONTENT}))"
_SAME_CONTENT = " AND ".join(f"s.{f} IS NOT DISTINCT FROM b.{f}" for f in _STATIC_FIELDS)


@dataclass(frozen=True, slots=True)
class BatchWrite:
    """What one committed batch added to the store."""

    new_positions: int
    new_statics: int
    new_quarantined: int


def _time_range(table: pa.Table) -> tuple[object, object]:
    bounds = pc.min_max(table.column("ts"))
    return bounds["min"].as_py(), bounds["max"].as_py()


def _insert_positions(con: duckdb.DuckDBPyConnection, positions: pa.Table) -> int:
    if positions.num_rows == 0:
        return 0
    t_min, t_max = _time_range(positions)
    con.register("_batch_pos", positions)
    con.sql(
        """CREATE OR REPLACE TEMP TABLE _new_pos AS
        SELECT b.* FROM _batch_pos b WHERE NOT EXISTS (
            SELECT 1 FROM positions p
            WHERE p.ts BETWEEN $t_min AND $t_max
              AND p.mmsi = b.mmsi AND p.ts = b.ts AND p.lat = b.lat AND p.lon = b.lon)""",
        params={"t_min": t_min, "t_max": t_max},
    )
    con.unregister("_batch_pos")
    con.sql("INSERT INTO positions SELECT * FROM _new_pos")
    con.sql(
        "INSERT INTO dirty_mmsi SELECT DISTINCT mmsi FROM _new_pos "
        "WHERE mmsi NOT IN (SELECT mmsi FROM dirty_mmsi)"
    )
    return _count(con, "_new_pos")


def _insert_statics(con: duckdb.DuckDBPyConnection, statics: pa.Table) -> int:
    if statics.num_rows == 0:
        return 0
    con.register("_batch_sta", statics)
    con.sql(
        f"""CREATE OR REPLACE TEMP TABLE _new_sta AS
        SELECT * EXCLUDE (legacy_id) FROM (
            SELECT {STATIC_ID_SQL} AS static_id, {LEGACY_STATIC_ID_SQL} AS legacy_id, *
            FROM _batch_sta
            QUALIFY row_number() OVER (PARTITION BY static_id ORDER BY line_no) = 1) b
        WHERE NOT EXISTS (
            SELECT 1 FROM statics s WHERE s.static_id = b.static_id AND s.mmsi = b.mmsi)
        AND NOT EXISTS (
            SELECT 1 FROM statics s
            WHERE s.static_id = b.legacy_id AND s.mmsi = b.mmsi AND {_SAME_CONTENT})"""
    )
    con.unregister("_batch_sta")
    con.sql("INSERT INTO statics SELECT * FROM _new_sta")
    return _count(con, "_new_sta")


def _insert_quarantine(con: duckdb.DuckDBPyConnection, quarantine: pa.Table) -> int:
    if quarantine.num_rows == 0:
        return 0
    con.register("_batch_q", quarantine)
    con.sql(
        """CREATE OR REPLACE TEMP TABLE _new_q AS
        SELECT DISTINCT ON (source, line_no, reason) * FROM _batch_q b WHERE NOT EXISTS (
            SELECT 1 FROM quarantine q
            WHERE q.source = b.source AND q.line_no = b.line_no AND q.reason = b.reason)"""
    )
    con.unregister("_batch_q")
    con.sql("INSERT INTO quarantine SELECT source, line_no, reason, raw FROM _new_q")
    return _count(con, "_new_q")


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    rows = con.sql(f"SELECT count(*) FROM {table}").fetchall()
    return int(rows[0][0]) if rows else 0


def _forget_quarantine(con: duckdb.DuckDBPyConnection, source: str) -> int:
    """Delete ``source``'s quarantine rows (a new read of it replaces them); returns how many."""
    deleted = con.execute("DELETE FROM quarantine WHERE source = $source", {"source": source})
    return int(deleted.fetchall()[0][0])


def _record_batch(
    con: duckdb.DuckDBPyConnection,
    source: str,
    batch_no: int,
    lines: int,
    counts: Mapping[str, int],
    added: BatchWrite,
) -> None:
    """Record the batch: its lines and counts are the latest read's; ``new_positions``,
    ``new_statics`` and ``ingested_at`` stay what its first commit recorded."""
    key = {"source": source, "batch_no": batch_no}
    read = {"lines": lines, "counts": json.dumps(dict(sorted(counts.items())))}
    con.sql(
        """UPDATE ingest_batches SET lines = $lines, counts = $counts
        WHERE source = $source AND batch_no = $batch_no""",
        params={**key, **read},
    )
    con.sql(
        """INSERT INTO ingest_batches
        SELECT $source, $batch_no, $lines, $counts, $new_pos, $new_sta, now()
        WHERE NOT EXISTS (SELECT 1 FROM ingest_batches
                          WHERE source = $source AND batch_no = $batch_no)""",
        params={**key, **read, "new_pos": added.new_positions, "new_sta": added.new_statics},
    )


def write_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    batch_no: int,
    positions: pa.Table,
    statics: pa.Table,
    quarantine: pa.Table,
    counts: Mapping[str, int],
    lines: int,
) -> BatchWrite:
    """Write one batch atomically; rows already stored are skipped, not duplicated.

    ``positions`` must already carry ``row_id`` (schema ``STORED_POSITIONS``) and be
    free of duplicates within itself. Batch 0 of a source first deletes that source's
    quarantine rows (see the module docstring).
    """
    with transaction(con):
        if batch_no == 0:
            _forget_quarantine(con, source)
        added = BatchWrite(
            new_positions=_insert_positions(con, positions),
            new_statics=_insert_statics(con, statics),
            new_quarantined=_insert_quarantine(con, quarantine),
        )
        _record_batch(con, source, batch_no, lines, counts, added)
    return added


def end_source(con: duckdb.DuckDBPyConnection, *, source: str, batches: int) -> int:
    """After a read of ``source`` that yielded ``batches`` batches: forget the batch records
    an earlier, longer read left beyond them (and, if there were no batches, the source's
    quarantine rows, which batch 0 would have replaced). Returns the batch records deleted.
    """
    with transaction(con):
        if batches == 0:
            _forget_quarantine(con, source)
        deleted = con.execute(
            "DELETE FROM ingest_batches WHERE source = $source AND batch_no >= $batches",
            {"source": source, "batches": batches},
        ).fetchall()
    return int(deleted[0][0])
