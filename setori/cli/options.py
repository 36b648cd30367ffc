"""Options shared by every command, and the parsers behind them.

Only click and setori's light modules are imported here: ``setori --help`` must not pay
for NumPy, DuckDB or the screening stack.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import click

from setori.detect.catalog import EVENT_TYPES, PROFILES
from setori.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

#: Output formats of row tables (positions, vessels, quarantine, hits): setori.export.FORMATS.
TABLE_FORMATS = ("csv", "json", "geojson", "parquet")
#: Output formats of events: setori.export_events.FORMATS.
EVENT_FORMATS = ("json", "csv", "geojson", "kml", "parquet")
#: Input formats: setori.ingest.sources.FORMATS.
INPUT_FORMATS = ("nmea", "marinecadastre", "dma", "aisdb", "traj", "csv", "parquet")
#: Analysts' decisions on a hit: setori.workspace.decisions.DECISIONS.
DECISIONS = ("confirmed", "dismissed")


def settings_of(ctx: click.Context | None = None) -> Settings:
    """The settings the ``setori`` group read once (``SETORI_*``, else defaults)."""
    ctx = ctx or click.get_current_context()
    found = ctx.find_object(Settings)
    return found if found is not None else Settings.load()


def db_option(func: F) -> F:
    """``--db PATH``: the store (default: the ``db`` setting, ``$SETORI_DB``)."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Store file (default: $SETORI_DB, else ./setori.duckdb).",
    )(func)


def time_options(func: F) -> F:
    """``--since`` and ``--until`` (UTC)."""
    func = click.option("--until", type=click.DateTime(), help="Only before this UTC time.")(func)
    return click.option("--since", type=click.DateTime(), help="Only from this UTC time.")(func)


def bbox_option(func: F) -> F:
    """``--bbox MIN_LON,MIN_LAT,MAX_LON,MAX_LAT``."""
    return click.option(
        "--bbox", callback=_parse_bbox, help="Only inside MIN_LON,MIN_LAT,MAX_LON,MAX_LAT."
    )(func)


def mmsi_option(help_text: str = "Only this MMSI (repeatable).") -> Callable[[F], F]:
    """``--mmsi N`` (repeatable)."""
    return click.option("--mmsi", type=int, multiple=True, help=help_text)


def profile_option(func: F) -> F:
    """``--profile gfw|dprk`` of a reading command (default: the profile detected last)."""
    return click.option(
        "--profile",
        type=click.Choice(PROFILES),
        help="Events of this profile (default: the profile detected last).",
    )(func)


def types_option(func: F) -> F:
    """``--type T`` (repeatable) over the event types."""
    return click.option(
        "--type",
        "types",
        multiple=True,
        type=click.Choice(EVENT_TYPES),
        help="Only this event type (repeatable; default all).",
    )(func)


def format_option(choices: Sequence[str], default: str) -> Callable[[F], F]:
    """``--format`` with the same name and meaning in every command."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def output_option(func: F) -> F:
    """``-o/--output FILE`` (default: stdout)."""
    return click.option(
        "-o", "--output", type=click.Path(path_type=Path), help="File (default stdout)."
    )(func)


def quiet_option(func: F) -> F:
    """``-q/--quiet``."""
    return click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")(func)


def utc(value: datetime | None) -> datetime | None:
    """A naive datetime from the command line, read as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _parse_bbox(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        x0, y0, x1, y1 = (float(p) for p in value.split(","))
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r}: expected four numbers MIN_LON,MIN_LAT,MAX_LON,MAX_LAT"
        ) from exc
    return x0, y0, x1, y1


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """``("mmsi=ID", "ts=time")`` -> ``{"mmsi": "ID", "ts": "time"}``."""
    mapping = {}
    for item in items:
        key, sep, column = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: expected CANONICAL=COLUMN, e.g. mmsi=ID")
        mapping[key.strip()] = column.strip()
    return mapping


@contextmanager
def output(path: Path | None) -> Iterator[BinaryIO]:
    """The file to write to: ``path``, or stdout for ``None`` and ``-``."""
    if path is None or str(path) == "-":
        yield sys.stdout.buffer
        return
    with open(path, "wb") as out:
        yield out


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 hit``, ``2 hits``, ``1,204 vessels``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def workspace_option(func: F) -> F:
    """``--workspace URL``: the workspace database (default: beside the store)."""
    return click.option(
        "--workspace",
        metavar="URL",
        help="Workspace database: sqlite:///FILE or postgresql://HOST/DB "
        "(default: $SETORI_WORKSPACE, else NAME.workspace.sqlite beside the store).",
    )(func)


def analyst_option(func: F) -> F:
    """``--analyst NAME``: who is acting (default: the ``analyst`` setting)."""
    return click.option(
        "--analyst", metavar="NAME", help="Who is acting (default: $SETORI_ANALYST)."
    )(func)
