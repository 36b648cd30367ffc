"""``setori settings``: every setting, its value and where the value came from."""

from __future__ import annotations

import json

import click

from setori.cli.options import format_option, settings_of


@click.command("settings")
@format_option(("table", "json"), "table")
def settings_command(fmt: str) -> None:
    """Print every setting: value, origin (default, environment, option) and meaning.

    Settings come from SETORI_<NAME> environment variables, else their defaults; a
    command's own option (such as --db) wins over both.

    Example:

    \b
        setori settings
        SETORI_DB=ships.duckdb setori settings --format json
    """
    rows = settings_of().rows()
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    from setori.cli.render import wide

    table = Table(title="settings")
    for col in ("name", "value", "origin", "environment variable", "meaning"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(row["name"], row["value"] or "(none)", row["origin"], row["env"], row["help"])
    wide(120).print(table)


COMMANDS = (settings_command,)
