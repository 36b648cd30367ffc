"""Investigate through the CLI on the real UN and OFAC lists: load, screen, decide, vessel page."""

from __future__ import annotations

import functools
import json
import operator
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pyais.encode import encode_dict

from setori.cli import cli
from setori.investigate import vessel_page
from setori.store.db import open_store

pytestmark = pytest.mark.slow  # loads the full UN and OFAC lists through the CLI (~100 s)

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
    assert "Vessel 406" in out  # SOURCES.md: sdn.csv has 406 vessels


def test_screen_explains_a_collapsed_name(listed: Path) -> None:
    (hit, *_) = _hits(listed, "--name", "CHONMASAN")
    assert hit["caption"] == "CHON MA SAN"
    assert hit["band"] == "strong"
    assert hit["features"] and all(f["explanation"] for f in hit["features"])  # type: ignore[union-attr]


def test_sister_ship_numerals_never_match(listed: Path) -> None:
    hits = _hits(listed, "--name", "KUM UN SAN 3")
    assert [h["caption"] for h in hits if h["band"] != "none"] == ["KUM UN SAN 3"]


def test_dismissed_pair_stays_dismissed(listed: Path) -> None:
    _run("analyst", "add", "kim", "--db", str(listed))
    (hit, *_) = _hits(listed, "--name", "CHONMASAN")
    _run("decide", str(hit["hit_id"]), "dismissed", "--reason", "different_vessel",
         "--analyst", "kim", "--db", str(listed))  # fmt: skip
    (again, *_) = _hits(listed, "--name", "CHONMASAN", "--all")
    assert again["entity_id"] == hit["entity_id"] and again["hit_id"] == hit["hit_id"]
    assert again["decision"] == "dismissed" and again["match"] is False
    (other, *_) = _hits(listed, "--name", "CHONMASAN", "--imo", "8660313")
    assert other["entity_id"] == hit["entity_id"] and other["decision"] is None  # no leak
    _run("decide", str(hit["query_key"]), str(hit["entity_id"]), "confirmed", "--reason",
         "same_identifiers", "--analyst", "kim", "--db", str(listed))  # fmt: skip
    history = _run("decisions", str(hit["hit_id"]), "--db", str(listed), "--format", "json")
    assert [json.loads(r)["decision"] for r in history.splitlines()] == ["dismissed", "confirmed"]


@pytest.mark.parametrize("name", ["Kim Jong Un", "김정은"])
def test_a_person_is_found_without_a_schema(listed: Path, name: str) -> None:
    """Without --schema a name is screened as every kind of party: before, `setori screen
    --name "Kim Jong Un"` searched vessels only and printed "no hits"."""
    (hit, *_) = _hits(listed, "--name", name)
    assert (hit["entity_id"], hit["schema"], hit["band"]) == ("ofac-20157", "Person", "strong")
    assert hit["listing"]["programme"] == ["DPRK3"]  # sdn.csv: "KIM, Jong Un","individual","DPRK3"
    assert hit["searched"] == "Vessel,Person,Organization" and hit["list_id"] == "ofac"
    table = CliRunner().invoke(cli, ["screen", "--db", str(listed), "--name", name])
    assert "screened as Organization, Person, Vessel" in table.stderr
    assert "programme DPRK3" in table.stdout and "no hits" not in table.stdout


def test_vessel_page_from_ais(shared_data: Path, listed: Path) -> None:
    _run("ingest", str(shared_data / "dma-aisabnormal/538004030_drift_1.ais"), "--db", str(listed))
    page = json.loads(_run("vessel", "IMO 9596985", "--db", str(listed), "--format", "json"))
    assert page["mmsi"] == [538004030]
    (identity,) = page["identities"]["538004030"]
    assert (identity["name"], identity["imo"], identity["call_sign"]) == ("FRIO", 9596985, "V7UU3")
    assert page["hits"] == []  # FRIO is on no list


def _churning_tanker(path: Path) -> Path:
    """NMEA with tag-block times: MMSI 636012345 renamed A, B, A, C five days apart (one
    IMO), with a few position reports after each static report."""

    def tagged(ts: datetime, fields: dict[str, object]) -> list[str]:
        body = f"c:{int(ts.timestamp())}"
        checksum = functools.reduce(operator.xor, (ord(c) for c in body), 0)
        sentences = encode_dict(fields, radio_channel="A", talker_id="AI", sentence_type="VDM")
        return [f"\\{body}*{checksum:02X}\\{s}" for s in sentences]

    identity = dict(msg_type=5, mmsi=636012345, imo=9596985, callsign="D5AB1", ship_type=80)
    size = dict(to_bow=100, to_stern=20, to_port=10, to_starboard=10, destination="SINGAPORE")
    t0 = datetime(2024, 3, 1, tzinfo=UTC)
    lines = []
    for i, name in enumerate(["OCEAN A", "OCEAN B", "OCEAN A", "OCEAN C"]):
        at = t0 + timedelta(days=5 * i)
        lines += tagged(at, {**identity, **size, "shipname": name})
        for k in range(3):
            report = dict(msg_type=1, mmsi=636012345, lat=1.2 + 0.01 * k, lon=103.8, speed=0.1)
            lines += tagged(at + timedelta(minutes=10 * k), report)
    path.write_text("\n".join(lines) + "\n")
    return path


def _churn_shown(page: dict[str, Any]) -> list[str]:
    """Every place the vessel page shows a churn: conflict kinds and event subtypes."""
    kinds = ("name_churn", "identity_churn")
    conflicts = [f"conflict {c['kind']}" for c in page["conflicts"] if c["kind"] in kinds]
    return conflicts + [f"event {e['subtype']}" for e in page["events"] if e["subtype"] in kinds]


def test_vessel_page_shows_a_churn_once(tmp_path: Path) -> None:
    db = str(tmp_path / "churn.duckdb")
    _run("ingest", str(_churning_tanker(tmp_path / "churn.nmea")), "--db", db)
    before = json.loads(_run("vessel", "636012345", "--db", db, "--format", "json"))
    assert _churn_shown(before) == ["conflict name_churn"]  # no detector run yet
    (churn,) = [c for c in before["conflicts"] if c["kind"] == "name_churn"]
    assert [n["name"] for n in churn["evidence"]["names"]] == ["OCEAN A", "OCEAN B", "OCEAN C"]
    _run("detect", "--db", db)
    after = json.loads(_run("vessel", "636012345", "--db", db, "--format", "json"))
    assert _churn_shown(after) == ["event name_churn"]  # the same finding, now an event
    with open_store(db, mode="read") as con:
        undetected = vessel_page(con, "636012345", profile="dprk")  # only gfw was detected
    assert _churn_shown(undetected) == ["conflict name_churn"]


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
