"""Case verbs: new, add, show, status, list, log, verify (the workspace's cases).

>>> import setori
>>> case_id = setori.case_new("STOC MARCIA drifting off Bornholm", analyst="kim")
>>> setori.case_add(case_id, events=["280d724ddeb451609240"], notes=["12 h adrift"])
>>> setori.case_verify(case_id)["ok"]
True
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from setori.settings import Settings
from setori.verbs.common import DbPath, open_store, open_workspace, resolve_settings

__all__ = [
    "case_add",
    "case_list",
    "case_log",
    "case_new",
    "case_show",
    "case_status",
    "case_verify",
]


def _analyst(analyst: str | None, db: DbPath, settings: Settings | None) -> str | None:
    return analyst if analyst is not None else resolve_settings(db, settings).analyst


def case_new(
    title: str,
    *,
    analyst: str | None = None,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> str:
    """Open a new case titled ``title``; returns its id (``C-`` and 8 base32 characters)."""
    from setori.casework.cases import new_case

    who = _analyst(analyst, db, settings)
    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        return new_case(ws, title, analyst=who)


def case_add(
    case_id: str,
    *,
    events: Sequence[str] = (),
    vessels: Sequence[str] = (),
    hits: Sequence[str] = (),
    notes: Sequence[str] = (),
    files: Sequence[str | Path] = (),
    sightings: Sequence[str | Path] = (),
    skip_bad_rows: bool = False,
    sighting_window: timedelta = timedelta(minutes=30),
    sighting_radius_m: float = 1_000.0,
    analyst: str | None = None,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """Add evidence to a case, each item in its own log record: events and vessels frozen
    from the store, stored hits, notes, files, and sightings matched to AIS (a sightings file
    is one transaction; bad rows are an error unless ``skip_bad_rows``). Returns one dict
    per item added: ``evidence_id, kind, name, sha256`` (sightings: a summary).
    """
    from setori.cases.sightings import SightingParams
    from setori.casework import cases as work
    from setori.workspace.cases import require_case

    who = _analyst(analyst, db, settings)
    params = SightingParams(window=sighting_window, radius_m=sighting_radius_m)
    added: list[dict[str, Any]] = []
    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        require_case(ws, case_id)  # a missing case fails before any slow work
        for text in notes:
            added.append(_summary(work.add_note(ws, case_id, text, analyst=who)))
        for path in files:
            added.append(_summary(work.add_file(ws, case_id, Path(path), analyst=who)))
        for hit_id in hits:
            added.append(_summary(work.add_hit(ws, case_id, hit_id, analyst=who)))
        if events or vessels or sightings:
            with open_store(db=db, mode="read", settings=settings) as con:
                for event_id in events:
                    added.append(_summary(work.add_event(ws, con, case_id, event_id, analyst=who)))
                for key in vessels:
                    added.append(_summary(work.add_vessel(ws, con, case_id, key, analyst=who)))
                for path in sightings:
                    result = work.add_sightings(
                        ws,
                        con,
                        case_id,
                        Path(path),
                        analyst=who,
                        params=params,
                        skip_bad_rows=skip_bad_rows,
                    )
                    added.append({"kind": "sightings", **result})
    return added


def _summary(item: Any) -> dict[str, Any]:
    return {
        "evidence_id": item.evidence_id,
        "kind": item.kind,
        "name": item.name,
        "sha256": item.sha256,
    }


def case_show(
    case_id: str,
    *,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The case: title, status, who opened it, its evidence with hashes, and for every cited
    event whether the current detection still ``holds`` it, ``changed`` it or it is
    ``gone`` (``unknown`` without a store)."""
    from setori.casework.cases import load_case
    from setori.errors import StoreError

    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        case = load_case(ws, case_id)
    evidence = [_shown(item) for item in case.evidence]
    cited = [e for e in evidence if e["kind"] == "event"]
    if cited:
        try:
            with open_store(db=db, mode="read", settings=settings) as con:
                _event_statuses(con, case, cited)
        except StoreError as exc:
            for shown in cited:
                shown["current"] = {"status": "unknown", "reason": str(exc)}
    return {
        "case_id": case.case_id,
        "title": case.title,
        "status": case.status,
        "created_at": case.created_at,
        "created_by": case.created_by,
        "records": len(case.log),
        "head_hash": case.log[-1].record_hash if case.log else None,
        "evidence": evidence,
    }


def _shown(item: Any) -> dict[str, Any]:
    shown = {
        "evidence_id": item.evidence_id,
        "kind": item.kind,
        "name": item.name,
        "media_type": item.media_type,
        "sha256": item.sha256,
        "size_bytes": len(item.content),
        "added_at": item.added_at,
        "added_by": item.added_by,
        "meta": dict(item.meta),
    }
    if item.kind == "note":
        shown["text"] = json.loads(item.content).get("text")
    return shown


def _event_statuses(con: Any, case: Any, cited: list[dict[str, Any]]) -> None:
    from setori.casework.snapshots import event_status

    content = {item.evidence_id: item.content for item in case.evidence}
    for shown in cited:
        snapshot = json.loads(content[shown["evidence_id"]])
        shown["current"] = event_status(con, snapshot)


def case_status(
    case_id: str,
    status: str,
    *,
    analyst: str | None = None,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Move a case to ``open``, ``review`` or ``closed``; returns the log record written."""
    from setori.casework.cases import set_status

    who = _analyst(analyst, db, settings)
    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        record = set_status(ws, case_id, status, analyst=who)
    return {**record, "payload": json.loads(record["payload"])}


def case_list(
    *,
    status: str | None = None,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """Every case, newest first: ``case_id, title, status, created_at, created_by,
    head_seq`` (log records) and ``evidence`` (items)."""
    from setori.workspace.cases import list_cases

    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        return list_cases(ws, status=status)


def case_log(
    case_id: str,
    *,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """The case's log, oldest first: ``seq, at, analyst, action, payload, prev_hash,
    record_hash``."""
    from setori.casework.cases import load_case

    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        case = load_case(ws, case_id)
    return [{**r.body(), "record_hash": r.record_hash} for r in case.log]


def case_verify(
    case_id: str,
    *,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Check a workspace case: every record's hash, the chain of ``prev_hash``, no record
    missing at the end, every evidence item's bytes against its SHA-256 and against the hash
    its log record wrote. Returns ``{case_id, ok, records, evidence, problems}``; each
    problem names the record or evidence item."""
    from setori.casework.cases import check_case

    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        return check_case(ws, case_id)
