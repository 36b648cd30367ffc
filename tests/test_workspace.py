"""The workspace database on SQLite and on the real PostgreSQL: migrations, analysts,
concurrent writers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from setori.errors import InputError, NotFoundError, StoreError
from setori.workspace import open_workspace
from setori.workspace.analysts import add_analyst, list_analysts, require_analyst
from setori.workspace.migrations import revision_of, upgrade
from setori.workspace.tables import metadata


def test_migrations_build_exactly_the_declared_schema(workspace_url: str) -> None:
    ws = open_workspace(workspace_url)
    with ws.engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), metadata)
    ws.close()
    assert diff == []


def test_upgrading_from_the_first_migration_keeps_the_rows(workspace_url: str) -> None:
    ws = open_workspace(workspace_url, migrate=False)
    upgrade(ws.engine, "0001")
    assert revision_of(ws.engine) == "0001"
    with ws.begin() as con:
        con.execute(sa.text("INSERT INTO analysts (name, created_at) VALUES ('kim', 'x')"))
    ws.close()
    again = open_workspace(workspace_url)  # to the newest revision
    assert [a["name"] for a in list_analysts(again)] == ["kim"]
    head = revision_of(again.engine)
    again.close()
    assert head is not None


def test_analysts_are_unique_and_required(workspace_url: str) -> None:
    ws = open_workspace(workspace_url)
    add_analyst(ws, " Kim Analyst ")
    with pytest.raises(InputError, match="already exists"):
        add_analyst(ws, "Kim Analyst")
    with pytest.raises(InputError, match="--analyst"):
        require_analyst(ws, None)
    with pytest.raises(NotFoundError, match="'nobody'"):
        require_analyst(ws, "nobody")
    assert require_analyst(ws, "Kim Analyst") == "Kim Analyst"
    ws.close()


def test_a_bad_url_is_one_clear_error() -> None:
    with pytest.raises(StoreError, match="expected sqlite"):
        open_workspace("mysql://localhost/x")
    with pytest.raises(StoreError, match="cannot open the workspace"):
        open_workspace("postgresql://postgres@127.0.0.1:5432/no_such_database_here")


def test_two_processes_writing_at_once_lose_nothing(workspace_url: str) -> None:
    open_workspace(workspace_url).close()  # migrated before the race
    script = textwrap.dedent(
        """
        import sys
        from setori.workspace import open_workspace
        from setori.workspace.analysts import add_analyst
        ws = open_workspace(sys.argv[1])
        for i in range(60):
            add_analyst(ws, f"{sys.argv[2]}-{i}")
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, workspace_url, tag]) for tag in "ab"]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    ws = open_workspace(workspace_url)
    names = {a["name"] for a in list_analysts(ws)}
    ws.close()
    assert names == {f"{t}-{i}" for t in "ab" for i in range(60)}


def test_threads_opening_one_workspace_at_once(workspace_url: str) -> None:
    """A threaded server opens workspaces from several threads: migrations do not collide."""
    from concurrent.futures import ThreadPoolExecutor

    def open_and_count(_: int) -> int:
        ws = open_workspace(workspace_url)
        try:
            return len(list_analysts(ws))
        finally:
            ws.close()

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(open_and_count, range(8))) == [0] * 8
