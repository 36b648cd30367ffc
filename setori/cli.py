"""The ``setori`` command line: one thin command per library verb."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import click
import pyarrow as pa
import pyarrow.compute as pc
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from setori import __version__, export, export_events, pipeline
from setori.demo import demo_inputs
from setori.detect.run import EVENT_TYPES, PROFILES
from setori.errors import InputError, SetoriError
from setori.ingest.batch import IngestBatch
from setori.ingest.sources import FORMATS as INPUT_FORMATS
from setori.ingest.sources import ReadOptions
from setori.store import db as store_db
from setori.store import events as event_store
from setori.store import queries

console = Console(stderr=True)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _db_option(default: str | None = None) -> Callable[[Any], Any]:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        help="Store file (default: $SETORI_DB, else ./setori.duckdb).",
    )


def _time_options(func: Any) -> Any:
    func = click.option("--until", type=click.DateTime(), help="Only before this UTC time.")(func)
    return click.option("--since", type=click.DateTime(), help="Only from this UTC time.")(func)


def _parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    parts = value.split(",")
    try:
        x0, y0, x1, y1 = (float(p) for p in parts)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r}: expected four numbers MIN_LON,MIN_LAT,MAX_LON,MAX_LAT"
        ) from exc
    return x0, y0, x1, y1


@contextmanager
def _output(path: Path | None) -> Iterator[BinaryIO]:
    if path is None or str(path) == "-":
        yield sys.stdout.buffer
        return
    with open(path, "wb") as out:
        yield out


def _parse_mapping(items: Sequence[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        key, sep, column = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: expected CANONICAL=COLUMN, e.g. mmsi=ID")
        mapping[key.strip()] = column.strip()
    return mapping


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="setori")
@click.option(
    "--log-level",
    type=click.Choice(["warning", "info", "debug"]),
    default="warning",
    help="Log to stderr at this level (info: one line per committed batch).",
)
def cli(log_level: str) -> None:
    """setori: maritime sanctions monitoring from AIS.

    Ingest AIS (NMEA, CSV, Parquet) into an embedded store, split it into
    tracks, and inspect vessels.

    Example:

    \b
        setori demo
        setori ingest ais.nmea.gz --db ships.duckdb
        setori tracks --db ships.duckdb --mmsi 538004030 --format geojson -o frio.geojson
    """
    logging.basicConfig(
        level=log_level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )


class _IngestProgress:
    """A live progress line (rows read, rate) driven by per-batch callbacks."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("ingest", total=None, rows=0, rate=0.0)
        self.rows = 0
        self.started = time.monotonic()

    def __call__(self, source: str, batch: IngestBatch, added: int) -> None:
        self.rows += batch.lines
        rate = self.rows / max(time.monotonic() - self.started, 1e-9)
        self.progress.update(self.task, description=Path(source).name, rows=self.rows, rate=rate)


def _run_ingest(
    db: Path | None, paths: Sequence[str], options: ReadOptions, quiet: bool
) -> tuple[pipeline.IngestSummary, list[str]]:
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[rows]:,} lines"),
        TextColumn("{task.fields[rate]:,.0f} lines/s"),
        TimeElapsedColumn(),
    )
    summary, failures = pipeline.IngestSummary(), []
    con = store_db.connect(db)
    try:
        with Progress(*columns, console=console, disable=quiet, transient=True) as progress:
            hook = _IngestProgress(progress)
            for path in paths:
                try:
                    pipeline.ingest_source(con, path, options, summary, hook)
                except InputError as exc:
                    failures.append(str(exc))
                    click.echo(f"error: {exc}", err=True)
            summary.segmented_rows = pipeline.update_segments(con)
    finally:
        con.close()
    return summary, failures


def _print_summary(summary: pipeline.IngestSummary) -> None:
    table = Table(title="ingest summary", show_header=True)
    for col in ("source", "outcome", "count"):
        table.add_column(col, justify="right" if col == "count" else "left")
    for source, counts in summary.per_source.items():
        for outcome, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            table.add_row(Path(source).name, outcome, f"{n:,}")
    console.print(table)
    console.print(
        f"{summary.lines:,} lines read, {summary.new_positions:,} new positions, "
        f"{summary.new_statics:,} new static reports, {summary.quarantined:,} quarantined, "
        f"{summary.segmented_rows:,} positions re-segmented"
    )


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@_db_option()
@click.option("--format", "fmt", type=click.Choice(INPUT_FORMATS), help="Skip auto-detection.")
@click.option("--map", "mapping", multiple=True, help="Column mapping CANONICAL=COLUMN (csv).")
@click.option("--delimiter", default=",", show_default=True, help="Field separator (csv).")
@click.option("--no-header", is_flag=True, help="The CSV has no header; map by 0-based index.")
@click.option("--time-format", help="strftime format of the time column (csv).")
@click.option("--assume-time", type=click.DateTime(), help="UTC time for NMEA with no stamps.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def ingest(
    paths: tuple[str, ...],
    db: Path | None,
    fmt: str | None,
    mapping: tuple[str, ...],
    delimiter: str,
    no_header: bool,
    time_format: str | None,
    assume_time: datetime | None,
    quiet: bool,
) -> None:
    """Read AIS files into the store (format auto-detected; .gz and - for stdin).

    Re-ingesting a file adds nothing; an interrupted run can simply be re-run.
    Bad lines are counted and quarantined (see `setori quarantine`).

    Example:

    \b
        setori ingest ais-sample.txt.gz ships.csv --db ships.duckdb
        nc ais.example 5631 | setori ingest - --assume-time 2026-01-01T00:00:00
        setori ingest boats.csv --format csv --map mmsi=ID --map ts=ais_pos_timestamp \\
            --map lat=latitude --map lon=longitude --time-format '%d/%m/%Y %H:%M'
    """
    options = ReadOptions(
        fmt=fmt,
        mapping=_parse_mapping(mapping),
        delimiter=delimiter,
        has_header=not no_header,
        time_format=time_format,
        default_ts=_utc(assume_time),
    )
    summary, failures = _run_ingest(db, paths, options, quiet)
    if not quiet:
        _print_summary(summary)
    if failures:
        raise SystemExit(1)


@cli.command()
@_db_option()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def info(db: Path | None, as_json: bool) -> None:
    """Summarise the store: rows, vessels, segments, time range, sources, quarantine.

    Example:

    \b
        setori info --db ships.duckdb --json
    """
    con = store_db.connect(db)
    try:
        summary = queries.info(con)
    finally:
        con.close()
    if as_json:
        click.echo(json.dumps(summary, indent=2, default=str))
        return
    _print_info(summary)


def _print_info(summary: dict[str, Any]) -> None:
    out = Console()
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


def _format_option(default: str) -> Callable[[Any], Any]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(export.FORMATS),
        default=default,
        show_default=True,
        help="Output format.",
    )


@cli.command()
@_db_option()
@click.option("--mmsi", type=int, multiple=True, help="Only this MMSI (repeatable).")
@_time_options
@click.option("--bbox", help="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")
@_format_option("csv")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default stdout).")
def tracks(
    db: Path | None,
    mmsi: tuple[int, ...],
    since: datetime | None,
    until: datetime | None,
    bbox: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Export positions with their segment ids.

    GeoJSON gives one LineString per segment; CSV, JSON lines and Parquet one row
    per position.

    Example:

    \b
        setori tracks --mmsi 538004030 --format geojson -o frio.geojson
        setori tracks --since 2014-09-28T16:00:00 --bbox 11,57,12,58 --format json
    """
    where = queries.TrackFilter(mmsi, _utc(since), _utc(until), _parse_bbox(bbox))
    con = store_db.connect(db)
    try:
        table = queries.tracks(con, where)
    finally:
        con.close()
    with _output(output) as out:
        export.write_table(table, out, fmt, kind="tracks")


@cli.command()
@_db_option()
@click.option("--mmsi", type=int, multiple=True, help="Only this MMSI (repeatable).")
@_format_option("csv")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default stdout).")
def vessels(db: Path | None, mmsi: tuple[int, ...], fmt: str, output: Path | None) -> None:
    """Per MMSI: names, IMO numbers, call signs, ship types seen, first/last time.

    Example:

    \b
        setori vessels --mmsi 538004030 --format json
    """
    con = store_db.connect(db)
    try:
        table = queries.vessels(con, mmsi)
    finally:
        con.close()
    if fmt == "geojson":
        raise click.UsageError("vessels have no single position: use csv, json or parquet")
    with _output(output) as out:
        export.write_table(table, out, fmt)


@cli.command()
@_db_option()
@_format_option("csv")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default stdout).")
def quarantine(db: Path | None, fmt: str, output: Path | None) -> None:
    """Export every quarantined input unit: source, line number, reason, raw text.

    Example:

    \b
        setori quarantine --db ships.duckdb -o quarantine.csv
    """
    if fmt == "geojson":
        raise click.UsageError("quarantined lines have no position: use csv, json or parquet")
    con = store_db.connect(db)
    try:
        table = queries.quarantine(con)
    finally:
        con.close()
    with _output(output) as out:
        export.write_table(table, out, fmt)


@cli.command()
@_db_option("setori-demo.duckdb")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def demo(db: Path, quiet: bool) -> None:
    """Run the main job on real sample data and print what it found.

    Ingests real AIS from ../shared/data (or the sample shipped with setori),
    segments tracks, detects events (gfw profile), and summarises what it found.

    Example:

    \b
        setori demo --db /tmp/demo.duckdb
    """
    inputs = demo_inputs()
    console.print(f"demo: ingesting {len(inputs)} real AIS files into {db}")
    summary, failures = _run_ingest(db, [str(p) for p in inputs], ReadOptions(), quiet)
    _print_summary(summary)
    counts = _run_detect(db, "gfw", (), queries.TrackFilter(), quiet)
    con = store_db.connect(db)
    try:
        _print_info(queries.info(con))
        _print_vessels(queries.vessels(con))
        _print_counts(counts, "gfw")
        _print_events(_demo_events(con))
        _demo_screening(con)
    finally:
        con.close()
    if failures:
        raise SystemExit(1)


def _demo_screening(con: Any) -> None:
    """Load the real UN and OFAC lists and screen every AIS identity in the store."""
    from setori import investigate
    from setori.cli_investigate import _print_hits
    from setori.demo import demo_lists

    paths = demo_lists()
    if not paths:
        console.print("demo: no sanctions lists found (../shared/data absent): screening skipped")
        return
    for found, diff in investigate.load_lists(con, paths):
        console.print(f"demo: list {found.list_id} {found.version}: {diff.total:,} entities")
    screener = investigate.build_screener(con)
    ais = investigate.ais_queries(con)
    hits = investigate.screen(screener, ais)
    console.print(
        f"demo: screened {len(ais):,} AIS identities against {len(screener.records):,} listed "
        f"entities: {hits.num_rows:,} alerting hits"
    )
    _print_hits(hits.slice(0, 10))


def _parse_types(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    types = tuple(t.strip() for t in value.split(",") if t.strip())
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise click.BadParameter(f"unknown {unknown}; expected some of {', '.join(EVENT_TYPES)}")
    return types


def _run_detect(
    db: Path | None,
    profile: str,
    types: tuple[str, ...],
    where: queries.TrackFilter,
    quiet: bool,
) -> dict[str, int]:
    con = store_db.connect(db)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, disable=quiet, transient=True) as progress:
            task = progress.add_task("reading tracks", total=None)

            window = [""]

            def step(name: str) -> None:
                progress.update(task, description=f"{window[0]}detecting {name}")

            def next_window(c0: datetime, c1: datetime) -> None:
                window[0] = f"window {c0:%Y-%m-%d %H:%M} to {c1:%Y-%m-%d %H:%M}: "
                progress.update(task, description=f"{window[0]}reading tracks")

            found = pipeline.run_detection(
                con,
                profile=profile,
                types=types,
                where=where,
                on_detector=step,
                on_window=next_window,
            )
    finally:
        con.close()
    return found.counts


def _print_counts(counts: dict[str, int], profile: str) -> None:
    table = Table(title=f"events found ({profile} profile)")
    table.add_column("type")
    table.add_column("events", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    table.add_row("total", f"{sum(counts.values()):,}")
    Console().print(table)


@cli.command()
@_db_option()
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="gfw",
    show_default=True,
    help="Parameter profile: gfw (comparable with Global Fishing Watch) or dprk.",
)
@click.option(
    "--types", help=f"Comma-separated event types (default all): {', '.join(EVENT_TYPES)}."
)
@_time_options
@click.option("--bbox", help="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
def detect(
    db: Path | None,
    profile: str,
    types: str | None,
    since: datetime | None,
    until: datetime | None,
    bbox: str | None,
    quiet: bool,
) -> None:
    """Detect encounters, loitering, AIS gaps, port visits, zone entries and identity anomalies.

    Events are stored with their evidence and context tags; re-running replaces the events of
    the same scope (profile, types, window), never duplicates them. A scope of more than
    20 M positions ($SETORI_DETECT_ROWS) is read and detected by time windows with a day of
    overlap, so memory stays bounded; events longer than a day may then end at a window edge.

    Example:

    \b
        setori detect --profile dprk
        setori detect --types encounter,loitering --since 2020-12-01 --until 2020-12-03
    """
    where = queries.TrackFilter((), _utc(since), _utc(until), _parse_bbox(bbox))
    counts = _run_detect(db, profile, _parse_types(types), where, quiet)
    if not quiet:
        _print_counts(counts, profile)


@cli.command()
@_db_option()
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(EVENT_TYPES),
    help="Only this event type (repeatable).",
)
@click.option("--profile", type=click.Choice(PROFILES), help="Only events of this profile.")
@click.option("--mmsi", type=int, multiple=True, help="Only events involving this MMSI.")
@_time_options
@click.option("--bbox", help="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(export_events.FORMATS),
    default="json",
    show_default=True,
    help="Output format (json = one event per line).",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Include what the profile's default view hides (gfw: in-port encounters).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default stdout).")
def events(
    db: Path | None,
    types: tuple[str, ...],
    profile: str | None,
    mmsi: tuple[int, ...],
    since: datetime | None,
    until: datetime | None,
    bbox: str | None,
    fmt: str,
    show_all: bool,
    output: Path | None,
) -> None:
    """Export stored events with their tags and evidence.

    By default each profile's view applies: the gfw profile hides encounters within 10 km of
    a port or anchorage, as Global Fishing Watch does (they stay stored; --all shows them).

    Example:

    \b
        setori events --type encounter --format geojson -o encounters.geojson
        setori events --mmsi 538004030 --since 2014-09-28 | jq .evidence
    """
    where = event_store.EventFilter(
        types, profile, mmsi, _utc(since), _utc(until), _parse_bbox(bbox)
    )
    con = store_db.connect(db)
    try:
        table = event_store.read_events(con, where)
    finally:
        con.close()
    if not show_all:
        table = _default_views(table)
    with _output(output) as out:
        export_events.write_events(table, out, fmt)


def _default_views(table: pa.Table) -> pa.Table:
    """Each profile's default view over its own events (events stay stored either way)."""
    from setori.detect.context import default_view

    parts = []
    for profile in sorted(set(table.column("profile").to_pylist())):
        mine = table.filter(pc.equal(table.column("profile"), profile))
        parts.append(default_view(mine, profile))
    return pa.concat_tables(parts) if parts else table


def _wide() -> Console:
    """A console at least 120 columns wide, also when output is not a terminal."""
    probe = Console()
    return Console(width=max(probe.width, 120))


@cli.command("map")
@_db_option()
@click.option("--mmsi", type=int, multiple=True, help="Only this MMSI (repeatable).")
@_time_options
@click.option("--bbox", help="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(EVENT_TYPES),
    help="Only events of this type (repeatable; default all).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("setori-map.html"),
    show_default=True,
    help="HTML file to write.",
)
def map_command(
    db: Path | None,
    mmsi: tuple[int, ...],
    since: datetime | None,
    until: datetime | None,
    bbox: str | None,
    types: tuple[str, ...],
    output: Path,
) -> None:
    """Draw tracks and events on a self-contained HTML map (works offline).

    Hover an event to see its type, vessels, window and key evidence.

    Example:

    \b
        setori map --mmsi 212123000 -o stoc-marcia.html
        setori map --type encounter --bbox 124,37,126,39.5 -o west-sea.html
    """
    from setori.web.svgmap import render_map

    box = _parse_bbox(bbox)
    where = queries.TrackFilter(mmsi, _utc(since), _utc(until), box)
    event_where = event_store.EventFilter(types, None, mmsi, _utc(since), _utc(until), box)
    con = store_db.connect(db)
    try:
        html = render_map(queries.tracks(con, where), event_store.read_events(con, event_where))
    finally:
        con.close()
    output.write_text(html)
    console.print(f"wrote {output}")


def _print_events(table: pa.Table, limit: int = 18) -> None:
    out = Table(title=f"sample of {min(limit, table.num_rows)} events (setori events for all)")
    for col in ("type", "subtype", "mmsi", "start", "hours", "lat, lon", "context"):
        out.add_column(col, no_wrap=True)
    for r in export_events.event_records(table.slice(0, limit)):
        tags = r["tags"]
        context = ", ".join(
            k for k in ("in_port", "in_anchorage", "in_dprk_waters") if tags.get(k)
        ) or (
            f"{tags['distance_to_shore_km']:.1f} km offshore"
            if tags.get("distance_to_shore_km")
            else ""
        )
        out.add_row(
            r["type"],
            r["subtype"] or "",
            "/".join(str(m) for m in r["mmsi"]),
            r["start"][:16],
            f"{r['duration_h']:.1f}" if r["duration_h"] is not None else "open",
            f"{r['lat']:.4f}, {r['lon']:.4f}",
            context,
        )
    Console().print(out)


def _demo_events(con: Any) -> pa.Table:
    """A readable sample: encounters and loitering first, then the rest."""
    order = (
        "encounter",
        "loitering",
        "dark_rendezvous",
        "dark_approach",
        "port_visit",
        "gap",
        "identity",
    )
    tables = [
        event_store.read_events(con, event_store.EventFilter(types=(t,), profile="gfw")).slice(0, 3)
        for t in order
    ]
    return pa.concat_tables(tables)


def _print_vessels(table: pa.Table, limit: int = 10) -> None:
    rows = sorted(table.to_pylist(), key=lambda r: -int(r["positions"]))[:limit]
    out = Table(title=f"busiest {len(rows)} vessels")
    for col in ("mmsi", "positions", "names", "imos", "first_seen", "last_seen"):
        out.add_column(col)
    for r in rows:
        out.add_row(
            str(r["mmsi"]),
            f"{r['positions']:,}",
            ", ".join(r["names"]),
            ", ".join(str(i) for i in r["imos"]),
            str(r["first_seen"])[:19],
            str(r["last_seen"])[:19],
        )
    Console().print(out)


def main() -> None:
    """Console entry point: SetoriError becomes a one-line message and exit status 1."""
    try:
        cli(standalone_mode=True)
    except SetoriError as exc:
        click.echo(f"error: {exc}", err=True)  # one unwrapped line, whatever the terminal
        raise SystemExit(1) from exc
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()


def _register_investigate() -> None:
    from setori.cli_investigate import register

    register(cli)


_register_investigate()
