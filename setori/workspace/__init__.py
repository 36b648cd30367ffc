"""The workspace database: what people do (analysts, decisions, stored hits, list versions,
cases, evidence, case logs), kept apart from the analytic DuckDB store.

SQLite beside the store by default (no server to start), PostgreSQL when the ``workspace``
setting is a ``postgresql://`` URL. The schema is SQLAlchemy Core (:mod:`.tables`) and
every change of it is an Alembic migration (:mod:`.migrations`), applied when a workspace
is opened. Times are ISO 8601 UTC text and JSON is canonical text, so that what is hashed
reads back byte for byte on both backends.
"""

from __future__ import annotations

from setori.workspace.engine import Workspace, default_url, open_workspace, utc_now

__all__ = ["Workspace", "default_url", "open_workspace", "utc_now"]
