"""Investigate commands: ``screen``, ``decide``, ``vessel`` (lists: :mod:`.lists`).

Each is one call of a verb in :mod:`setori.verbs`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from setori.cli import render
from setori.cli.options import (
    DECISIONS,
    db_option,
    format_option,
    profile_option,
    settings_of,
)

if TYPE_CHECKING:
    import pyarrow as pa


def _write_hits(table: pa.Table, fmt: str) -> None:
    if fmt == "json":
        for row in table.to_pylist():
            row["query"], row["features"] = json.loads(row["query"]), json.loads(row["features"])
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(table.column_names)
        writer.writerows(row.values() for row in table.to_pylist())
        return
    render.hits(table)


@click.command()
@db_option
@click.option("--from-ais", is_flag=True, help="Screen every identity broadcast in the store.")
@click.option("--name", "names", multiple=True, help="A name to screen (repeatable).")
@click.option(
    "--schema",
    type=click.Choice(["Vessel", "Person", "Organization", "LegalEntity"]),
    default="Vessel",
    show_default=True,
)
@click.option("--imo")
@click.option("--mmsi")
@click.option("--call-sign")
@click.option("--flag", help="ISO code or country name.")
@click.option("--limit", default=10, show_default=True, help="Hits per query.")
@click.option("--all", "show_all", is_flag=True, help="Also show hits below the review band.")
@format_option(("table", "json", "csv"), "table")
def screen(
    db: Path | None, from_ais: bool, names: tuple[str, ...], schema: str, imo: str | None,
    mmsi: str | None, call_sign: str | None, flag: str | None, limit: int, show_all: bool,
    fmt: str,
) -> None:  # fmt: skip
    """Screen vessels, people or companies against the loaded lists, with reasons.

    Every hit carries its score, band (strong / review / none) and each feature's
    contribution in words. Dismissed pairs stay dismissed (see `setori decide`).

    Example:

    \b
        setori screen --name CHONMASAN
        setori screen --name "M/V KUM UN SAN 3" --imo 8405311 --format json
        setori screen --schema Person --name "리영길"
        setori screen --from-ais --format csv > hits.csv
    """
    from setori import verbs

    if not from_ais and not (names or imo or mmsi or call_sign):
        raise click.UsageError("give --from-ais, or --name / --imo / --mmsi / --call-sign")
    table = verbs.screen(
        db=db, names=names, schema=schema, imo=imo, mmsi=mmsi, call_sign=call_sign, flag=flag,
        from_ais=from_ais, limit=limit, alerts_only=not show_all, settings=settings_of(),
    )  # fmt: skip
    _write_hits(table, fmt)


@click.command()
@click.argument("query_key")
@click.argument("entity_id")
@click.argument("decision", type=click.Choice(DECISIONS))
@db_option
@click.option("--analyst", help="Who decided.")
@click.option("--note", help="Why.")
def decide(
    query_key: str, entity_id: str, decision: str, db: Path | None, analyst: str | None,
    note: str | None,
) -> None:  # fmt: skip
    """Mark a screening hit true (confirmed) or false (dismissed); it stays so on later runs.

    QUERY_KEY and ENTITY_ID are the `query_key` and `entity_id` columns of
    `setori screen --format json`.

    Example:

    \b
        setori decide 'vessel|n:frio|imo:IMO9596985' ofac-12345 dismissed --note "other hull"
    """
    from setori import verbs

    verbs.decide(
        query_key, entity_id, decision, db=db, analyst=analyst, note=note, settings=settings_of()
    )
    render.stderr().print(f"{decision}: {query_key} ↔ {entity_id}")


@click.command()
@click.argument("key")
@db_option
@profile_option
@format_option(("text", "json"), "text")
def vessel(key: str, db: Path | None, profile: str | None, fmt: str) -> None:
    """One page on a vessel: identities over time, list hits with reasons, conflicts, events.

    KEY is an MMSI, an IMO number (as broadcast) or a broadcast name.

    Example:

    \b
        setori vessel 538004030
        setori vessel "IMO 9390305" --format json
        setori vessel "STOC MARCIA" --profile dprk
    """
    from setori import verbs

    page = verbs.vessel(key, db=db, profile=profile, settings=settings_of())
    if fmt == "json":
        click.echo(json.dumps(page, default=str, ensure_ascii=False, indent=2))
        return
    render.vessel_page(page)


COMMANDS = (screen, decide, vessel)
