"""Report verbs: a case as an HTML or PDF report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from setori.settings import Settings
from setori.verbs.common import DbPath, open_store, open_workspace, resolve_settings

if TYPE_CHECKING:
    from setori.cases.keys import Ed25519PrivateKey
    from setori.reports import ReportInputs

__all__ = ["report"]

ReportFormat = Literal["html", "pdf"]


def report(
    case_id: str,
    *,
    fmt: ReportFormat = "html",
    output: str | Path | None = None,
    db: DbPath = None,
    workspace: str | None = None,
    key: str | Path | None = None,
    settings: Settings | None = None,
) -> bytes:
    """The report of case ``case_id`` as HTML or PDF bytes (also written to ``output``).

    Summary; vessels and identifiers (identity tables with sources, a timeline each);
    incidents (per cited event a map of the vessels' tracks coloured by time, with times,
    distances, speeds); evidence (sightings with photos, notes, every item's SHA-256, the
    hash-chained log); assessment (which kinds of source stand behind each finding, the risk
    breakdown, list hits with their reasons and list versions). ``key`` (an Ed25519 private
    key PEM from ``setori keys new``) adds the signer's fingerprint and, in a PDF, attaches
    the signed bundle manifest. The PDF is PDF/A-3b, made offline; with
    ``SOURCE_DATE_EPOCH`` set, its dates are that time and the same case gives the same
    bytes. Maps and timelines read the store (``db``); the case comes from the workspace.
    """
    import os
    from datetime import UTC, datetime

    from setori.errors import InputError

    if fmt not in ("html", "pdf"):
        raise InputError(f"report format {fmt!r}: expected html or pdf")
    # checked before NumPy is imported: numpy.f2py reads it too, and fails on a bad one
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not epoch.isdigit():
        raise InputError(f"SOURCE_DATE_EPOCH={epoch!r}: expected whole seconds since 1970")
    created = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)

    from setori.casework.report import gather, manifest_attachments
    from setori.casework.risk import stored_hits
    from setori.reports import build_report, render_html, render_pdf
    from setori.risk.weights import load_weights

    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    resolved = resolve_settings(db, settings).with_overrides(workspace=workspace)
    weights = load_weights(resolved.risk_weights)
    with open_workspace(settings=resolved) as ws, open_store(settings=resolved) as con:
        inputs = gather(ws, con, case_id, generated_at=stamp, weights=weights, hits=stored_hits(ws))
    attachments: dict[str, bytes] = {}
    if key is not None:
        fingerprint, attachments = manifest_attachments(inputs.case, _private_key(key), at=stamp)
        name = "bundle.dsse.json" if fmt == "pdf" else None
        inputs = _signed(inputs, fingerprint, name)
    html = render_html(build_report(inputs), generated_iso=stamp)
    data = (
        render_pdf(html, created=created, attachments=attachments)
        if fmt == "pdf"
        else (html.encode("utf-8"))
    )
    if output is not None and str(output) != "-":
        Path(output).write_bytes(data)
    return data


def _private_key(path: str | Path) -> Ed25519PrivateKey:
    from setori.cases.keys import private_key_from_pem
    from setori.errors import InputError

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read key {path}: {exc.strerror}") from None
    return private_key_from_pem(data, source=str(path))


def _signed(inputs: ReportInputs, fingerprint: str, attachment: str | None) -> ReportInputs:
    from dataclasses import replace

    return replace(inputs, fingerprint=fingerprint, attachment=attachment)
