"""Sanctions-list commands: ``lists`` (and ``lists load``).

Each is one call of a verb in :mod:`setori.verbs`.
"""

from __future__ import annotations

from pathlib import Path

import click

from setori.cli import render
from setori.cli.options import db_option, plural, settings_of


@click.group(invoke_without_command=True)
@db_option
@click.pass_context
def lists(ctx: click.Context, db: Path | None) -> None:
    """Show the sanctions lists and watchlists in the store (or load one: `lists load`).

    Example:

    \b
        setori lists load ../shared/data/un-consolidated/UN_consolidated.xml
        setori lists load ../shared/data/ofac-sdn-2021/sdn.csv
        setori lists
    """
    if ctx.invoked_subcommand is not None:
        return
    from setori import verbs

    render.lists(verbs.lists(db=db, settings=settings_of()))


@lists.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@click.option("--list-id", help="Store under this id (default: unsc / ofac / the file stem).")
def lists_load(paths: tuple[str, ...], db: Path | None, list_id: str | None) -> None:
    """Load (or update) lists: UN XML, OFAC CSV/XML, FtM JSON lines, a CSV watchlist.

    A broken file is rejected whole, naming the file, line or element and the reason;
    an update reports the entities added, removed and changed. Analysts' decisions on
    earlier hits are kept. The store is created if needed.

    Example:

    \b
        setori lists load sdn.csv --db ships.duckdb
        setori lists load my-watchlist.csv --list-id team
    """
    from setori import verbs

    out = render.stderr()
    for load in verbs.load_lists(paths, db=db, list_id=list_id, settings=settings_of()):
        out.print(
            f"{load.list_id}: {load.source}, version {load.version}: "
            f"{plural(load.entities, 'entity', 'entities')} ({load.added:,} added, "
            f"{load.removed:,} removed, {load.changed:,} changed)"
            + (f", {plural(load.problems, 'value')} flagged" if load.problems else "")
        )


COMMANDS = (lists,)
