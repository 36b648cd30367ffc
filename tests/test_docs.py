"""Docs stay true: docs/cli.md is generated from the commands' help (like `cog --check`).

Regenerate with: UPDATE_DOCS=1 python -m pytest tests/test_docs.py
"""

from __future__ import annotations

import os
import re
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


def same_across_click_versions(help_text: str) -> str:
    """Usage lines with click 8.5's optional ``[COMMAND]`` written as 8.4's ``COMMAND``.

    constraints.txt pins click, but the docs should not fail on an unpinned install for
    this alone; every other difference still fails.
    """
    return re.sub(r"^(Usage: .*?)\[COMMAND\]", r"\1COMMAND", help_text, flags=re.MULTILINE)


def test_cli_reference_is_current() -> None:
    expected = render_cli_docs()
    if os.environ.get("UPDATE_DOCS"):
        CLI_DOC.write_text(expected)
    written = CLI_DOC.read_text()
    assert same_across_click_versions(written) == same_across_click_versions(expected)


def test_usage_lines_compare_across_click_versions() -> None:
    click_84 = "Usage: setori [OPTIONS] COMMAND [ARGS]...\n"
    click_85 = "Usage: setori [OPTIONS] [COMMAND] [ARGS]...\n"
    assert same_across_click_versions(click_85) == same_across_click_versions(click_84)
    assert same_across_click_versions("  [COMMAND] in prose\n") == "  [COMMAND] in prose\n"


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


def test_every_setting_is_in_the_readme_table() -> None:
    from setori.settings import SETTINGS

    readme = (ROOT / "README.md").read_text()
    rows = {line.split("|")[1].strip(" `") for line in readme.splitlines() if "| `SETORI_" in line}
    assert rows == {s.env for s in SETTINGS}


def test_every_command_has_help_with_an_example() -> None:
    import click

    def walk(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
        found = []
        for name, command in sorted(group.commands.items()):
            found.append((f"{prefix} {name}", command))
            if isinstance(command, click.Group):
                found += walk(command, f"{prefix} {name}")
        return found

    for name, command in walk(cli, "setori"):
        assert command.help and "Example:" in command.help, name


def test_no_setting_is_read_from_the_environment_outside_settings() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "setori").rglob("*.py"))
        if path.name != "settings.py" and re.search(r"environ[^\n]*SETORI_", path.read_text())
    ]
    assert offenders == []
