"""Sanctions lists in the store: every loaded version kept, its entities as FtM JSON.

Tables (docs/lists.md, "Versions and history"):

* ``lists``          one row per list version: list_id, source, version, loaded_at, counts
                     (JSON: entities by schema), meta (JSON: format, published, file date,
                     file digest, flagged values, ``entities_digest``, the list's own
                     ``label``)
* ``list_entities``  list_id, version, entity_id, schema, caption, entity (FtM JSON),
                     content_hash (sha256 of the entity's canonical JSON)

:func:`add_version` stores a new version in one transaction and returns what changed
against the current one (:class:`ListDiff`); a failure part-way (a broken file, a
duplicate id) leaves the stored versions as they were, and content identical to the
current version adds nothing. The **current** version of a list is the one loaded last:
:func:`list_ids`, :func:`list_info` and :func:`iter_entities` read it (the screener sees
nothing else), while ``version=`` / :func:`entity_at` / :func:`list_history` reach every
stored one (and :mod:`setori.store.list_history` compares them), so a hit can be shown
again exactly as it was made. Only these two tables are
written: analysts' decisions live elsewhere and survive every update.

Callers pass plain JSON (dicts in FtM form); this module imports nothing of setori's
domain packages.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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


def add_version(
    con: duckdb.DuckDBPyConnection,
    *,
    list_id: str,
    source: str,
    version: str,
    counts: Mapping[str, int],
    entities: Iterable[Mapping[str, Any]],
    meta: Mapping[str, Any] | None = None,
    reserved: Mapping[str, str] | None = None,
) -> ListDiff:
    """Store ``entities`` (FtM dicts, optional ``caption``) as the newest version of ``list_id``.

    Runs in one transaction: the entities stream into a staging table in batches and the
    diff against the current version is computed. Content identical to the current version
    (same :func:`entities_digest`) adds nothing and returns a diff with no changes and
    ``old_version == new_version``. Otherwise the entities are kept as a new version, named
    ``version`` (the list's own label) or, when that name is already taken by other content,
    ``"{version} (2)"``, ``"{version} (3)"`` ... ``reserved`` maps version names known
    elsewhere (the workspace's ``list_versions``) to their digests, so a name is never
    given to two contents. Earlier versions are kept whole.
    """
    ensure_tables(con)
    with transaction(con):
        _stage(con, list_id, entities)
        digest = _stage_digest(con)
        current = _current_version(con, list_id)
        if current is not None and version_digest(con, list_id, current) == digest:
            con.sql("DROP TABLE _list_stage")
            return _unchanged(con, list_id, current)
        name = _version_name(con, list_id, version, digest, reserved or {})
        diff = _diff(con, list_id, current, name)
        con.execute(
            "INSERT INTO list_entities SELECT ?, ?, entity_id, schema, caption, entity::JSON,"
            " content_hash FROM _list_stage",
            [list_id, name],
        )
        con.execute(
            "INSERT INTO lists VALUES (?, ?, ?, ?, ?, ?)",
            [list_id, source, name, _next_loaded_at(con, list_id), json.dumps(dict(counts)),
             json.dumps({**dict(meta or {}), "entities_digest": digest, "label": version},
                        default=str)],
        )  # fmt: skip
        con.sql("DROP TABLE _list_stage")
    return diff


#: The name of :func:`add_version` before lists kept their versions (it now adds one).
replace_list = add_version


def entities_digest(content_hashes: Iterable[str]) -> str:
    """sha256 over the sorted content hashes, each followed by a newline: one list
    version's content, whatever file it came from (the workspace's ``list_versions.digest``).
    """
    text = "".join(f"{h}\n" for h in sorted(content_hashes))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


_DIGEST_SQL = "sha256(coalesce(string_agg(content_hash || chr(10), '' ORDER BY content_hash), ''))"


def _stage_digest(con: duckdb.DuckDBPyConnection) -> str:
    row = con.sql(f"SELECT {_DIGEST_SQL} FROM _list_stage").fetchone()
    return str(row[0]) if row else entities_digest(())


def version_digest(con: duckdb.DuckDBPyConnection, list_id: str, version: str) -> str:
    """The :func:`entities_digest` of a stored version (computed from its rows)."""
    row = con.execute(
        f"SELECT {_DIGEST_SQL} FROM list_entities WHERE list_id = ? AND version = ?",
        [list_id, version],
    ).fetchone()
    return str(row[0]) if row else entities_digest(())


def _current_version(con: duckdb.DuckDBPyConnection, list_id: str) -> str | None:
    row = con.execute(
        "SELECT version FROM lists WHERE list_id = ? ORDER BY loaded_at DESC LIMIT 1", [list_id]
    ).fetchone()
    return str(row[0]) if row else None


def _version_name(
    con: duckdb.DuckDBPyConnection,
    list_id: str,
    label: str,
    digest: str,
    reserved: Mapping[str, str],
) -> str:
    taken = {
        str(r[0])
        for r in con.execute("SELECT version FROM lists WHERE list_id = ?", [list_id]).fetchall()
    }
    number = 1
    while True:
        name = label if number == 1 else f"{label} ({number})"
        if name not in taken and reserved.get(name, digest) == digest:
            return name
        number += 1


def _next_loaded_at(con: duckdb.DuckDBPyConnection, list_id: str) -> datetime:
    """Now, or just after the list's newest version if the clock says otherwise (the
    current version is the one loaded last)."""
    now = datetime.now(UTC)
    row = con.execute("SELECT max(loaded_at) FROM lists WHERE list_id = ?", [list_id]).fetchone()
    last = row[0] if row else None
    return max(now, last + timedelta(microseconds=1)) if last is not None else now


def _unchanged(con: duckdb.DuckDBPyConnection, list_id: str, version: str) -> ListDiff:
    row = con.execute(
        "SELECT count(*) FROM list_entities WHERE list_id = ? AND version = ?", [list_id, version]
    ).fetchone()
    return ListDiff(list_id, version, version, (), (), (), int(row[0]) if row else 0)


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


def _diff(
    con: duckdb.DuckDBPyConnection, list_id: str, old_version: str | None, version: str
) -> ListDiff:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _list_old AS SELECT entity_id, content_hash"
        " FROM list_entities WHERE list_id = ? AND version = ?",
        [list_id, old_version],
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
        list_id, old_version, version,
        found["added"], found["removed"], found["changed"], int(same[0]) if same else 0,
    )  # fmt: skip


# --- reading: the current version by default, any stored version on request -------------


def list_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The ids of the lists in the store."""
    ensure_tables(con)
    return [r[0] for r in con.sql("SELECT DISTINCT list_id FROM lists ORDER BY list_id").fetchall()]


def list_info(
    con: duckdb.DuckDBPyConnection, list_id: str, *, version: str | None = None
) -> dict[str, Any]:
    """The ``lists`` row of ``list_id``'s current version (the one loaded last), or of
    ``version``, with its JSON decoded, plus ``versions`` (how many are stored)."""
    ensure_tables(con)
    rows = _version_rows(con, list_id)
    if not rows:
        raise NotFoundError(f"list {list_id!r} is not in the store; load it first")
    if version is None:
        return {**rows[-1], "versions": len(rows)}
    for row in rows:
        if row["version"] == version:
            return {**row, "versions": len(rows)}
    known = ", ".join(repr(r["version"]) for r in rows)
    raise NotFoundError(f"list {list_id!r} has no version {version!r}; stored: {known}")


def list_versions(con: duckdb.DuckDBPyConnection, list_id: str) -> list[dict[str, Any]]:
    """Every stored version of ``list_id``, oldest first (the last is the current one)."""
    ensure_tables(con)
    rows = _version_rows(con, list_id)
    if not rows:
        raise NotFoundError(f"list {list_id!r} is not in the store; load it first")
    return rows


def _version_rows(con: duckdb.DuckDBPyConnection, list_id: str) -> list[dict[str, Any]]:
    keys = ("list_id", "source", "version", "loaded_at", "counts", "meta")
    found = con.execute(
        "SELECT list_id, source, version, loaded_at, counts, meta FROM lists"
        " WHERE list_id = ? ORDER BY loaded_at",
        [list_id],
    ).fetchall()
    rows = []
    for row in found:
        info = dict(zip(keys, row, strict=True))
        info["counts"], info["meta"] = json.loads(row[4]), json.loads(row[5] or "{}")
        rows.append(info)
    return rows


def current_version(con: duckdb.DuckDBPyConnection, list_id: str) -> str:
    """The version of ``list_id`` that readers see: the one loaded last."""
    ensure_tables(con)
    found = _current_version(con, list_id)
    if found is None:
        raise NotFoundError(f"list {list_id!r} is not in the store; load it first")
    return found


def iter_entities(
    con: duckdb.DuckDBPyConnection,
    list_id: str,
    *,
    schemata: Iterable[str] | None = None,
    version: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Stream the entities of ``list_id`` as FtM dicts (with ``caption``), by id: those of
    the current version, or of ``version`` (a stored version; else :class:`NotFoundError`)."""
    ensure_tables(con)
    if version is None:
        version = _current_version(con, list_id)
        if version is None:
            return
    else:
        list_info(con, list_id, version=version)  # names a missing list or version
    wanted = list(schemata) if schemata is not None else None
    cursor = con.cursor()
    cursor.execute(
        "SELECT entity, caption FROM list_entities WHERE list_id = ? AND version = ?"
        " AND (? IS NULL OR list_contains(?, schema)) ORDER BY entity_id",
        [list_id, version, wanted, wanted],
    )
    while rows := cursor.fetchmany(BATCH_ROWS):
        for entity, caption in rows:
            yield {**json.loads(entity), "caption": caption}


def entity_at(
    con: duckdb.DuckDBPyConnection, list_id: str, version: str, entity_id: str
) -> dict[str, Any]:
    """The entity ``entity_id`` exactly as version ``version`` of ``list_id`` held it (FtM
    dict with ``caption`` and ``content_hash``): how a stored hit is shown again."""
    ensure_tables(con)
    row = con.execute(
        "SELECT entity, caption, content_hash FROM list_entities"
        " WHERE list_id = ? AND version = ? AND entity_id = ?",
        [list_id, version, entity_id],
    ).fetchone()
    if row is None:
        list_info(con, list_id, version=version)  # names a missing list or version
        raise NotFoundError(f"list {list_id!r} version {version!r} holds no entity {entity_id!r}")
    return {**json.loads(row[0]), "caption": row[1], "content_hash": row[2]}


def _canonical_json(entity: Mapping[str, Any]) -> str:
    def tidy(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: tidy(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            items = [tidy(v) for v in value]
            return sorted(items) if all(isinstance(v, str) for v in items) else items
        return value

    return json.dumps(tidy(entity), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
