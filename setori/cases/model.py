"""A case as plain values: what the case verbs store, bundles export and reports render.

The workspace wiring (:mod:`setori.casework`) builds a :class:`Case` from the database;
:mod:`setori.cases.bundle` and :mod:`setori.reports` read only this shape. Evidence content
is the exact bytes that were hashed: for snapshots (events, vessels, hits, sightings) it is
canonical JSON (:mod:`setori.canonical`), whose ``schema`` field names its layout:

* ``setori.event-snapshot/1``   ``{event, detector: {name, version, profile, parameters},
  positions: [{mmsi, time, lat, lon, sog_kn, cog_deg}], vessels: [vessel snapshots],
  frozen_at}`` (:mod:`setori.cases.snapshot`)
* ``setori.vessel-snapshot/1``  ``{key, mmsi, imo, names, identities, frozen_at}``
* ``setori.hit/1``              the stored hit: query, entity (FtM JSON), list id and
  version, matcher version, score, band, features
* ``setori.sighting/1``         a sighting and its match to AIS (:mod:`setori.cases.sightings`)
* ``setori.note/1``             ``{text}``

Files (photos, documents) are stored as they are, with their media type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from setori.canonical import canonical_bytes, sha256_hex

EvidenceKind = Literal["event", "vessel", "hit", "note", "file", "sighting"]
CaseStatus = Literal["open", "review", "closed"]
CASE_STATUSES: tuple[CaseStatus, ...] = ("open", "review", "closed")
#: The previous-record hash of a case's first log record.
GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One piece of evidence: exact bytes, their SHA-256, and what they are."""

    evidence_id: str  # the first 16 hex digits of sha256 (unique within a case)
    kind: EvidenceKind
    name: str  # a file name for exports: "event-<id>.json", "photo-0001.jpg"
    media_type: str
    sha256: str
    content: bytes
    added_at: str  # ISO 8601 UTC
    added_by: str
    meta: Mapping[str, Any] = field(default_factory=dict)  # event_id, mmsi, key, hit_id…


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One record of the append-only case log; ``record_hash`` chains it to the previous."""

    seq: int  # 1, 2, 3… within the case
    at: str
    analyst: str
    action: str  # created, evidence_added, note_added, status_changed, …
    payload: Mapping[str, Any]
    prev_hash: str
    record_hash: str

    def body(self) -> dict[str, Any]:
        """What ``record_hash`` is the SHA-256 of (as canonical JSON)."""
        return record_body(
            self.seq, self.at, self.analyst, self.action, self.payload, self.prev_hash
        )

    def leaf_bytes(self) -> bytes:
        """The record as canonical JSON, hash included (a Merkle leaf of the case log)."""
        return canonical_bytes({**self.body(), "record_hash": self.record_hash})


def record_body(
    seq: int, at: str, analyst: str, action: str, payload: Mapping[str, Any], prev_hash: str
) -> dict[str, Any]:
    """The fields of a log record its hash covers, as the dict that is hashed."""
    return {
        "seq": seq,
        "at": at,
        "analyst": analyst,
        "action": action,
        "payload": dict(payload),
        "prev_hash": prev_hash,
    }


def record_hash_of(
    seq: int, at: str, analyst: str, action: str, payload: Mapping[str, Any], prev_hash: str
) -> str:
    """The SHA-256 a log record with these fields must carry."""
    return sha256_hex(canonical_bytes(record_body(seq, at, analyst, action, payload, prev_hash)))


@dataclass(frozen=True, slots=True)
class Case:
    """A case with its evidence and its whole log, in order."""

    case_id: str
    title: str
    status: CaseStatus
    created_at: str
    created_by: str
    evidence: tuple[EvidenceItem, ...] = ()
    log: tuple[LogRecord, ...] = ()


def evidence_item(
    *,
    kind: EvidenceKind,
    name: str,
    media_type: str,
    content: bytes,
    added_at: str,
    added_by: str,
    meta: Mapping[str, Any] | None = None,
) -> EvidenceItem:
    """An evidence item for ``content``: its SHA-256 and id (the first 16 hex digits)."""
    digest = sha256_hex(content)
    return EvidenceItem(
        digest[:16], kind, name, media_type, digest, content, added_at, added_by, dict(meta or {})
    )


def json_evidence(
    value: Mapping[str, Any],
    *,
    kind: EvidenceKind,
    name: str,
    added_at: str,
    added_by: str,
    meta: Mapping[str, Any] | None = None,
) -> EvidenceItem:
    """An evidence item whose content is ``value`` as canonical JSON."""
    return evidence_item(
        kind=kind,
        name=name,
        media_type="application/json",
        content=canonical_bytes(dict(value)),
        added_at=added_at,
        added_by=added_by,
        meta=meta,
    )
