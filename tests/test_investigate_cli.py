"""Investigate through the CLI on the real UN and OFAC lists: load, screen, decide, vessel page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from setori.cli import cli

UN = "un-consolidated/UN_consolidated.xml"
OFAC = "ofac-sdn-2021/sdn.csv"


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _hits(db: Path, *args: str) -> list[dict[str, object]]:
    out = _run("screen", "--db", str(db), "--format", "json", *args)
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(scope="module")
def listed(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("lists") / "lists.duckdb"
    result = CliRunner().invoke(
        cli, ["lists", "load", str(shared_data / UN), str(shared_data / OFAC), "--db", str(db)]
    )
    assert result.exit_code == 0, result.stderr
    assert "unsc:" in result.stderr and "ofac:" in result.stderr
    return db


def test_lists_shows_versions_and_counts(listed: Path) -> None:
    out = _run("lists", "--db", str(listed))
    assert "2026-02-27T00:00:09.554Z" in out  # the UN list's dateGenerated
    assert "Vessel 406" in out


def test_screen_explains_a_collapsed_name(listed: Path) -> None:
    (hit, *_) = _hits(listed, "--name", "CHONMASAN")
    assert hit["caption"] == "CHON MA SAN"
    assert hit["band"] == "strong"
    assert hit["features"] and all(f["explanation"] for f in hit["features"])  # type: ignore[union-attr]


def test_sister_ship_numerals_never_match(listed: Path) -> None:
    hits = _hits(listed, "--name", "KUM UN SAN 3")
    assert [h["caption"] for h in hits if h["band"] != "none"] == ["KUM UN SAN 3"]


def test_dismissed_pair_stays_dismissed(listed: Path) -> None:
    (hit, *_) = _hits(listed, "--name", "CHONMASAN")
    _run("decide", str(hit["query_key"]), str(hit["entity_id"]), "dismissed", "--db", str(listed))
    (again, *_) = _hits(listed, "--name", "CHONMASAN", "--all")
    assert again["entity_id"] == hit["entity_id"]
    assert again["decision"] == "dismissed" and again["match"] is False
    _run("decide", str(hit["query_key"]), str(hit["entity_id"]), "confirmed", "--db", str(listed))


def test_vessel_page_from_ais(shared_data: Path, listed: Path) -> None:
    _run("ingest", str(shared_data / "dma-aisabnormal/538004030_drift_1.ais"), "--db", str(listed))
    page = json.loads(_run("vessel", "IMO 9596985", "--db", str(listed), "--format", "json"))
    assert page["mmsi"] == [538004030]
    (identity,) = page["identities"]["538004030"]
    assert (identity["name"], identity["imo"], identity["call_sign"]) == ("FRIO", 9596985, "V7UU3")
    assert page["hits"] == []  # FRIO is on no list


def test_broken_list_is_rejected_naming_file_and_line(shared_data: Path, tmp_path: Path) -> None:
    broken = tmp_path / "UN_consolidated.xml"
    text = (shared_data / UN).read_text()
    broken.write_text(text[: len(text) // 2])
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "setori",
            "lists",
            "load",
            str(broken),
            "--db",
            str(tmp_path / "x.db"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "UN_consolidated.xml" in proc.stderr and "line" in proc.stderr
    assert "Traceback" not in proc.stderr
