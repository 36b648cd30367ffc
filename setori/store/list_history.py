"""The history of a stored list: each version with what it changed against the one before.

Reads the tables of :mod:`setori.store.lists` (``lists``, ``list_entities``); writes nothing.
"""

from __future__ import annotations

from typing import Any

import duckdb

from setori.errors import NotFoundError
from setori.store.lists import list_versions, version_digest


def list_history(con: duckdb.DuckDBPyConnection, list_id: str) -> list[dict[str, Any]]:
    """Each stored version of ``list_id``, oldest first: ``version``, ``loaded_at``,
    ``source``, ``entities``, ``added`` / ``removed`` / ``changed`` (against the version
    before it; the first version adds everything), ``digest`` (:func:`entities_digest`)
    and ``current`` (whether readers see it)."""
    rows = list_versions(con, list_id)
    return [_entry(con, rows, i) for i in range(len(rows))]


def version_entry(con: duckdb.DuckDBPyConnection, list_id: str, version: str) -> dict[str, Any]:
    """The :func:`list_history` entry of one stored version."""
    rows = list_versions(con, list_id)
    for i, row in enumerate(rows):
        if row["version"] == version:
            return _entry(con, rows, i)
    raise NotFoundError(f"list {list_id!r} has no version {version!r}")


def _entry(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], i: int) -> dict[str, Any]:
    row = rows[i]
    list_id, version = row["list_id"], row["version"]
    counts = _compare(con, list_id, rows[i - 1]["version"] if i else None, version)
    return {
        "list_id": list_id, "version": version, "loaded_at": row["loaded_at"],
        "source": row["source"], **counts,
        "digest": row["meta"].get("entities_digest") or version_digest(con, list_id, version),
        "current": i == len(rows) - 1,
    }  # fmt: skip


def _compare(
    con: duckdb.DuckDBPyConnection, list_id: str, old: str | None, new: str
) -> dict[str, int]:
    row = con.execute(
        """SELECT count(n.entity_id),
                  count(*) FILTER (WHERE o.entity_id IS NULL),
                  count(*) FILTER (WHERE n.entity_id IS NULL),
                  count(*) FILTER (WHERE n.content_hash <> o.content_hash)
           FROM (SELECT entity_id, content_hash FROM list_entities
                 WHERE list_id = $l AND version = $new) n
           FULL OUTER JOIN (SELECT entity_id, content_hash FROM list_entities
                 WHERE list_id = $l AND version = $old) o USING (entity_id)""",
        {"l": list_id, "new": new, "old": old},
    ).fetchone()
    assert row is not None  # an aggregate always returns a row
    return dict(zip(("entities", "added", "removed", "changed"), map(int, row), strict=True))
