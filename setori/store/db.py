"""The embedded store: one DuckDB file (default ``./setori.duckdb``).

Tables (see ``docs/store.md``):

* ``positions``   canonical positions plus a stable ``row_id``; unique on (mmsi, ts, lat, lon)
* ``statics``     static / voyage reports; unique on their whole content
* ``quarantine``  rejected input (source, line_no, reason, raw); unique on (source, line_no, reason)
* ``ingest_batches`` one row per committed batch: counts by outcome, new rows
* ``segments``    row_id -> segment_id (or the reason the row was dropped)
* ``dirty_mmsi``  MMSIs whose segments must be recomputed

Every batch is written in one transaction, so a killed run leaves whole
batches only; re-running the same command completes it without duplicates.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from setori.errors import StoreError

DEFAULT_DB = "setori.duckdb"

_DDL = """
CREATE TABLE IF NOT EXISTS positions (
    row_id UBIGINT NOT NULL, mmsi INTEGER NOT NULL, ts TIMESTAMPTZ NOT NULL,
    lat DOUBLE NOT NULL, lon DOUBLE NOT NULL, sog_kn FLOAT, cog_deg FLOAT,
    heading_deg SMALLINT, nav_status TINYINT, msg_type TINYINT,
    source VARCHAR NOT NULL, receiver VARCHAR, line_no BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS statics (
    static_id VARCHAR NOT NULL, mmsi INTEGER NOT NULL, ts TIMESTAMPTZ NOT NULL,
    msg_type TINYINT, part VARCHAR, imo INTEGER, name VARCHAR, call_sign VARCHAR,
    ship_type SMALLINT, to_bow_m SMALLINT, to_stern_m SMALLINT, to_port_m SMALLINT,
    to_starboard_m SMALLINT, length_m FLOAT, beam_m FLOAT, draught_m FLOAT,
    destination VARCHAR, eta TIMESTAMPTZ, source VARCHAR NOT NULL, receiver VARCHAR,
    line_no BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine (
    source VARCHAR NOT NULL, line_no BIGINT NOT NULL, reason VARCHAR NOT NULL, raw VARCHAR);
CREATE TABLE IF NOT EXISTS ingest_batches (
    source VARCHAR NOT NULL, batch_no INTEGER NOT NULL, lines BIGINT NOT NULL,
    counts JSON NOT NULL, new_positions BIGINT NOT NULL, new_statics BIGINT NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    row_id UBIGINT NOT NULL, mmsi INTEGER NOT NULL, segment_id VARCHAR, dropped_reason VARCHAR);
CREATE TABLE IF NOT EXISTS dirty_mmsi (mmsi INTEGER NOT NULL);
"""


def default_db_path() -> Path:
    """``$SETORI_DB`` if set, else ``./setori.duckdb``."""
    return Path(os.environ.get("SETORI_DB", DEFAULT_DB))


def connect(
    path: Path | str | None = None, *, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at ``path`` and ensure its tables exist.

    ``memory_limit`` caps DuckDB's buffer pool (default ``$SETORI_DUCKDB_MEMORY``, else 1GB).
    """
    memory_limit = memory_limit or os.environ.get("SETORI_DUCKDB_MEMORY", "1GB")
    db_path = Path(path) if path is not None else default_db_path()
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.Error as exc:
        raise StoreError(f"cannot open store {str(db_path)!r}: {exc}") from exc
    con.sql("SET TimeZone = 'UTC'")
    con.sql(f"SET memory_limit = '{memory_limit}'")
    con.sql("SET preserve_insertion_order = false")
    con.sql("SET enable_progress_bar = false")  # it prints to stdout, which carries our output
    con.sql(_DDL)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block atomically: commit on success, roll back on any error."""
    con.sql("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.sql("ROLLBACK")
        raise
    con.sql("COMMIT")
