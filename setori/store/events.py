"""The ``events`` table: detector output, replaced (never duplicated) on re-runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from setori.store.db import ensure_schema, transaction

DDL = """
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR NOT NULL, type VARCHAR NOT NULL, subtype VARCHAR, mmsi INTEGER[] NOT NULL,
    segment_ids VARCHAR[], start TIMESTAMPTZ NOT NULL, "end" TIMESTAMPTZ, lat DOUBLE,
    lon DOUBLE, duration_h DOUBLE, profile VARCHAR NOT NULL, detector_version VARCHAR NOT NULL,
    tags JSON NOT NULL, evidence JSON NOT NULL);
CREATE TABLE IF NOT EXISTS detect_runs (
    profile VARCHAR NOT NULL, types VARCHAR[] NOT NULL, events BIGINT NOT NULL,
    ran_at TIMESTAMPTZ NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to read or replace. ``bbox`` is (min_lon, min_lat, max_lon, max_lat)."""

    types: tuple[str, ...] = ()
    profile: str | None = None
    mmsi: tuple[int, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    bbox: tuple[float, float, float, float] | None = None

    def where(self) -> tuple[str, dict[str, Any]]:
        """SQL condition over ``events`` and its parameters."""
        clauses: list[str] = ["TRUE"]
        params: dict[str, Any] = {}
        if self.types:
            clauses.append("type IN (SELECT unnest($types))")
            params["types"] = list(self.types)
        if self.profile:
            clauses.append("profile = $profile")
            params["profile"] = self.profile
        if self.mmsi:
            clauses.append("list_has_any(mmsi, $mmsi::INTEGER[])")
            params["mmsi"] = list(self.mmsi)
        if self.since is not None:
            clauses.append('coalesce("end", start) >= $since')
            params["since"] = self.since
        if self.until is not None:
            clauses.append("start < $until")
            params["until"] = self.until
        if self.bbox is not None:
            clauses.append("lon BETWEEN $x0 AND $x1 AND lat BETWEEN $y0 AND $y1")
            params.update(dict(zip(("x0", "y0", "x1", "y1"), self.bbox, strict=True)))
        return " AND ".join(clauses), params


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``events`` table if missing."""
    ensure_schema(con, DDL)


def replace_events(con: duckdb.DuckDBPyConnection, events: pa.Table, scope: EventFilter) -> int:
    """Atomically replace the events in ``scope`` by ``events``; returns rows written."""
    ensure(con)
    cond, params = scope.where()
    with transaction(con):
        con.sql(f"DELETE FROM events WHERE {cond}", params=params)
        con.register("_events", events)
        con.sql("INSERT INTO events SELECT * FROM _events WHERE id NOT IN (SELECT id FROM events)")
        con.unregister("_events")
    return int(events.num_rows)


def read_events(con: duckdb.DuckDBPyConnection, where: EventFilter = EventFilter()) -> pa.Table:
    """Events matching ``where``, ordered by start time."""
    ensure(con)
    cond, params = where.where()
    return con.sql(
        f"SELECT * FROM events WHERE {cond} ORDER BY start, id", params=params
    ).to_arrow_table()


def count_by_type(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Events per type."""
    ensure(con)
    rows = con.sql("SELECT type, count(*) FROM events GROUP BY type ORDER BY type").fetchall()
    return {str(t): int(n) for t, n in rows}


def record_run(
    con: duckdb.DuckDBPyConnection, *, profile: str, types: tuple[str, ...], events: int
) -> None:
    """Remember that a detection run of ``profile`` stored ``events`` events now."""
    ensure(con)
    con.execute(
        "INSERT INTO detect_runs VALUES ($p, $t, $n, now())",
        {"p": profile, "t": list(types), "n": events},
    )


def last_profile(con: duckdb.DuckDBPyConnection) -> str | None:
    """The profile detected last; for a store that predates run records, the profile of its
    events (``gfw`` first when both are there); ``None`` when nothing was detected."""
    ensure(con)
    row = con.sql("SELECT profile FROM detect_runs ORDER BY ran_at DESC LIMIT 1").fetchone()
    if row is None:
        row = con.sql(
            "SELECT profile FROM events GROUP BY profile ORDER BY profile != 'gfw' LIMIT 1"
        ).fetchone()
    return None if row is None else str(row[0])
