"""Analysts: who did what. Every write a person makes names one of them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from setori.errors import InputError, NotFoundError
from setori.workspace.engine import Workspace, utc_now
from setori.workspace.tables import analysts


def add_analyst(ws: Workspace, name: str, *, by: str | None = None) -> dict[str, Any]:
    """Add an analyst (names are unique; surrounding spaces are dropped)."""
    clean = name.strip()
    if not clean:
        raise InputError("an analyst needs a name; got an empty one")
    row = {"name": clean, "created_at": utc_now(), "created_by": by}
    with ws.begin() as con:
        if con.execute(sa.select(analysts.c.name).where(analysts.c.name == clean)).first():
            raise InputError(f"analyst {clean!r} already exists")
        con.execute(analysts.insert().values(**row))
    return row


def list_analysts(ws: Workspace) -> list[dict[str, Any]]:
    """Every analyst, by name."""
    with ws.read() as con:
        rows = con.execute(analysts.select().order_by(analysts.c.name)).mappings().all()
    return [dict(r) for r in rows]


def require_analyst(ws: Workspace, name: str | None) -> str:
    """The analyst a write is made by; an unknown or missing one is an error (no anonymous
    writes)."""
    if not name:
        raise InputError(
            "this records who did it: give --analyst NAME (or set SETORI_ANALYST); "
            "add one with `setori analyst add NAME`"
        )
    with ws.read() as con:
        found = con.execute(sa.select(analysts.c.name).where(analysts.c.name == name)).first()
    if found is None:
        raise NotFoundError(f"no analyst {name!r} in {ws.url}: add with `setori analyst add`")
    return name
