"""The vessels section of a report (identities, risk, timeline) and what the other
sections share (see :mod:`setori.reports.content`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from setori.reports import sources as src
from setori.reports.drawing import parse_time, time_label
from setori.reports.formats import iso_display, quantity
from setori.reports.inputs import ReportInputs
from setori.reports.timeline import IdentityChange, TimelineEvent, timeline_svg
from setori.reports.views import (
    HitView,
    IdentityRow,
    IncidentView,
    RiskLine,
    SightingView,
    VesselView,
)

if TYPE_CHECKING:
    from setori.cases.model import EvidenceItem

Bodies = Sequence[tuple["EvidenceItem", dict[str, Any]]]


def text_of(value: Any) -> str:
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
        mmsis = tuple(str(m) for m in as_list(snapshot.get("mmsi")))
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
                imo=text_of(snapshot.get("imo")),
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
                    f"{title}: identity as broadcast on AIS (key {key})"
                    + (
                        f"; matches a listed entity ({', '.join(h.list_name for h in vessel_hits)})"
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


def as_list(value: Any) -> list[Any]:
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
        name=text_of(row.get("name")),
        imo=text_of(row.get("imo")),
        call_sign=text_of(row.get("call_sign")),
        ship_type=text_of(row.get("ship_type")),
        length_m=quantity("length_m", length) if length else "–",
        first_seen=iso_display(row.get("first_seen")),
        last_seen=iso_display(row.get("last_seen")),
        reports=text_of(row.get("reports")),
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
            label = " / ".join(text_of(row.get(k)) for k in ("name", "imo", "call_sign"))
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
