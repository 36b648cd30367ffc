"""``setori case ...`` through the real process, on SQLite and PostgreSQL, on the real
drifting tanker STOC MARCIA (MMSI 212123000, DMA 2014-10-02/03)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import TESTS_DATA

DRIFT = TESTS_DATA / "tracks" / "dma-212123000-drift-positions.ais"
SIGHTINGS = TESTS_DATA / "sightings" / "stoc-marcia-2014-10.csv"


def _env(db: Path, workspace: str, analyst: str | None = "kim") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SETORI_")}
    env.update(SETORI_DB=str(db), SETORI_WORKSPACE=workspace)
    if "SETORI_SHARED_DATA" in os.environ:
        env["SETORI_SHARED_DATA"] = os.environ["SETORI_SHARED_DATA"]
    if analyst:
        env["SETORI_ANALYST"] = analyst
    return env


def _setori(env: dict[str, str], *args: str, status: int = 0) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "setori", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == status, (args, proc.stdout, proc.stderr)
    return proc


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cases-cli") / "drift.duckdb"
    env = _env(db, f"sqlite:///{db.parent / 'unused.sqlite'}", None)
    _setori(env, "ingest", str(DRIFT))
    _setori(env, "detect")
    return db


@pytest.mark.slow  # fifteen processes per backend (~20 s alone, ~50 s on a busy machine)
def test_a_case_through_the_command_line(store: Path, workspace_url: str) -> None:
    env = _env(store, workspace_url)
    _setori(env, "analyst", "add", "kim")
    anonymous = _env(store, workspace_url, None)
    refused = _setori(anonymous, "case", "new", "no one", status=1)
    assert "--analyst" in refused.stderr
    case_id = _setori(env, "case", "new", "STOC MARCIA adrift east of Bornholm").stdout.strip()
    assert case_id.startswith("C-") and len(case_id) == 10

    events = _setori(env, "events", "--format", "json").stdout.splitlines()
    event_id = json.loads(events[0])["id"]
    added = _setori(
        env,
        "case",
        "add",
        case_id,
        "--event",
        event_id,
        "--vessel",
        "212123000",
        "--note",
        "no way on for 12 h",
        "--file",
        str(SIGHTINGS.parent / "patrol-0001.png"),
    ).stdout
    assert f"event-{event_id}.json" in added and "sha256 " in added
    bad = _setori(env, "case", "add", case_id, "--sightings", str(SIGHTINGS), status=1)
    assert "line 6: time '2014-10-02T25:00:00Z' is not ISO 8601" in bad.stderr
    sighted = _setori(
        env, "case", "add", case_id, "--sightings", str(SIGHTINGS), "--skip-bad-rows"
    ).stdout
    assert "added 4 sightings from stoc-marcia-2014-10.csv: 1 dark vessel; 1 bad row" in sighted
    moved = _setori(env, "case", "status", case_id, "review").stdout
    assert moved.strip() == f"{case_id}: open -> review (record 11)"

    text = _setori(env, "case", "show", case_id).stdout
    assert "current detection: holds" in text
    assert "DARK VESSEL: no AIS track explains it; near events " + event_id in text
    shown = json.loads(_setori(env, "case", "show", case_id, "--format", "json").stdout)
    assert len(shown["evidence"]) == 8 and shown["status"] == "review"
    assert _setori(env, "case", "list").stdout.startswith(f"{case_id}\treview\t")
    log = _setori(env, "case", "log", case_id, "--format", "json").stdout.splitlines()
    assert [json.loads(r)["seq"] for r in log] == list(range(1, 12))
    ok = _setori(env, "case", "verify", case_id).stdout
    assert ok.startswith(f"ok: case {case_id}: 11 log records chained, 8 evidence items")

    engine = sa.create_engine(workspace_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as con:
        con.execute(sa.text("DELETE FROM case_log WHERE case_id = :c AND seq = 5"), {"c": case_id})
    engine.dispose()
    failed = _setori(env, "case", "verify", case_id, status=1)
    assert f"FAILED case {case_id}: record 5 missing before record 6 (deleted)" in failed.stderr
