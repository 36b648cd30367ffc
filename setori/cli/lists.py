"""Sanctions-list commands: ``lists`` (and ``lists load``, ``lists history``).

Each is one call of a verb in :mod:`setori.verbs`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from setori.cli import render
from setori.cli.options import (
    analyst_option,
    db_option,
    format_option,
    plural,
    settings_of,
    workspace_option,
)


@click.group(invoke_without_command=True)
@db_option
@click.pass_context
def lists(ctx: click.Context, db: Path | None) -> None:
    """Show the sanctions lists and watchlists in the store (or load one: `lists load`).

    Example:

    \b
        setori lists load ../shared/data/un-consolidated/UN_consolidated.xml
        setori lists load ../shared/data/ofac-sdn-2021/{sdn,add,alt,sdn_comments}.csv
        setori lists
        setori lists history ofac
    """
    if ctx.invoked_subcommand is not None:
        return
    from setori import verbs

    render.lists(verbs.lists(db=db, settings=settings_of()))


@lists.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@click.option("--list-id", help="Store under this id (default: unsc / ofac / the file stem).")
@workspace_option
@analyst_option
def lists_load(
    paths: tuple[str, ...],
    db: Path | None,
    list_id: str | None,
    workspace: str | None,
    analyst: str | None,
) -> None:
    """Load (or update) lists: UN XML, OFAC CSV/XML, FtM JSON lines, a CSV watchlist.

    A broken file is rejected whole, naming the file, line or element and the reason.
    The OFAC legacy CSV set loads in one go: add.csv, alt.csv and sdn_comments.csv join
    the sdn.csv given with them (addresses, aliases, the rest of long remarks). Every
    load is kept as a new version of the list (see `lists history`) and recorded in the
    workspace with the analyst, if any; an update reports the entities added, removed
    and changed, and loading the same content again adds no version. Analysts'
    decisions on earlier hits are kept. The store is created if needed.

    Example:

    \b
        setori lists load sdn.csv add.csv alt.csv sdn_comments.csv --db ships.duckdb
        setori lists load my-watchlist.csv --list-id team --analyst "Kim Analyst"
    """
    from setori import verbs

    out = render.stderr()
    loads = verbs.load_lists(
        paths,
        db=db,
        list_id=list_id,
        workspace=workspace,
        analyst=analyst,
        settings=settings_of(),
    )
    for load in loads:
        out.print(
            f"{load.list_id}: {load.source}, version {load.version}: "
            f"{plural(load.entities, 'entity', 'entities')} ({load.added:,} added, "
            f"{load.removed:,} removed, {load.changed:,} changed)"
            + (f", {plural(load.problems, 'value')} flagged" if load.problems else "")
        )


@lists.command("history")
@click.argument("list_id", metavar="LIST")
@db_option
@format_option(("table", "json"), "table")
def lists_history(list_id: str, db: Path | None, fmt: str) -> None:
    """Show every stored version of a list, oldest first, with what each changed.

    Columns: version, when loaded (UTC), entities, entities added / removed / changed
    against the version before, the content digest (sha256 over the entities' content
    hashes), and which version is current (the one screening uses).

    Example:

    \b
        setori lists history ofac --db ships.duckdb
        setori lists history unsc --format json
    """
    from setori import verbs

    rows = verbs.lists_history(list_id, db=db, settings=settings_of())
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps({**row, "loaded_at": row["loaded_at"].isoformat()}))
        return
    _history_table(list_id, rows)


def _history_table(list_id: str, rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title=f"versions of list {list_id!r} (oldest first)")
    for col in ("version", "loaded (UTC)", "entities", "added", "removed", "changed", "digest"):
        table.add_column(col, overflow="fold", justify="left" if col[0] in "vld" else "right")
    table.add_column("current")
    for row in rows:
        counts = (f"{row[k]:,}" for k in ("entities", "added", "removed", "changed"))
        table.add_row(
            row["version"], str(row["loaded_at"])[:19], *counts, row["digest"][:12],
            "yes" if row["current"] else "",
        )  # fmt: skip
    render.wide(120).print(table)


COMMANDS = (lists,)
