"""Workspace verbs: the analysts who work in it."""

from __future__ import annotations

from typing import Any

from setori.settings import Settings
from setori.verbs.common import DbPath, open_workspace

__all__ = ["analyst_add", "analysts"]


def analyst_add(
    name: str,
    *,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Add an analyst to the workspace (the workspace is created if needed)."""
    from setori.workspace.analysts import add_analyst

    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        return add_analyst(ws, name)


def analysts(
    *, db: DbPath = None, workspace: str | None = None, settings: Settings | None = None
) -> list[dict[str, Any]]:
    """The workspace's analysts: name, when added."""
    from setori.workspace.analysts import list_analysts

    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        return list_analysts(ws)
