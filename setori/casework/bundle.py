"""Wiring of bundles: a workspace case exported as a signed bundle, the export recorded in
the case log (who, when, which root, which key, what was withheld)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from setori.canonical import canonical_bytes
from setori.cases.bundle.export import export_bundle
from setori.cases.bundle.ftm import case_entities
from setori.cases.bundle.members import EXPORT_ACTION, checkpoint_body, redaction
from setori.cases.keys import Ed25519PrivateKey, fingerprint
from setori.cases.model import record_hash_of
from setori.casework.cases import load_case, verify_case
from setori.errors import InputError
from setori.workspace import cases as store
from setori.workspace import utc_now
from setori.workspace.analysts import require_analyst

if TYPE_CHECKING:
    from setori.workspace import Workspace

__all__ = ["EXPORT_ACTION", "FTM_ACTION", "export_case", "export_ftm"]

#: The log action recording an export as FollowTheMoney entities.
FTM_ACTION = "ftm_exported"


def export_case(
    ws: Workspace,
    case_id: str,
    *,
    key: Ed25519PrivateKey,
    analyst: str | None,
    redact: Collection[str] = (),
) -> tuple[bytes, dict[str, Any]]:
    """The bundle of ``case_id`` signed by ``key``, and the log record of the export (appended
    after the bundle is built: the bundle holds the log up to the record before it). A case
    whose workspace copy fails ``case verify`` is not exported: a signature would vouch for
    the tampering."""
    who = require_analyst(ws, analyst)
    _refuse_broken(ws, case_id)
    case = load_case(ws, case_id)
    exported_at = utc_now()
    bundle = export_bundle(case, key=key, exported_at=exported_at, redact=redact)
    body = checkpoint_body(case)
    payload = {
        "bundle_sha256": hashlib.sha256(bundle).hexdigest(),
        "tree_size": body["tree_size"],
        "root_hash": body["root_hash"],
        "signer": fingerprint(key.public_key()),
        "redacted": sorted(redact),
    }
    entry = store.Entry(EXPORT_ACTION, payload)
    rows = store.append(ws, case_id, [entry], analyst=who, at=exported_at, hasher=record_hash_of)
    return bundle, rows[0]


def _refuse_broken(ws: Workspace, case_id: str) -> None:
    problems = verify_case(ws, case_id)
    if problems:
        raise InputError(
            f"case {case_id} does not verify, so it is not exported (see `setori case verify "
            f"{case_id}`): " + "; ".join(problems)
        )


def export_ftm(
    ws: Workspace, case_id: str, *, analyst: str | None, redact: Collection[str] = ()
) -> tuple[bytes, dict[str, Any]]:
    """The case as FollowTheMoney entities (JSON lines), without the items in ``redact``,
    and the log record of the export."""
    who = require_analyst(ws, analyst)
    case = load_case(ws, case_id)
    items, _ = redaction(case, redact)
    held = [item for item in case.evidence if item not in items]
    data = b"".join(canonical_bytes(e) + b"\n" for e in case_entities(case, held))
    payload = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "entities": data.count(b"\n"),
        "redacted": sorted(redact),
    }
    entry = store.Entry(FTM_ACTION, payload)
    rows = store.append(ws, case_id, [entry], analyst=who, at=utc_now(), hasher=record_hash_of)
    return data, rows[0]
