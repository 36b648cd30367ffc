"""Sanctions lists in the store: one row per list, its entities as FtM JSON, atomic updates.

Tables (docs/lists.md, "Versions and updates"):

* ``lists``          list_id, source, version, loaded_at, counts (JSON: entities by schema),
                     meta (JSON: format, published, file date, digest, flagged values)
* ``list_entities``  list_id, version, entity_id, schema, caption, entity (FtM JSON),
                     content_hash (sha256 of the entity's canonical JSON)

:func:`replace_list` swaps a list's entities for a new version in one transaction and
returns what changed (:class:`ListDiff`); a failure part-way (a broken file, a duplicate
id) leaves the previous version whole. Only these two tables are written: analysts'
decisions live in their own table and survive every update.

Callers pass plain JSON (dicts in FtM form); this module imports nothing of setori's
domain packages.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import duckdb
import pyarrow as pa

from setori.errors import NotFoundError, StoreError
from setori.store.db import ensure_schema, transaction

_DDL = """
CREATE TABLE IF NOT EXISTS lists (
    list_id VARCHAR NOT NULL, source VARCHAR NOT NULL, version VARCHAR NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL, counts JSON NOT NULL, meta JSON);
CREATE TABLE IF NOT EXISTS list_entities (
    list_id VARCHAR NOT NULL, version VARCHAR NOT NULL, entity_id VARCHAR NOT NULL,
    schema VARCHAR NOT NULL, caption VARCHAR, entity JSON NOT NULL, content_hash VARCHAR NOT NULL);
"""
_STAGE = pa.schema(
    [(name, pa.string()) for name in ("entity_id", "schema", "caption", "entity", "content_hash")]
)
BATCH_ROWS = 5_000


@dataclass(frozen=True, slots=True)
class ListDiff:
    """What an update changed, by entity id (content compared by hash)."""

    list_id: str
    old_version: str | None  # None on a first load
    new_version: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: int

    @property
    def total(self) -> int:
        """Entities in the new version."""
        return len(self.added) + len(self.changed) + self.unchanged


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the list tables if they do not exist."""
    ensure_schema(con, _DDL)


def content_hash(entity: Mapping[str, Any]) -> str:
    """sha256 of the entity's canonical JSON (keys sorted, property values sorted)."""
    return hashlib.sha256(_canonical_json(entity).encode("utf-8")).hexdigest()


def replace_list(
    con: duckdb.DuckDBPyConnection,
    *,
    list_id: str,
    source: str,
    version: str,
    counts: Mapping[str, int],
    entities: Iterable[Mapping[str, Any]],
    meta: Mapping[str, Any] | None = None,
) -> ListDiff:
    """Make ``entities`` (FtM dicts, optional ``caption``) the current content of ``list_id``.

    Runs in one transaction: the entities stream into a staging table in batches, the
    diff against the stored version is computed, then the list's rows are swapped.
    """
    ensure_tables(con)
    with transaction(con):
        _stage(con, list_id, entities)
        diff = _diff(con, list_id, version)
        con.execute("DELETE FROM list_entities WHERE list_id = ?", [list_id])
        con.execute(
            "INSERT INTO list_entities SELECT ?, ?, entity_id, schema, caption, entity::JSON,"
            " content_hash FROM _list_stage",
            [list_id, version],
        )
        con.execute("DELETE FROM lists WHERE list_id = ?", [list_id])
        con.execute(
            "INSERT INTO lists VALUES (?, ?, ?, ?, ?, ?)",
            [list_id, source, version, datetime.now(UTC), json.dumps(dict(counts)),
             json.dumps(dict(meta or {}), default=str)],
        )  # fmt: skip
        con.sql("DROP TABLE _list_stage")
    return diff


def _stage(
    con: duckdb.DuckDBPyConnection, list_id: str, entities: Iterable[Mapping[str, Any]]
) -> None:
    con.sql(
        "CREATE OR REPLACE TEMP TABLE _list_stage (entity_id VARCHAR, schema VARCHAR,"
        " caption VARCHAR, entity VARCHAR, content_hash VARCHAR)"
    )
    rows = iter(entities)
    while batch := list(islice(rows, BATCH_ROWS)):
        table = pa.Table.from_pylist([_row(list_id, e) for e in batch], schema=_STAGE)
        con.register("_list_batch", table)
        con.sql("INSERT INTO _list_stage SELECT * FROM _list_batch")
        con.unregister("_list_batch")
    duplicate = con.sql(
        "SELECT entity_id, count(*) FROM _list_stage GROUP BY 1 HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if duplicate is not None:
        raise StoreError(
            f"list {list_id!r}: entity id {duplicate[0]!r} appears {duplicate[1]} times; "
            "expected each id once"
        )


def _row(list_id: str, entity: Mapping[str, Any]) -> dict[str, str | None]:
    entity_id, schema = entity.get("id"), entity.get("schema")
    if not isinstance(entity_id, str) or not isinstance(schema, str):
        raise StoreError(f"list {list_id!r}: entity {entity_id!r} needs a string id and schema")
    body = {k: v for k, v in entity.items() if k != "caption"}
    caption = entity.get("caption")
    return {
        "entity_id": entity_id, "schema": schema,
        "caption": caption if isinstance(caption, str) else None,
        "entity": json.dumps(body, ensure_ascii=False), "content_hash": content_hash(body),
    }  # fmt: skip


def _diff(con: duckdb.DuckDBPyConnection, list_id: str, version: str) -> ListDiff:
    old = con.execute("SELECT version FROM lists WHERE list_id = ?", [list_id]).fetchone()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _list_old AS SELECT entity_id, content_hash"
        " FROM list_entities WHERE list_id = ?",
        [list_id],
    )
    ids = {
        "added": "SELECT s.entity_id FROM _list_stage s ANTI JOIN _list_old o USING (entity_id)",
        "removed": "SELECT o.entity_id FROM _list_old o ANTI JOIN _list_stage s USING (entity_id)",
        "changed": "SELECT s.entity_id FROM _list_stage s JOIN _list_old o USING (entity_id)"
        " WHERE s.content_hash <> o.content_hash",
    }
    found = {k: tuple(sorted(r[0] for r in con.sql(q).fetchall())) for k, q in ids.items()}
    same = con.sql(
        "SELECT count(*) FROM _list_stage s JOIN _list_old o USING (entity_id)"
        " WHERE s.content_hash = o.content_hash"
    ).fetchone()
    con.sql("DROP TABLE _list_old")
    return ListDiff(
        list_id, old[0] if old else None, version,
        found["added"], found["removed"], found["changed"], int(same[0]) if same else 0,
    )  # fmt: skip


def list_info(con: duckdb.DuckDBPyConnection, list_id: str) -> dict[str, Any]:
    """The ``lists`` row of ``list_id`` with its JSON decoded."""
    ensure_tables(con)
    row = con.execute(
        "SELECT list_id, source, version, loaded_at, counts, meta FROM lists WHERE list_id = ?",
        [list_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"list {list_id!r} is not in the store; load it first")
    keys = ("list_id", "source", "version", "loaded_at", "counts", "meta")
    info = dict(zip(keys, row, strict=True))
    info["counts"], info["meta"] = json.loads(row[4]), json.loads(row[5] or "{}")
    return info


def list_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The ids of the lists in the store."""
    ensure_tables(con)
    return [r[0] for r in con.sql("SELECT list_id FROM lists ORDER BY list_id").fetchall()]


def iter_entities(
    con: duckdb.DuckDBPyConnection, list_id: str, *, schemata: Iterable[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the stored entities of ``list_id`` as FtM dicts (with ``caption``)."""
    ensure_tables(con)
    wanted = list(schemata) if schemata is not None else None
    cursor = con.cursor()
    cursor.execute(
        "SELECT entity, caption FROM list_entities WHERE list_id = ?"
        " AND (? IS NULL OR list_contains(?, schema)) ORDER BY entity_id",
        [list_id, wanted, wanted],
    )
    while rows := cursor.fetchmany(BATCH_ROWS):
        for entity, caption in rows:
            yield {**json.loads(entity), "caption": caption}


def _canonical_json(entity: Mapping[str, Any]) -> str:
    def tidy(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: tidy(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            items = [tidy(v) for v in value]
            return sorted(items) if all(isinstance(v, str) for v in items) else items
        return value

    return json.dumps(tidy(entity), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
