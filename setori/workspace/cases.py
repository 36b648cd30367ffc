"""Cases in the workspace: the ``cases``, ``case_log`` and ``evidence`` tables.

A case id is ``C-`` and eight Crockford base32 characters of randomness (``C-7KX2M9QD``):
short enough to read out, unguessable, and made without a counter, so two processes
creating cases at once never collide on a number.

Appending is one transaction: bump ``cases.head_seq`` first (on PostgreSQL this locks the
case row until commit, on SQLite ``BEGIN IMMEDIATE`` already serialises writers), read the
previous record's hash, insert the new evidence and records, update the status. Two writers
appending to one case therefore queue instead of forking the chain. The record hash comes
from the caller (``hasher``, :func:`setori.cases.model.record_hash_of`): this module stores
and never interprets.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from setori.canonical import canonical_json
from setori.errors import InputError, NotFoundError
from setori.workspace.engine import Workspace
from setori.workspace.tables import case_log, cases, evidence

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GENESIS = "0" * 64

#: ``hasher(seq, at, analyst, action, payload, prev_hash) -> record_hash``.
Hasher = Callable[[int, str, str, str, Mapping[str, Any], str], str]


@dataclass(frozen=True, slots=True)
class Entry:
    """One log record to append, with the evidence row it adds (if any)."""

    action: str
    payload: Mapping[str, Any]
    evidence: Mapping[str, Any] | None = None  # an ``evidence`` row without case_id
    status: str | None = None  # the case's new status, for status changes


def new_case_id() -> str:
    """``C-`` and eight random Crockford base32 characters (40 bits)."""
    return "C-" + "".join(secrets.choice(_CROCKFORD) for _ in range(8))


def create_case(
    ws: Workspace,
    *,
    title: str,
    analyst: str,
    at: str,
    hasher: Hasher,
    case_id: str | None = None,
) -> str:
    """Create a case and its first log record (``created``); returns the case id."""
    case_id = case_id or new_case_id()
    with ws.begin() as con:
        con.execute(
            cases.insert().values(
                case_id=case_id,
                title=title,
                status="open",
                created_at=at,
                created_by=analyst,
                head_seq=0,
            )
        )
        entry = Entry("created", {"title": title, "status": "open"})
        _append(con, case_id, [entry], analyst=analyst, at=at, hasher=hasher)
    return case_id


def append(
    ws: Workspace,
    case_id: str,
    entries: Sequence[Entry],
    *,
    analyst: str,
    at: str,
    hasher: Hasher,
) -> list[dict[str, Any]]:
    """Append ``entries`` to the case's log in one transaction; returns the new log rows.

    Evidence already in the case (same id) is an :class:`InputError` and nothing is written.
    """
    with ws.begin() as con:
        return _append(con, case_id, entries, analyst=analyst, at=at, hasher=hasher)


def _append(
    con: Connection,
    case_id: str,
    entries: Sequence[Entry],
    *,
    analyst: str,
    at: str,
    hasher: Hasher,
) -> list[dict[str, Any]]:
    head = _lock_head(con, case_id, len(entries))
    _refuse_duplicates(con, case_id, entries)
    prev_hash = _record_hash(con, case_id, head) if head else GENESIS
    rows = []
    for seq, entry in enumerate(entries, start=head + 1):
        record_hash = hasher(seq, at, analyst, entry.action, entry.payload, prev_hash)
        row = {
            "case_id": case_id,
            "seq": seq,
            "at": at,
            "analyst": analyst,
            "action": entry.action,
            "payload": canonical_json(dict(entry.payload)),
            "prev_hash": prev_hash,
            "record_hash": record_hash,
        }
        if entry.evidence is not None:
            con.execute(evidence.insert().values(case_id=case_id, **entry.evidence))
        con.execute(case_log.insert().values(**row))
        if entry.status is not None:
            con.execute(
                cases.update().where(cases.c.case_id == case_id).values(status=entry.status)
            )
        rows.append(row)
        prev_hash = record_hash
    return rows


def _lock_head(con: Connection, case_id: str, n: int) -> int:
    """Reserve ``n`` sequence numbers (locking the case row); returns the head before."""
    bumped = con.execute(
        cases.update().where(cases.c.case_id == case_id).values(head_seq=cases.c.head_seq + n)
    )
    if bumped.rowcount != 1:
        raise NotFoundError(f"no case {case_id!r}: see `setori case list`")
    head = con.execute(sa.select(cases.c.head_seq).where(cases.c.case_id == case_id)).scalar_one()
    return int(head) - n


def _record_hash(con: Connection, case_id: str, seq: int) -> str:
    found = con.execute(
        sa.select(case_log.c.record_hash).where(
            case_log.c.case_id == case_id, case_log.c.seq == seq
        )
    ).scalar_one_or_none()
    # A missing head record (deleted by hand) still chains to something verify will flag.
    return str(found) if found is not None else GENESIS


def _refuse_duplicates(con: Connection, case_id: str, entries: Sequence[Entry]) -> None:
    ids = [str(e.evidence["evidence_id"]) for e in entries if e.evidence is not None]
    if len(set(ids)) != len(ids):
        raise InputError(f"the same evidence appears twice in one addition: {sorted(ids)}")
    if not ids:
        return
    held = con.execute(
        sa.select(evidence.c.evidence_id, evidence.c.name).where(
            evidence.c.case_id == case_id, evidence.c.evidence_id.in_(ids)
        )
    ).all()
    if held:
        shown = ", ".join(f"{eid} ({name})" for eid, name in held)
        raise InputError(f"already in case {case_id}: {shown}; nothing was added")


def case_row(con: Connection, case_id: str) -> dict[str, Any]:
    """The ``cases`` row of ``case_id``; :class:`NotFoundError` when there is none."""
    row = con.execute(cases.select().where(cases.c.case_id == case_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no case {case_id!r}: see `setori case list`")
    return dict(row)


def log_rows(con: Connection, case_id: str) -> list[dict[str, Any]]:
    """The case's log records by ``seq``."""
    query = case_log.select().where(case_log.c.case_id == case_id).order_by(case_log.c.seq)
    return [dict(r) for r in con.execute(query).mappings()]


def evidence_rows(con: Connection, case_id: str) -> list[dict[str, Any]]:
    """The case's evidence rows in the order they were added."""
    query = (
        evidence.select()
        .where(evidence.c.case_id == case_id)
        .order_by(evidence.c.added_at, evidence.c.evidence_id)
    )
    return [dict(r) for r in con.execute(query).mappings()]


def list_cases(ws: Workspace, *, status: str | None = None) -> list[dict[str, Any]]:
    """Every case (newest first) with its number of evidence items and log records."""
    n_evidence = (
        sa.select(sa.func.count())
        .where(evidence.c.case_id == cases.c.case_id)
        .scalar_subquery()
        .label("evidence")
    )
    query = sa.select(cases, n_evidence).order_by(cases.c.created_at.desc(), cases.c.case_id)
    if status is not None:
        query = query.where(cases.c.status == status)
    with ws.read() as con:
        return [dict(r) for r in con.execute(query).mappings()]


def require_case(ws: Workspace, case_id: str) -> dict[str, Any]:
    """The ``cases`` row of ``case_id`` (before slow work); :class:`NotFoundError` if none."""
    with ws.read() as con:
        return case_row(con, case_id)


def held_evidence(ws: Workspace, case_id: str, evidence_ids: Sequence[str]) -> set[str]:
    """Which of ``evidence_ids`` the case already holds."""
    if not evidence_ids:
        return set()
    query = sa.select(evidence.c.evidence_id).where(
        evidence.c.case_id == case_id, evidence.c.evidence_id.in_(list(evidence_ids))
    )
    with ws.read() as con:
        return {str(e) for e in con.execute(query).scalars()}
