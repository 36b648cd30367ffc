"""Shared fixtures.

Fixture strategy:
* ``shared_data``: the real public data in ../shared/data (see its SOURCES.md).
  Tests that check real-world behaviour read it directly.
* ``tests/data/``: small real slices copied from it, for tests that must be
  self-contained (documented in tests/data/README.md).
* ``db``: a fresh store file in a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from setori.demo import shared_data_dir

TESTS_DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    found = shared_data_dir()
    assert found is not None, "../shared/data not found; set SETORI_SHARED_DATA"
    return found


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"
