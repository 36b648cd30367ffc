"""Report command: ``report CASE`` as HTML or PDF. One call of :func:`setori.verbs.report`."""

from __future__ import annotations

from pathlib import Path

import click

from setori.cli.options import db_option, format_option, settings_of, workspace_option
from setori.cli.options import output as open_output

REPORT_FORMATS = ("html", "pdf")


@click.command("report")
@click.argument("case_id", metavar="CASE")
@format_option(REPORT_FORMATS, "html")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default stdout; a PDF needs -o or a pipe).",
)
@click.option(
    "--key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Ed25519 private key (setori keys new): add the signer's fingerprint and, in a "
    "PDF, attach the signed bundle manifest.",
)
@db_option
@workspace_option
def report(
    case_id: str,
    fmt: str,
    output: Path | None,
    key: Path | None,
    db: Path | None,
    workspace: str | None,
) -> None:
    """Write the report of a case: summary, vessels and identifiers (with timelines),
    incidents (a map per event: tracks coloured by time, scale bar, north arrow), evidence
    (sightings with photos, SHA-256 of every item, the hash-chained log) and assessment
    (sources behind each finding, single-sourced ones marked; risk breakdown; list hits).

    The PDF is PDF/A-3b, made offline; set SOURCE_DATE_EPOCH for byte-identical output.

    Example:

    \b
        setori report C-7KQ2M4XA -o case.html
        setori report C-7KQ2M4XA --format pdf -o case.pdf --key setori.key
        SOURCE_DATE_EPOCH=1767225600 setori report C-7KQ2M4XA --format pdf -o case.pdf
    """
    from setori import verbs

    if fmt == "pdf" and output is None and click.get_text_stream("stdout").isatty():
        raise click.UsageError("a PDF is binary: give -o FILE or redirect stdout")
    data = verbs.report(
        case_id,
        fmt="pdf" if fmt == "pdf" else "html",
        db=db,
        workspace=workspace,
        key=key,
        settings=settings_of(),
    )
    with open_output(output) as out:
        out.write(data)
    if output is not None and str(output) != "-":
        click.echo(f"wrote {output} ({len(data):,} bytes)", err=True)


COMMANDS: tuple[click.Command, ...] = (report,)
