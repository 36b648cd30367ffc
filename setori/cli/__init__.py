"""The ``setori`` command line: a click group whose every command is one call of a verb.

Commands live by concept (:mod:`.watch`, :mod:`.investigate`, :mod:`.lists`, :mod:`.risk`,
:mod:`.cases`, :mod:`.bundles`, :mod:`.report`, :mod:`.workspace`, :mod:`.demo`, :mod:`.admin`);
shared options in :mod:`.options`, human-readable output in :mod:`.render`. Heavy libraries
are imported inside the commands, so ``setori --help`` starts in a fraction of a second.
"""

from __future__ import annotations

import logging
import sys

import click

from setori import __version__
from setori.cli import (
    admin,
    bundles,
    cases,
    demo,
    investigate,
    lists,
    report,
    risk,
    watch,
    workspace,
)
from setori.errors import SetoriError
from setori.settings import Settings

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="setori")
@click.option(
    "--log-level",
    type=click.Choice(["warning", "info", "debug"]),
    default="warning",
    help="Log to stderr at this level (info: one line per committed batch).",
)
@click.pass_context
def cli(ctx: click.Context, log_level: str) -> None:
    """setori: maritime sanctions monitoring from AIS.

    Ingest AIS (NMEA, CSV, Parquet) into an embedded store, split it into tracks, detect
    ship-to-ship encounters, loitering, dark periods and identity anomalies as explained
    events, and screen vessels against sanctions lists. Settings: `setori settings`.

    Example:

    \b
        setori demo
        setori ingest ais.nmea.gz --db ships.duckdb
        setori detect --db ships.duckdb --profile dprk
        setori events --db ships.duckdb --type encounter --format geojson -o sts.geojson
        setori tracks --db ships.duckdb --mmsi 538004030 --format geojson -o frio.geojson
    """
    logging.basicConfig(
        level=log_level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = Settings.load()


for _module in (watch, investigate, lists, risk, cases, report, bundles, workspace, demo, admin):
    for _command in _module.COMMANDS:
        cli.add_command(_command)
for _command in bundles.CASE_COMMANDS:
    cases.case.add_command(_command)


def main() -> None:
    """Console entry point: a SetoriError is one line and exit status 1; Ctrl-C one line and
    exit status 130; a closed pipe ends quietly."""
    try:
        status = cli(standalone_mode=False)
    except click.exceptions.Abort:
        _interrupted()
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        _interrupted()
    except SetoriError as exc:
        click.echo(f"error: {exc}", err=True)  # one unwrapped line, whatever the terminal
        raise SystemExit(1) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(1) from None
    if isinstance(status, int) and status:
        raise SystemExit(status)


def _interrupted() -> None:
    click.echo("interrupted: work committed so far is kept; re-run to finish", err=True)
    raise SystemExit(130)
