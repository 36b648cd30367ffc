"""The case log: an append-only, hash-chained list of records, and its check.

Each record holds the SHA-256 of the previous record (``prev_hash``; the first holds
:data:`~setori.cases.model.GENESIS_HASH`) and its own ``record_hash``, the SHA-256 of its
canonical JSON body (:meth:`LogRecord.body`). Editing a record breaks its own hash; deleting,
inserting or reordering records breaks a ``seq`` and the next record's ``prev_hash``;
deleting the last records is seen against the case's head (``cases.head_seq``). Evidence is
checked byte for byte against its SHA-256, and against the hash its ``evidence_added``
record wrote, so changing an item's bytes *and* its stored hash is still caught.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from setori.canonical import sha256_hex
from setori.cases.model import GENESIS_HASH, EvidenceItem, LogRecord, record_hash_of

#: Log actions that add an evidence item (their payload names its id and sha256).
EVIDENCE_ACTIONS = ("evidence_added", "note_added", "sighting_added")


def next_record(
    previous: LogRecord | None, *, at: str, analyst: str, action: str, payload: Mapping[str, Any]
) -> LogRecord:
    """The record that follows ``previous`` (``None``: the first record of a case)."""
    seq = 1 if previous is None else previous.seq + 1
    prev_hash = GENESIS_HASH if previous is None else previous.record_hash
    digest = record_hash_of(seq, at, analyst, action, payload, prev_hash)
    return LogRecord(seq, at, analyst, action, dict(payload), prev_hash, digest)


def verify_chain(
    records: Sequence[LogRecord],
    *,
    head_seq: int | None = None,
    evidence: Sequence[EvidenceItem] | None = None,
) -> list[str]:
    """Problems with a case log, each naming the record or evidence item; ``[]`` when sound.

    ``records`` are in the order they are stored or shipped. ``head_seq`` (the case's last
    sequence number, when known) catches deleted trailing records; ``evidence`` (when
    given) is checked against its bytes and against the log.
    """
    problems = _order_problems(records)
    records = sorted(records, key=lambda r: r.seq)
    problems += _chain_problems(records)
    if head_seq is not None:
        problems += _head_problems(records, head_seq)
    if evidence is not None:
        problems += evidence_problems(records, evidence)
    return problems


def _order_problems(records: Sequence[LogRecord]) -> list[str]:
    seqs = [r.seq for r in records]
    problems = []
    if seqs != sorted(seqs):
        shown = ", ".join(str(s) for s in seqs[:40]) + (", …" if len(seqs) > 40 else "")
        problems.append(f"records out of order: stored as {shown} (reordered)")
    twice = sorted({s for s in seqs if seqs.count(s) > 1})
    problems += [f"record {s} appears more than once (duplicated)" for s in twice]
    return problems


def _chain_problems(records: Sequence[LogRecord]) -> list[str]:
    problems: list[str] = []
    previous: LogRecord | None = None
    for position, record in enumerate(records, start=1):
        expected_seq = 1 if previous is None else previous.seq + 1
        problems += _seq_problems(position, record, expected_seq)
        if record_hash_of(*_fields(record)) != record.record_hash:
            problems.append(
                f"record {record.seq} ({record.action}): content does not match its hash "
                f"{record.record_hash[:12]}… (edited)"
            )
        expected_prev = GENESIS_HASH if previous is None else previous.record_hash
        if record.prev_hash != expected_prev:
            before = "the start of the log" if previous is None else f"record {previous.seq}"
            problems.append(
                f"record {record.seq}: prev_hash {record.prev_hash[:12]}… does not match "
                f"{before} ({expected_prev[:12]}…): a record was deleted, inserted, "
                "reordered or replaced"
            )
        previous = record
    return problems


def _seq_problems(position: int, record: LogRecord, expected_seq: int) -> list[str]:
    if record.seq == expected_seq:
        return []
    if record.seq > expected_seq:
        missing = (
            f"record {expected_seq}"
            if record.seq == expected_seq + 1
            else f"records {expected_seq}..{record.seq - 1}"
        )
        return [f"{missing} missing before record {record.seq} (deleted)"]
    return [
        f"record {record.seq} at position {position}: expected record {expected_seq} there "
        "(records reordered or duplicated)"
    ]


def _head_problems(records: Sequence[LogRecord], head_seq: int) -> list[str]:
    last = records[-1].seq if records else 0
    if last < head_seq:
        gone = f"record {head_seq}" if last + 1 == head_seq else f"records {last + 1}..{head_seq}"
        return [f"{gone} missing at the end of the log (the case's head is record {head_seq})"]
    if last > head_seq:
        return [f"record {last} is beyond the case's head, record {head_seq} (appended outside)"]
    return []


def evidence_problems(records: Sequence[LogRecord], evidence: Sequence[EvidenceItem]) -> list[str]:
    """Evidence whose bytes do not match its SHA-256 or the hash the log recorded for it,
    evidence the log never added, and logged evidence that is missing."""
    logged = {
        str(r.payload["evidence_id"]): (r.seq, str(r.payload.get("sha256", "")))
        for r in records
        if r.action in EVIDENCE_ACTIONS and "evidence_id" in r.payload
    }
    problems: list[str] = []
    for item in evidence:
        problems += _item_problems(item, logged.get(item.evidence_id))
    held = {item.evidence_id for item in evidence}
    for evidence_id, (seq, _) in sorted(logged.items(), key=lambda kv: kv[1][0]):
        if evidence_id not in held:
            problems.append(f"evidence {evidence_id} (added in record {seq}) is missing")
    return problems


def _item_problems(item: EvidenceItem, logged: tuple[int, str] | None) -> list[str]:
    label = f"evidence {item.evidence_id} ({item.kind} {item.name!r})"
    actual = sha256_hex(item.content)
    problems = []
    if actual != item.sha256:
        problems.append(
            f"{label}: its bytes hash to {actual[:12]}…, not its stored sha256 "
            f"{item.sha256[:12]}… (content altered)"
        )
    if logged is None:
        problems.append(
            f"{label}: no log record adds it (that record was deleted, or the item was "
            "inserted outside the log)"
        )
    elif logged[1] != actual:
        problems.append(
            f"{label}: its bytes hash to {actual[:12]}…, not the sha256 {logged[1][:12]}… "
            f"that record {logged[0]} logged (content altered)"
        )
    return problems


def _fields(record: LogRecord) -> tuple[int, str, str, str, Mapping[str, Any], str]:
    return (
        record.seq,
        record.at,
        record.analyst,
        record.action,
        record.payload,
        record.prev_hash,
    )
