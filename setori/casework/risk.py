"""Risk triage over the store: events, static reports and stored hits, scored and ranked.

Reads the events of one profile (its default view) in the window, plus a wider window
(± ``dark_window_h``, no bounding box) for the rules that look around an event (gaps
within ± 24 h, identity findings), the static reports of the vessels involved (DPRK call
signs, missing IMO, draught), and the stored list hits passed in (read from the
workspace by :func:`stored_hits`), then scores them with :mod:`setori.risk`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from setori.detect.context import default_view
from setori.detect.events import empty_events
from setori.risk.attributes import ListHit, hit_from_row, vessel_facts
from setori.risk.events import score_events
from setori.risk.model import EventScore, VesselScore
from setori.risk.vessels import score_vessels
from setori.risk.weights import RiskWeights, default_weights
from setori.store import events as event_store
from setori.store import queries
from setori.workspace import Workspace
from setori.workspace import tables as ws_tables
from setori.workspace.decisions import current_decisions

BBox = tuple[float, float, float, float]


def vessel_risk(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: BBox | None = None,
    top: int | None = None,
    weights: RiskWeights | None = None,
    profile: str | None = None,
    mmsi: Sequence[int] = (),
    hits: Sequence[ListHit] = (),
) -> list[dict[str, Any]]:
    """Vessels ranked by score: ``{mmsi, name, score, events, breakdown}`` each, the highest
    first (``top``: only that many). ``mmsi``: only these vessels (a case's)."""
    ranked = vessel_scores(
        con,
        since=since,
        until=until,
        bbox=bbox,
        top=top,
        weights=weights,
        profile=profile,
        mmsi=mmsi,
        hits=hits,
    )
    return [v.as_dict() for v in ranked]


def event_risk(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: BBox | None = None,
    top: int | None = None,
    weights: RiskWeights | None = None,
    profile: str | None = None,
    mmsi: Sequence[int] = (),
    hits: Sequence[ListHit] = (),
) -> list[dict[str, Any]]:
    """Events ranked by score: ``{event_id, type, subtype, mmsi, start, end, lat, lon,
    score, breakdown}`` each, the highest first (ties: earlier first)."""
    scored, _, _ = _scored_events(
        con,
        since=since,
        until=until,
        bbox=bbox,
        weights=weights,
        profile=profile,
        mmsi=mmsi,
        hits=hits,
    )
    ranked = sorted(scored, key=lambda e: (-e.score, e.start, e.event_id))
    return [e.as_dict() for e in (ranked if top is None else ranked[:top])]


def vessel_scores(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: BBox | None = None,
    top: int | None = None,
    weights: RiskWeights | None = None,
    profile: str | None = None,
    mmsi: Sequence[int] = (),
    hits: Sequence[ListHit] = (),
) -> list[VesselScore]:
    """:func:`vessel_risk` as :class:`VesselScore` objects."""
    w = weights or default_weights()
    scored, facts, seen = _scored_events(
        con, since=since, until=until, bbox=bbox, weights=w, profile=profile, mmsi=mmsi, hits=hits
    )
    ranked = score_vessels(scored, facts, mmsis=seen, weights=w)
    if mmsi:
        ranked = [v for v in ranked if v.mmsi in set(mmsi)]
    return ranked[:top] if top is not None else ranked


def _scored_events(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None,
    until: datetime | None,
    bbox: BBox | None,
    weights: RiskWeights | None,
    profile: str | None,
    mmsi: Sequence[int],
    hits: Sequence[ListHit],
) -> tuple[list[EventScore], dict[int, Any], set[int]]:
    """The scored events in scope, the facts of every vessel, and the MMSIs seen in scope."""
    w = weights or default_weights()
    chosen = profile or event_store.last_profile(con)
    scope = event_store.EventFilter((), chosen, tuple(mmsi), since, until, bbox)
    events = event_store.read_events(con, scope) if chosen else empty_events()
    if chosen:
        events = default_view(events, chosen)
    context = _context_events(con, scope, w) if chosen else empty_events()
    involved = {int(m) for ms in events.column("mmsi").to_pylist() for m in ms}
    seen = involved | _positions_mmsis(con, since, until, bbox, mmsi)
    statics = _statics(con, sorted(seen), since, until, w)
    facts = vessel_facts(seen, statics, [h for h in hits if h.mmsi in seen])
    scored = score_events(events, context=context, statics=statics, facts=facts, weights=w)
    return scored, facts, seen


def _context_events(
    con: duckdb.DuckDBPyConnection, scope: event_store.EventFilter, w: RiskWeights
) -> pa.Table:
    """Gaps and identity events around the scope: ± ``dark_window_h``, any place, any
    vessel (an event's partner may be outside an MMSI filter)."""
    pad = timedelta(hours=w.limit("dark_window_h"))
    wider = replace(
        scope,
        types=("gap", "identity"),
        mmsi=(),
        bbox=None,
        since=None if scope.since is None else scope.since - pad,
        until=None if scope.until is None else scope.until + pad,
    )
    return event_store.read_events(con, wider)


def _positions_mmsis(
    con: duckdb.DuckDBPyConnection,
    since: datetime | None,
    until: datetime | None,
    bbox: BBox | None,
    mmsi: Sequence[int],
) -> set[int]:
    """MMSIs with positions in scope: vessels with attributes but no event count too."""
    cond, params = queries.TrackFilter(tuple(mmsi), since, until, bbox).where(table="")
    rows = con.sql(f"SELECT DISTINCT mmsi FROM positions WHERE {cond}", params=params).fetchall()
    return {int(r[0]) for r in rows}


def _statics(
    con: duckdb.DuckDBPyConnection,
    mmsis: Sequence[int],
    since: datetime | None,
    until: datetime | None,
    w: RiskWeights,
) -> pa.Table:
    """Static reports of ``mmsis`` in the window widened by ``draught_window_h``."""
    if not mmsis:
        return queries.statics_for(con, queries.TrackFilter((-1,)))
    pad = timedelta(hours=w.limit("draught_window_h"))
    where = queries.TrackFilter(
        tuple(mmsis),
        None if since is None else since - pad,
        None if until is None else until + pad,
    )
    return queries.statics_for(con, where)


def stored_hits(ws: Workspace) -> list[ListHit]:
    """Stored hits on AIS identities (queries naming an MMSI) whose current decision is not
    ``dismissed`` (:func:`setori.workspace.decisions.current_decisions`)."""
    with ws.read() as c:
        rows = [dict(r._mapping) for r in c.execute(sa.select(ws_tables.hits))]
    decided = current_decisions(ws)
    kept = [r for r in rows if decided.get((r["query_key"], r["entity_id"])) != "dismissed"]
    found = [hit_from_row(r) for r in kept]
    return [h for h in found if h is not None]
