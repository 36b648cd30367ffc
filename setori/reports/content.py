"""A case turned into the sections of a report (:class:`~setori.reports.views.Report`).

The order follows how sanctions-monitoring reports present a case (the UN Panels of
Experts' vessel case studies): summary; the vessel and its identifiers; the incident;
the evidence; the assessment (list hits, risk, and which findings are corroborated).
Every finding names the kinds of source behind it (:mod:`setori.reports.sources`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from setori.reports import sources as src
from setori.reports.drawing import parse_time
from setori.reports.eventmap import EventMark, SightingMark, VesselTrack, event_map_svg
from setori.reports.formats import (
    duration_display,
    facts_of,
    iso_display,
    parameters_display,
    position_display,
    quantity,
)
from setori.reports.inputs import ReportInputs, content_of
from setori.reports.parts import vessel_names, vessel_views
from setori.reports.records import (
    evidence_rows,
    hit_views,
    log_rows,
    note_views,
    sighting_views,
)
from setori.reports.views import IncidentVessel, IncidentView, Report

if TYPE_CHECKING:
    from setori.cases.model import EvidenceItem

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
#: How each vessel's line is drawn on a map (setori.reports.eventmap.DASHES).
LINE_STYLES = ("solid", "dashed", "dotted", "dash-dot")
#: A timeline reaches this far before the first and after the last cited event.
TIMELINE_MARGIN_S = 24 * 3600.0
#: A case citing vessels but no event shows this much of their last reports.
VESSEL_ONLY_SPAN_S = 7 * 24 * 3600.0
#: Sightings this close in time to an event are drawn on its map.
MAP_SIGHTING_S = 6 * 3600.0


def build_report(inputs: ReportInputs) -> Report:
    """Every section of the report of ``inputs.case``."""
    case = inputs.case
    bodies = [(item, content_of(item)) for item in case.evidence]
    events = sorted(
        ((i, b) for i, b in bodies if i.kind == "event" and b.get("event")),
        key=lambda ib: (str(ib[1]["event"].get("start")), ib[0].evidence_id),
    )
    names = vessel_names(bodies)
    numbers = {_event_id(item, body): n for n, (item, body) in enumerate(events, 1)}
    sightings = sighting_views(bodies, names, numbers)
    incidents = tuple(
        _incident(n, item, body, inputs, names, sightings)
        for n, (item, body) in enumerate(events, 1)
    )
    hits = hit_views(bodies, names)
    window = report_window(case)
    vessels = vessel_views(bodies, inputs, incidents, hits, sightings, window)
    findings = (
        *(v.finding for v in vessels),
        *(i.finding for i in incidents),
        *(h.finding for h in hits),
        *(s.finding for s in sightings),
    )
    return Report(
        case_id=case.case_id,
        title=case.title,
        status=case.status,
        created_at=iso_display(case.created_at),
        created_by=case.created_by,
        generated_at=iso_display(inputs.generated_at) if inputs.generated_at else "",
        summary=_summary(inputs, vessels, incidents, hits, sightings, findings),
        vessels=vessels,
        incidents=incidents,
        hits=hits,
        sightings=sightings,
        notes=note_views(bodies),
        evidence=evidence_rows(case.evidence),
        log=log_rows(case.log),
        findings=findings,
        head_hash=case.log[-1].record_hash if case.log else "",
        fingerprint=inputs.fingerprint,
        attachment=inputs.attachment,
        source_kinds=src.SOURCE_KINDS,
    )


def report_window(case: Any) -> tuple[float, float] | None:
    """The time span of the vessels' timelines (seconds since 1970): the cited events'
    span widened by :data:`TIMELINE_MARGIN_S`; without events, the last
    :data:`VESSEL_ONLY_SPAN_S` of the cited vessels' identity reports; else ``None``."""
    events, seen = [], []
    for item in case.evidence:
        body = content_of(item)
        if item.kind == "event":
            event = body.get("event") or {}
            events += [parse_time(event.get("start")), parse_time(event.get("end"))]
        elif item.kind == "vessel":
            for row in body.get("identities") or []:
                seen += [parse_time(row.get("first_seen")), parse_time(row.get("last_seen"))]
    times = [t.timestamp() for t in events if t is not None]
    if times:
        return min(times) - TIMELINE_MARGIN_S, max(times) + TIMELINE_MARGIN_S
    known = [t.timestamp() for t in seen if t is not None]
    if known:
        return max(min(known), max(known) - VESSEL_ONLY_SPAN_S), max(known)
    return None


def title_of(mmsi: str, names: Mapping[str, str]) -> str:
    """``STOC MARCIA (MMSI 212123000)``, or ``MMSI 367073680`` without a name."""
    name = names.get(str(mmsi))
    return f"{name} (MMSI {mmsi})" if name else f"MMSI {mmsi}"


def _tracks(event_id: str, body: Mapping[str, Any], inputs: ReportInputs) -> pl.DataFrame:
    table = inputs.tracks.get(event_id)
    if table is not None and table.num_rows:
        df = pl.from_arrow(table)
        assert isinstance(df, pl.DataFrame)
        time = "ts" if "ts" in df.columns else "time"
    else:
        df = pl.DataFrame(body.get("positions") or [], infer_schema_length=None)
        time = "time"
    if df.is_empty():
        return pl.DataFrame(
            schema={"mmsi": pl.Utf8, "t": pl.Float64, "lat": pl.Float64, "lon": pl.Float64}
        )
    t = df[time]
    if t.dtype == pl.Utf8:
        t = t.str.to_datetime(time_zone="UTC", time_unit="ms")
    seconds = t.dt.epoch("ms").cast(pl.Float64) / 1000.0
    return df.select(
        pl.col("mmsi").cast(pl.Utf8),
        seconds.alias("t"),
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
    ).drop_nulls()


def _incident(
    number: int,
    item: EvidenceItem,
    body: Mapping[str, Any],
    inputs: ReportInputs,
    names: Mapping[str, str],
    sightings: Sequence[Any],
) -> IncidentView:
    event = body["event"]
    event_id = _event_id(item, body)
    mmsis = [str(m) for m in event.get("mmsi") or []]
    start, end = parse_time(event.get("start")), parse_time(event.get("end"))
    start_s = start.timestamp() if start else 0.0
    end_s = end.timestamp() if end else start_s
    positions = _tracks(event_id, body, inputs)
    order = mmsis + sorted(set(positions["mmsi"].to_list()) - set(mmsis))
    letters = {m: LETTERS[i % len(LETTERS)] for i, m in enumerate(order)}
    tracks = [_vessel_track(positions, m, letters[m], i) for i, m in enumerate(order)]
    mark = EventMark(
        event_id, str(event.get("type")), event.get("lat"), event.get("lon"), start_s, end_s
    )
    status = inputs.event_status.get(event_id) or {}
    kinds, near, marks = _corroboration(event_id, mmsis, (start_s, end_s), sightings)
    kinds.update(_file_kinds(inputs.case.evidence, event_id=event_id, mmsis=mmsis))
    heading = _heading(event, [title_of(m, names) for m in mmsis])
    detector = body.get("detector") or {}
    parameters = detector.get("parameters") or (event.get("evidence") or {}).get("params") or {}
    return IncidentView(
        number=number,
        event_id=event_id,
        heading=heading,
        event_type=str(event.get("type")),
        subtype=str(event.get("subtype") or ""),
        start=iso_display(event.get("start")),
        end=iso_display(event.get("end")),
        duration=duration_display(event.get("duration_h") or (end_s - start_s) / 3600),
        position=position_display(event.get("lat"), event.get("lon")),
        facts=facts_of(event),
        vessels=_incident_vessels(event, order, letters, positions, names),
        detector=_detector(detector, event),
        parameters=parameters_display(parameters),
        status=str(status.get("status") or "not checked"),
        status_detail="; ".join(_difference(d) for d in status.get("differences") or []),
        map_svg=event_map_svg(tracks, mark, marks),
        map_note=", ".join(near),
        evidence_id=item.evidence_id,
        sha256=item.sha256,
        finding=src.Finding(
            "Incident",
            f"#{number} {heading}, {iso_display(event.get('start'))}",
            src.ordered(kinds),
            (item.evidence_id,),
        ),
    )


def _corroboration(
    event_id: str, mmsis: Sequence[str], span: tuple[float, float], sightings: Sequence[Any]
) -> tuple[set[str], list[str], list[SightingMark]]:
    """The kinds of source behind an event (AIS, and every sighting placed near it or
    explained by one of its vessels then), the sightings named, and those drawn on its map."""
    start_s, end_s = span
    kinds, near, marks = {src.AIS}, [], []
    for s in sightings:
        if event_id in s.near_event_ids or _sighted_during(s, mmsis, start_s, end_s):
            kinds.update(s.finding.sources)
            near.append(f"sighting {s.number}")
        close = start_s - MAP_SIGHTING_S <= s.at_s <= end_s + MAP_SIGHTING_S
        if s.lat is not None and s.lon is not None and close:
            marks.append(SightingMark(s.number, float(s.lat), float(s.lon), s.dark_vessel))
    return kinds, near, marks


def _incident_vessels(
    event: Mapping[str, Any],
    order: Sequence[str],
    letters: Mapping[str, str],
    positions: pl.DataFrame,
    names: Mapping[str, str],
) -> tuple[IncidentVessel, ...]:
    return tuple(
        IncidentVessel(
            f"{letters[m]} ({LINE_STYLES[i % len(LINE_STYLES)]})",
            title_of(m, names),
            m,
            int((positions["mmsi"] == m).sum()),
            _speed(event, m),
        )
        for i, m in enumerate(order)
    )


def _difference(difference: Any) -> str:
    if not isinstance(difference, Mapping):
        return str(difference)
    field = difference.get("field", "?")
    return f"{field}: cited {difference.get('cited')}, now {difference.get('current')}"


def _event_id(item: EvidenceItem, body: Mapping[str, Any]) -> str:
    event = body.get("event") or {}
    return str(event.get("id") or item.meta.get("event_id") or item.evidence_id)


def _detector(detector: Mapping[str, Any], event: Mapping[str, Any]) -> str:
    version = detector.get("version") or event.get("detector_version") or detector.get("name")
    profile = detector.get("profile") or event.get("profile")
    return f"{version}" + (f" (profile {profile})" if profile else "")


def _vessel_track(positions: pl.DataFrame, mmsi: str, letter: str, index: int) -> VesselTrack:
    rows = positions.filter(pl.col("mmsi") == mmsi).sort("t")
    return VesselTrack(
        int(mmsi),
        letter,
        rows["t"].to_numpy().astype(np.float64),
        rows["lat"].to_numpy().astype(np.float64),
        rows["lon"].to_numpy().astype(np.float64),
        index,
    )


def _heading(event: Mapping[str, Any], titles: Sequence[str]) -> str:
    kind = str(event.get("type") or "event").replace("_", " ")
    subtype = str(event.get("subtype") or "").replace("_", " ")
    who = " and ".join(titles) if titles else "unknown vessel"
    return f"{kind.capitalize()}{f' ({subtype})' if subtype else ''}: {who}"


def _speed(event: Mapping[str, Any], mmsi: str) -> str:
    evidence = event.get("evidence") or {}
    for vessel in evidence.get("vessels") or []:
        if str(vessel.get("mmsi")) == mmsi and vessel.get("median_speed_kn") is not None:
            return f"median {quantity('speed_kn', vessel['median_speed_kn'])}"
    for key in ("median_sog_kn", "avg_speed_kn"):
        if evidence.get(key) is not None and len(event.get("mmsi") or []) == 1:
            return f"median {quantity(key, evidence[key])}"
    return "–"


def _sighted_during(sighting: Any, mmsis: Sequence[str], start_s: float, end_s: float) -> bool:
    return bool(set(sighting.explained_mmsis) & set(mmsis)) and (
        start_s - 3600 <= sighting.at_s <= end_s + 3600
    )


def _file_kinds(
    evidence: Sequence[EvidenceItem], *, event_id: str | None = None, mmsis: Sequence[str] = ()
) -> set[str]:
    kinds = set()
    for item in evidence:
        kind = item.meta.get("source_kind")
        if kind not in src.SOURCE_KINDS:
            continue
        if (event_id and item.meta.get("event_id") == event_id) or (
            str(item.meta.get("mmsi") or "") in mmsis
        ):
            kinds.add(str(kind))
    return kinds


def _summary(
    inputs: ReportInputs,
    vessels: Sequence[Any],
    incidents: Sequence[IncidentView],
    hits: Sequence[Any],
    sightings: Sequence[Any],
    findings: Sequence[src.Finding],
) -> tuple[tuple[str, str], ...]:
    case = inputs.case
    scored = [v for v in vessels if v.score is not None]
    top = max(scored, key=lambda v: v.score, default=None)
    dark = sum(1 for s in sightings if s.dark_vessel)
    single = sum(1 for f in findings if f.single_sourced)
    rows = [
        ("Case", f"{case.case_id}: {case.title}"),
        ("Status", case.status),
        ("Opened", f"{iso_display(case.created_at)} by {case.created_by}"),
        ("Vessels", "; ".join(v.title for v in vessels) or "none"),
        (
            "Incidents",
            "; ".join(f"#{i.number} {i.heading} ({i.start})" for i in incidents) or "none",
        ),
        ("List hits", str(len(hits))),
        (
            "Sightings",
            f"{len(sightings)} ({dark} unexplained by AIS: dark vessel)" if sightings else "none",
        ),
        ("Highest risk", f"{top.title}: {top.score:g} points" if top else "not scored"),
        ("Findings", f"{len(findings)}, of which {single} single-sourced"),
        ("Evidence", f"{len(case.evidence)} items, log of {len(case.log)} records"),
    ]
    if inputs.fingerprint:
        rows.append(("Signed by key", inputs.fingerprint))
    return tuple(rows)
