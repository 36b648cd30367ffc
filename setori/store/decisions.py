"""Analyst decisions on screening hits: a pair marked dismissed stays dismissed.

Decisions are keyed by (query_key, entity_id): ``query_key`` is the screened identity's
stable key (e.g. ``mmsi:445123000`` or a normalised name), so a list update, which replaces
``list_entities``, never touches them.
"""

from __future__ import annotations

import duckdb

from setori.errors import InputError
from setori.store.db import ensure_schema, transaction

DDL = """
CREATE TABLE IF NOT EXISTS decisions (
    query_key VARCHAR NOT NULL, entity_id VARCHAR NOT NULL, decision VARCHAR NOT NULL,
    analyst VARCHAR, note VARCHAR, decided_at TIMESTAMPTZ NOT NULL);
"""
DECISIONS = ("confirmed", "dismissed")


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``decisions`` table if missing."""
    ensure_schema(con, DDL)


def record(
    con: duckdb.DuckDBPyConnection,
    query_key: str,
    entity_id: str,
    decision: str,
    *,
    analyst: str | None = None,
    note: str | None = None,
) -> None:
    """Record (or change) the decision on one pair."""
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r}: expected one of {DECISIONS}")
    ensure(con)
    params = {"q": query_key, "e": entity_id}
    with transaction(con):
        con.sql("DELETE FROM decisions WHERE query_key = $q AND entity_id = $e", params=params)
        con.sql(
            "INSERT INTO decisions VALUES ($q, $e, $d, $a, $n, now())",
            params={**params, "d": decision, "a": analyst, "n": note},
        )


def all_decisions(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """Every recorded decision as {(query_key, entity_id): decision}."""
    ensure(con)
    rows = con.sql("SELECT query_key, entity_id, decision FROM decisions").fetchall()
    return {(str(q), str(e)): str(d) for q, e, d in rows}
