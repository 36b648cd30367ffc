"""What each section of a report shows, as plain frozen values the templates read.

Built by :mod:`setori.reports.content` from a case; nothing here reads a file or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from setori.reports.sources import Finding


@dataclass(frozen=True, slots=True)
class IdentityRow:
    """One identity a vessel broadcast, and where it comes from."""

    name: str
    imo: str
    call_sign: str
    ship_type: str
    length_m: str
    first_seen: str
    last_seen: str
    reports: str
    source: str


@dataclass(frozen=True, slots=True)
class RiskLine:
    """One line of a risk breakdown: points, the reason, what it rests on."""

    points: float
    reason: str
    ref: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VesselView:
    """A vessel the case cites: identifiers, identities with sources, risk, timeline."""

    key: str
    title: str
    mmsis: tuple[str, ...]
    imo: str
    names: tuple[str, ...]
    identities: tuple[IdentityRow, ...]
    frozen_at: str
    evidence_ids: tuple[str, ...]
    score: float | None
    breakdown: tuple[RiskLine, ...]
    timeline_svg: str
    timeline_window: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class IncidentVessel:
    """A vessel of an incident, with its letter on the map."""

    letter: str
    title: str
    mmsi: str
    positions: int
    speed: str


@dataclass(frozen=True, slots=True)
class IncidentView:
    """One cited event: what, when, where, how close and how fast, and its map."""

    number: int
    event_id: str
    heading: str
    event_type: str
    subtype: str
    start: str
    end: str
    duration: str
    position: str
    facts: tuple[tuple[str, str], ...]
    vessels: tuple[IncidentVessel, ...]
    detector: str
    parameters: str
    status: str
    status_detail: str
    map_svg: str
    map_note: str
    evidence_id: str
    sha256: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class HitView:
    """A stored list hit: the query, the listed entity, why it matched, which list version."""

    hit_id: str
    query: str
    entity: str
    programme: str
    identifiers: str
    list_name: str
    list_version: str
    matcher_version: str
    score: str
    band: str
    reasons: tuple[str, ...]
    evidence_id: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class SightingView:
    """A sighting or imagery detection and what AIS says about it."""

    number: int
    time: str
    position: str
    source: str
    kind: str
    details: str
    explained_by: str
    dark_vessel: bool
    near_events: str
    photo_uri: str
    photo_name: str
    evidence_id: str
    finding: Finding
    at_s: float = 0.0
    lat: float | None = None
    lon: float | None = None
    explained_mmsis: tuple[str, ...] = ()
    near_event_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NoteView:
    """An analyst's note."""

    text: str
    added_by: str
    added_at: str
    evidence_id: str


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One evidence item as the evidence table lists it."""

    evidence_id: str
    kind: str
    name: str
    media_type: str
    size: str
    sha256: str
    added_at: str
    added_by: str


@dataclass(frozen=True, slots=True)
class LogRow:
    """One record of the hash-chained case log."""

    seq: int
    at: str
    analyst: str
    action: str
    detail: str
    record_hash: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a report shows, in the order it shows it."""

    case_id: str
    title: str
    status: str
    created_at: str
    created_by: str
    generated_at: str
    summary: tuple[tuple[str, str], ...]
    vessels: tuple[VesselView, ...]
    incidents: tuple[IncidentView, ...]
    hits: tuple[HitView, ...]
    sightings: tuple[SightingView, ...]
    notes: tuple[NoteView, ...]
    evidence: tuple[EvidenceRow, ...]
    log: tuple[LogRow, ...]
    findings: tuple[Finding, ...]
    head_hash: str
    fingerprint: str | None = None
    attachment: str | None = None
    source_kinds: tuple[str, ...] = field(default_factory=tuple)
