"""What every verb shares: the store path type, settings resolution, opening the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from setori.settings import Settings

if TYPE_CHECKING:
    import duckdb

    from setori.workspace import Workspace

__all__ = [
    "BBox",
    "DbPath",
    "StoreMode",
    "open_store",
    "open_workspace",
]

DbPath = str | Path | None
BBox = tuple[float, float, float, float]
StoreMode = Literal["read", "write", "create"]


def resolve_settings(db: DbPath = None, settings: Settings | None = None) -> Settings:
    """``settings`` (default: from the environment) with ``db``, when given, applied."""
    base = settings if settings is not None else Settings.load()
    return base.with_overrides(db=Path(db) if db is not None else None)


@contextmanager
def open_store(
    *, db: DbPath = None, mode: StoreMode = "read", settings: Settings | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store as a DuckDB connection for the block (see :func:`setori.store.db.open_store`).

    Within the block, reference layers come from the ``shared_data`` setting (else from the
    slices shipped in the package).
    """
    from setori.geo.reference import reference_data
    from setori.store.db import open_store as _open_store

    resolved = resolve_settings(db, settings)
    with (
        _open_store(resolved.db, mode=mode, memory_limit=resolved.duckdb_memory) as con,
        reference_data(resolved.shared_data),
    ):
        yield con


def workspace_url(settings: Settings) -> str:
    """The workspace of these settings: the ``workspace`` setting, else a SQLite file beside
    the store."""
    from setori.workspace import default_url

    return settings.workspace or default_url(settings.db)


@contextmanager
def open_workspace(
    *, db: DbPath = None, workspace: str | None = None, settings: Settings | None = None
) -> Iterator[Workspace]:
    """The workspace database for the block, created or upgraded to the newest schema."""
    from setori.workspace import open_workspace as _open_workspace

    resolved = resolve_settings(db, settings).with_overrides(workspace=workspace)
    ws = _open_workspace(workspace_url(resolved))
    try:
        yield ws
    finally:
        ws.close()
