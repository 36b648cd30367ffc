"""Shared fixtures.

Fixture strategy:
* ``shared_data``: the real public data in ../shared/data (see its SOURCES.md), found only
  from ``$SETORI_SHARED_DATA`` or the ``shared/data`` folder next to this repository (never
  the working directory, never the runtime package's own discovery). When it is absent the
  test is skipped with one reason; an explicitly set ``SETORI_SHARED_DATA`` that does not
  exist counts as absent (``SETORI_SHARED_DATA=/nonexistent pytest`` runs the plain-clone tier).
* ``tests/data/``: small real slices copied from it, for tests that must run in a plain
  clone (documented in tests/data/README.md). ``TESTS_DATA`` points there.
* ``db``: a fresh store file in a temporary directory.
* ``workspace_url``: an empty workspace database, once on SQLite and once on the real
  PostgreSQL at 127.0.0.1:5432 (a schema per test, dropped at the end of the run).
* ``slow`` marker: long end-to-end tests; ``make test-fast`` runs ``-m "not slow"``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TESTS_DATA = Path(__file__).resolve().parent / "data"
REPO_ROOT = Path(__file__).resolve().parent.parent
#: What a test module reads from shared data, for the skip reason; a module may say it
#: better with a module-level ``SHARED_DATA_NEED`` string.
DEFAULT_NEED = "this test reads full real files listed in SOURCES.md"


def shared_data_root() -> Path | None:
    """``$SETORI_SHARED_DATA`` if set, else ``<repo root>/../shared/data``; None when absent.

    An explicitly set variable wins even when its folder is missing (then: absent), so the
    variable can hide the real folder without moving it.
    """
    env = os.environ.get("SETORI_SHARED_DATA")
    candidate = Path(env) if env else REPO_ROOT.parent / "shared" / "data"
    return candidate if (candidate / "SOURCES.md").is_file() else None


def skip_reason(need: str) -> str:
    return f"../shared/data not found (set SETORI_SHARED_DATA): {need}"


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis imports libcst to suggest a patch when a property test fails; libcst warns
    # on import (mypy_extensions.TypedDict), and under filterwarnings=error that warning
    # turned any property failure into an INTERNALERROR that stopped the whole run.
    config.addinivalue_line(
        "filterwarnings", "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
    )


@pytest.fixture(scope="module")
def shared_data(request: pytest.FixtureRequest) -> Path:
    """The shared data folder; skips the requesting test when it is absent."""
    found = shared_data_root()
    if found is None:
        need = getattr(request.module, "SHARED_DATA_NEED", DEFAULT_NEED)
        pytest.skip(skip_reason(need))
    return found


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


# --- The workspace database, on both backends --------------------------------------------
#: The PostgreSQL every test machine runs (trust auth); ``SETORI_TEST_POSTGRES`` overrides.
POSTGRES_URL = os.environ.get(
    "SETORI_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_RUN_TAG = f"setori_test_{os.getpid()}"


@pytest.fixture(scope="session")
def postgres_run() -> Iterator[Callable[[], str]]:
    """Makes a fresh PostgreSQL schema per call (all named after this test run) and drops
    every one of them at the end of the run: no table outlives the run."""
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_URL)
    made: list[str] = []

    def new_schema() -> str:
        name = f"{_RUN_TAG}_{len(made)}"
        with engine.begin() as con:
            con.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        made.append(name)
        return f"{POSTGRES_URL}?options=-csearch_path%3D{name}"

    try:
        yield new_schema
    finally:
        with engine.begin() as con:
            for name in made:
                con.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_run: Callable[[], str]
) -> str:
    """An empty workspace URL: a SQLite file, then a fresh PostgreSQL schema (every
    workspace test runs on both)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ws.sqlite'}"
    return postgres_run()
