"""Sanctions-list verbs: load_lists, lists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from setori.results import ListLoad
from setori.settings import Settings
from setori.verbs.common import DbPath, open_store

__all__ = ["lists", "load_lists"]


def load_lists(
    paths: Sequence[str | Path],
    *,
    db: DbPath = None,
    list_id: str | None = None,
    settings: Settings | None = None,
) -> list[ListLoad]:
    """Load (or update) sanctions lists: UN XML, OFAC CSV / XML, FtM JSON lines, a watchlist.

    Every file is read to the end before anything is stored (a broken file raises
    :class:`~setori.errors.ListFormatError` naming it); the store is created if missing.
    """
    from setori import investigate

    with open_store(db=db, mode="create", settings=settings) as con:
        return [
            ListLoad(
                list_id=found.list_id,
                source=found.source,
                version=found.version,
                entities=diff.total,
                added=len(diff.added),
                removed=len(diff.removed),
                changed=len(diff.changed),
                problems=len(found.problems),
            )
            for found, diff in investigate.load_lists(con, list(paths), list_id=list_id)
        ]


def lists(*, db: DbPath = None, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The lists in the store: id, source, version, when loaded, entities by schema."""
    from setori.store import lists as list_store

    with open_store(db=db, settings=settings) as con:
        return [list_store.list_info(con, lid) for lid in list_store.list_ids(con)]
