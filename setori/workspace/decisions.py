"""Analysts' decisions on hits: keyed to the exact query and listed entity, with history.

A decision is a row: ``query_key`` and ``entity_id`` (the pair it is about, never a label
shared by several queries), ``confirmed`` or ``dismissed``, a reason code from
:data:`REASON_CODES` plus free text, the hit it was made on (when known), who and when.
Rows are never changed or deleted: a decision is undone by a new row ``reverted`` whose
``reverts`` names it. The **current** decision on a pair is its newest row that is neither
a revert nor reverted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from setori.errors import InputError, NotFoundError, StoreError
from setori.workspace.analysts import require_analyst
from setori.workspace.engine import Workspace, utc_now
from setori.workspace.tables import decisions, hits

DECISIONS = ("confirmed", "dismissed")
REVERTED = "reverted"
#: Why an analyst decided as they did (free text goes in ``note``).
REASON_CODES = (
    "same_identifiers",  # IMO / MMSI / call sign or birth date agree: the listed one
    "different_identifiers",  # an identifier contradicts the listed one
    "different_dates",  # birth, build or listing dates rule it out
    "different_vessel",  # another hull (sister ship, same name)
    "different_party",  # another person or organisation of the same name
    "list_error",  # the list entry itself is wrong or outdated
    "other",  # say why in the note
)


def record_decision(
    ws: Workspace,
    *,
    query_key: str,
    entity_id: str,
    decision: str,
    reason_code: str,
    analyst: str | None,
    note: str | None = None,
    hit_id: str | None = None,
) -> dict[str, Any]:
    """Record a decision on one (query_key, entity_id) pair; returns the stored row."""
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r}: expected one of {', '.join(DECISIONS)}")
    _check_reason(reason_code)
    who = require_analyst(ws, analyst)
    row = {
        "query_key": query_key, "entity_id": entity_id, "decision": decision,
        "reason_code": reason_code, "note": note, "hit_id": hit_id, "reverts": None,
        "decided_at": utc_now(), "analyst": who,
    }  # fmt: skip
    return _insert(ws, row)


def revert_decision(
    ws: Workspace,
    decision_id: int,
    *,
    analyst: str | None,
    note: str | None = None,
    reason_code: str = "other",
) -> dict[str, Any]:
    """Undo a decision with a new ``reverted`` row pointing at it; returns that row."""
    _check_reason(reason_code)
    who = require_analyst(ws, analyst)
    with ws.read() as con:
        target = con.execute(
            decisions.select().where(decisions.c.decision_id == decision_id)
        ).mappings().first()  # fmt: skip
        undone = con.scalar(sa.select(sa.func.count()).where(decisions.c.reverts == decision_id))
    if target is None:
        raise NotFoundError(f"no decision {decision_id} in {ws.url}: see `setori decisions`")
    if target["decision"] == REVERTED or undone:
        what = "is itself a revert" if target["decision"] == REVERTED else "is already reverted"
        raise InputError(f"decision {decision_id} {what}: record a new decision instead")
    row = {
        "query_key": target["query_key"], "entity_id": target["entity_id"],
        "decision": REVERTED, "reason_code": reason_code, "note": note,
        "hit_id": target["hit_id"], "reverts": decision_id, "decided_at": utc_now(),
        "analyst": who,
    }  # fmt: skip
    return _insert(ws, row)


def decision_history(
    ws: Workspace, *, query_key: str | None = None, entity_id: str | None = None
) -> list[dict[str, Any]]:
    """Every decision row (optionally of one query key and/or entity), oldest first."""
    query = decisions.select().order_by(decisions.c.decision_id)
    if query_key is not None:
        query = query.where(decisions.c.query_key == query_key)
    if entity_id is not None:
        query = query.where(decisions.c.entity_id == entity_id)
    with ws.read() as con:
        return [dict(r) for r in con.execute(query).mappings()]


def current_decisions(ws: Workspace) -> dict[tuple[str, str], str]:
    """The current decision per (query_key, entity_id): the newest row neither reverted nor
    a revert (pairs whose every decision was reverted have none)."""
    return current_of(decision_history(ws))


def current_of(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """The current decision per pair among ``rows`` (any order)."""
    return {pair: row["decision"] for pair, row in current_rows(rows).items()}


def current_rows(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The current decision row per pair among ``rows`` (any order)."""
    ordered = sorted(rows, key=lambda r: int(r["decision_id"]))
    reverted = {r["reverts"] for r in ordered if r["decision"] == REVERTED}
    current: dict[tuple[str, str], dict[str, Any]] = {}
    for row in ordered:
        if row["decision"] != REVERTED and row["decision_id"] not in reverted:
            current[(row["query_key"], row["entity_id"])] = row
    return current


def pair_of_hit(ws: Workspace, hit_id: str) -> tuple[str, str]:
    """The (query_key, entity_id) of a stored hit."""
    with ws.read() as con:
        row = con.execute(
            sa.select(hits.c.query_key, hits.c.entity_id).where(hits.c.hit_id == hit_id)
        ).first()
    if row is None:
        raise NotFoundError(
            f"no stored hit {hit_id!r} in {ws.url}: hit ids come from `setori screen` "
            "(the hit_id column) run on this workspace"
        )
    return str(row[0]), str(row[1])


def _insert(ws: Workspace, row: dict[str, Any]) -> dict[str, Any]:
    with ws.begin() as con:
        result = con.execute(decisions.insert().values(**row))
        decision_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
    if decision_id is None:
        raise StoreError(f"the workspace {ws.url} gave no id for the new decision")
    return {"decision_id": int(decision_id), **row}


def _check_reason(reason_code: str) -> None:
    if reason_code not in REASON_CODES:
        raise InputError(
            f"reason code {reason_code!r}: expected one of {', '.join(REASON_CODES)} "
            "(free text goes in the note)"
        )
