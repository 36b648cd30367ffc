"""The workspace through the real ``setori`` process: analysts on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _setori(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "setori", *args], capture_output=True, text=True, cwd=cwd
    )


def test_analyst_add_and_list_through_the_cli(workspace_url: str, tmp_path: Path) -> None:
    added = _setori("analyst", "add", "Kim Analyst", "--workspace", workspace_url, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    again = _setori("analyst", "add", "Kim Analyst", "--workspace", workspace_url, cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr.strip() == "error: analyst 'Kim Analyst' already exists"
    listed = _setori(
        "analyst", "list", "--workspace", workspace_url, "--format", "json", cwd=tmp_path
    )
    assert [json.loads(line)["name"] for line in listed.stdout.splitlines()] == ["Kim Analyst"]


def test_the_default_workspace_sits_beside_the_store(tmp_path: Path) -> None:
    done = _setori("analyst", "add", "sato", "--db", str(tmp_path / "ships.duckdb"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "ships.workspace.sqlite").is_file()
    assert not (tmp_path / "ships.duckdb").exists()  # the store is not created by this
