"""``setori demo`` through the real process: it ends with a case and its reports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path


def _setori(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SETORI_SHARED_DATA": "/nonexistent"}  # the packaged real sample
    env.pop("SETORI_ANALYST", None)
    return subprocess.run(
        [sys.executable, "-m", "setori", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def test_the_demo_opens_a_case_that_verifies_and_writes_its_reports(tmp_path: Path) -> None:
    done = _setori("demo", "--db", "demo.duckdb", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    found = re.search(r"demo: case (C-\w+) .*\(risk (\d+) points", done.stderr)
    assert found, done.stderr
    case_id = found.group(1)
    html = (tmp_path / "demo.case.html").read_text()
    assert case_id in html
    pdf = tmp_path / "demo.case.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert case_id in text and f"{found.group(2)} points" in text

    db = ("--db", "demo.duckdb")
    shown = _setori("case", "show", case_id, *db, "--format", "json", cwd=tmp_path)
    case = json.loads(shown.stdout)
    kinds = sorted({item["kind"] for item in case["evidence"]})
    assert "vessel" in kinds and "note" in kinds
    verified = _setori("case", "verify", case_id, *db, cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
