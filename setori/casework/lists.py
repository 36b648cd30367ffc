"""Loading lists: each version into the store, and a record of it in the workspace.

The store (:mod:`setori.store.lists`) keeps every version's entities; the workspace's
``list_versions`` table records who loaded which version when, with its counts and its
digest, so that what people did with a list (hits, decisions, cases) can name the exact
version even when the store is rebuilt. A version name is never given to two contents:
the store is told the names the workspace already knows (``reserved``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import sqlalchemy as sa

from setori.canonical import canonical_json
from setori.screen.lists import LoadedList
from setori.store import list_history
from setori.store import lists as list_store
from setori.workspace import Workspace
from setori.workspace.tables import list_versions

#: Keys of a loaded list's metadata kept in the workspace (the flagged values stay in the
#: store's ``lists.meta``: there can be thousands).
META_KEYS = ("format", "path", "files", "published", "file_date", "digest", "counts", "problems")


def store_lists(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    loaded: Sequence[LoadedList],
    *,
    loaded_by: str | None = None,
) -> list[list_store.ListDiff]:
    """Store each list read to the end (:func:`setori.screen.lists.load_lists`) as a new
    version of its list, and record the version in the workspace; the diffs, in order."""
    diffs = []
    for found in loaded:
        diff = list_store.add_version(
            con,
            list_id=found.list_id,
            source=found.source,
            version=found.version,
            counts=found.counts,
            entities=found.records(),
            meta=found.summary(),
            reserved=recorded_digests(ws, found.list_id),
        )
        record_version(con, ws, found.list_id, diff.new_version, loaded_by=loaded_by)
        diffs.append(diff)
    return diffs


def recorded_digests(ws: Workspace, list_id: str) -> dict[str, str]:
    """The versions of ``list_id`` the workspace has recorded, with their digests."""
    with ws.read() as wcon:
        rows = wcon.execute(
            sa.select(list_versions.c.version, list_versions.c.digest).where(
                list_versions.c.list_id == list_id
            )
        ).all()
    return {str(version): str(digest) for version, digest in rows}


def record_version(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    list_id: str,
    version: str,
    *,
    loaded_by: str | None = None,
) -> bool:
    """Record the stored ``version`` of ``list_id`` in the workspace unless it is there
    already (a re-load of the same content records nothing new); True if recorded."""
    if version in recorded_digests(ws, list_id):
        return False
    row = version_row(con, list_id, version, loaded_by=loaded_by)
    with ws.begin() as wcon:
        exists = wcon.execute(
            sa.select(list_versions.c.version).where(
                list_versions.c.list_id == list_id, list_versions.c.version == version
            )
        ).first()
        if exists is None:
            wcon.execute(list_versions.insert().values(**row))
    return exists is None


def version_row(
    con: duckdb.DuckDBPyConnection, list_id: str, version: str, *, loaded_by: str | None
) -> dict[str, Any]:
    """The workspace ``list_versions`` row of a stored version."""
    entry = list_history.version_entry(con, list_id, version)
    meta = list_store.list_info(con, list_id, version=version)["meta"]
    return {
        "list_id": list_id, "version": version, "source": entry["source"],
        "loaded_at": iso_utc(entry["loaded_at"]), "loaded_by": loaded_by,
        "entities": entry["entities"], "added": entry["added"], "removed": entry["removed"],
        "changed": entry["changed"], "digest": entry["digest"],
        "meta": canonical_json({k: meta[k] for k in META_KEYS if k in meta}),
    }  # fmt: skip


def recorded_versions(ws: Workspace, list_id: str) -> list[dict[str, Any]]:
    """The workspace's ``list_versions`` rows of ``list_id``, oldest first."""
    with ws.read() as wcon:
        rows = (
            wcon.execute(
                list_versions.select()
                .where(list_versions.c.list_id == list_id)
                .order_by(list_versions.c.loaded_at)
            )
            .mappings()
            .all()
        )
    return [dict(r) for r in rows]


def iso_utc(value: datetime) -> str:
    """A store timestamp as the workspace's time text (ISO 8601 UTC, microseconds, ``Z``)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
