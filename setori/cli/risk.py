"""Risk triage command: ``risk`` (vessels or events ranked by explained points)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from setori.cli.options import (
    bbox_option,
    db_option,
    format_option,
    mmsi_option,
    output_option,
    profile_option,
    settings_of,
    time_options,
    utc,
    workspace_option,
)
from setori.cli.options import output as open_output

BBox = tuple[float, float, float, float]


@click.command("risk")
@db_option
@click.option("--top", type=click.IntRange(min=0), help="Only the N highest scores.")
@time_options
@bbox_option
@mmsi_option("Only this vessel (repeatable).")
@click.option("--events", "by_event", is_flag=True, help="Rank events instead of vessels.")
@profile_option
@click.option(
    "--weights",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file overriding the points (default: $SETORI_RISK_WEIGHTS, else built in).",
)
@workspace_option
@format_option(("table", "json", "csv"), "table")
@output_option
def risk(
    db: Path | None,
    top: int | None,
    since: datetime | None,
    until: datetime | None,
    bbox: BBox | None,
    mmsi: tuple[int, ...],
    by_event: bool,
    profile: str | None,
    weights: Path | None,
    workspace: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Rank vessels (or events) by risk points, each score explained reason by reason.

    A vessel's score adds its attributes (DPRK MID or call sign, a missing IMO), its best
    stored list hit and its three highest-scoring events; an event's score adds what it
    is and what it shows (proximity, duration, both slow, night, hotspot or DPRK waters,
    a dark period within 24 h, a draught change, identity findings). The points are one
    table (docs/risk.md) that --weights or $SETORI_RISK_WEIGHTS overrides. JSON is one row
    per line with its breakdown: {points, rule, reason, event_id | hit_id | attribute}.

    Example:

    \b
        setori risk --top 20
        setori risk --events --since 2020-12-01 --until 2020-12-03 --top 10
        setori risk --format json --weights my-weights.toml | jq '.breakdown[0]'
    """
    from setori import verbs

    table = verbs.risk(
        db=db,
        top=top,
        since=utc(since),
        until=utc(until),
        bbox=bbox,
        events=by_event,
        profile=profile,
        mmsi=mmsi,
        weights=weights,
        workspace=workspace,
        settings=settings_of(),
    )
    rows = [_clean(r) for r in table.to_pylist()]
    if fmt == "table" and output is None:
        _print_table(rows, by_event=by_event)
        return
    with open_output(output) as out:
        out.write(_text(rows, fmt, by_event=by_event).encode())


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """The row with times as ISO text and each reason without its empty fields."""
    out = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
    out["breakdown"] = [{k: v for k, v in r.items() if v is not None} for r in row["breakdown"]]
    return out


def _text(rows: list[dict[str, Any]], fmt: str, *, by_event: bool) -> str:
    if fmt == "json":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = list(rows[0]) if rows else _columns(by_event)
    writer.writerow(columns)
    for r in rows:
        writer.writerow([_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def _columns(by_event: bool) -> list[str]:
    if by_event:
        return ["event_id", "type", "subtype", "mmsi", "start", "end", "lat", "lon", "score"]
    return ["mmsi", "name", "score", "events", "breakdown"]


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def _summary(breakdown: list[dict[str, Any]], limit: int = 4) -> str:
    """The rules with the most points, summed: ``proximity +75 (3×), …``."""
    by_rule: dict[str, list[int]] = {}
    for r in breakdown:
        by_rule.setdefault(r["rule"], []).append(r["points"])
    ranked = sorted(by_rule.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    parts = [f"{rule} {sum(p):+d}" + (f" ({len(p)}×)" if len(p) > 1 else "") for rule, p in ranked]
    more = len(parts) - limit
    return ", ".join(parts[:limit]) + (f", … {more} more" if more > 0 else "")


def _print_table(rows: list[dict[str, Any]], *, by_event: bool) -> None:
    from rich.table import Table

    from setori.cli.render import stderr, wide

    if not rows:
        stderr().print("nothing scored: run `setori detect` first, or widen the window")
        return
    if by_event:
        table = Table(title=f"{len(rows):,} events by risk")
        for col in ("#", "score", "event", "mmsi", "start", "why"):
            table.add_column(
                col, overflow="fold", justify="right" if col in ("#", "score") else "left"
            )
        for k, r in enumerate(rows, 1):
            kind = r["type"] + (f" {r['subtype']}" if r["subtype"] else "")
            why = "; ".join(f"{b['points']:+d} {b['reason']}" for b in r["breakdown"])
            mmsis = " ".join(str(m) for m in r["mmsi"])
            table.add_row(str(k), str(r["score"]), kind, mmsis, r["start"][:16], why)
    else:
        table = Table(title=f"{len(rows):,} vessels by risk")
        for col in ("#", "score", "mmsi", "name", "events", "top reasons"):
            table.add_column(
                col, overflow="fold", justify="right" if col in ("#", "score") else "left"
            )
        for k, r in enumerate(rows, 1):
            table.add_row(
                str(k),
                str(r["score"]),
                str(r["mmsi"]),
                r["name"] or "",
                str(r["events"]),
                _summary(r["breakdown"]),
            )
    wide().print(table)


COMMANDS: tuple[click.Command, ...] = (risk,)
