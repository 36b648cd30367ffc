"""Checking a bundle's content: the signed checkpoint, the log records it carries (hashes,
order, chain, inclusion proofs against the signed root), what is withheld, and the evidence
files against the case's index. Each problem names the member, record seq or item."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from setori.canonical import canonical_bytes
from setori.cases.bundle.bag import BAG
from setori.cases.bundle.members import EXPORT_ACTION
from setori.cases.bundle.merkle import leaf_hash, root_from_proof, tree_root
from setori.cases.bundle.signing import check_signature
from setori.cases.model import GENESIS_HASH, record_hash_of

__all__ = [
    "LogCheck",
    "check_checkpoint",
    "check_evidence",
    "check_log",
    "extension_problems",
    "load_json",
]

LOG = BAG + "data/case-log.jsonl"
CHECKPOINT = BAG + "data/checkpoint.json"
CASE = BAG + "data/case.json"
WITHHELD = BAG + "data/withheld.json"


def load_json(members: Mapping[str, bytes], name: str, problems: list[str]) -> dict[str, Any]:
    """A JSON object member, or {} with a problem naming it."""
    raw = members.get(name)
    if raw is None:
        problems.append(f"{name}: missing")
        return {}
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{name}: not JSON ({exc})")
        return {}
    if not isinstance(value, dict):
        problems.append(f"{name}: a JSON {type(value).__name__}, expected an object")
        return {}
    return value


def check_checkpoint(
    checkpoint: Mapping[str, Any],
) -> tuple[dict[str, Any], list[tuple[int, str | None, str | None]], list[str]]:
    """The checkpoint body, its signatures checked, and problems."""
    body = checkpoint.get("checkpoint")
    if not isinstance(body, dict):
        return {}, [], [f"{CHECKPOINT}: no checkpoint"] if checkpoint else []
    message = canonical_bytes(body)
    checks = []
    for number, entry in enumerate(checkpoint.get("signatures") or [], start=1):
        check = check_signature(entry, message)
        checks.append((number, check.fingerprint, check.problem))
    problems = [
        f"{CHECKPOINT}: signature {n} ({fp or 'unknown key'}): {p}" for n, fp, p in checks if p
    ]
    if not checks:
        problems.append(f"{CHECKPOINT}: not signed")
    return body, checks, problems


@dataclass(slots=True)
class LogCheck:
    """What the log check found: records held and withheld, record hashes by seq."""

    held: dict[int, dict[str, Any]] = field(default_factory=dict)
    withheld: dict[int, dict[str, Any]] = field(default_factory=dict)
    leaves: dict[int, bytes] = field(default_factory=dict)  # leaf hash by seq
    problems: list[str] = field(default_factory=list)

    def prefix_root(self, size: int) -> bytes | None:
        """The root of the tree of the first ``size`` records (None: some leaf unknown)."""
        if any(seq not in self.leaves for seq in range(1, size + 1)):
            return None
        return tree_root([self.leaves[seq] for seq in range(1, size + 1)])


def _parse_log(raw: bytes, check: LogCheck) -> list[tuple[int, bytes, dict[str, Any]]]:
    lines = []
    for number, line in enumerate(
        raw.split(b"\n")[:-1] if raw.endswith(b"\n") else raw.split(b"\n"), 1
    ):
        try:
            record = json.loads(line)
            seq = int(record["seq"])
        except (ValueError, KeyError, TypeError) as exc:
            check.problems.append(f"{LOG} line {number}: not a log record ({exc})")
            continue
        lines.append((seq, line, record))
    return lines


def _record_problems(seq: int, record: Mapping[str, Any]) -> list[str]:
    try:
        expected = record_hash_of(
            seq,
            record["at"],
            record["analyst"],
            record["action"],
            record["payload"],
            record["prev_hash"],
        )
    except (KeyError, TypeError) as exc:
        return [f"log record seq {seq}: missing field {exc}"]
    if expected != record.get("record_hash"):
        return [
            f"log record seq {seq}: altered (its content hashes to {expected}, "
            f"the record says {record.get('record_hash')})"
        ]
    return []


def _check_order(lines: Sequence[tuple[int, bytes, dict[str, Any]]], check: LogCheck) -> None:
    last = 0
    for number, (seq, _, _) in enumerate(lines, start=1):
        if seq <= last:
            check.problems.append(
                f"{LOG} line {number}: seq {seq} after seq {last}: the log is reordered or repeated"
            )
        last = max(last, seq)


def _check_chain(check: LogCheck, tree_size: int) -> None:
    hashes = {s: r.get("record_hash") for s, r in check.withheld.items()}
    hashes.update({s: r.get("record_hash") for s, r in check.held.items()})
    for seq in range(1, tree_size + 1):
        if seq not in hashes:
            check.problems.append(f"log record seq {seq}: missing, and not listed as withheld")
    for seq, record in sorted(check.held.items()):
        expected = GENESIS_HASH if seq == 1 else hashes.get(seq - 1)
        if expected is not None and record.get("prev_hash") != expected:
            check.problems.append(
                f"log record seq {seq}: prev_hash does not match the record_hash of seq {seq - 1}"
            )


def _check_proofs(
    members: Mapping[str, bytes],
    leaves: Mapping[int, bytes],
    body: Mapping[str, Any],
    check: LogCheck,
) -> None:
    root = str(body.get("root_hash", ""))
    size = int(body.get("tree_size", 0))
    for seq, leaf in sorted(leaves.items()):
        name = f"{BAG}data/proofs/{seq:06d}.json"
        proof = load_json(members, name, check.problems)
        if name not in members:
            continue
        try:
            path = [bytes.fromhex(h) for h in proof["audit_path"]]
            got = root_from_proof(int(proof["leaf_index"]), size, leaf, path)
        except (KeyError, TypeError, ValueError) as exc:
            check.problems.append(f"{name}: not an inclusion proof ({exc})")
            continue
        if int(proof["leaf_index"]) != seq - 1 or got is None or got.hex() != root:
            check.problems.append(
                f"log record seq {seq}: its inclusion proof ({name}) does not lead to "
                f"the signed root {root}"
            )


def check_log(
    members: Mapping[str, bytes], body: Mapping[str, Any], withheld: Mapping[str, Any]
) -> LogCheck:
    """The log records carried and withheld, against the checkpoint ``body``."""
    check = LogCheck()
    lines = _parse_log(members.get(LOG, b""), check)
    _check_order(lines, check)
    leaves = check.leaves
    for seq, line, record in lines:
        check.problems += _record_problems(seq, record)
        check.held[seq] = record
        leaves[seq] = leaf_hash(line)
    for entry in withheld.get("log_records") or []:
        seq = int(entry.get("seq", 0))
        if seq in check.held:
            check.problems.append(f"log record seq {seq}: both carried and listed as withheld")
        check.withheld[seq] = entry
        try:
            leaves.setdefault(seq, bytes.fromhex(str(entry.get("leaf_hash", ""))))
        except ValueError:
            check.problems.append(f"{WITHHELD}: seq {seq}: leaf_hash is not hex")
    size = int(body.get("tree_size", 0))
    for seq in sorted(set(leaves) - set(range(1, size + 1))):
        check.problems.append(f"log record seq {seq}: beyond the signed tree of {size} records")
    _check_chain(check, size)
    _check_proofs(members, leaves, body, check)
    head = body.get("head_record_hash")
    known = check.held.get(size) or check.withheld.get(size)
    if known is not None and known.get("record_hash") != head:
        check.problems.append(f"log record seq {size}: not the head the checkpoint signed ({head})")
    check.problems += _earlier_exports(check)
    return check


def _earlier_exports(check: LogCheck) -> list[str]:
    """Each earlier export recorded in the log named the root of the log before it: the
    first records of this log must still hash to that root (the history was only added to)."""
    problems = []
    for seq, record in sorted(check.held.items()):
        payload = record.get("payload") or {}
        if record.get("action") != EXPORT_ACTION or not isinstance(payload, Mapping):
            continue
        size, root = int(payload.get("tree_size", -1)), payload.get("root_hash")
        found = check.prefix_root(size) if 0 <= size < seq else None
        if found is not None and found.hex() != root:
            problems.append(
                f"log record seq {seq}: an earlier export signed root {root} over the first "
                f"{size} records, which now hash to {found.hex()} (the history was changed)"
            )
    return problems


def extension_problems(check: LogCheck, previous: Mapping[str, Any], name: str) -> list[str]:
    """Whether this log extends the one an earlier bundle's checkpoint signed (``previous``,
    its checkpoint body): same case, not shorter, same first records."""
    size, root = int(previous.get("tree_size", -1)), previous.get("root_hash")
    if size < 0 or size > len(check.leaves):
        return [f"{name}: its log of {size} records is not a prefix of this one"]
    found = check.prefix_root(size)
    if found is None or found.hex() != root:
        shown = found.hex() if found is not None else "unknown"
        return [
            f"{name}: signed root {root} over {size} records, but this bundle's first {size} "
            f"records hash to {shown}: the history was changed between the two"
        ]
    return []


def check_evidence(
    members: Mapping[str, bytes],
    case: Mapping[str, Any],
    log: LogCheck,
    withheld: Mapping[str, Any],
) -> list[str]:
    """Each evidence file against the case's index, and the log's references to evidence."""
    problems = []
    listed = {BAG + str(e.get("path")) for e in case.get("evidence") or []}
    for entry in case.get("evidence") or []:
        name = BAG + str(entry.get("path"))
        content = members.get(name)
        if content is None:
            problems.append(f"{name}: evidence {entry.get('evidence_id')} missing")
        elif hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            problems.append(
                f"{name}: evidence {entry.get('evidence_id')} altered "
                f"(sha256 differs from {entry.get('sha256')})"
            )
    for name in sorted(members):
        if name.startswith(BAG + "data/evidence/") and name not in listed:
            problems.append(f"{name}: not in the case's evidence index ({CASE})")
    known = {e.get("evidence_id") for e in case.get("evidence") or []}
    known |= {e.get("evidence_id") for e in withheld.get("evidence") or []}
    for seq, record in sorted(log.held.items()):
        named = (record.get("payload") or {}).get("evidence_id")
        if named is not None and named not in known:
            problems.append(
                f"log record seq {seq}: names evidence {named}, which the bundle neither holds "
                "nor lists as withheld"
            )
    return problems
