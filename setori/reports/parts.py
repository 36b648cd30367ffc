"""The sections of a report other than incidents: vessels, list hits, sightings, notes,
evidence and the case log (see :mod:`setori.reports.content`)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import numpy as np

from setori.reports import sources as src
from setori.reports.drawing import parse_time, time_label
from setori.reports.formats import iso_display, position_display, quantity
from setori.reports.inputs import ReportInputs
from setori.reports.timeline import IdentityChange, TimelineEvent, timeline_svg
from setori.reports.views import (
    EvidenceRow,
    HitView,
    IdentityRow,
    IncidentView,
    LogRow,
    NoteView,
    RiskLine,
    SightingView,
    VesselView,
)

if TYPE_CHECKING:
    from setori.cases.model import EvidenceItem, LogRecord

Bodies = Sequence[tuple["EvidenceItem", dict[str, Any]]]
PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/svg+xml")


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def vessel_views(
    bodies: Bodies,
    inputs: ReportInputs,
    incidents: Sequence[IncidentView],
    hits: Sequence[HitView],
    sightings: Sequence[SightingView],
    window: tuple[float, float] | None,
) -> tuple[VesselView, ...]:
    """One view per vessel the case cites (directly or through an event)."""
    names = vessel_names(bodies)
    views = []
    for key, snapshot in vessel_snapshots(bodies).items():
        mmsis = tuple(str(m) for m in _as_list(snapshot.get("mmsi")))
        identities = tuple(_identity_row(r) for r in snapshot.get("identities") or [])
        vessel_hits = [h for h in hits if set(h.finding.evidence_ids[1:]) & set(mmsis)]
        kinds = {src.AIS} if identities or mmsis else set()
        if vessel_hits:
            kinds.add(src.LIST)
        title = _vessel_title(snapshot, mmsis, names)
        score, lines = _risk(inputs.risk, mmsis, incidents, hits)
        views.append(
            VesselView(
                key=key,
                title=title,
                mmsis=mmsis,
                imo=_text(snapshot.get("imo")),
                names=tuple(str(n) for n in snapshot.get("names") or []),
                identities=identities,
                frozen_at=iso_display(snapshot.get("frozen_at")),
                evidence_ids=tuple(dict.fromkeys(snapshot.get("_evidence_ids") or [])),
                score=score,
                breakdown=lines,
                timeline_svg=_timeline(snapshot, mmsis, inputs, incidents, window),
                timeline_window=(
                    f"{time_label(window[0])} to {time_label(window[1])}" if window else ""
                ),
                finding=src.Finding(
                    "Vessel",
                    f"{title} is {key}"
                    + (
                        f", listed ({', '.join(h.list_name for h in vessel_hits)})"
                        if vessel_hits
                        else ""
                    ),
                    src.ordered(kinds),
                    tuple(dict.fromkeys(snapshot.get("_evidence_ids") or [])),
                ),
            )
        )
    return tuple(views)


def vessel_names(bodies: Sequence[tuple[EvidenceItem, dict[str, Any]]]) -> dict[str, str]:
    """MMSI (text) -> the vessel's latest broadcast name, from every vessel snapshot."""
    found: dict[str, tuple[str, str]] = {}
    for snapshot in vessel_snapshots(bodies).values():
        for row in snapshot.get("identities") or []:
            name, mmsi = row.get("name"), str(row.get("mmsi") or "")
            seen = str(row.get("last_seen") or "")
            if name and mmsi and (mmsi not in found or seen >= found[mmsi][1]):
                found[mmsi] = (str(name).strip(), seen)
    return {m: name for m, (name, _) in found.items()}


def vessel_snapshots(
    bodies: Sequence[tuple[EvidenceItem, dict[str, Any]]],
) -> dict[str, dict[str, Any]]:
    """Stable key -> vessel snapshot, from vessel evidence and the snapshots events carry
    (with ``_evidence_ids``: the items citing it)."""
    found: dict[str, dict[str, Any]] = {}
    for item, body in bodies:
        snapshots = [body] if item.kind == "vessel" else list(body.get("vessels") or [])
        for snapshot in snapshots:
            key = snapshot.get("key")
            if not key:
                continue
            entry = found.setdefault(str(key), {**snapshot, "_evidence_ids": []})
            if item.kind == "vessel":
                entry.update(snapshot)
            entry["_evidence_ids"].append(item.evidence_id)
    return found


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _vessel_title(
    snapshot: Mapping[str, Any], mmsis: Sequence[str], names: Mapping[str, str]
) -> str:
    name = next((names[m] for m in mmsis if m in names), None)
    name = name or next(iter(snapshot.get("names") or []), None)
    ids = ", ".join([f"IMO {snapshot['imo']}"] if snapshot.get("imo") else [])
    ids = ", ".join(x for x in (ids, *(f"MMSI {m}" for m in mmsis)) if x)
    return f"{name} ({ids})" if name else ids or str(snapshot.get("key"))


def _identity_row(row: Mapping[str, Any]) -> IdentityRow:
    length = row.get("length_m")
    return IdentityRow(
        name=_text(row.get("name")),
        imo=_text(row.get("imo")),
        call_sign=_text(row.get("call_sign")),
        ship_type=_text(row.get("ship_type")),
        length_m=quantity("length_m", length) if length else "–",
        first_seen=iso_display(row.get("first_seen")),
        last_seen=iso_display(row.get("last_seen")),
        reports=_text(row.get("reports")),
        source=f"AIS static reports, MMSI {row.get('mmsi')}",
    )


def _risk(
    rows: Sequence[Mapping[str, Any]],
    mmsis: Sequence[str],
    incidents: Sequence[IncidentView],
    hits: Sequence[HitView],
) -> tuple[float | None, tuple[RiskLine, ...]]:
    mine = [r for r in rows if str(r.get("mmsi")) in mmsis]
    if not mine:
        return None, ()
    by_event = {i.event_id: i for i in incidents}
    by_hit = {h.hit_id: h for h in hits}
    lines = []
    for row in mine:
        for part in row.get("breakdown") or []:
            ref, kinds = _risk_ref(part, by_event, by_hit)
            lines.append(
                RiskLine(float(part.get("points") or 0), str(part.get("reason")), ref, kinds)
            )
    return float(sum(float(r.get("score") or 0) for r in mine)), tuple(lines)


def _risk_ref(
    part: Mapping[str, Any],
    by_event: Mapping[str, IncidentView],
    by_hit: Mapping[str, HitView],
) -> tuple[str, tuple[str, ...]]:
    event_id, hit_id = part.get("event_id"), part.get("hit_id")
    if event_id:
        cited = by_event.get(str(event_id))
        if cited:
            return f"incident #{cited.number}", cited.finding.sources
        return f"event {event_id}", (src.AIS,)
    if hit_id:
        hit = by_hit.get(str(hit_id))
        return f"hit {hit_id}", hit.finding.sources if hit else (src.LIST,)
    return str(part.get("attribute") or "vessel attribute"), (src.AIS,)


def _timeline(
    snapshot: Mapping[str, Any],
    mmsis: Sequence[str],
    inputs: ReportInputs,
    incidents: Sequence[IncidentView],
    window: tuple[float, float] | None,
) -> str:
    activity = [inputs.activity[int(m)] for m in mmsis if int(m) in inputs.activity]
    if window is None or not activity:
        return ""
    numbers = {i.event_id: i.number for i in incidents}
    events = []
    for act in activity:
        for e in act.events:
            start, end = parse_time(_iso(e.get("start"))), parse_time(_iso(e.get("end")))
            if start is None:
                continue
            events.append(
                TimelineEvent(
                    str(e.get("type")),
                    str(e.get("subtype") or ""),
                    start.timestamp(),
                    (end or start).timestamp(),
                    numbers.get(str(e.get("id"))),
                )
            )
    changes = []
    for row in snapshot.get("identities") or []:
        seen = parse_time(row.get("first_seen"))
        if seen is not None:
            label = " / ".join(_text(row.get(k)) for k in ("name", "imo", "call_sign"))
            changes.append(IdentityChange(seen.timestamp(), f"first broadcast: {label}"))
    positions = np.concatenate([a.positions_s for a in activity])
    return timeline_svg(
        t0=window[0],
        t1=window[1],
        positions_s=positions,
        events=events,
        identity_changes=[c for c in changes if window[0] <= c.at_s <= window[1]],
    )


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def hit_views(bodies: Bodies, names: Mapping[str, str]) -> tuple[HitView, ...]:
    """The stored list hits the case holds; their finding's evidence ids carry the hit's
    evidence id then the MMSIs it concerns (used to link hits to vessels)."""
    views = []
    for item, body in bodies:
        if item.kind != "hit":
            continue
        query = body.get("query") or {}
        entity = body.get("entity") or {}
        props = entity.get("properties") or {}
        mmsi = str(query.get("mmsi") or item.meta.get("mmsi") or "")
        kinds = {src.LIST} | ({src.AIS} if mmsi else set())
        list_name = str(body.get("list_id") or "")
        caption = str(entity.get("caption") or body.get("caption") or _text(props.get("name")))
        queried = " / ".join(str(n) for n in query.get("names") or []) or mmsi
        views.append(
            HitView(
                hit_id=str(body.get("hit_id") or item.meta.get("hit_id") or item.evidence_id),
                query=", ".join(
                    x
                    for x in (
                        queried,
                        f"IMO {query['imo']}" if query.get("imo") else "",
                        f"MMSI {mmsi}" if mmsi else "",
                    )
                    if x
                ),
                entity=caption,
                programme=_text(
                    props.get("programId") or props.get("program") or props.get("topics")
                ),
                identifiers=_identifiers(props),
                list_name=list_name,
                list_version=str(body.get("list_version") or "–"),
                matcher_version=str(body.get("matcher_version") or "–"),
                score=f"{float(body.get('score') or 0):.2f}",
                band=str(body.get("band") or "–"),
                reasons=tuple(_reason(f) for f in body.get("features") or []),
                evidence_id=item.evidence_id,
                finding=src.Finding(
                    "List hit",
                    f"{queried or 'query'} matches {caption} on {list_name}",
                    src.ordered(kinds),
                    (item.evidence_id, *([mmsi] if mmsi else [])),
                ),
            )
        )
    return tuple(views)


#: Listed identifiers shown for a hit: FtM property -> label.
IDENTIFIERS = {"imoNumber": "IMO", "mmsi": "MMSI", "callSign": "call sign", "flag": "flag"}


def _identifiers(props: Mapping[str, Any]) -> str:
    parts = []
    for key, label in IDENTIFIERS.items():
        values = [str(v) for v in _as_list(props.get(key))]
        if key == "imoNumber":
            values = [v.upper().removeprefix("IMO").strip() for v in values]
        if key == "flag":
            values = [v.upper() for v in values]
        if values:
            parts.append(f"{label} {', '.join(values)}")
    return "; ".join(parts)


def _reason(feature: Mapping[str, Any]) -> str:
    points = float(feature.get("contribution") or 0)
    return f"{feature.get('name')} ({points:+.2f}): {feature.get('explanation')}"


def sighting_views(bodies: Bodies, names: Mapping[str, str]) -> tuple[SightingView, ...]:
    """Every sighting the case holds, with its photo (when the case holds the file)."""
    photos = {item.name: item for item, _ in bodies if item.media_type in PHOTO_TYPES}
    by_id = {item.evidence_id: item for item, _ in bodies if item.media_type in PHOTO_TYPES}
    views: list[SightingView] = []
    for item, body in bodies:
        if item.kind != "sighting":
            continue
        s = body.get("sighting") or {}
        match = body.get("match") or {}
        explained = [v for v in match.get("explained_by") or []]
        mmsis = tuple(str(v.get("mmsi")) for v in explained)
        kind = src.sighting_kind(s.get("source"))
        dark = bool(body.get("dark_vessel"))
        at = parse_time(s.get("time"))
        photo = by_id.get(str(body.get("photo_evidence_id"))) or (
            photos.get(PurePath(str(s.get("photo"))).name) if s.get("photo") else None
        )
        who = "; ".join(
            f"{names.get(str(v.get('mmsi')), '')} MMSI {v.get('mmsi')} at "
            f"{quantity('distance_m', v.get('distance_m'))}".strip()
            for v in explained
        )
        number = len(views) + 1
        statement = (
            f"Sighting {number}: a vessel no AIS track explains (dark vessel)"
            if dark
            else f"Sighting {number}: {who or 'a vessel'} seen"
        )
        views.append(
            SightingView(
                number=number,
                time=iso_display(s.get("time")),
                position=position_display(s.get("lat"), s.get("lon")),
                source=_text(s.get("source")),
                kind=_text(s.get("kind")),
                details=", ".join(
                    x
                    for x in (
                        f"length {quantity('length_m', s['length_m'])}"
                        if s.get("length_m")
                        else "",
                        f"heading {quantity('heading_deg', s['heading_deg'])}"
                        if s.get("heading_deg") is not None
                        else "",
                        _text(s.get("note")) if s.get("note") else "",
                    )
                    if x
                )
                or "–",
                explained_by=who or "no AIS track",
                dark_vessel=dark,
                near_events=", ".join(
                    f"{e.get('type')} {e.get('event_id')}" for e in body.get("near_events") or []
                )
                or "–",
                photo_uri=_data_uri(photo) if photo else "",
                photo_name=photo.name if photo else _text(s.get("photo")),
                evidence_id=item.evidence_id,
                finding=src.Finding(
                    "Sighting",
                    statement,
                    src.ordered({kind} | ({src.AIS} if mmsis else set())),
                    (item.evidence_id,),
                ),
                at_s=at.timestamp() if at else 0.0,
                lat=s.get("lat"),
                lon=s.get("lon"),
                explained_mmsis=mmsis,
                near_event_ids=tuple(str(e.get("event_id")) for e in body.get("near_events") or []),
            )
        )
    return tuple(views)


def _data_uri(item: EvidenceItem) -> str:
    return f"data:{item.media_type};base64,{base64.b64encode(item.content).decode('ascii')}"


def note_views(bodies: Bodies) -> tuple[NoteView, ...]:
    """The analysts' notes, in the order they were added."""
    return tuple(
        NoteView(
            str(body.get("text") or ""), item.added_by, iso_display(item.added_at), item.evidence_id
        )
        for item, body in bodies
        if item.kind == "note"
    )


def evidence_rows(evidence: Sequence[EvidenceItem]) -> tuple[EvidenceRow, ...]:
    """Every evidence item with its SHA-256."""
    return tuple(
        EvidenceRow(
            e.evidence_id,
            e.kind,
            e.name,
            e.media_type,
            f"{len(e.content):,} B",
            e.sha256,
            iso_display(e.added_at),
            e.added_by,
        )
        for e in evidence
    )


def log_rows(log: Sequence[LogRecord]) -> tuple[LogRow, ...]:
    """The case log, each record with the hash that chains it."""
    return tuple(
        LogRow(r.seq, iso_display(r.at), r.analyst, r.action, _payload(r.payload), r.record_hash)
        for r in log
    )


def _payload(payload: Mapping[str, Any]) -> str:
    keys = ("title", "kind", "evidence_id", "status", "name", "event_id", "key", "hit_id")
    return ", ".join(f"{k}={payload[k]}" for k in keys if payload.get(k) is not None)
