"""Opening the store: modes, a missing store, read-only files, and a store another process holds.

Stores are built from ``tests/data/nmea/dma-pghp.txt`` (a real slice, runs in a plain clone).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from setori import pipeline
from setori.errors import StoreError, StoreLockedError, StoreNotFoundError
from setori.store import events, queries
from setori.store.db import StoreMode, connect, is_read_only, open_store
from tests.conftest import TESTS_DATA

SLICE = TESTS_DATA / "nmea" / "dma-pghp.txt"

# Holds the store open in the mode given, says "open" on stdout, and waits for stdin to close.
_HOLD = """
import sys
from setori.store.db import open_store
with open_store(sys.argv[1], mode=sys.argv[2]):
    print("open", flush=True)
    sys.stdin.read()
"""

# Reads the store, then tries to open it for writing; prints what happened.
_READ_THEN_WRITE = """
import sys
from setori.errors import StoreError
from setori.store import queries
from setori.store.db import open_store
with open_store(sys.argv[1]) as con:
    print(queries.info(con)["positions"])
try:
    with open_store(sys.argv[1], mode="write"):
        print("opened for writing")
except StoreError as exc:
    print(exc)
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store holding the real NMEA slice, in its own folder."""
    path = tmp_path / "store" / "slice.duckdb"
    path.parent.mkdir()
    with open_store(path, mode="create") as con:
        pipeline.ingest(con, [SLICE])
    return path


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` with its bytes and modification time (ns)."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """``path`` mode 0444 and its folder 0555 for the block."""
    path.chmod(0o444)
    path.parent.chmod(0o555)
    try:
        yield
    finally:
        path.parent.chmod(0o755)
        path.chmod(0o644)


@contextmanager
def _held(path: Path, mode: StoreMode) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store open in ``mode`` for the block."""
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        assert child.stdout.readline() == "open\n"
        yield child
    finally:
        child.stdin.close()
        child.wait(timeout=60)


@pytest.mark.parametrize("mode", ["read", "write"])
def test_missing_store_is_an_error_naming_the_path_and_creates_nothing(
    tmp_path: Path, mode: StoreMode
) -> None:
    path = tmp_path / "mistyped.duckdb"
    with pytest.raises(StoreNotFoundError) as raised, open_store(path, mode=mode):
        pass
    assert str(raised.value) == (
        f"no store at '{path}' (a mistyped --db?); create one with setori ingest"
    )
    assert list(tmp_path.iterdir()) == []


def test_connect_without_create_refuses_a_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFoundError, match="mistyped"):
        connect(tmp_path / "none.duckdb", create=False)
    assert list(tmp_path.iterdir()) == []


def test_create_mode_creates_the_store_and_read_mode_then_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with open_store(path, mode="create") as con:
        assert not is_read_only(con)
        pipeline.ingest(con, [SLICE])
        written = queries.info(con)
    assert path.is_file()
    with open_store(path) as con:
        assert is_read_only(con)
        assert queries.info(con) == written
    assert written["positions"] > 0


def test_open_store_closes_the_connection(store: Path) -> None:
    with open_store(store) as con:
        pass
    with pytest.raises(duckdb.ConnectionException):
        con.sql("SELECT 1")


def test_read_mode_reads_a_read_only_store_and_changes_no_file(store: Path) -> None:
    with open_store(store, mode="write") as con:
        expected = queries.info(con)
    before = _files(store.parent)
    with _read_only(store), open_store(store) as con:
        assert queries.info(con) == expected
        assert events.read_events(con).num_rows == 0  # the store predates events: empty
        with pytest.raises(duckdb.Error, match="read-only"):
            con.sql("DELETE FROM positions")
    assert _files(store.parent) == before


def test_read_mode_reads_a_store_that_predates_some_tables(tmp_path: Path, store: Path) -> None:
    old = tmp_path / "old" / "old.duckdb"
    old.parent.mkdir()
    with duckdb.connect(str(old)) as con:
        con.sql(f"ATTACH '{store}' AS new (READ_ONLY)")
        con.sql("CREATE TABLE positions AS SELECT * FROM new.positions")
    before = _files(old.parent)
    with open_store(old) as con:
        summary = queries.info(con)
        assert events.count_by_type(con) == {}
    assert summary["positions"] > 0
    assert (summary["segments"], summary["static_reports"], summary["sources"]) == (0, 0, {})
    assert _files(old.parent) == before


def _without_write_override(command: list[str]) -> list[str]:
    """As root, run ``command`` without the capabilities that ignore file permissions."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None,
    reason="as root, file modes are enforced only without CAP_DAC_OVERRIDE, dropped by setpriv",
)
def test_read_only_file_is_readable_and_refused_for_writing(store: Path) -> None:
    with open_store(store) as con:
        positions = queries.info(con)["positions"]
    with _read_only(store):
        done = subprocess.run(
            _without_write_override([sys.executable, "-c", _READ_THEN_WRITE, str(store)]),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    read, write = done.stdout.splitlines()
    assert int(read) == positions
    assert write.startswith(f"cannot write to store '{store}' (")
    assert write.endswith("commands that write need a writable copy")


@pytest.mark.parametrize("mode", ["read", "write", "create"])
def test_store_written_by_another_process_gives_one_line_with_its_pid(
    store: Path, mode: StoreMode
) -> None:
    with _held(store, "write") as writer:
        with pytest.raises(StoreLockedError) as raised, open_store(store, mode=mode):
            pass
        assert str(raised.value) == (
            f"another setori process, PID {writer.pid}, is writing {store}; try again when it ends"
        )
    with open_store(store, mode=mode) as con:  # free again once it ends
        assert queries.info(con)["positions"] > 0


def test_store_read_by_another_process_can_be_read_but_not_written(store: Path) -> None:
    with _held(store, "read") as reader:
        with open_store(store) as con:
            assert queries.info(con)["positions"] > 0
        with pytest.raises(StoreLockedError) as raised, open_store(store, mode="write"):
            pass
    assert str(raised.value) == (
        f"another setori process, PID {reader.pid}, is reading {store}; try again when it ends"
    )


def test_same_process_cannot_mix_read_and_write_connections(store: Path) -> None:
    with (
        open_store(store, mode="write"),
        pytest.raises(StoreError, match="already open in this process"),
        open_store(store),
    ):
        pass


def test_readers_keep_result_order_and_writers_save_memory(tmp_path: Path) -> None:
    """With ``preserve_insertion_order`` off, DuckDB 1.5.6 handed ``ORDER BY`` results to
    Arrow out of order on a loaded machine (``setori events`` changed order between runs):
    read-mode connections, which every export uses, keep it on."""
    db = tmp_path / "s.duckdb"
    with open_store(db, mode="create") as con:
        assert con.sql("SELECT current_setting('preserve_insertion_order')").fetchone() == (False,)
    with open_store(db) as con:
        assert con.sql("SELECT current_setting('preserve_insertion_order')").fetchone() == (True,)
