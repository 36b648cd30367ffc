"""Exporting a case as a verifiable bundle, and adding a reviewer's signature to one."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from setori.cases.bundle.bag import ENVELOPE, read_zip, seal, write_zip
from setori.cases.bundle.members import checkpoint_body, data_members, redaction
from setori.cases.bundle.signing import PAYLOAD_TYPE, envelope_payload, pae, sign
from setori.cases.keys import Ed25519PrivateKey, fingerprint
from setori.cases.model import Case
from setori.errors import InputError

__all__ = ["add_signature", "bundle_predicate", "export_bundle"]


def bundle_predicate(case: Case, *, redact: Collection[str], exported_at: str) -> dict[str, Any]:
    """The predicate of the bundle's in-toto Statement: what the case is and holds."""
    items, records = redaction(case, redact)
    body = checkpoint_body(case)
    kinds = [item.kind for item in case.evidence if item not in items]
    return {
        "case_id": case.case_id,
        "title": case.title,
        "status": case.status,
        "created_at": case.created_at,
        "exported_at": exported_at,
        "checkpoint": {"tree_size": body["tree_size"], "root_hash": body["root_hash"]},
        "counts": {
            "evidence": len(kinds),
            "events": kinds.count("event"),
            "vessels": kinds.count("vessel"),
            "hits": kinds.count("hit"),
            "log_records": len(case.log) - len(records),
            "withheld_evidence": len(items),
            "withheld_log_records": len(records),
        },
    }


def export_bundle(
    case: Case, *, key: Ed25519PrivateKey, exported_at: str, redact: Collection[str] = ()
) -> bytes:
    """The bundle (zip bytes) of ``case`` signed by ``key``, without the evidence items in
    ``redact``. ``exported_at`` (ISO 8601 UTC) is recorded, so the same inputs give the same
    bytes."""
    data = data_members(case, key=key, exported_at=exported_at, redact=redact)
    bag_info = {
        "External-Identifier": case.case_id,
        "External-Description": case.title,
        "Bagging-Date": exported_at[:10],
        "Bag-Software-Agent": "setori (https://setori.dev)",
    }
    predicate = bundle_predicate(case, redact=redact, exported_at=exported_at)
    return seal(data, bag_info=bag_info, predicate=predicate, key=key)


def add_signature(bundle: bytes, key: Ed25519PrivateKey) -> bytes:
    """``bundle`` with ``key``'s signature appended to its DSSE envelope (a reviewer's).
    The bag is not changed; signing twice with one key is refused."""
    members = read_zip(bundle)
    if ENVELOPE not in members:
        raise InputError(
            f"no {ENVELOPE} in the bundle: expected a zip written by `setori case export`"
        )
    env = json.loads(members[ENVELOPE])
    payload = envelope_payload(env)
    mine = fingerprint(key.public_key())
    if any(s.get("keyid") == mine for s in env.get("signatures", [])):
        raise InputError(f"the bundle already carries a signature by {mine}")
    env["signatures"] = [*env.get("signatures", []), sign(key, pae(PAYLOAD_TYPE, payload))]
    members[ENVELOPE] = json.dumps(env, indent=2).encode() + b"\n"
    return write_zip(members)
