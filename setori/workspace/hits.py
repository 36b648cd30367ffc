"""Stored hits: what screening showed, kept so that a hit id can be decided on, added to a
case and shown again exactly as it was (the listed entity as matched, the list version and
the matcher version it was made with).

A hit's id is content-derived (:func:`setori.screen.model.hit_id_of`), so storing the same
hit twice is a no-op: the first row (and its ``created_by``) stays.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from setori.canonical import canonical_json
from setori.workspace.engine import Workspace, utc_now
from setori.workspace.tables import analysts, hits

#: Columns holding JSON text (decoded by :func:`get_hit`).
JSON_COLUMNS = ("query", "features", "entity")
_GIVEN = ("hit_id", "query_key", "query", "entity_id", "list_id", "list_version",
          "matcher_version", "score", "band", "features", "entity")  # fmt: skip


def store_hits(ws: Workspace, rows: Iterable[Mapping[str, Any]], analyst: str | None) -> int:
    """Store the hits not stored yet (by ``hit_id``); returns how many this call stored.

    ``rows`` are :data:`setori.schema.HITS` rows (JSON columns as text or as values).
    ``analyst`` is ``created_by`` when it names a known analyst, else NULL (a hit made by
    screening, not by a person).
    """
    values = {str(row["hit_id"]): _values(row) for row in rows}
    if not values:
        return 0
    now = utc_now()
    with ws.begin() as con:
        by = _known(con, analyst)
        existing = _existing(con, list(values))
        new = [{**v, "created_at": now, "created_by": by} for k, v in values.items()
               if k not in existing]  # fmt: skip
        if not new:
            return 0
        inserted = con.execute(_insert_ignoring_duplicates(ws), new).all()
    return len(inserted)


def get_hit(ws: Workspace, hit_id: str) -> dict[str, Any] | None:
    """The stored hit with every column, JSON columns decoded; None when not stored."""
    with ws.read() as con:
        row = con.execute(hits.select().where(hits.c.hit_id == hit_id)).mappings().first()
    if row is None:
        return None
    found = dict(row)
    for column in JSON_COLUMNS:
        found[column] = json.loads(found[column])
    return found


def latest_hit_id(ws: Workspace, query_key: str, entity_id: str) -> str | None:
    """The id of the newest stored hit of a (query_key, entity_id) pair, if any."""
    query = (
        sa.select(hits.c.hit_id)
        .where(hits.c.query_key == query_key, hits.c.entity_id == entity_id)
        .order_by(hits.c.created_at.desc(), hits.c.hit_id)
        .limit(1)
    )
    with ws.read() as con:
        return con.scalar(query)


def _values(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: row[key] for key in _GIVEN}
    for column in JSON_COLUMNS:
        if not isinstance(out[column], str):
            out[column] = canonical_json(out[column])
    out["score"] = float(out["score"])
    return out


def _known(con: sa.Connection, analyst: str | None) -> str | None:
    if not analyst:
        return None
    found = con.execute(sa.select(analysts.c.name).where(analysts.c.name == analyst)).first()
    return analyst if found else None


def _existing(con: sa.Connection, ids: list[str], chunk: int = 500) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        found.update(con.scalars(sa.select(hits.c.hit_id).where(hits.c.hit_id.in_(part))))
    return found


def _insert_ignoring_duplicates(ws: Workspace) -> Any:
    """An INSERT that skips a hit another writer stored meanwhile (same id, same content)."""
    dialect = postgresql if ws.backend == "postgresql" else sqlite
    insert = dialect.insert(hits).on_conflict_do_nothing(index_elements=["hit_id"])
    return insert.returning(hits.c.hit_id)  # only the rows inserted
