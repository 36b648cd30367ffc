"""Alembic environment: runs on the connection :func:`setori.workspace.migrations.upgrade`
hands over (never on a URL from a configuration file)."""

from __future__ import annotations

from alembic import context

from setori.workspace.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
