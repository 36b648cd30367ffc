"""Bundles from a workspace case, on SQLite and PostgreSQL, through the real process: keys
new, case export (full, redacted, FtM), case sign, case verify; a partner's offline
check exits 1 naming what was altered. Real data: the drifting tanker STOC MARCIA."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import setori
from setori.settings import Settings
from setori.workspace import open_workspace
from setori.workspace.analysts import add_analyst
from tests.conftest import TESTS_DATA

DRIFT = TESTS_DATA / "tracks" / "dma-212123000-drift-positions.ais"
SETTINGS = Settings()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("bundle-cli") / "drift.duckdb"
    setori.ingest([DRIFT], db=db, settings=SETTINGS)
    setori.detect(db=db, settings=SETTINGS)
    return db


@pytest.fixture
def case_id(workspace_url: str, store: Path) -> str:
    """A workspace case citing the real event and vessel, with a note and a file."""
    from setori.casework import cases

    (event,) = setori.events(db=store, settings=SETTINGS).to_pylist()
    ws = open_workspace(workspace_url)
    try:
        add_analyst(ws, "kim")
        found = cases.new_case(ws, "STOC MARCIA adrift east of Bornholm", analyst="kim")
        with setori.open_store(db=store, settings=SETTINGS) as con:
            cases.add_event(ws, con, found, str(event["id"]), analyst="kim")
            cases.add_vessel(ws, con, found, "212123000", analyst="kim")
        cases.add_note(ws, found, "adrift 12 h, no way on; 김정은 / 北朝鮮", analyst="kim")
        cases.add_file(ws, found, DRIFT, analyst="kim")
    finally:
        ws.close()
    return found


def _setori(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "setori", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
def test_export_sign_verify_through_the_cli(
    case_id: str, workspace_url: str, store: Path, tmp_path: Path
) -> None:
    where = {"SETORI_DB": str(store), "SETORI_WORKSPACE": workspace_url, "SETORI_ANALYST": "kim"}
    assert _setori(tmp_path, "keys", "new", "-o", "kim").returncode == 0
    assert _setori(tmp_path, "keys", "new", "-o", "reviewer").returncode == 0
    done = _setori(
        tmp_path, "case", "export", case_id, "-o", "case.zip", "--key", "kim.key", env=where
    )
    assert done.returncode == 0, done.stderr
    assert "signed by" in done.stdout
    signed = _setori(tmp_path, "case", "sign", "case.zip", "--key", "reviewer.key")
    assert signed.returncode == 0, signed.stderr
    ok = _setori(
        tmp_path, "case", "verify", "case.zip", "--key", "kim.pub", "--key", "reviewer.pub"
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.rstrip().endswith("every hash, proof and signature verifies")
    forwarded = _setori(tmp_path, "case", "verify", "case.zip", "--key", "kim.pub")  # one command
    assert (
        forwarded.returncode == 0 and "every hash, proof and signature verifies" in forwarded.stdout
    )
    fingerprint = setori.keys_show(tmp_path / "kim.pub")
    unkeyed = _setori(tmp_path, "case", "verify", "case.zip", "--format", "json")
    report = json.loads(unkeyed.stdout)
    assert report["ok"] and fingerprint in report["signers"] and report["case_id"] == case_id
    # the export is in the case log (who, which root, which key), and the chain still holds
    from setori.cases.log import verify_chain
    from setori.casework.cases import load_case

    ws = open_workspace(workspace_url)
    try:
        case = load_case(ws, case_id)
    finally:
        ws.close()
    assert case.log[-1].action == "bundle_exported"
    assert case.log[-1].payload["signer"] == fingerprint
    assert case.log[-1].payload["tree_size"] == len(case.log) - 1
    assert verify_chain(case.log) == []


def test_a_partner_sees_exactly_what_was_altered(
    case_id: str, workspace_url: str, store: Path, tmp_path: Path
) -> None:
    where = {"SETORI_DB": str(store), "SETORI_WORKSPACE": workspace_url, "SETORI_ANALYST": "kim"}
    _setori(tmp_path, "keys", "new")  # setori.key: the default key
    assert _setori(tmp_path, "case", "export", case_id, "-o", "case.zip", env=where).returncode == 0
    with (
        zipfile.ZipFile(tmp_path / "case.zip") as src,
        zipfile.ZipFile(tmp_path / "bad.zip", "w") as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("bag/data/evidence/") and info.filename.endswith(".ais"):
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
                altered = info.filename
            dst.writestr(info, data)
    bad = _setori(tmp_path, "case", "verify", "bad.zip", "--key", "setori.pub")
    assert bad.returncode == 1
    assert f"{altered}: altered" in bad.stderr


def test_a_redacted_export_for_a_partner(
    case_id: str, workspace_url: str, store: Path, tmp_path: Path
) -> None:
    from setori.casework.cases import load_case

    ws = open_workspace(workspace_url)
    try:
        case = load_case(ws, case_id)
    finally:
        ws.close()
    note = next(item for item in case.evidence if item.kind == "note")
    key = setori.keys_new(tmp_path / "kim")["private_key"]
    options = {"analyst": "kim", "db": store, "workspace": workspace_url, "settings": SETTINGS}
    setori.case_export(case_id, output=tmp_path / "full.zip", key=key, **options)  # type: ignore[arg-type]
    done = setori.case_export(
        case_id,
        output=tmp_path / "partner.zip",
        key=key,
        redact=[note.evidence_id],
        analyst="kim",
        db=store,
        workspace=workspace_url,
        settings=SETTINGS,
    )
    assert done["redacted"] == [note.evidence_id]
    report = setori.bundle_verify(
        tmp_path / "partner.zip", keys=[tmp_path / "kim.pub"], since=tmp_path / "full.zip"
    )
    assert report.problems == ()  # its log extends the full export's, withheld record and all
    assert (report.withheld_evidence, report.withheld_records) == (1, 1)
    ftm = setori.case_export(
        case_id,
        output=tmp_path / "case.ftm.jsonl",
        fmt="ftm",
        analyst="kim",
        db=store,
        workspace=workspace_url,
        settings=SETTINGS,
    )
    lines = (tmp_path / "case.ftm.jsonl").read_text().splitlines()
    assert ftm["entities"] == len(lines) >= 2
    assert {json.loads(line)["schema"] for line in lines} >= {"Vessel", "Event"}


def test_export_without_an_analyst_or_a_key_says_what_to_do(
    case_id: str, workspace_url: str, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from setori.errors import InputError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="setori keys new"):
        setori.case_export(
            case_id,
            output="x.zip",
            analyst="kim",
            db=store,
            workspace=workspace_url,
            settings=SETTINGS,
        )
    with pytest.raises(InputError, match="--analyst"):
        setori.case_export(
            case_id,
            output="x.zip",
            key=setori.keys_new(tmp_path / "k")["private_key"],
            db=store,
            workspace=workspace_url,
            settings=SETTINGS,
        )


def test_a_tampered_workspace_case_is_not_exported(
    case_id: str, workspace_url: str, store: Path, tmp_path: Path
) -> None:
    import sqlalchemy as sa

    from setori.errors import InputError

    ws = open_workspace(workspace_url)
    try:
        with ws.begin() as con:
            con.execute(
                sa.text("DELETE FROM case_log WHERE case_id = :c AND seq = 3"), {"c": case_id}
            )
    finally:
        ws.close()
    key = setori.keys_new(tmp_path / "kim")["private_key"]
    with pytest.raises(InputError, match=f"case {case_id} does not verify, so it is not exported"):
        setori.case_export(
            case_id,
            output=tmp_path / "x.zip",
            key=key,
            analyst="kim",
            db=store,
            workspace=workspace_url,
            settings=SETTINGS,
        )
    assert not (tmp_path / "x.zip").exists()
