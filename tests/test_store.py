"""The store: idempotent re-ingest, atomic batches (kill -9 then re-run), round-trips."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import setori
from setori import pipeline, schema
from setori.ingest.sources import ReadOptions
from setori.pipeline import with_row_ids
from setori.store import db as store_db
from setori.store import queries
from setori.store.writes import end_source, write_batch

SAMPLE = "dma-aisabnormal/ais-sample.txt.gz"
STREAM = "dma-aislib/stream_example.txt"  # $PGHP-stamped NMEA


def _snapshot(db: Path) -> dict[str, object]:
    con = store_db.connect(db)
    try:
        return {
            name: con.sql(f"SELECT * EXCLUDE ({drop}) FROM {name} ORDER BY ALL").fetchall()
            for name, drop in (
                ("positions", "source"),
                ("statics", "source"),
                ("quarantine", "source"),
                ("segments", "row_id"),
                ("ingest_batches", "ingested_at, source"),
            )
        }
    finally:
        con.close()


def _ingest_cli(db: Path, path: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "setori",
            "--log-level",
            "info",
            "ingest",
            str(path),
            "--db",
            str(db),
            "-q",
        ],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.slow
def test_reingest_adds_nothing(shared_data: Path, db: Path) -> None:
    path = shared_data / SAMPLE
    first = setori.ingest([path], db=db)
    assert first.new_positions > 20_000
    before = _snapshot(db)
    again = setori.ingest([path], db=db)
    assert again.new_positions == 0
    assert again.new_statics == 0
    assert _snapshot(db) == before


@pytest.mark.slow
def test_kill9_mid_ingest_then_rerun_equals_uninterrupted(
    shared_data: Path, tmp_path: Path
) -> None:
    path = shared_data / SAMPLE
    env = {**os.environ, "SETORI_BATCH_BYTES": "150000"}
    reference, interrupted = tmp_path / "ref.duckdb", tmp_path / "killed.duckdb"
    assert _ingest_cli(reference, path, env).wait(timeout=300) == 0

    proc = _ingest_cli(interrupted, path, env)
    assert proc.stderr is not None
    committed = 0
    for line in proc.stderr:
        committed += "committed batch" in line
        if committed == 4:
            proc.send_signal(signal.SIGKILL)
            break
    assert proc.wait(timeout=60) == -signal.SIGKILL
    partial = _snapshot(interrupted)
    assert 0 < len(partial["ingest_batches"]) < len(_snapshot(reference)["ingest_batches"])  # type: ignore[arg-type]

    assert _ingest_cli(interrupted, path, env).wait(timeout=300) == 0
    assert _snapshot(interrupted) == _snapshot(reference)


def _degrees(limit: float) -> st.SearchStrategy[float]:
    """Degrees on the 1e-7 grid row ids use (~1 cm): closer reports are one report."""
    steps = round(limit * 1e7)
    return st.integers(-steps, steps).map(lambda step: step / 1e7)


positions_rows = st.lists(
    st.tuples(
        st.integers(100_000_000, 999_999_999),
        st.integers(0, 10**6),
        _degrees(89.9),
        _degrees(179.9),
        st.one_of(st.none(), st.floats(0, 102, allow_nan=False, width=32)),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=25, deadline=None)
@given(rows=positions_rows)
def test_write_then_read_round_trips(
    rows: list[tuple[int, int, float, float, float | None]],
) -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    table = pa.table(
        {
            "mmsi": [r[0] for r in rows],
            "ts": [t0 + timedelta(seconds=r[1]) for r in rows],
            "lat": [r[2] for r in rows],
            "lon": [r[3] for r in rows],
            "sog_kn": [r[4] for r in rows],
            "cog_deg": [None] * len(rows),
            "heading_deg": [None] * len(rows),
            "nav_status": [None] * len(rows),
            "msg_type": [1] * len(rows),
            "source": ["hyp"] * len(rows),
            "receiver": [None] * len(rows),
            "line_no": list(range(1, len(rows) + 1)),
        }
    ).cast(schema.POSITIONS)
    con = store_db.connect(":memory:")
    stored = with_row_ids(table)
    empty = schema.empty
    for batch_no in (0, 1):  # writing twice must not duplicate
        write_batch(
            con,
            source="hyp",
            batch_no=batch_no,
            positions=stored,
            statics=empty(schema.STATICS),
            quarantine=empty(schema.QUARANTINE),
            counts=Counter(position=len(rows)),
            lines=len(rows),
        )
    back = con.sql("SELECT mmsi, ts, lat, lon, sog_kn FROM positions").fetchall()
    expected = {(r[0], t0 + timedelta(seconds=r[1]), r[2], r[3]) for r in rows}
    assert {(m, t, la, lo) for m, t, la, lo, _ in back} == expected
    assert len(back) == len(expected)


def _bad_checksum(line: str) -> str:
    """``line`` with its NMEA checksum off by one."""
    body, checksum = line.rstrip("\n").rsplit("*", 1)
    return f"{body}*{(int(checksum, 16) + 1) % 256:02X}\n"


def _ingest(db: Path, path: Path, options: ReadOptions | None = None) -> dict[str, Any]:
    with store_db.open_store(db, mode="create") as con:
        pipeline.ingest(con, [path], options)
        return queries.info(con)


def _position_lines(db: Path, where: str = "TRUE") -> list[tuple[Any, ...]]:
    with store_db.open_store(db) as con:
        return con.sql(
            f"SELECT mmsi, ts, lat, lon, line_no FROM positions WHERE {where} ORDER BY ALL"
        ).fetchall()


def test_reingest_of_a_corrected_file_replaces_its_quarantine(
    shared_data: Path, tmp_path: Path
) -> None:
    lines = (shared_data / STREAM).read_text().splitlines(keepends=True)[:600]
    nmea, clean_db, db = tmp_path / "slice.nmea", tmp_path / "clean.duckdb", tmp_path / "s.duckdb"
    nmea.write_text("".join(lines))
    clean = _ingest(clean_db, nmea)
    position_reports = _position_lines(clean_db, "msg_type IN (1, 2, 3)")
    broken = list(lines)
    for *_, line_no in position_reports[::40]:
        broken[line_no - 1] = _bad_checksum(lines[line_no - 1])
    nmea.write_text("".join(broken))

    before = _ingest(db, nmea)
    n_broken = len(position_reports[::40])
    assert sum(before["quarantined"].values()) == n_broken >= 5
    assert before["positions"] == clean["positions"] - n_broken

    nmea.write_text("".join(lines))  # the same file, corrected, ingested again
    assert _ingest(db, nmea) == clean
    assert _position_lines(db) == _position_lines(clean_db)  # each position once


def test_end_source_forgets_batches_a_shorter_reread_no_longer_has(
    shared_data: Path, tmp_path: Path
) -> None:
    lines = (shared_data / STREAM).read_text().splitlines(keepends=True)[:600]
    broken = [
        _bad_checksum(line) if line.startswith("!") and n > 300 else line
        for n, line in enumerate(lines, start=1)
    ]
    nmea, db = tmp_path / "slice.nmea", tmp_path / "s.duckdb"
    options = ReadOptions(batch_bytes=4_000)
    nmea.write_text("".join(broken))
    assert sum(_ingest(db, nmea, options)["quarantined"].values()) > 100

    nmea.write_text("".join(lines[:200]))  # the bad tail cut off: fewer batches
    fresh = _ingest(tmp_path / "fresh.duckdb", nmea, options)
    with store_db.open_store(db, mode="write") as con:
        pipeline.ingest(con, [nmea], options)  # ends the source: the long tail is forgotten
        assert queries.info(con)["quarantined"] == fresh["quarantined"] == {}
        assert queries.info(con)["sources"] == fresh["sources"]
        assert end_source(con, source=str(nmea), batches=1) > 0  # by hand: one batch kept
        assert queries.info(con)["sources"] != fresh["sources"]
