"""The Investigate commands: ``lists``, ``screen``, ``decide`` and ``vessel``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import pyarrow as pa
from rich.console import Console
from rich.table import Table

from setori import investigate
from setori.screen.model import Query
from setori.store import db as store_db
from setori.store import decisions as decision_store
from setori.store import lists as list_store

console = Console(stderr=True)
_DB = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Store file (default: $SETORI_DB, else ./setori.duckdb).",
)


@click.group(invoke_without_command=True)
@_DB
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
    con = store_db.connect(db)
    try:
        infos = [list_store.list_info(con, lid) for lid in list_store.list_ids(con)]
    finally:
        con.close()
    table = Table(title="lists in the store")
    for col in ("list", "source", "version", "loaded (UTC)", "entities by schema"):
        table.add_column(col)
    for info in infos:
        counts = ", ".join(f"{k} {v:,}" for k, v in sorted(info["counts"].items()))
        table.add_row(
            info["list_id"], info["source"], info["version"], str(info["loaded_at"])[:19], counts
        )
    Console(width=max(Console().width, 160)).print(table)


@lists.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_DB
@click.option("--list-id", help="Store under this id (default: unsc / ofac / the file stem).")
def lists_load(paths: tuple[str, ...], db: Path | None, list_id: str | None) -> None:
    """Load (or update) lists: UN XML, OFAC CSV/XML, FtM JSON lines, a CSV watchlist.

    A broken file is rejected whole, naming the file, line or element and the reason;
    an update reports the entities added, removed and changed. Analysts' decisions on
    earlier hits are kept.

    Example:

    \b
        setori lists load sdn.csv --db ships.duckdb
        setori lists load my-watchlist.csv --list-id team
    """
    con = store_db.connect(db)
    try:
        for found, diff in investigate.load_lists(con, list(paths), list_id=list_id):
            console.print(
                f"{found.list_id}: {found.source}, version {found.version}: "
                f"{diff.total:,} entities ({len(diff.added):,} added, {len(diff.removed):,} "
                f"removed, {len(diff.changed):,} changed)"
                + (f", {len(found.problems)} values flagged" if found.problems else "")
            )
    finally:
        con.close()


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
    _print_hits(table)


def _print_hits(table: pa.Table) -> None:
    out = Console(width=max(Console().width, 140))
    if table.num_rows == 0:
        out.print("no hits")
        return
    view = Table(title=f"{table.num_rows:,} hits", show_lines=True)
    for col in ("query", "listed entity", "score", "band", "why"):
        view.add_column(col, overflow="fold")
    for row in table.to_pylist():
        why = "\n".join(
            f"{f['contribution']:+.2f} {f['explanation']}" for f in json.loads(row["features"])
        )
        band = row["band"] + (f" ({row['decision']})" if row["decision"] else "")
        view.add_row(
            row["query_ref"] or row["query"], f"{row['caption']}\n{row['entity_id']}",
            f"{row['score']:.2f}", band, why,
        )  # fmt: skip
    out.print(view)


@click.command()
@_DB
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
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
    if not from_ais and not (names or imo or mmsi or call_sign):
        raise click.UsageError("give --from-ais, or --name / --imo / --mmsi / --call-sign")
    con = store_db.connect(db)
    try:
        screener = investigate.build_screener(con)
        queries = (
            investigate.ais_queries(con)
            if from_ais
            else [Query(schema=schema, names=names, imo=imo, mmsi=mmsi,  # type: ignore[arg-type]
                        call_sign=call_sign, flag=flag, ref="cli")]
        )  # fmt: skip
        if from_ais:
            console.print(f"screening {len(queries):,} AIS identities")
        table = investigate.screen(screener, queries, limit=limit, alerts_only=not show_all)
    finally:
        con.close()
    _write_hits(table, fmt)


@click.command()
@click.argument("query_key")
@click.argument("entity_id")
@click.argument("decision", type=click.Choice(decision_store.DECISIONS))
@_DB
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
    con = store_db.connect(db)
    try:
        decision_store.record(con, query_key, entity_id, decision, analyst=analyst, note=note)
    finally:
        con.close()
    console.print(f"{decision}: {query_key} ↔ {entity_id}")


@click.command()
@click.argument("key")
@_DB
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def vessel(key: str, db: Path | None, fmt: str) -> None:
    """One page on a vessel: identities over time, list hits with reasons, conflicts, events.

    KEY is an MMSI, an IMO number (as broadcast) or a broadcast name.

    Example:

    \b
        setori vessel 538004030
        setori vessel "IMO 9390305" --format json
        setori vessel "STOC MARCIA"
    """
    con = store_db.connect(db)
    try:
        page = investigate.vessel_page(con, key)
    finally:
        con.close()
    if fmt == "json":
        click.echo(json.dumps(page, default=str, ensure_ascii=False, indent=2))
        return
    _print_page(page)


def _print_page(page: dict[str, Any]) -> None:
    out = Console(width=max(Console().width, 120))
    out.rule(f"vessel {page['key']}: MMSI {', '.join(str(m) for m in page['mmsi'])}")
    ids = Table(title="identities broadcast (AIS static reports)")
    for col in ("mmsi", "name", "imo", "call sign", "type", "length×beam m", "first", "last", "n"):
        ids.add_column(col)
    for mmsi, rows in page["identities"].items():
        for r in rows:
            ids.add_row(
                str(mmsi), r["name"] or "", str(r["imo"] or ""), r["call_sign"] or "",
                str(r["ship_type"] or ""), f"{r['length_m'] or '?'}×{r['beam_m'] or '?'}",
                str(r["first_seen"])[:16], str(r["last_seen"])[:16], str(r["reports"]),
            )  # fmt: skip
    out.print(ids)
    _print_hits(pa.Table.from_pylist(page["hits"], schema=investigate.HITS))
    out.print(f"[bold]conflicts[/bold]: {len(page['conflicts'])}")
    for finding in page["conflicts"]:
        out.print(f"  • {finding['kind']}: {finding['explanation']}")
    out.print(f"[bold]events[/bold]: {len(page['events'])}")
    for event in page["events"]:
        out.print(
            f"  • {event['type']} {event['subtype'] or ''} {str(event['start'])[:16]} → "
            f"{str(event['end'])[:16] if event['end'] else 'ongoing'} at "
            f"{event['lat']:.4f}, {event['lon']:.4f}"
        )


def register(group: click.Group) -> None:
    """Add the Investigate commands to the ``setori`` group."""
    for command in (lists, screen, decide, vessel):
        group.add_command(command)
