"""The payload of a case bundle (the files under the bag's ``data/``), built from a Case.

Every member is derived from the case alone: evidence bytes as stored, the positions of
each event snapshot as GeoParquet, the detector behind each event, the list entry behind
each hit, the log as JSON lines (each line exactly a Merkle leaf), the signed checkpoint
over the whole log and an inclusion proof per record. Redacted evidence items, the members
derived from them and the log records that name them are left out and listed by hash in
``withheld.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from setori.canonical import canonical_bytes
from setori.cases.bundle.merkle import inclusion_proof, leaf_hash, tree_root
from setori.cases.bundle.signing import sign
from setori.cases.keys import Ed25519PrivateKey
from setori.cases.model import Case, EvidenceItem, LogRecord
from setori.errors import InputError

__all__ = [
    "BUNDLE_SCHEMA",
    "CHECKPOINT_SCHEMA",
    "EXPORT_ACTION",
    "checkpoint_body",
    "data_members",
    "derived_members",
    "evidence_path",
    "names_evidence",
    "redaction",
]

BUNDLE_SCHEMA = "setori.case-bundle/1"
#: The case-log action recording a bundle export (its payload names the tree size and root).
EXPORT_ACTION = "bundle_exported"
CHECKPOINT_SCHEMA = "setori.checkpoint/1"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._") or "item"


def evidence_path(item: EvidenceItem) -> str:
    """Where an evidence item's bytes sit in the bag: its name, prefixed with its id unless
    the name holds it already (ids are unique within a case, so paths are too)."""
    name = _safe(item.name)
    return f"data/evidence/{name if item.evidence_id in name else f'{item.evidence_id}-{name}'}"


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _strings(inner)


def names_evidence(record: LogRecord, item: EvidenceItem) -> bool:
    """Whether a log record's payload names the evidence item (by id or by hash)."""
    return any(s in (item.evidence_id, item.sha256) for s in _strings(record.payload))


def redaction(case: Case, redact: Collection[str]) -> tuple[list[EvidenceItem], list[LogRecord]]:
    """The evidence items and log records withheld when ``redact`` (evidence ids) is."""
    known = {item.evidence_id for item in case.evidence}
    unknown = sorted(set(redact) - known)
    if unknown:
        raise InputError(
            f"cannot redact {', '.join(unknown)}: case {case.case_id} has no such evidence "
            f"(its evidence ids: {', '.join(sorted(known)) or 'none'})"
        )
    items = [item for item in case.evidence if item.evidence_id in set(redact)]
    records = [r for r in case.log if any(names_evidence(r, item) for item in items)]
    return items, records


def checkpoint_body(case: Case) -> dict[str, Any]:
    """What the author signs: the case, the size and root of its log tree, the log head."""
    leaves = [leaf_hash(r.leaf_bytes()) for r in case.log]
    return {
        "schema": CHECKPOINT_SCHEMA,
        "case_id": case.case_id,
        "tree_size": len(leaves),
        "root_hash": tree_root(leaves).hex(),
        "head_record_hash": case.log[-1].record_hash if case.log else None,
    }


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


def _snapshot(item: EvidenceItem) -> dict[str, Any]:
    try:
        value = json.loads(item.content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"evidence {item.evidence_id} ({item.kind}) is not JSON: {exc}") from None
    return value if isinstance(value, dict) else {}


def _event_id(item: EvidenceItem, snapshot: Mapping[str, Any]) -> str:
    event = snapshot.get("event") or {}
    found = item.meta.get("event_id") or event.get("event_id") or event.get("id")
    return _safe(str(found or item.evidence_id))


def _hit_id(item: EvidenceItem, content: Mapping[str, Any]) -> str:
    return _safe(str(item.meta.get("hit_id") or content.get("hit_id") or item.evidence_id))


def _event_members(item: EvidenceItem) -> dict[str, bytes]:
    from setori.cases.bundle.geoparquet import positions_geoparquet

    snapshot = _snapshot(item)
    event_id = _event_id(item, snapshot)
    detector = {
        "event_id": event_id,
        "evidence_id": item.evidence_id,
        "detector": snapshot.get("detector"),
    }
    return {
        f"data/positions/{event_id}.parquet": positions_geoparquet(snapshot.get("positions") or []),
        f"data/detectors/{event_id}.json": _json(detector),
    }


def _hit_members(item: EvidenceItem) -> dict[str, bytes]:
    content = _snapshot(item)
    hit_id = _hit_id(item, content)
    entry: dict[str, Any] = {"hit_id": hit_id, "evidence_id": item.evidence_id}
    for name in ("list_id", "list_version", "matcher_version", "entity", "score", "band"):
        entry[name] = content.get(name, item.meta.get(name))
    return {f"data/lists/{hit_id}.json": _json(entry)}


def derived_members(item: EvidenceItem) -> dict[str, bytes]:
    """The members derived from an evidence item: an event's positions and detector, a
    hit's list entry (none for other kinds)."""
    if item.kind == "event":
        return _event_members(item)
    if item.kind == "hit":
        return _hit_members(item)
    return {}


def _evidence_index(item: EvidenceItem) -> dict[str, Any]:
    return {
        "evidence_id": item.evidence_id,
        "kind": item.kind,
        "name": item.name,
        "media_type": item.media_type,
        "sha256": item.sha256,
        "added_at": item.added_at,
        "added_by": item.added_by,
        "meta": dict(item.meta),
        "path": evidence_path(item),
    }


def _proofs(case: Case, withheld: Collection[int]) -> dict[str, bytes]:
    leaves = [leaf_hash(r.leaf_bytes()) for r in case.log]
    members = {}
    for index, record in enumerate(case.log):
        proof = {
            "seq": record.seq,
            "leaf_index": index,
            "tree_size": len(leaves),
            "leaf_hash": leaves[index].hex(),
            "audit_path": [h.hex() for h in inclusion_proof(leaves, index)],
            "withheld": record.seq in withheld,
        }
        members[f"data/proofs/{record.seq:06d}.json"] = _json(proof)
    return members


def _case_json(case: Case, held: Sequence[EvidenceItem], exported_at: str) -> bytes:
    return _json(
        {
            "schema": BUNDLE_SCHEMA,
            "case_id": case.case_id,
            "title": case.title,
            "status": case.status,
            "created_at": case.created_at,
            "created_by": case.created_by,
            "exported_at": exported_at,
            "evidence": [_evidence_index(item) for item in held],
        }
    )


def _withheld_json(items: Sequence[EvidenceItem], records: Sequence[LogRecord]) -> bytes:
    evidence = [{"evidence_id": i.evidence_id, "kind": i.kind, "sha256": i.sha256} for i in items]
    log_records = [
        {"seq": r.seq, "record_hash": r.record_hash, "leaf_hash": leaf_hash(r.leaf_bytes()).hex()}
        for r in records
    ]
    return _json({"evidence": evidence, "log_records": log_records})


def data_members(
    case: Case,
    *,
    key: Ed25519PrivateKey,
    exported_at: str,
    redact: Collection[str] = (),
) -> dict[str, bytes]:
    """Every payload file of the bundle of ``case``, by its path in the bag."""
    from setori.cases.bundle.ftm import case_entities

    items, records = redaction(case, redact)
    held = [item for item in case.evidence if item not in items]
    withheld_seqs = {r.seq for r in records}
    members: dict[str, bytes] = {}
    for item in held:
        members[evidence_path(item)] = item.content
        members.update(derived_members(item))
    members["data/case.json"] = _case_json(case, held, exported_at)
    members["data/withheld.json"] = _withheld_json(items, records)
    members["data/case-log.jsonl"] = b"".join(
        r.leaf_bytes() + b"\n" for r in case.log if r.seq not in withheld_seqs
    )
    body = checkpoint_body(case)
    members["data/checkpoint.json"] = _json(
        {"checkpoint": body, "signatures": [sign(key, canonical_bytes(body))]}
    )
    members.update(_proofs(case, withheld_seqs))
    members["data/ftm.jsonl"] = b"".join(
        canonical_bytes(entity) + b"\n" for entity in case_entities(case, held)
    )
    return members
