"""Cases wired to the workspace (who did what) and the store (what AIS says).

Every change to a case is one transaction of :mod:`setori.workspace.cases`: the evidence
rows it adds and their log records, chained by :func:`setori.cases.model.record_hash_of`.
Events and vessels are frozen through :mod:`setori.casework.snapshots`, hits come from the
workspace's stored hits, sightings are matched to the store's AIS here.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from setori.canonical import canonical_bytes
from setori.cases.log import EVIDENCE_ACTIONS, verify_chain
from setori.cases.model import (
    CASE_STATUSES,
    Case,
    EvidenceItem,
    LogRecord,
    evidence_item,
    json_evidence,
    record_hash_of,
)
from setori.errors import InputError, NotFoundError
from setori.workspace import Workspace, utc_now
from setori.workspace import cases as store
from setori.workspace.analysts import require_analyst

if TYPE_CHECKING:
    import duckdb

    from setori.cases.sightings import SightingParams

__all__ = [
    "add_event",
    "add_file",
    "add_hit",
    "add_note",
    "add_sightings",
    "add_vessel",
    "check_case",
    "load_case",
    "new_case",
    "set_status",
    "verify_case",
]


def new_case(ws: Workspace, title: str, *, analyst: str | None) -> str:
    """Open a case titled ``title``; returns its id."""
    who = require_analyst(ws, analyst)
    clean = title.strip()
    if not clean:
        raise InputError("a case needs a title; got an empty one")
    return store.create_case(ws, title=clean, analyst=who, at=utc_now(), hasher=record_hash_of)


def load_case(ws: Workspace, case_id: str) -> Case:
    """The case with its evidence (in the order it was added) and its whole log."""
    with ws.read() as con:
        row = store.case_row(con, case_id)
        log = tuple(_record(r) for r in store.log_rows(con, case_id))
        items = [_item(r) for r in store.evidence_rows(con, case_id)]
    order = {str(r.payload.get("evidence_id")): r.seq for r in log if r.action in EVIDENCE_ACTIONS}
    items.sort(key=lambda item: (order.get(item.evidence_id, 1 << 30), item.evidence_id))
    return Case(
        row["case_id"],
        row["title"],
        row["status"],
        row["created_at"],
        row["created_by"],
        tuple(items),
        log,
    )


def _record(row: dict[str, Any]) -> LogRecord:
    return LogRecord(
        int(row["seq"]),
        row["at"],
        row["analyst"],
        row["action"],
        json.loads(row["payload"]),
        row["prev_hash"],
        row["record_hash"],
    )


def _item(row: dict[str, Any]) -> EvidenceItem:
    return EvidenceItem(
        row["evidence_id"],
        row["kind"],
        row["name"],
        row["media_type"],
        row["sha256"],
        bytes(row["content"]),
        row["added_at"],
        row["added_by"],
        json.loads(row["meta"]),
    )


def verify_case(ws: Workspace, case_id: str) -> list[str]:
    """Problems with the case's stored log and evidence (``[]``: the chain holds)."""
    return list(check_case(ws, case_id)["problems"])


def check_case(ws: Workspace, case_id: str) -> dict[str, Any]:
    """``{case_id, ok, records, evidence, problems}`` of the case as stored."""
    with ws.read() as con:
        head = int(store.case_row(con, case_id)["head_seq"])
    case = load_case(ws, case_id)
    problems = verify_chain(case.log, head_seq=head, evidence=case.evidence)
    return {
        "case_id": case_id,
        "ok": not problems,
        "records": len(case.log),
        "evidence": len(case.evidence),
        "problems": problems,
    }


def set_status(ws: Workspace, case_id: str, status: str, *, analyst: str | None) -> dict[str, Any]:
    """Move the case to ``status`` (open, review, closed); returns the log record."""
    if status not in CASE_STATUSES:
        raise InputError(f"status {status!r}: expected one of {', '.join(CASE_STATUSES)}")
    who = require_analyst(ws, analyst)
    with ws.read() as con:
        before = store.case_row(con, case_id)["status"]
    entry = store.Entry("status_changed", {"from": before, "to": status}, status=status)
    return _append(ws, case_id, [entry], who)[0]


def _append(
    ws: Workspace, case_id: str, entries: Sequence[store.Entry], analyst: str
) -> list[dict[str, Any]]:
    return store.append(ws, case_id, entries, analyst=analyst, at=utc_now(), hasher=record_hash_of)


def _entry(item: EvidenceItem, action: str = "evidence_added", **extra: Any) -> store.Entry:
    payload = {
        "evidence_id": item.evidence_id,
        "sha256": item.sha256,
        "kind": item.kind,
        "name": item.name,
        "media_type": item.media_type,
        **extra,
    }
    row = {
        "evidence_id": item.evidence_id,
        "kind": item.kind,
        "name": item.name,
        "media_type": item.media_type,
        "sha256": item.sha256,
        "content": item.content,
        "meta": json.dumps(dict(item.meta), sort_keys=True, separators=(",", ":")),
        "added_at": item.added_at,
        "added_by": item.added_by,
    }
    return store.Entry(action, payload, evidence=row)


def add_note(ws: Workspace, case_id: str, text: str, *, analyst: str | None) -> EvidenceItem:
    """Add a note (evidence of kind ``note``, ``setori.note/1``)."""
    who = require_analyst(ws, analyst)
    if not text.strip():
        raise InputError("a note needs text; got an empty one")
    note = {"schema": "setori.note/1", "text": text}
    item = json_evidence(note, kind="note", name="note", added_at=utc_now(), added_by=who)
    item = _renamed(item, f"note-{item.evidence_id}.json")
    _append(ws, case_id, [_entry(item, "note_added", text=text)], who)
    return item


def _renamed(item: EvidenceItem, name: str) -> EvidenceItem:
    return EvidenceItem(
        item.evidence_id,
        item.kind,
        name,
        item.media_type,
        item.sha256,
        item.content,
        item.added_at,
        item.added_by,
        item.meta,
    )


def _file_item(path: Path, who: str, at: str) -> EvidenceItem:
    if not path.is_file():
        raise InputError(f"no file at {str(path)!r} to add to the case")
    content = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    meta = {"filename": path.name, "size_bytes": len(content)}
    item = evidence_item(
        kind="file",
        name=path.name,
        media_type=media_type,
        content=content,
        added_at=at,
        added_by=who,
        meta=meta,
    )
    return _renamed(item, f"file-{item.evidence_id}-{path.name}")


def add_file(ws: Workspace, case_id: str, path: Path, *, analyst: str | None) -> EvidenceItem:
    """Add a file (a photo, a document) as it is, with its SHA-256."""
    who = require_analyst(ws, analyst)
    item = _file_item(path, who, utc_now())
    _append(ws, case_id, [_entry(item)], who)
    return item


def add_event(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    case_id: str,
    event_id: str,
    *,
    analyst: str | None,
) -> EvidenceItem:
    """Freeze the stored event ``event_id`` (with its positions, detector and vessels) into
    the case."""
    from setori.casework.snapshots import event_snapshot

    who = require_analyst(ws, analyst)
    snapshot = event_snapshot(con, event_id)
    event = snapshot.get("event", {})
    meta = {
        "event_id": event_id,
        "type": event.get("type"),
        "subtype": event.get("subtype"),
        "mmsi": [str(m) for m in event.get("mmsi", [])],
        "start": event.get("start"),
        "end": event.get("end"),
    }
    item = json_evidence(
        snapshot,
        kind="event",
        name=f"event-{event_id}.json",
        added_at=utc_now(),
        added_by=who,
        meta=meta,
    )
    _append(ws, case_id, [_entry(item, event_id=event_id)], who)
    return item


def add_vessel(
    ws: Workspace, con: duckdb.DuckDBPyConnection, case_id: str, key: str, *, analyst: str | None
) -> EvidenceItem:
    """Freeze the vessel ``key`` names (stable key, MMSI, IMO or name) with its identity
    history into the case."""
    from setori.casework.snapshots import vessel_snapshot

    who = require_analyst(ws, analyst)
    snapshot = vessel_snapshot(con, key)
    stable = str(snapshot.get("key") or key)
    meta = {"key": stable, "asked": key, "mmsi": [str(m) for m in snapshot.get("mmsi", [])]}
    safe = stable.replace(":", "-").replace("/", "-").replace(" ", "_")
    item = json_evidence(
        snapshot,
        kind="vessel",
        name=f"vessel-{safe}.json",
        added_at=utc_now(),
        added_by=who,
        meta=meta,
    )
    _append(ws, case_id, [_entry(item, key=stable)], who)
    return item


def add_hit(ws: Workspace, case_id: str, hit_id: str, *, analyst: str | None) -> EvidenceItem:
    """Add the stored hit ``hit_id`` exactly as it was made (list version, matcher version,
    the listed entity as matched)."""
    from setori.workspace.hits import get_hit

    who = require_analyst(ws, analyst)
    hit = get_hit(ws, hit_id)
    if hit is None:
        raise NotFoundError(f"no stored hit {hit_id!r}: hits are stored by `setori screen`")
    content = {"schema": "setori.hit/1", **hit}
    meta = {k: hit.get(k) for k in ("hit_id", "entity_id", "list_id", "list_version")}
    item = json_evidence(
        content, kind="hit", name=f"hit-{hit_id}.json", added_at=utc_now(), added_by=who, meta=meta
    )
    _append(ws, case_id, [_entry(item, hit_id=hit_id)], who)
    return item


def add_sightings(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    case_id: str,
    path: Path,
    *,
    analyst: str | None,
    params: SightingParams | None = None,
    skip_bad_rows: bool = False,
) -> dict[str, Any]:
    """Add each sighting of a CSV or GeoJSON file, matched to the store's AIS, with its
    photo; all in one transaction. Bad rows: an :class:`InputError` listing them and nothing
    added, unless ``skip_bad_rows`` (then they are listed in the result and the log)."""
    from setori.cases.sightings import SightingParams, read_sightings, require_valid
    from setori.casework.sightings import matched_records

    who = require_analyst(ws, analyst)
    store.require_case(ws, case_id)
    params = params or SightingParams()
    sightings = read_sightings(path)
    require_valid(sightings, skip_bad_rows=skip_bad_rows)
    records = matched_records(con, sightings, params)
    at = utc_now()
    entries = _photo_entries(sightings.photos, who, at)
    photo_ids = {name: e.payload["evidence_id"] for name, e in entries.items()}
    held = store.held_evidence(ws, case_id, list(photo_ids.values()))  # a photo added before
    entries = {name: e for name, e in entries.items() if photo_ids[name] not in held}
    items = [_sighting_item(r, path, photo_ids, who, at) for r in records]
    sighting_entries = [
        _entry(item, "sighting_added", dark_vessel=item.meta["dark_vessel"]) for item in items
    ]
    rejected = store.Entry(
        "sightings_rejected", {"file": path.name, "errors": list(sightings.errors)}
    )
    tail = [rejected] if sightings.errors else []
    _append(ws, case_id, [*entries.values(), *sighting_entries, *tail], who)
    return {
        "file": path.name,
        "added": len(items),
        "dark_vessels": sum(1 for i in items if i.meta["dark_vessel"]),
        "rejected": list(sightings.errors),
        "evidence": [i.evidence_id for i in items],
        "sightings": records,
    }


def _photo_entries(photos: Mapping[str, Path], who: str, at: str) -> dict[str, store.Entry]:
    return {name: _entry(_file_item(file, who, at)) for name, file in sorted(photos.items())}


def _sighting_item(
    record: dict[str, Any], path: Path, photo_ids: dict[str, Any], who: str, at: str
) -> EvidenceItem:
    sighting = record["sighting"]
    photo = sighting.get("photo")
    body = {**record, "photo_evidence_id": photo_ids.get(photo) if photo else None}
    meta = {
        "row": sighting["row"],
        "time": sighting["time"],
        "source_file": path.name,
        "dark_vessel": record["dark_vessel"],
        "explained_by": [v["mmsi"] for v in record["match"]["explained_by"]],
        "near_events": [e["event_id"] for e in record["near_events"]],
    }
    content = canonical_bytes(body)
    item = evidence_item(
        kind="sighting",
        name="sighting",
        media_type="application/json",
        content=content,
        added_at=at,
        added_by=who,
        meta=meta,
    )
    return _renamed(item, f"sighting-{path.stem}-{sighting['row']}.json")
