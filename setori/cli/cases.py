"""Case commands: ``case new``, ``case add``, ``case show``, ``case status``, ``case list``,
``case log``, ``case verify`` (a workspace case's hash chain; a bundle zip is handed to the
bundle check of :mod:`setori.cli.bundles`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from setori.cli.options import (
    analyst_option,
    db_option,
    format_option,
    plural,
    settings_of,
    workspace_option,
)

STATUSES = ("open", "review", "closed")  # setori.cases.model.CASE_STATUSES


@click.group()
def case() -> None:
    """Cases: evidence (frozen events, vessels, hits, notes, files, sightings) with an
    append-only, hash-chained history.

    Example:

    \b
        setori case new "STS off Nampo, 2019-09" --analyst kim
        setori case list
    """


@case.command("new")
@click.argument("title")
@analyst_option
@db_option
@workspace_option
def case_new(title: str, analyst: str | None, db: Path | None, workspace: str | None) -> None:
    """Open a case; prints its id (C- and eight characters).

    Example:

    \b
        CASE=$(setori case new "STOC MARCIA drifting off Bornholm" --analyst kim)
        echo $CASE
    """
    from setori import verbs

    settings = settings_of()
    click.echo(
        verbs.case_new(title, analyst=analyst, db=db, workspace=workspace, settings=settings)
    )


@case.command("add")
@click.argument("case_id", metavar="CASE")
@click.option("--event", "events", multiple=True, metavar="ID", help="A stored event (repeatable).")
@click.option(
    "--vessel", "vessels", multiple=True, metavar="KEY", help="IMO, MMSI, name or stable key."
)
@click.option("--hit", "hits", multiple=True, metavar="ID", help="A stored hit (repeatable).")
@click.option("--note", "notes", multiple=True, metavar="TEXT", help="A note (repeatable).")
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file (photo, document) stored as it is (repeatable).",
)
@click.option(
    "--sightings",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV or GeoJSON of sightings or imagery detections (docs/cases.md).",
)
@click.option("--skip-bad-rows", is_flag=True, help="Add the good sightings, list the bad rows.")
@click.option(
    "--window-min",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Sightings: AIS positions at most this many minutes from the sighting time.",
)
@click.option(
    "--radius-m",
    type=click.FloatRange(min=0, min_open=True),
    default=1000.0,
    show_default=True,
    help="Sightings: a vessel within this distance explains the sighting.",
)
@analyst_option
@db_option
@workspace_option
def case_add(
    case_id: str,
    events: tuple[str, ...],
    vessels: tuple[str, ...],
    hits: tuple[str, ...],
    notes: tuple[str, ...],
    files: tuple[Path, ...],
    sightings: tuple[Path, ...],
    skip_bad_rows: bool,
    window_min: float,
    radius_m: float,
    analyst: str | None,
    db: Path | None,
    workspace: str | None,
) -> None:
    """Add evidence to a case: events and vessels are frozen from the store with their
    SHA-256, sightings are matched to AIS (a sighting no track explains is a dark vessel).

    Example:

    \b
        setori case add C-7KX2M9QD --event 280d724ddeb451609240 --vessel 212123000
        setori case add C-7KX2M9QD --note "adrift 12 h, no way on" --file patrol.jpg
        setori case add C-7KX2M9QD --sightings sightings.csv --radius-m 1000
    """
    from datetime import timedelta

    from setori import verbs

    if not any((events, vessels, hits, notes, files, sightings)):
        raise click.UsageError(
            "nothing to add: give --event, --vessel, --hit, --note, --file or --sightings"
        )
    added = verbs.case_add(
        case_id,
        events=events,
        vessels=vessels,
        hits=hits,
        notes=notes,
        files=files,
        sightings=sightings,
        skip_bad_rows=skip_bad_rows,
        sighting_window=timedelta(minutes=window_min),
        sighting_radius_m=radius_m,
        analyst=analyst,
        db=db,
        workspace=workspace,
        settings=settings_of(),
    )
    for item in added:
        click.echo(_added_line(item))


def _added_line(item: dict[str, Any]) -> str:
    if item["kind"] != "sightings":
        kind, evidence_id, name = item["kind"], item["evidence_id"], item["name"]
        return f"added {kind:<8} {evidence_id}  {name}  sha256 {item['sha256']}"
    line = (
        f"added {plural(item['added'], 'sighting')} from {item['file']}: "
        f"{plural(item['dark_vessels'], 'dark vessel')}"
    )
    if item["rejected"]:
        line += f"; {plural(len(item['rejected']), 'bad row')} skipped:\n  " + "\n  ".join(
            item["rejected"]
        )
    return line


@case.command("show")
@click.argument("case_id", metavar="CASE")
@db_option
@workspace_option
@format_option(("text", "json"), "text")
def case_show(case_id: str, db: Path | None, workspace: str | None, fmt: str) -> None:
    """Show a case: its evidence with hashes, and whether each cited event still holds
    under the current detection (holds, changed, gone).

    Example:

    \b
        setori case show C-7KX2M9QD --db ships.duckdb
        setori case show C-7KX2M9QD --format json | jq '.evidence[].sha256'
    """
    from setori import verbs

    shown = verbs.case_show(case_id, db=db, workspace=workspace, settings=settings_of())
    if fmt == "json":
        click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    click.echo(_case_text(shown))


def _case_text(shown: dict[str, Any]) -> str:
    lines = [
        f"{shown['case_id']}  {shown['title']}",
        f"status {shown['status']}; opened {shown['created_at']} by {shown['created_by']}; "
        f"{plural(shown['records'], 'log record')}, head {str(shown['head_hash'])[:16]}",
        "",
        f"evidence ({len(shown['evidence'])}):",
    ]
    for item in shown["evidence"]:
        lines.append(f"  {item['kind']:<8} {item['name']}")
        lines.append(f"           sha256 {item['sha256']}  {item['added_at']} {item['added_by']}")
        lines += [f"           {detail}" for detail in _details(item)]
    return "\n".join(lines)


def _details(item: dict[str, Any]) -> list[str]:
    meta = item["meta"]
    if item["kind"] == "event":
        current = item.get("current", {})
        status = current.get("status", "unknown")
        if status == "changed":
            status += f" (now {current.get('current_event_id')})"
        where = f"{meta.get('type')}/{meta.get('subtype')} MMSI {', '.join(meta.get('mmsi', []))}"
        return [f"{where} {meta.get('start')} to {meta.get('end')}", f"current detection: {status}"]
    if item["kind"] == "note":
        return [str(item.get("text"))]
    if item["kind"] == "sighting":
        verdict = (
            "DARK VESSEL: no AIS track explains it"
            if meta.get("dark_vessel")
            else f"explained by MMSI {', '.join(meta.get('explained_by', []))}"
        )
        near = meta.get("near_events") or []
        tail = f"; near events {', '.join(near)}" if near else ""
        return [
            f"{meta.get('time')} ({meta.get('source_file')} row {meta.get('row')}): {verdict}{tail}"
        ]
    if item["kind"] == "vessel":
        return [f"key {meta.get('key')}"]
    if item["kind"] == "hit":
        return [f"{meta.get('entity_id')} on {meta.get('list_id')} {meta.get('list_version')}"]
    return [f"{item['media_type']}, {item['size_bytes']:,} bytes"]


@case.command("status")
@click.argument("case_id", metavar="CASE")
@click.argument("status", type=click.Choice(STATUSES))
@analyst_option
@db_option
@workspace_option
def case_status(
    case_id: str, status: str, analyst: str | None, db: Path | None, workspace: str | None
) -> None:
    """Move a case to open, review or closed (logged with who and when).

    Example:

    \b
        setori case status C-7KX2M9QD review --analyst kim
    """
    from setori import verbs

    record = verbs.case_status(
        case_id, status, analyst=analyst, db=db, workspace=workspace, settings=settings_of()
    )
    payload = record["payload"]
    click.echo(f"{case_id}: {payload['from']} -> {payload['to']} (record {record['seq']})")


@case.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only cases with this status.")
@db_option
@workspace_option
@format_option(("table", "json"), "table")
def case_list(status: str | None, db: Path | None, workspace: str | None, fmt: str) -> None:
    """List the cases, newest first.

    Example:

    \b
        setori case list --status open
        setori case list --format json
    """
    from setori import verbs

    rows = verbs.case_list(status=status, db=db, workspace=workspace, settings=settings_of())
    for row in rows:
        if fmt == "json":
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(
                f"{row['case_id']}\t{row['status']}\t{row['created_at'][:10]}\t"
                f"{row['created_by']}\t{row['evidence']} evidence\t{row['title']}"
            )


@case.command("log")
@click.argument("case_id", metavar="CASE")
@db_option
@workspace_option
@format_option(("text", "json"), "text")
def case_log(case_id: str, db: Path | None, workspace: str | None, fmt: str) -> None:
    """The case's history, oldest first: who did what and when, with each record's hash.

    Example:

    \b
        setori case log C-7KX2M9QD
        setori case log C-7KX2M9QD --format json > log.jsonl
    """
    from setori import verbs

    for record in verbs.case_log(case_id, db=db, workspace=workspace, settings=settings_of()):
        if fmt == "json":
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        click.echo(
            f"{record['seq']:>4}  {record['at']}  {record['analyst']:<12} "
            f"{record['action']:<18} {_about(record)}  {record['record_hash'][:12]}"
        )


def _about(record: dict[str, Any]) -> str:
    payload = record["payload"]
    if record["action"] == "created":
        return repr(payload.get("title"))
    if record["action"] == "status_changed":
        return f"{payload.get('from')} -> {payload.get('to')}"
    if record["action"] == "sightings_rejected":
        return f"{plural(len(payload.get('errors', [])), 'bad row')} of {payload.get('file')}"
    if "name" in payload:
        return f"{payload.get('kind')} {payload.get('name')}"
    shown = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return shown if len(shown) <= 80 else shown[:79] + "…"


# `case verify` (a case id or a bundle) is setori.cli.bundles.case_verify, attached to
# this group by setori.cli.


COMMANDS = (case,)
