"""Sanctions-list verbs: load_lists, lists, lists_history."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from setori.results import ListLoad
from setori.settings import Settings
from setori.verbs.common import DbPath, open_store, open_workspace, resolve_settings

__all__ = ["lists", "lists_history", "load_lists"]


def load_lists(
    paths: Sequence[str | Path],
    *,
    db: DbPath = None,
    list_id: str | None = None,
    workspace: str | None = None,
    analyst: str | None = None,
    settings: Settings | None = None,
) -> list[ListLoad]:
    """Load (or update) sanctions lists: UN XML, OFAC CSV / XML, FtM JSON lines, a watchlist.

    Every file is read to the end before anything is stored (a broken file raises
    :class:`~setori.errors.ListFormatError` naming it); the store is created if missing.
    The companion files of an OFAC legacy CSV set (``add.csv``, ``alt.csv``,
    ``sdn_comments.csv``) join the ``sdn.csv`` given with them as one list. Each load
    becomes a new version of its list (the previous ones are kept; identical content adds
    none and reports no change) and is recorded in the workspace's ``list_versions``,
    loaded by ``analyst`` (default: the ``analyst`` setting; none is fine, an unknown one
    is an error).
    """
    from setori.casework import lists as casework_lists
    from setori.screen.lists import load_lists as read_lists
    from setori.workspace.analysts import require_analyst

    resolved = resolve_settings(db, settings)
    who = analyst if analyst is not None else resolved.analyst
    loaded = read_lists(list(paths), list_id=list_id)  # a broken file raises here
    with open_workspace(workspace=workspace, settings=resolved) as ws:
        loaded_by = require_analyst(ws, who) if who else None
        with open_store(mode="create", settings=resolved) as con:
            diffs = casework_lists.store_lists(con, ws, loaded, loaded_by=loaded_by)
    return [
        ListLoad(
            list_id=found.list_id,
            source=found.source,
            version=diff.new_version,
            entities=diff.total,
            added=len(diff.added),
            removed=len(diff.removed),
            changed=len(diff.changed),
            problems=len(found.problems),
        )
        for found, diff in zip(loaded, diffs, strict=True)
    ]


def lists(*, db: DbPath = None, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The lists in the store (their current versions): id, source, version, when loaded,
    entities by schema, how many versions are stored."""
    from setori.store import lists as list_store

    with open_store(db=db, settings=settings) as con:
        return [list_store.list_info(con, lid) for lid in list_store.list_ids(con)]


def lists_history(
    list_id: str, *, db: DbPath = None, settings: Settings | None = None
) -> list[dict[str, Any]]:
    """Every stored version of a list, oldest first: ``version``, ``loaded_at``,
    ``source``, ``entities``, ``added`` / ``removed`` / ``changed`` against the version
    before, ``digest`` (sha256 over the entities' content hashes) and ``current``.

    Raises :class:`~setori.errors.NotFoundError` when the list is not in the store.
    """
    from setori.store import list_history

    with open_store(db=db, settings=settings) as con:
        return list_history.list_history(con, list_id)
