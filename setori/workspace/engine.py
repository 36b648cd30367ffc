"""Opening a workspace: the engine per backend, migrations, write transactions.

SQLite runs in WAL mode with a busy timeout, and every transaction begins ``IMMEDIATE``,
so two processes writing at once wait for each other instead of failing with "database is
locked" half-way. PostgreSQL is used as is (``postgresql://`` URLs run on psycopg 3; an
``options=-csearch_path=NAME`` query parameter picks a schema).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from setori.errors import StoreError

_SQLITE_BUSY_MS = 30_000


def default_url(store: Path) -> str:
    """The workspace beside a store: ``ships.duckdb`` -> ``ships.workspace.sqlite``."""
    return f"sqlite:///{store.with_suffix('.workspace.sqlite')}"


def utc_now() -> str:
    """Now as ISO 8601 UTC text to the microsecond (the workspace's time format)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Workspace:
    """An open workspace: its URL (password hidden) and engine."""

    url: str
    engine: Engine

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite): committed on success."""
        with self.engine.begin() as con:
            yield con

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading (a transaction rolled back at the end)."""
        with self.engine.connect().execution_options(setori_read=True) as con:
            yield con

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()


def open_workspace(url: str, *, migrate: bool = True) -> Workspace:
    """Open (and, with ``migrate``, create or upgrade) the workspace at ``url``."""
    engine = _engine(url)
    try:
        if migrate:
            from setori.workspace.migrations import upgrade

            upgrade(engine)
        else:
            with engine.connect():
                pass
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        shown = engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"cannot open the workspace {shown}: {reason}") from exc
    return Workspace(engine.url.render_as_string(hide_password=True), engine)


def _engine(url: str) -> Engine:
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"workspace URL {url!r}: expected sqlite:///FILE or postgresql://HOST/DB")
    return sa.create_engine(parsed, pool_pre_ping=True)


def _sqlite_engine(url: sa.URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": _SQLITE_BUSY_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: Any, _record: Any) -> None:
        dbapi_con.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's
        cursor = dbapi_con.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(con: Connection) -> None:
        read_only = con.get_execution_options().get("setori_read", False)
        con.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
