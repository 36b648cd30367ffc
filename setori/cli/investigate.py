"""Investigate commands: ``screen``, ``hit``, ``decide``, ``decisions``, ``vessel`` (lists:
:mod:`.lists`).

Each is one call of a verb in :mod:`setori.verbs`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from setori.cli import render
from setori.cli.options import (
    DECISIONS,
    analyst_option,
    db_option,
    format_option,
    plural,
    profile_option,
    settings_of,
    workspace_option,
)

if TYPE_CHECKING:
    import pyarrow as pa

#: Reason codes of a decision: setori.workspace.decisions.REASON_CODES.
REASON_CODES = (
    "same_identifiers",
    "different_identifiers",
    "different_dates",
    "different_vessel",
    "different_party",
    "list_error",
    "other",
)
#: Schemata a query can be screened as: setori.screen.match.queries.SCHEMATA.
SCHEMATA = ("Vessel", "Person", "Organization", "Company", "LegalEntity")
#: The JSON text columns of a hit: setori.schema.HITS_JSON_COLUMNS.
HITS_JSON_COLUMNS = ("query", "listing", "features", "entity")


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.loads(v) if k in HITS_JSON_COLUMNS and v else v for k, v in row.items()}


def _write_hits(table: pa.Table, fmt: str) -> None:
    if fmt == "json":
        for row in table.to_pylist():
            sys.stdout.write(json.dumps(_decoded(row), ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(table.column_names)
        writer.writerows(row.values() for row in table.to_pylist())
        return
    render.hits(table)


def _screen_summary(table: pa.Table, fmt: str) -> None:
    """What was searched, the names-file rows not screened, and the hits stored."""
    meta = json.loads((table.schema.metadata or {}).get(b"setori.screen", b"{}"))
    out = render.stderr()
    for error in meta.get("row_errors", []):
        out.print(f"[red]not screened[/red]: {error}", highlight=False)
    if meta.get("row_errors"):
        out.print(f"{plural(len(meta['row_errors']), 'row')} not screened (see above)")
    if fmt == "table":
        searched = ", ".join(meta.get("searched", [])) or "nothing"
        out.print(
            f"{plural(meta.get('queries', 0), 'query', 'queries')} screened as {searched}; "
            f"{plural(table.num_rows, 'hit')} shown, {meta.get('stored', 0):,} newly stored",
            highlight=False,
        )


@click.command()
@db_option
@workspace_option
@click.option("--from-ais", is_flag=True, help="Screen every identity broadcast in the store.")
@click.option(
    "--name", "names", multiple=True, help="A name to screen (repeatable: one query each)."
)
@click.option(
    "--names-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of queries with a header: name, schema, imo, mmsi, call_sign, flag, birth_date.",
)
@click.option(
    "--schema",
    type=click.Choice(SCHEMATA),
    help="Screen only as this kind (default: Vessel, Person and Organization).",
)
@click.option("--imo")
@click.option("--mmsi")
@click.option("--call-sign")
@click.option("--flag", help="ISO code or country name.")
@click.option("--birth-date", help="Persons: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--limit", default=10, show_default=True, help="Hits per query.")
@click.option("--all", "show_all", is_flag=True, help="Also show hits below the review band.")
@click.option("--no-store", is_flag=True, help="Do not store the hits in the workspace.")
@format_option(("table", "json", "csv"), "table")
def screen(
    db: Path | None, workspace: str | None, from_ais: bool, names: tuple[str, ...],
    names_file: Path | None, schema: str | None, imo: str | None, mmsi: str | None,
    call_sign: str | None, flag: str | None, birth_date: str | None, limit: int,
    show_all: bool, no_store: bool, fmt: str,
) -> None:  # fmt: skip
    """Screen vessels, people or companies against the loaded lists, with reasons.

    Each --name is its own query. Without --schema a name is screened as a vessel, a
    person and an organisation (stderr, or the `searched` field, says which). Every hit
    shows its id, score, band (strong / review / none), each feature's contribution in
    words, the listed entity's programme and identifiers, and the list version. The hits
    shown are stored in the workspace, so `setori decide HIT_ID ...` and `setori case add
    CASE --hit HIT_ID` can use them; decided pairs stay decided (see `setori decide`).

    Example:

    \b
        setori screen --name CHONMASAN
        setori screen --name "Kim Jong Un" --name "김정은"
        setori screen --name "M/V KUM UN SAN 3" --imo 8405311 --format json
        setori screen --schema Person --name "리영길"
        setori screen --names-file queries.csv --format csv > hits.csv
        setori screen --from-ais --format csv > hits.csv
    """
    from setori import verbs

    if not (from_ais or names_file or names or imo or mmsi or call_sign):
        raise click.UsageError(
            "give --from-ais, --names-file, or --name / --imo / --mmsi / --call-sign"
        )
    table = verbs.screen(
        db=db, names=names, schema=schema, imo=imo, mmsi=mmsi, call_sign=call_sign, flag=flag,
        birth_date=birth_date, names_file=names_file, from_ais=from_ais, limit=limit,
        alerts_only=not show_all, store=not no_store, workspace=workspace,
        settings=settings_of(),
    )  # fmt: skip
    _screen_summary(table, fmt)
    _write_hits(table, fmt)


@click.command()
@click.argument("hit_id")
@db_option
@workspace_option
@format_option(("table", "json"), "table")
def hit(hit_id: str, db: Path | None, workspace: str | None, fmt: str) -> None:
    """Show a stored hit again exactly as screening made it (list and matcher version, the
    listed entity as matched), with today's decision on it.

    Example:

    \b
        setori hit a5f936bef14f5118 --format json
    """
    from setori import verbs

    row = verbs.hit(hit_id, db=db, workspace=workspace, settings=settings_of())
    if fmt == "json":
        click.echo(json.dumps(_decoded(row), ensure_ascii=False))
        return
    import pyarrow as pa

    from setori.schema import HITS

    render.hits(pa.Table.from_pylist([row], schema=HITS))
    render.stderr().print(f"stored {row['created_at']} by {row['created_by'] or 'screening'}")


@click.command()
@click.argument("args", nargs=-1, metavar="[HIT_ID | QUERY_KEY ENTITY_ID] DECISION")
@click.option(
    "--reason",
    type=click.Choice(REASON_CODES),
    help="Why (required with a decision; --revert defaults to other).",
)
@click.option("--note", help="Free text: what was compared, what settled it.")
@click.option("--revert", "revert_id", type=int, metavar="DECISION_ID",
              help="Undo this decision (a new row; the history is kept).")  # fmt: skip
@analyst_option
@db_option
@workspace_option
def decide(
    args: tuple[str, ...], reason: str | None, note: str | None, revert_id: int | None,
    analyst: str | None, db: Path | None, workspace: str | None,
) -> None:  # fmt: skip
    """Mark a screening hit true (confirmed) or false (dismissed), or undo a decision.

    Give a HIT_ID (the `hit_id` column of `setori screen`), or the exact QUERY_KEY and
    ENTITY_ID (the `query_key` and `entity_id` columns). The decision holds for that query
    and that listed entity only, on every later run, until reverted. An analyst is required
    (--analyst or SETORI_ANALYST) and a reason code; history: `setori decisions`. The keys
    below are those `setori screen --name CHONMASAN` prints with the OFAC 2021 DPRK
    vessels loaded (tests/data/lists/ofac-sdn-2021-dprk-vessels/sdn.csv).

    Example:

    \b
        setori decide a5f936bef14f5118 dismissed --reason different_vessel --analyst kim
        setori decide 'Vessel|CHONMASAN|||' ofac-23729 confirmed --reason same_identifiers
        setori decide --revert 3 --note "wrong hull" --analyst kim
    """
    from setori import verbs

    settings = settings_of()
    out = render.stderr()
    if revert_id is not None:
        if args:
            raise click.UsageError("--revert takes no other arguments")
        row = verbs.decide_revert(
            revert_id, note=note, reason=reason or "other", analyst=analyst, db=db,
            workspace=workspace, settings=settings,
        )  # fmt: skip
        out.print(f"decision {revert_id} reverted (decision {row['decision_id']})")
        return
    key, entity_id, decision = _decide_args(args)
    if reason is None:
        raise click.UsageError(f"give --reason, one of {', '.join(REASON_CODES)}")
    row = verbs.decide(
        key, decision, entity_id=entity_id, reason=reason, note=note, analyst=analyst, db=db,
        workspace=workspace, settings=settings,
    )  # fmt: skip
    out.print(
        f"decision {row['decision_id']}: {decision} ({reason}) by {row['analyst']}: "
        f"{row['query_key']} ↔ {row['entity_id']}",
        highlight=False,
    )


def _decide_args(args: tuple[str, ...]) -> tuple[str, str | None, str]:
    if len(args) not in (2, 3) or args[-1] not in DECISIONS:
        raise click.UsageError(
            f"expected HIT_ID DECISION or QUERY_KEY ENTITY_ID DECISION, DECISION one of "
            f"{', '.join(DECISIONS)}; got {' '.join(args) or 'nothing'}"
        )
    return (args[0], None, args[1]) if len(args) == 2 else (args[0], args[1], args[2])


@click.command()
@click.argument("key", required=False, metavar="[HIT_ID | QUERY_KEY]")
@click.option("--entity", "entity_id", help="Only decisions on this listed entity.")
@db_option
@workspace_option
@format_option(("table", "json"), "table")
def decisions(
    key: str | None, entity_id: str | None, db: Path | None, workspace: str | None, fmt: str
) -> None:
    """The history of analysts' decisions: who decided what, when, why, and what is current.

    KEY is a stored hit id (its query and entity) or a query key; without it, all.

    Example:

    \b
        setori decisions
        setori decisions a5f936bef14f5118 --format json
    """
    from setori import verbs

    rows = verbs.decisions(
        key=key, entity_id=entity_id, db=db, workspace=workspace, settings=settings_of()
    )
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    render.decisions(rows)


@click.command()
@click.argument("key")
@db_option
@workspace_option
@profile_option
@format_option(("text", "json"), "text")
def vessel(key: str, db: Path | None, workspace: str | None, profile: str | None, fmt: str) -> None:
    """One page on a vessel: identities over time, list hits with reasons, conflicts, events.

    KEY is an MMSI, an IMO number (as broadcast) or a broadcast name.

    Example:

    \b
        setori vessel 538004030
        setori vessel "IMO 9390305" --format json
        setori vessel "STOC MARCIA" --profile dprk
    """
    from setori import verbs

    page = verbs.vessel(key, db=db, profile=profile, workspace=workspace, settings=settings_of())
    if fmt == "json":
        click.echo(json.dumps(page, default=str, ensure_ascii=False, indent=2))
        return
    render.vessel_page(page)


COMMANDS = (screen, hit, decide, decisions, vessel)
