"""Bundle commands: the ``keys`` group (``keys new``, ``keys show``), and ``case export``,
``case sign`` and ``case verify`` attached to the ``case`` group (``CASE_COMMANDS``).

``case verify`` checks either a bundle (an existing zip file: offline, no workspace) or a
workspace case (its hash-chained log, :func:`setori.verbs.case_verify`).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from setori.cli.options import (
    analyst_option,
    db_option,
    format_option,
    plural,
    settings_of,
    workspace_option,
)

if TYPE_CHECKING:
    from setori.cases.bundle.verify import BundleReport


@click.group()
def keys() -> None:
    """Ed25519 signing keys for case bundles (author and reviewer).

    A key's fingerprint (eight groups of four letters and digits) is what two people read
    to each other by phone before trusting a bundle it signed.

    Example:

    \b
        setori keys new -o kim              # kim.key (private, mode 0600), kim.pub
        setori keys show kim.pub
    """


@keys.command("new")
@click.option(
    "-o",
    "--output",
    "name",
    default="setori",
    show_default=True,
    help="Write NAME.key (private) and NAME.pub (public).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing key pair.")
def keys_new(name: str, force: bool) -> None:
    """Make an Ed25519 key pair and print the public key's fingerprint.

    The private key file is readable by you alone (mode 0600): keep it so. Give the .pub
    file to partners, and read them the fingerprint by phone.

    Example:

    \b
        setori keys new                     # setori.key, setori.pub
        setori keys new -o reviewer
    """
    from setori import verbs

    made = verbs.keys_new(name, overwrite=force)
    click.echo(f"private key  {made['private_key']}  (keep secret)")
    click.echo(f"public key   {made['public_key']}")
    click.echo(f"fingerprint  {made['fingerprint']}")


@keys.command("show")
@click.argument("pubkey", type=click.Path(dir_okay=False, path_type=Path))
def keys_show(pubkey: Path) -> None:
    """Print the fingerprint of a public key (or of a private key's public half).

    Example:

    \b
        setori keys show partner.pub
    """
    from setori import verbs

    click.echo(verbs.keys_show(pubkey))


@click.command("export")
@click.argument("case_id", metavar="CASE")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The bundle (a .zip) or, with --format ftm, the JSON lines file.",
)
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Private key to sign with (default: ./setori.key).",
)
@click.option(
    "--redact",
    multiple=True,
    metavar="EVIDENCE_ID",
    help="Withhold this evidence item and the log records naming it (repeatable).",
)
@format_option(("bundle", "ftm"), "bundle")
@analyst_option
@db_option
@workspace_option
def case_export(
    case_id: str,
    output: Path,
    key: Path | None,
    redact: tuple[str, ...],
    fmt: str,
    analyst: str | None,
    db: Path | None,
    workspace: str | None,
) -> None:
    """Export a case as a signed, verifiable bundle: a zip of a BagIt bag (evidence,
    positions as GeoParquet, list entries, detector parameters, the case log with Merkle
    inclusion proofs and a signed checkpoint, FtM entities) and an in-toto Statement over
    it in a DSSE envelope. `--format ftm` writes FollowTheMoney entities only.

    The export is recorded in the case log. See docs/bundles.md.

    Example:

    \b
        setori case export C-7KX2M9QD -o case.zip --key kim.key
        setori case export C-7KX2M9QD -o partner.zip --redact 3f9a0c1d2b4e5f60
        setori case export C-7KX2M9QD --format ftm -o case.ftm.jsonl
    """
    from setori import verbs

    done = verbs.case_export(
        case_id,
        output=output,
        key=key,
        redact=redact,
        fmt=fmt,
        analyst=analyst,
        db=db,
        workspace=workspace,
        settings=settings_of(),
    )
    if fmt == "ftm":
        click.echo(f"wrote {done['path']}: {done['entities']} FtM entities")
        return
    click.echo(f"wrote {done['path']}  sha256 {done['bundle_sha256']}")
    click.echo(f"  log root {done['root_hash']} ({done['tree_size']} records)")
    click.echo(f"  signed by {done['signer']}")
    if done["redacted"]:
        click.echo(f"  withheld {', '.join(done['redacted'])}")


@click.command("sign")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Private key to sign with (default: ./setori.key).",
)
def case_sign(bundle: Path, key: Path | None) -> None:
    """Add your signature to a bundle (a reviewer's, beside the author's), in place.

    The bundle is verified first; one that fails is not signed.

    Example:

    \b
        setori case sign case.zip --key reviewer.key
        setori case verify case.zip --key kim.pub --key reviewer.pub
    """
    from setori import verbs

    done = verbs.case_sign(bundle, key=key)
    click.echo(f"signed {done['path']} as {done['fingerprint']}")
    click.echo(f"  signers: {', '.join(done['signers'])}")


def _is_bundle(target: str) -> bool:
    path = Path(target)
    return path.is_file() and (path.suffix.lower() == ".zip" or zipfile.is_zipfile(path))


@click.command("verify")
@click.argument("target", metavar="CASE_OR_BUNDLE")
@click.option(
    "--key",
    "keys",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Public key that must have signed the bundle (repeatable: author, reviewer).",
)
@click.option(
    "--since",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An earlier bundle of the case: its signed log must be a prefix of this one's.",
)
@format_option(("text", "json"), "text")
@db_option
@workspace_option
def case_verify(
    target: str,
    keys: tuple[Path, ...],
    fmt: str,
    db: Path | None,
    workspace: str | None,
    since: Path | None = None,
) -> None:
    """Verify a bundle offline (a .zip: every hash, the Merkle proofs, every signature) or a
    workspace case (its hash-chained log and evidence). Exits 1 naming each altered member,
    log record or signature.

    Example:

    \b
        setori case verify case.zip --key kim.pub
        setori case verify case.zip   # prints the signers' fingerprints
        setori case verify case-v2.zip --since case-v1.zip
        setori case verify C-7KX2M9QD --db ships.duckdb
    """
    from setori import verbs

    if not _is_bundle(target):
        _verify_workspace_case(target, fmt, db, workspace)
        return
    report = verbs.bundle_verify(target, keys=keys, since=since)
    if fmt == "text":
        _describe(target, report, bool(keys))
    good = "every hash, proof and signature verifies"
    _finish(list(report.problems), fmt, _as_dict(report), f"bundle {target}", good)


def _verify_workspace_case(target: str, fmt: str, db: Path | None, workspace: str | None) -> None:
    """A case in the workspace: its hash-chained log and evidence hashes."""
    from setori import verbs

    result = verbs.case_verify(target, db=db, workspace=workspace, settings=settings_of())
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
    elif result["ok"]:
        click.echo(
            f"ok: case {target}: {plural(result['records'], 'log record')} chained, "
            f"{plural(result['evidence'], 'evidence item')} match their SHA-256"
        )
    for problem in result["problems"]:
        click.echo(f"FAILED case {target}: {problem}", err=True)
    if not result["ok"]:
        raise SystemExit(1)


def _as_dict(report: BundleReport) -> dict[str, Any]:
    fields = (
        "case_id",
        "title",
        "signers",
        "checkpoint_signers",
        "tree_size",
        "root_hash",
        "records",
        "withheld_records",
        "evidence",
        "withheld_evidence",
    )
    return {name: getattr(report, name) for name in fields}


def _describe(target: str, report: BundleReport, keyed: bool) -> None:
    click.echo(f"bundle {target}: case {report.case_id} {report.title!r}")
    click.echo(f"  envelope signed by    {', '.join(report.signers) or 'nobody (valid)'}")
    click.echo(f"  checkpoint signed by  {', '.join(report.checkpoint_signers) or 'nobody'}")
    click.echo(
        f"  log                   {report.records} records carried, "
        f"{report.withheld_records} withheld; root {report.root_hash} "
        f"(tree of {report.tree_size})"
    )
    click.echo(
        f"  evidence              {report.evidence} items, {report.withheld_evidence} withheld"
    )
    if not keyed and report.signers:
        click.echo("  no --key given: compare the fingerprints above with the signers' by phone")


def _finish(problems: list[str], fmt: str, info: dict[str, Any], what: str, good: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({**info, "ok": not problems, "problems": problems}, indent=2))
    elif problems:
        click.echo(f"FAILED: {what}: {len(problems)} problem(s)", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
    else:
        click.echo(f"OK: {what}: {good}")
    if problems:
        raise SystemExit(1)


COMMANDS: tuple[click.Command, ...] = (keys,)
#: Commands added to the ``case`` group of :mod:`setori.cli.cases`.
CASE_COMMANDS: tuple[click.Command, ...] = (case_export, case_sign, case_verify)
