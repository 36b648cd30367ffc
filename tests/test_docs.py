"""Docs stay true: docs/cli.md is generated from the commands' help (like `cog --check`).

Regenerate with: UPDATE_DOCS=1 python -m pytest tests/test_docs.py
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from setori.cli import cli

ROOT = Path(__file__).parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"


def render_cli_docs() -> str:
    parts = [
        "# Command-line reference\n\n",
        "Generated from `setori COMMAND --help` by `tests/test_docs.py`;"
        " regenerate with `UPDATE_DOCS=1 python -m pytest tests/test_docs.py`.\n",
    ]
    runner = CliRunner()
    for name in [None, *sorted(cli.commands)]:
        args = [name, "--help"] if name else ["--help"]
        text = runner.invoke(cli, args, prog_name="setori", terminal_width=100).stdout
        parts.append(f"\n## setori {name or ''}".rstrip() + "\n\n```\n" + text.rstrip() + "\n```\n")
    return "".join(parts)


def test_cli_reference_is_current() -> None:
    expected = render_cli_docs()
    if os.environ.get("UPDATE_DOCS"):
        CLI_DOC.write_text(expected)
    assert CLI_DOC.read_text() == expected


def test_readme_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text().splitlines()
    commands = [
        line.strip()
        for line in lines[:30]
        if line.startswith("    make ") or line.startswith("make ")
    ]
    assert commands[:2] == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "exec make test" in ci


def test_every_doc_linked_from_readme_exists() -> None:
    readme = (ROOT / "README.md").read_text()
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{doc.name}" in readme, f"README does not link docs/{doc.name}"
