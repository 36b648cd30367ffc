"""Risk triage over a store and a workspace: stored hits (both backends), the verb and the
``setori risk`` command on the real NY Harbor week (dprk profile)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import setori
from setori.casework.risk import stored_hits, vessel_risk
from setori.errors import InputError
from setori.workspace import open_workspace, utc_now
from setori.workspace.analysts import add_analyst
from setori.workspace.tables import decisions, hits

SHARED_DATA_NEED = "the NY Harbor week (tracktable-noaa) is read from shared data"
NY_WEEK = "tracktable-noaa/NYHarbor_2020_12_first_week.traj"


def hit_row(hit_id: str, query: dict[str, Any], band: str, entity_id: str) -> dict[str, Any]:
    return {
        "hit_id": hit_id,
        "query_key": json.dumps(query, sort_keys=True),
        "query": json.dumps(query),
        "entity_id": entity_id,
        "list_id": "ofac-sdn",
        "list_version": "2021",
        "matcher_version": "setori-match/1",
        "score": 0.95,
        "band": band,
        "features": "[]",
        "entity": json.dumps({"caption": f"LISTED {entity_id}"}),
        "created_at": utc_now(),
        "created_by": None,
    }


def decision(row: dict[str, Any], verdict: str, reverts: int | None = None) -> dict[str, Any]:
    return {
        "query_key": row["query_key"],
        "entity_id": row["entity_id"],
        "decision": verdict,
        "reason_code": "other",
        "hit_id": row["hit_id"],
        "reverts": reverts,
        "decided_at": utc_now(),
        "analyst": "kim",
    }


def store_hits(url: str, mmsi: int) -> list[dict[str, Any]]:
    """A strong hit on ``mmsi`` dismissed then reverted (so it counts), a review hit on
    ``mmsi`` dismissed, and a hit on a typed name (no MMSI)."""
    ws = open_workspace(url)
    try:
        add_analyst(ws, "kim")
        rows = [
            hit_row("h-strong", {"mmsi": str(mmsi), "names": ["X"]}, "strong", "ofac-1"),
            hit_row("h-review", {"mmsi": str(mmsi)}, "review", "ofac-2"),
            hit_row("h-name", {"names": ["KIM JONG UN"]}, "strong", "ofac-3"),
        ]
        with ws.begin() as con:
            con.execute(hits.insert(), rows)
            con.execute(decisions.insert(), [decision(rows[0], "dismissed")])
            first = con.scalar(sa.select(sa.func.max(decisions.c.decision_id)))
            con.execute(
                decisions.insert(),
                [decision(rows[0], "reverted", first), decision(rows[1], "dismissed")],
            )
        return rows
    finally:
        ws.close()


def test_stored_hits_skip_dismissed_ones_and_typed_names(workspace_url: str) -> None:
    store_hits(workspace_url, 367790830)
    ws = open_workspace(workspace_url)
    try:
        found = stored_hits(ws)
    finally:
        ws.close()
    assert [(h.hit_id, h.mmsi, h.band) for h in found] == [("h-strong", 367790830, "strong")]
    assert found[0].caption == "LISTED ofac-1"


# --- the NY Harbor week --------------------------------------------------------------------


@pytest.fixture(scope="module")
def ny(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = tmp_path_factory.mktemp("ny") / "ny.duckdb"
    setori.ingest([shared_data / NY_WEEK], db=db)
    setori.detect(db=db, profile="dprk")
    yield db


def sums_hold(rows: list[dict[str, Any]]) -> bool:
    return all(r["score"] == sum(b["points"] for b in r["breakdown"]) for r in rows)


@pytest.mark.slow
def test_ny_week_vessels_ranked_and_explained(ny: Path) -> None:
    ranked = setori.risk(db=ny).to_pylist()
    assert len(ranked) == 140  # every MMSI of the week (SOURCES.md: 140 MMSIs)
    assert sums_hold(ranked)
    assert [r["score"] for r in ranked] == sorted((r["score"] for r in ranked), reverse=True)
    top = ranked[0]
    assert top["score"] > 100
    assert {b["rule"] for b in top["breakdown"]} >= {"encounter", "proximity", "both_slow"}
    cited = {b["event_id"] for b in top["breakdown"] if b.get("event_id")}
    stored = setori.events(db=ny, profile="dprk").column("id").to_pylist()
    assert cited <= set(stored)
    assert setori.risk(db=ny, top=5).num_rows == 5


@pytest.mark.slow
def test_ny_week_events_window_and_one_vessel(ny: Path) -> None:
    since, until = datetime(2020, 12, 3, tzinfo=UTC), datetime(2020, 12, 4, tzinfo=UTC)
    events = setori.risk(db=ny, events=True, since=since, until=until).to_pylist()
    assert events and sums_hold(events)
    assert all(e["start"] < until and (e["end"] or e["start"]) >= since for e in events)
    whole = {r["mmsi"]: r for r in setori.risk(db=ny).to_pylist()}
    (alone,) = setori.risk(db=ny, mmsi=[367790830]).to_pylist()
    assert alone == whole[367790830]  # a filter keeps the partners' gaps and the same score


@pytest.mark.slow
def test_ny_week_with_a_stored_strong_hit(ny: Path, workspace_url: str) -> None:
    store_hits(workspace_url, 367782880)
    rows = setori.risk(db=ny, workspace=workspace_url, mmsi=[367782880]).to_pylist()
    reasons = [(b["rule"], b["hit_id"]) for b in rows[0]["breakdown"] if b["hit_id"]]
    assert reasons == [("list_hit_strong", "h-strong")]
    partners = setori.risk(db=ny, workspace=workspace_url, mmsi=[367790830]).to_pylist()
    assert any(b["rule"] == "dprk_vessel" for b in partners[0]["breakdown"])


@pytest.mark.slow
def test_weights_file_changes_the_points(ny: Path, tmp_path: Path) -> None:
    weights = tmp_path / "w.toml"
    weights.write_text("[points]\nproximity = 0\nencounter = 1\n")
    rows = setori.risk(db=ny, weights=weights, top=3).to_pylist()
    rules = {(b["rule"], b["points"]) for r in rows for b in r["breakdown"]}
    assert ("encounter", 1) in rules and not any(rule == "proximity" for rule, _ in rules)
    weights.write_text("[points]\nproximty = 0\n")
    with pytest.raises(InputError, match="proximty"):
        setori.risk(db=ny, weights=weights)


@pytest.mark.slow
def test_the_command_prints_table_json_and_csv(ny: Path) -> None:
    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "setori", "risk", "--db", str(ny), *args],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    table = run("--top", "3")
    assert "vessels by risk" in table and "proximity" in table
    lines = run("--format", "json", "--top", "2").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 2 and sums_hold(rows)
    assert all(set(b) <= {"points", "rule", "reason", "event_id", "hit_id", "attribute", "mmsi"}
               and "hit_id" not in b for b in rows[0]["breakdown"])  # fmt: skip
    csv_out = run("--events", "--format", "csv", "--top", "4").splitlines()
    assert csv_out[0].startswith("event_id,type,subtype,mmsi") and len(csv_out) == 5


def test_vessel_risk_on_an_empty_store(db: Path) -> None:
    with setori.open_store(db=db, mode="create") as con:
        assert vessel_risk(con) == []
