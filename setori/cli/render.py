"""Human-readable output of the commands (rich tables on a terminal; stderr for chatter).

rich is imported only when something is printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from setori.cli.options import plural
from setori.results import DetectSummary, IngestSummary

if TYPE_CHECKING:
    import pyarrow as pa
    from rich.console import Console


def stderr() -> Console:
    """Where progress and summaries go (stdout carries data)."""
    from rich.console import Console

    return Console(stderr=True)


def wide(min_width: int = 120) -> Console:
    """A stdout console: the terminal's width on a terminal (tables fit it), else at least
    ``min_width`` columns (piped output is not squeezed to 80)."""
    from rich.console import Console

    probe = Console()
    return probe if probe.is_terminal else Console(width=max(probe.width, min_width))


def ingest_summary(summary: IngestSummary) -> None:
    """Per source and outcome counts, then one line of totals (nothing when nothing ran)."""
    from rich.table import Table

    out = stderr()
    if summary.per_source and summary.lines:
        table = Table(title="ingest summary")
        for col in ("source", "outcome", "count"):
            table.add_column(col, justify="right" if col == "count" else "left")
        for source, counts in summary.per_source.items():
            for outcome, n in sorted(counts.items(), key=lambda kv: -kv[1]):
                table.add_row(Path(source).name, outcome, f"{n:,}")
        out.print(table)
    out.print(
        f"{plural(summary.lines, 'line')} read, {plural(summary.new_positions, 'new position')}, "
        f"{plural(summary.new_statics, 'new static report')}, "
        f"{summary.quarantined:,} quarantined, "
        f"{plural(summary.segmented_rows, 'position')} re-segmented"
        + (f"; {plural(len(summary.failures), 'input')} failed" if summary.failures else "")
    )


def store_info(summary: dict[str, Any]) -> None:
    """The store's summary as three tables."""
    from rich.table import Table

    out = wide(100)
    table = Table(show_header=False, title="store")
    for key in ("positions", "vessels", "static_reports", "segments", "time_range", "bbox"):
        value = summary[key]
        if isinstance(value, int):
            text = f"{value:,}"
        elif key == "time_range":
            text = " → ".join(str(v) for v in value)
        else:
            text = str(value)
        table.add_row(key, text)
    out.print(table)
    sources = Table(title="per source")
    for col in ("source", "outcome", "count"):
        sources.add_column(col)
    for source, counts in summary["sources"].items():
        for outcome, n in counts.items():
            sources.add_row(source, outcome, f"{n:,}")
    out.print(sources)
    quarantine = Table(title="quarantine")
    quarantine.add_column("reason")
    quarantine.add_column("count", justify="right")
    for reason, n in summary["quarantined"].items():
        quarantine.add_row(reason, f"{n:,}")
    out.print(quarantine)


def detect_counts(found: DetectSummary) -> None:
    """Events per type: stored, and shown by ``setori events`` (what the view hides, why)."""
    from rich.table import Table

    table = Table(title=f"events found ({found.profile} profile)")
    for col in ("type", "stored", "shown by setori events"):
        table.add_column(col, justify="left" if col == "type" else "right")
    shown = found.shown
    for name, n in found.counts.items():
        table.add_row(name, f"{n:,}", f"{shown[name]:,}")
    table.add_row("total", f"{sum(found.counts.values()):,}", f"{sum(shown.values()):,}")
    out = wide(80)
    out.print(table)
    hidden = {k: n for k, n in found.hidden.items() if n}
    if hidden:
        what = ", ".join(plural(n, k.replace("_", " ")) for k, n in hidden.items())
        out.print(
            f"the {found.profile} view hides {what} within 10 km of a port or anchorage "
            "(as Global Fishing Watch does); `setori events --all` shows them"
        )


def vessels(table: pa.Table, limit: int = 10) -> None:
    """The busiest vessels."""
    from rich.table import Table

    rows = sorted(table.to_pylist(), key=lambda r: -int(r["positions"]))[:limit]
    out = Table(title=f"busiest {plural(len(rows), 'vessel')}")
    for col in ("mmsi", "positions", "names", "imos", "ship type", "first seen", "last seen"):
        out.add_column(col, overflow="fold")
    for r in rows:
        out.add_row(
            str(r["mmsi"]),
            f"{r['positions']:,}",
            ", ".join(r["names"]),
            ", ".join(str(i) for i in r["imos"]),
            ", ".join(r.get("ship_type_names") or []),
            str(r["first_seen"])[:16],
            str(r["last_seen"])[:16],
        )
    wide().print(out)


def events_sample(table: pa.Table, limit: int = 18) -> None:
    """A few events with their context, one line each (fewer columns on a narrow screen)."""
    from rich.table import Table

    from setori.export_events import event_records

    out = wide(130)
    narrow = out.width < 110
    columns = ("type", "mmsi", "start", "hours", "context") if narrow else (
        "profile", "type", "subtype", "mmsi", "start", "hours", "lat, lon", "context")  # fmt: skip
    view = Table(title=f"sample of {plural(min(limit, table.num_rows), 'event')} "
                 "(setori events for all)")  # fmt: skip
    for col in columns:
        wraps = col in ("context", "subtype") or (col == "mmsi" and not narrow)
        view.add_column(
            col, no_wrap=not wraps, overflow="fold", min_width=9 if col == "mmsi" else None
        )
    for r in event_records(table.slice(0, limit)):
        cells = {
            "profile": r["profile"],
            "type": r["type"] if not narrow or not r["subtype"] else f"{r['type']}\n{r['subtype']}",
            "subtype": r["subtype"] or "",
            "mmsi": " ".join(str(m) for m in r["mmsi"]),
            "start": r["start"][:16].replace("T", " "),
            "hours": f"{r['duration_h']:.1f}" if r["duration_h"] is not None else "open",
            "lat, lon": "" if r["lat"] is None else f"{r['lat']:.4f}, {r['lon']:.4f}",
            "context": _context(r["tags"]),
        }
        view.add_row(*(cells[c] for c in columns))
    out.print(view)


def _context(tags: dict[str, Any]) -> str:
    flags = [k for k in ("in_port", "in_anchorage", "in_dprk_waters") if tags.get(k)]
    if flags:
        return ", ".join(flags)
    shore = tags.get("distance_to_shore_km")
    return f"{shore:.1f} km offshore" if shore else ""


def hits(table: pa.Table) -> None:
    """Screening hits: the listed entity with its programme, identifiers and list version,
    and each feature's contribution in words."""
    from rich.table import Table

    out = wide(140)
    if table.num_rows == 0:
        out.print("no hits")
        return
    view = Table(title=plural(table.num_rows, "hit"), show_lines=True)
    for col in ("hit id", "query", "listed entity", "score", "band", "why"):
        view.add_column(col, overflow="fold", no_wrap=col == "hit id")
    for row in table.to_pylist():
        why = "\n".join(
            f"{f['contribution']:+.2f} {f['explanation']}" for f in json.loads(row["features"])
        )
        band = row["band"] + (f" ({row['decision']})" if row["decision"] else "")
        view.add_row(
            row["hit_id"], _query_text(row), _listed_text(row), f"{row['score']:.2f}", band, why
        )
    out.print(view)


def _query_text(row: dict[str, Any]) -> str:
    query = json.loads(row["query"])
    said = " / ".join(query.get("names", []))
    ids = ", ".join(f"{k} {query[k]}" for k in ("imo", "mmsi", "call_sign", "flag",
                                                "birth_date") if query.get(k))  # fmt: skip
    label = f"{row['query_ref']}: " if row["query_ref"] else ""
    return f"{label}{said}{' (' + ids + ')' if ids else ''}\nas {query.get('schema', '?')}"


def _listed_text(row: dict[str, Any]) -> str:
    listing = json.loads(row["listing"] or "{}")
    lines = [f"{row['caption']} ({row['schema']})", row["entity_id"]]
    programmes = listing.get("programme", []) + listing.get("programme_id", [])
    if programmes:
        lines.append("programme " + ", ".join(dict.fromkeys(programmes)))
    ids = [f"{label} {', '.join(listing[k])}" for k, label in (("imo", "IMO"), ("mmsi", "MMSI"),
           ("call_sign", "call sign"), ("flag", "flag")) if listing.get(k)]  # fmt: skip
    lines += ids
    lines.append(f"list {row['list_id']} {row['list_version']}".rstrip())
    return "\n".join(lines)


def decisions(rows: list[dict[str, Any]]) -> None:
    """The decision history, oldest first; the current decision per pair is marked."""
    from rich.table import Table

    out = wide(140)
    if not rows:
        out.print("no decisions")
        return
    view = Table(title=plural(len(rows), "decision"))
    for col in ("id", "when (UTC)", "analyst", "query key", "entity", "decision", "reason",
                "note", "hit id"):  # fmt: skip
        view.add_column(col, overflow="fold", no_wrap=col in ("when (UTC)", "reason", "hit id"))
    for r in rows:
        what = r["decision"] + (f" {r['reverts']}" if r["reverts"] else "")
        what += " (current)" if r.get("current") else ""
        view.add_row(
            str(r["decision_id"]), r["decided_at"][:19].replace("T", " "), r["analyst"],
            r["query_key"], r["entity_id"], what, r["reason_code"], r["note"] or "",
            r["hit_id"] or "",
        )  # fmt: skip
    out.print(view)


def lists(infos: list[dict[str, Any]]) -> None:
    """The lists in the store."""
    from rich.table import Table

    table = Table(title="lists in the store")
    for col in ("list", "source", "version", "loaded (UTC)", "entities by schema"):
        table.add_column(col, overflow="fold")
    for info in infos:
        counts = ", ".join(f"{k} {v:,}" for k, v in sorted(info["counts"].items()))
        table.add_row(
            info["list_id"], info["source"], info["version"], str(info["loaded_at"])[:19], counts
        )
    wide(160).print(table)


def vessel_page(page: dict[str, Any]) -> None:
    """The vessel page as text."""
    import pyarrow as pa
    from rich.table import Table

    from setori.schema import HITS
    from setori.shiptypes import ship_type_name

    out = wide(120)
    out.rule(f"vessel {page['key']}: MMSI {', '.join(str(m) for m in page['mmsi'])}")
    ids = Table(title="identities broadcast (AIS static reports)")
    for col in ("mmsi", "name", "imo", "call sign", "type", "length×beam m", "first", "last", "n"):
        ids.add_column(col, overflow="fold")
    for mmsi, rows in page["identities"].items():
        for r in rows:
            size = f"{r['length_m'] or '?'}×{r['beam_m'] or '?'}"
            ids.add_row(
                str(mmsi), r["name"] or "", str(r["imo"] or ""), r["call_sign"] or "",
                ship_type_name(r["ship_type"]) or "", size,
                str(r["first_seen"])[:16], str(r["last_seen"])[:16], str(r["reports"]),
            )  # fmt: skip
    out.print(ids)
    hits(pa.Table.from_pylist(page["hits"], schema=HITS))
    out.print(f"[bold]conflicts[/bold]: {len(page['conflicts'])}")
    for finding in page["conflicts"]:
        out.print(f"  • {finding['kind']}: {finding['explanation']}")
    profile = page.get("profile") or "no"
    out.print(f"[bold]events[/bold] ({profile} profile): {len(page['events'])}")
    for event in page["events"]:
        where = "" if event["lat"] is None else f" at {event['lat']:.4f}, {event['lon']:.4f}"
        out.print(
            f"  • {event['type']} {event['subtype'] or ''} {str(event['start'])[:16]} → "
            f"{str(event['end'])[:16] if event['end'] else 'ongoing'}{where}"
        )
