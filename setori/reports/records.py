"""The evidence sections of a report: list hits, sightings (with photos), notes, the
evidence table and the case log (see :mod:`setori.reports.content`)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from setori.reports import sources as src
from setori.reports.drawing import parse_time
from setori.reports.formats import iso_display, position_display, quantity
from setori.reports.parts import Bodies, as_list, text_of
from setori.reports.views import EvidenceRow, HitView, LogRow, NoteView, SightingView

if TYPE_CHECKING:
    from setori.cases.model import EvidenceItem, LogRecord

PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/svg+xml")


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
        caption = str(entity.get("caption") or body.get("caption") or text_of(props.get("name")))
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
                programme=text_of(
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
                    f"query {queried or '–'} matches listed {caption} "
                    f"({list_name}, version {body.get('list_version') or '–'})",
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
        values = [str(v) for v in as_list(props.get(key))]
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


def sighting_views(
    bodies: Bodies, names: Mapping[str, str], numbers: Mapping[str, int] | None = None
) -> tuple[SightingView, ...]:
    """Every sighting the case holds, with its photo (when the case holds the file);
    ``numbers``: incident number of each cited event id (named beside its id)."""
    numbers = numbers or {}
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
            f"{names.get(str(v.get('mmsi')), '')} (MMSI {v.get('mmsi')}) "
            f"{quantity('distance_m', v.get('distance_m'))} from its AIS position".strip()
            for v in explained
        )
        number = len(views) + 1
        when = iso_display(s.get("time"))
        statement = (
            f"Sighting {number}, {when}: a vessel no AIS track explains (dark vessel)"
            if dark
            else f"Sighting {number}, {when}: {who or 'a vessel'}"
        )
        views.append(
            SightingView(
                number=number,
                time=iso_display(s.get("time")),
                position=position_display(s.get("lat"), s.get("lon")),
                source=text_of(s.get("source")),
                kind=text_of(s.get("kind")),
                details=", ".join(
                    x
                    for x in (
                        f"length {quantity('length_m', s['length_m'])}"
                        if s.get("length_m")
                        else "",
                        f"heading {quantity('heading_deg', s['heading_deg'])}"
                        if s.get("heading_deg") is not None
                        else "",
                        text_of(s.get("note")) if s.get("note") else "",
                    )
                    if x
                )
                or "–",
                explained_by=who or "no AIS track",
                dark_vessel=dark,
                near_events=", ".join(_near(e, numbers) for e in body.get("near_events") or [])
                or "–",
                photo_uri=_data_uri(photo) if photo else "",
                photo_name=photo.name if photo else text_of(s.get("photo")),
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


def _near(event: Mapping[str, Any], numbers: Mapping[str, int]) -> str:
    number = numbers.get(str(event.get("event_id")))
    cited = f" (incident #{number})" if number else ""
    return f"{event.get('type')} {event.get('event_id')}{cited}"


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
