"""Alembic migrations of the workspace, run from code (no alembic.ini to find).

:func:`upgrade` brings a workspace to a revision (default: the newest) in one transaction;
:func:`revision_of` says where one stands.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

HERE = Path(__file__).parent
#: Alembic's ``context`` is one global per process: migrations of two threads must not
#: overlap (a threaded server opening workspaces at once).
_LOCK = threading.Lock()


def config() -> Config:
    """An Alembic configuration pointing at this package's scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the workspace schema to ``revision`` (nothing to do, and no
    transaction taken, when it is already at the newest revision)."""
    cfg = config()
    if revision == "head" and revision_of(engine) == _head(cfg):
        return
    with _LOCK, engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, revision)


def _head(cfg: Config) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(cfg).get_current_head()


def revision_of(engine: Engine) -> str | None:
    """The workspace's current revision (``None`` before the first migration)."""
    with engine.connect() as con:
        return MigrationContext.configure(con).get_current_revision()
