"""Watch commands: ``ingest``, ``info``, ``tracks``, ``vessels``, ``quarantine``, ``detect``,
``events`` and ``map``. Each is one call of a verb in :mod:`setori.verbs`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from setori.cli import render
from setori.cli.options import (
    EVENT_FORMATS,
    INPUT_FORMATS,
    TABLE_FORMATS,
    bbox_option,
    db_option,
    format_option,
    mmsi_option,
    output_option,
    parse_mapping,
    profile_option,
    quiet_option,
    settings_of,
    time_options,
    types_option,
    utc,
)
from setori.cli.options import output as open_output
from setori.detect.catalog import EVENT_TYPES, PROFILES

BBox = tuple[float, float, float, float]


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--format", "fmt", type=click.Choice(INPUT_FORMATS), help="Skip auto-detection.")
@click.option("--map", "mapping", multiple=True, help="Column mapping CANONICAL=COLUMN (csv).")
@click.option("--delimiter", default=",", show_default=True, help="Field separator (csv).")
@click.option("--no-header", is_flag=True, help="The CSV has no header; map by 0-based index.")
@click.option("--time-format", help="strftime format of the time column (csv).")
@click.option("--assume-time", type=click.DateTime(), help="UTC time for NMEA with no stamps.")
@quiet_option
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
    """Read AIS files into the store, creating it if needed (format auto-detected; .gz and
    - for stdin).

    Re-ingesting a file adds nothing; an interrupted run can simply be re-run.
    Bad lines are counted and quarantined (see `setori quarantine`); a file that cannot be
    read is named, the others are ingested all the same, and the exit status is 1.

    Example:

    \b
        setori ingest ais-sample.txt.gz ships.csv --db ships.duckdb
        nc ais.example 5631 | setori ingest - --assume-time 2026-01-01T00:00:00
        setori ingest boats.csv --map mmsi=ID --map ts=ais_pos_timestamp \\
            --time-format '%d/%m/%Y %H:%M'     # latitude, longitude: found by name
    """
    from setori import verbs
    from setori.cli.progress import ingest_bar

    with ingest_bar(paths, quiet) as hook:
        summary = verbs.ingest(
            paths,
            db=db,
            fmt=fmt,
            mapping=parse_mapping(mapping),
            delimiter=delimiter,
            has_header=not no_header,
            time_format=time_format,
            default_ts=utc(assume_time),
            strict=False,
            on_batch=hook,
            settings=settings_of(),
        )
    for failure in summary.failures:
        click.echo(f"error: {failure}", err=True)
    if not quiet:
        render.ingest_summary(summary)
    if summary.failures:
        raise SystemExit(1)


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def info(db: Path | None, as_json: bool) -> None:
    """Summarise the store: rows, vessels, segments, time range, sources, quarantine.

    Example:

    \b
        setori info --db ships.duckdb --json
    """
    from setori import verbs

    summary = verbs.info(db=db, settings=settings_of())
    if as_json:
        click.echo(json.dumps(summary, indent=2, default=str))
        return
    render.store_info(summary)


@click.command()
@db_option
@mmsi_option()
@time_options
@bbox_option
@format_option(TABLE_FORMATS, "csv")
@output_option
def tracks(
    db: Path | None,
    mmsi: tuple[int, ...],
    since: datetime | None,
    until: datetime | None,
    bbox: BBox | None,
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
    from setori import export, verbs

    found = verbs.tracks(
        db=db, mmsi=mmsi, since=utc(since), until=utc(until), bbox=bbox, settings=settings_of()
    )
    with open_output(output) as out:
        export.write_table(found.table, out, fmt, kind="tracks")


@click.command()
@db_option
@mmsi_option()
@format_option(("csv", "json", "parquet"), "csv")
@output_option
def vessels(db: Path | None, mmsi: tuple[int, ...], fmt: str, output: Path | None) -> None:
    """Per MMSI: names, IMO numbers, call signs, ship types (codes and words), first/last time.

    Example:

    \b
        setori vessels --mmsi 538004030 --format json
    """
    from setori import export, verbs

    table = verbs.vessels(db=db, mmsi=mmsi, settings=settings_of())
    with open_output(output) as out:
        export.write_table(table, out, fmt)


@click.command()
@db_option
@format_option(("csv", "json", "parquet"), "csv")
@output_option
def quarantine(db: Path | None, fmt: str, output: Path | None) -> None:
    """Export every quarantined input unit: source, line number, reason, raw text.

    Example:

    \b
        setori quarantine --db ships.duckdb -o quarantine.csv
    """
    from setori import export, verbs

    table = verbs.quarantine(db=db, settings=settings_of())
    with open_output(output) as out:
        export.write_table(table, out, fmt)


def _parse_types(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    types = tuple(t.strip() for t in value.split(",") if t.strip())
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise click.BadParameter(f"unknown {unknown}; expected some of {', '.join(EVENT_TYPES)}")
    return types


@click.command()
@db_option
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
@time_options
@bbox_option
@quiet_option
def detect(
    db: Path | None,
    profile: str,
    types: str | None,
    since: datetime | None,
    until: datetime | None,
    bbox: BBox | None,
    quiet: bool,
) -> None:
    """Detect encounters, loitering, AIS gaps, port visits, zone entries and identity anomalies.

    Events are stored with their evidence and context tags; re-running replaces the events of
    the same scope (profile, types, window), never duplicates them. The summary says how
    many each type stored and how many `setori events` shows by default (the gfw view hides
    encounters in port). A scope of more than 20 M positions ($SETORI_DETECT_ROWS) is read
    and detected by time windows with a day of overlap, so memory stays bounded.

    Example:

    \b
        setori detect --profile dprk
        setori detect --types encounter,loitering --since 2020-12-01 --until 2020-12-03
    """
    from setori import verbs
    from setori.cli.progress import spinner

    wanted = _parse_types(types) or EVENT_TYPES
    with spinner(quiet, "reading tracks") as progress:
        window = [""]
        task = progress.task_ids[0]

        def on_detector(name: str) -> None:
            step = f"{wanted.index(name) + 1}/{len(wanted)}"
            progress.update(task, description=f"{window[0]}detecting {name} ({step})")

        def on_window(c0: datetime, c1: datetime) -> None:
            window[0] = f"window {c0:%Y-%m-%d %H:%M} to {c1:%Y-%m-%d %H:%M}: "
            progress.update(task, description=f"{window[0]}reading tracks")

        found = verbs.detect(
            db=db,
            profile=profile,
            types=wanted,
            since=utc(since),
            until=utc(until),
            bbox=bbox,
            on_detector=on_detector,
            on_window=on_window,
            settings=settings_of(),
        )
    if not quiet:
        render.detect_counts(found)


@click.command()
@db_option
@types_option
@profile_option
@mmsi_option("Only events involving this MMSI (repeatable).")
@time_options
@bbox_option
@format_option(EVENT_FORMATS, "json")
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Include what the profile's default view hides (gfw: encounters in port).",
)
@output_option
def events(
    db: Path | None,
    types: tuple[str, ...],
    profile: str | None,
    mmsi: tuple[int, ...],
    since: datetime | None,
    until: datetime | None,
    bbox: BBox | None,
    fmt: str,
    show_all: bool,
    output: Path | None,
) -> None:
    """Export the stored events of one profile with their tags and evidence.

    One profile at a time (each event says its `profile`): the one asked for, else the one
    detected last. Its default view applies: the gfw profile hides encounters within 10 km
    of a port or anchorage, as Global Fishing Watch does (they stay stored; --all shows
    them). JSON is one event per line.

    Example:

    \b
        setori events --type encounter --format geojson -o encounters.geojson
        setori events --profile dprk --mmsi 538004030 --since 2014-09-28 | jq .evidence
    """
    from setori import export_events, verbs

    table = verbs.events(
        db=db,
        types=types,
        profile=profile,
        mmsi=mmsi,
        since=utc(since),
        until=utc(until),
        bbox=bbox,
        include_hidden=show_all,
        settings=settings_of(),
    )
    with open_output(output) as out:
        export_events.write_events(table, out, fmt)


@click.command("map")
@db_option
@mmsi_option()
@time_options
@bbox_option
@types_option
@profile_option
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
    bbox: BBox | None,
    types: tuple[str, ...],
    profile: str | None,
    output: Path,
) -> None:
    """Draw tracks and one profile's events on a self-contained HTML map (works offline).

    Hover an event to see its type, vessels, window and key evidence.

    Example:

    \b
        setori map --mmsi 212123000 -o stoc-marcia.html
        setori map --type encounter --bbox 124,37,126,39.5 -o west-sea.html
    """
    from setori import verbs

    html = verbs.map_html(
        db=db,
        profile=profile,
        types=types,
        mmsi=mmsi,
        since=utc(since),
        until=utc(until),
        bbox=bbox,
        settings=settings_of(),
    )
    output.write_text(html)
    render.stderr().print(f"wrote {output}")


COMMANDS = (ingest, info, tracks, vessels, quarantine, detect, events, map_command)
