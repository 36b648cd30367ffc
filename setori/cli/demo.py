"""``setori demo``: the main job on real data, printed for a person."""

from __future__ import annotations

from pathlib import Path

import click

from setori.cli import render
from setori.cli.options import plural, settings_of


@click.command()
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("setori-demo.duckdb"),
    show_default=True,
    help="Store file to create or update.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def demo(db: Path, quiet: bool) -> None:
    """Run the main job on real sample data and print what it found.

    Ingests real AIS (the files of $SETORI_SHARED_DATA when set, else the real DMA sample
    shipped with setori), segments tracks, detects events (gfw profile), and, when the real
    UN and OFAC lists are there, screens every AIS identity against them. It ends with a
    case on the vessel the risk triage ranks first (opened by the analyst "setori demo")
    and that case's report as HTML and PDF beside the store (NAME.case.html, .case.pdf).

    Example:

    \b
        setori demo --db /tmp/demo.duckdb
        SETORI_SHARED_DATA=../shared/data setori demo
    """
    from setori import verbs
    from setori.cli.progress import ingest_bar
    from setori.demo import demo_inputs

    settings = settings_of()
    inputs = [str(p) for p in demo_inputs(settings.shared_data)]
    out = render.stderr()
    out.print(f"demo: ingesting {plural(len(inputs), 'real AIS file')} into {db}")
    with ingest_bar(inputs, quiet) as hook:
        report = verbs.demo(db=db, on_batch=hook, settings=settings)
    render.ingest_summary(report.ingest)
    render.store_info(report.info)
    render.vessels(report.vessels)
    render.detect_counts(report.detection)
    render.events_sample(report.sample_events)
    if not report.lists:
        out.print("demo: no sanctions lists (set SETORI_SHARED_DATA): screening skipped")
    for load in report.lists:
        out.print(f"demo: list {load.list_id} {load.version}: "
                  f"{plural(load.entities, 'entity', 'entities')}")  # fmt: skip
    if report.hits is not None:
        out.print(
            f"demo: screened {plural(report.screened, 'AIS identity', 'AIS identities')} "
            f"against {plural(report.listed, 'listed entity', 'listed entities')}: "
            f"{plural(report.hits.num_rows, 'alerting hit')}"
        )
        render.hits(report.hits.slice(0, 10))
    if report.case is not None:
        case = report.case
        out.print(
            f'demo: case {case.case_id} "{case.title}" (risk {case.score} points, '
            f"{plural(case.evidence, 'evidence item')}): "
            + ", ".join(str(path) for path in case.reports)
        )
    if report.ingest.failures:
        raise SystemExit(1)


COMMANDS = (demo,)
