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

:func:`open_store` is the one way in: ``mode="read"`` never creates or writes the file
(read-only files and folders work), ``"write"`` needs an existing store, ``"create"``
makes one if missing. A missing store raises :class:`StoreNotFoundError`; a store locked
by another process raises :class:`StoreLockedError` with that process's PID.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import duckdb

from setori.errors import StoreError, StoreLockedError, StoreNotFoundError

#: How :func:`open_store` opens a store: read it, write an existing one, or create it.
StoreMode = Literal["read", "write", "create"]
IN_MEMORY = ":memory:"
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
    """``./setori.duckdb`` (the verbs take the ``db`` setting, ``$SETORI_DB``, instead)."""
    return Path(DEFAULT_DB)


@contextmanager
def open_store(
    path: Path | str, *, mode: StoreMode = "read", memory_limit: str = "1GB"
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store at ``path`` as a DuckDB connection, closed when the block ends.

    * ``"read"``: the file must exist; it is opened read-only (DuckDB ``read_only=True``),
      so a read-only file or folder works and nothing is written. Tables the store lacks
      (it predates them) read as empty.
    * ``"write"``: the file must exist; missing tables are created.
    * ``"create"``: the store is created if missing (``ingest``, ``lists load``).

    ``path`` may be ``":memory:"`` (a fresh in-memory store, whatever the mode).
    ``memory_limit`` caps DuckDB's buffer pool.

    Raises :class:`StoreNotFoundError` when the file is missing in "read" or "write" mode,
    :class:`StoreLockedError` when another process holds the lock, else
    :class:`StoreError`.
    """
    con = _open(Path(path), mode, memory_limit)
    try:
        yield con
    finally:
        con.close()


def connect(
    path: Path | str | None = None, *, create: bool = True, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the store at ``path`` (default :func:`default_db_path`) read-write; the caller
    closes it. Prefer :func:`open_store`.

    ``create=True`` creates a missing store (mode "create"), ``create=False`` raises
    :class:`StoreNotFoundError` instead (mode "write"). ``memory_limit`` defaults to 1GB
    (the verbs pass the ``duckdb_memory`` setting).
    """
    memory_limit = memory_limit or "1GB"
    db_path = Path(path) if path is not None else default_db_path()
    return _open(db_path, "create" if create else "write", memory_limit)


def _open(path: Path, mode: StoreMode, memory_limit: str) -> duckdb.DuckDBPyConnection:
    in_memory = str(path) == IN_MEMORY
    if mode != "create" and not in_memory and not path.exists():
        raise StoreNotFoundError(
            f"no store at '{path}' (a mistyped --db?); create one with setori ingest"
        )
    try:
        con = duckdb.connect(str(path), read_only=mode == "read" and not in_memory)
    except duckdb.Error as exc:
        raise _open_error(path, exc) from exc
    try:
        _configure(con, memory_limit, ordered=mode == "read")
    except BaseException:
        con.close()
        raise
    return con


def _configure(con: duckdb.DuckDBPyConnection, memory_limit: str, *, ordered: bool) -> None:
    """UTC, the memory cap, no progress bar on stdout; ``ordered`` keeps result order.

    Writers run with ``preserve_insertion_order = false`` (less memory on large inserts).
    Readers (mode "read": every export) keep DuckDB's default: with it off, DuckDB 1.5.6
    returned ``ORDER BY`` results to Arrow out of order when the machine was loaded (14 of 40
    reads of 2,192 events on a 2-core machine with two busy loops; ``setori events`` printed
    the same events in a different order from one run to the next).
    """
    con.sql("SET TimeZone = 'UTC'")
    con.sql(f"SET memory_limit = '{memory_limit}'")
    con.sql(f"SET preserve_insertion_order = {'true' if ordered else 'false'}")
    con.sql("SET enable_progress_bar = false")  # it prints to stdout, which carries our output
    ensure_schema(con, _DDL)


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in .*\(PID (\d+)\)")
_NO_WRITE_ACCESS = ("Permission denied", "Operation not permitted", "Read-only file system")


def _open_error(path: Path, exc: duckdb.Error) -> StoreError:
    """DuckDB's error on opening ``path``, as one line that says what to do."""
    text = str(exc)
    if "Conflicting lock" in text:
        return StoreLockedError(_lock_message(path, text))
    if "different configuration" in text:
        return StoreError(
            f"store '{path}' is already open in this process in another mode "
            "(read vs write); close that connection first"
        )
    if any(reason in text for reason in _NO_WRITE_ACCESS):
        return StoreError(
            f"cannot write to store '{path}' ({text}); commands that only read it still "
            "work, commands that write need a writable copy"
        )
    return StoreError(f"cannot open store '{path}': {text}")


def _lock_message(path: Path, duckdb_message: str) -> str:
    """``another setori process, PID n, is writing PATH; try again when it ends``."""
    found = _LOCK_HOLDER.search(duckdb_message)
    holder = f"another setori process, PID {found[1]}," if found else "another process"
    # DuckDB suggests read-only mode only when the holder itself opened the file read-only.
    doing = "reading" if "read-only mode" in duckdb_message else "writing"
    return f"{holder} is {doing} {path}; try again when it ends"


_CREATE_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)")


def ensure_schema(con: duckdb.DuckDBPyConnection, ddl: str) -> None:
    """Create the missing tables of ``ddl`` (``CREATE TABLE IF NOT EXISTS`` statements).

    On a read-only connection nothing is written: each missing table (the store predates
    it) becomes an empty TEMP table of this connection, so readers see no rows.
    """
    if not is_read_only(con):
        con.sql(ddl)
        return
    stored = _stored_tables(con)
    for statement in ddl.split(";"):
        found = _CREATE_TABLE.search(statement)
        if found and found[1] not in stored:
            con.sql(statement.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con``'s store was opened read-only."""
    rows = con.sql(
        "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return bool(rows and rows[0][0])


def _stored_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.sql(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND NOT temporary"
    ).fetchall()
    return {str(name) for (name,) in rows}


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
