"""Workspace commands: ``analyst add`` and ``analyst list``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from setori.cli.options import db_option, format_option, settings_of, workspace_option


@click.group()
def analyst() -> None:
    """The analysts of the workspace: every decision, case action and note names one.

    Example:

    \b
        setori analyst add "Kim Analyst" --db ships.duckdb
        setori analyst list --db ships.duckdb
        export SETORI_ANALYST="Kim Analyst"
    """


@analyst.command("add")
@click.argument("name")
@db_option
@workspace_option
def analyst_add(name: str, db: Path | None, workspace: str | None) -> None:
    """Add an analyst (the workspace is created if needed).

    Example:

    \b
        setori analyst add "Kim Analyst" --db ships.duckdb
        setori analyst add sato --workspace postgresql://127.0.0.1/setori
    """
    from setori import verbs

    row = verbs.analyst_add(name, db=db, workspace=workspace, settings=settings_of())
    click.echo(f"analyst {row['name']!r} added")


@analyst.command("list")
@db_option
@workspace_option
@format_option(("table", "json"), "table")
def analyst_list(db: Path | None, workspace: str | None, fmt: str) -> None:
    """List the workspace's analysts.

    Example:

    \b
        setori analyst list --db ships.duckdb --format json
    """
    from setori import verbs

    rows = verbs.analysts(db=db, workspace=workspace, settings=settings_of())
    for row in rows:
        click.echo(json.dumps(row) if fmt == "json" else f"{row['name']}\t{row['created_at']}")


COMMANDS = [analyst]
