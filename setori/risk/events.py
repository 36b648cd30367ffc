"""Points of each event, with reasons (detection.md §8.7 "Combining into alerts").

An event's score is the points of what it is (its type, or type and subtype) plus the
points of what it shows: proximity, duration, both slow, night, a flagged vessel, a
hotspot or DPRK waters, a dark period of either vessel within ± 24 h, a draught change,
an identity finding of either vessel, being in port. Every rule that holds adds one
:class:`~setori.risk.model.Reason`; the score is their sum.

Events are low-cardinality (thousands), so rows are plain dicts here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import polars as pl
import pyarrow as pa

from setori.risk.attributes import VesselFacts
from setori.risk.model import EventScore, Reason
from setori.risk.weights import RiskWeights, default_weights

#: Events the §8.7 encounter rules (proximity, duration, both slow) apply to.
MEETINGS = ("encounter",)
#: Events marked by the context rules (night, flagged vessel, dark period, draught, identity,
#: in port): the happenings where a transfer may take place.
STS_LIKE = ("encounter", "loitering", "dark_rendezvous")
#: Identity rules too common to mark every event of the vessel (a 1:50m "on land" position
#: in a river port, a destination change): they score as events of their own only.
WEAK_IDENTITY = ("position_on_land", "destination_change")


def event_rows(events: pa.Table) -> list[dict[str, Any]]:
    """The rows of an ``EVENTS`` table with ``tags`` and ``evidence`` parsed."""
    rows: list[dict[str, Any]] = events.to_pylist()
    for row in rows:
        row["tags"] = json.loads(row["tags"]) if row.get("tags") else {}
        row["evidence"] = json.loads(row["evidence"]) if row.get("evidence") else {}
    return rows


def score_events(
    events: pa.Table,
    *,
    context: pa.Table | None = None,
    statics: pa.Table | pl.DataFrame | None = None,
    facts: Mapping[int, VesselFacts] | None = None,
    weights: RiskWeights | None = None,
) -> list[EventScore]:
    """Every event of ``events`` scored, in the order given.

    ``context``: the events the cross-event rules look at (gaps within ± 24 h, identity
    findings); default ``events``. Pass a wider window than ``events`` so that a gap just
    before the window still counts. ``statics``: draught reports (``mmsi``, ``ts``,
    ``draught_m``). ``facts``: per MMSI, its DPRK identity and list hits.
    """
    weights = weights or default_weights()
    rows = event_rows(events)
    around = rows if context is None else event_rows(context)
    gaps = _gaps_by_mmsi(around, weights.limit("dark_gap_h"))
    identity = _identity_by_mmsi(around)
    draughts = _draught_changes(rows, statics, weights)
    facts = facts or {}
    scored = []
    for row in rows:
        reasons = [
            *_what_it_is(row, weights),
            *_meeting(row, weights),
            *_context(row, weights),
            *_flagged(row, facts, weights),
            *_dark_period(row, gaps, weights),
            *_draught(row, draughts.get(row["id"], []), weights),
            *_identity(row, identity, weights),
        ]
        scored.append(_scored(row, reasons))
    return scored


def _scored(row: Mapping[str, Any], reasons: Iterable[Reason]) -> EventScore:
    kept = tuple(r for r in reasons if r.points != 0)
    return EventScore(
        event_id=row["id"],
        type=row["type"],
        subtype=row["subtype"],
        mmsi=tuple(int(m) for m in row["mmsi"]),
        start=row["start"],
        end=row["end"],
        lat=row["lat"],
        lon=row["lon"],
        breakdown=kept,
    )


def _reason(w: RiskWeights, rule: str, text: str, row: Mapping[str, Any], **kw: Any) -> Reason:
    return Reason(w.pts(rule), rule, text, event_id=row["id"], **kw)


def _what_it_is(row: Mapping[str, Any], w: RiskWeights) -> Iterator[Reason]:
    kind, sub = row["type"], row["subtype"]
    label = f"{kind} ({sub})" if sub else kind
    only = int(row["mmsi"][0]) if len(row["mmsi"]) == 1 else None
    for rule in (f"{kind}_{sub}", kind):
        if rule in w.points:
            yield _reason(w, rule, label, row, mmsi=only)
            break
    tags = row["tags"]
    if kind == "port_visit" and tags.get("port_iso3") == "PRK":
        yield _reason(w, "dprk_port_call", f"port call at {tags.get('port_name')} (DPRK)", row)


def _meeting(row: Mapping[str, Any], w: RiskWeights) -> Iterator[Reason]:
    if row["type"] not in MEETINGS:
        return
    ev = row["evidence"]
    distance = ev.get("median_distance_m")
    if distance is not None and distance <= w.limit("proximity_m"):
        text = f"median distance {distance:.0f} m <= {w.limit('proximity_m'):g} m"
        yield _reason(w, "proximity", text, row)
    hours = row["duration_h"]
    if hours is not None and hours >= w.limit("duration_h"):
        yield _reason(w, "duration", f"lasted {hours:.1f} h >= {w.limit('duration_h'):g} h", row)
    speeds = [v.get("median_speed_kn") for v in ev.get("vessels", [])]
    slow = w.limit("slow_kn")
    if len(speeds) == 2 and all(s is not None and s < slow for s in speeds):
        text = f"both under {slow:g} kn (medians {speeds[0]:.1f} and {speeds[1]:.1f} kn)"
        yield _reason(w, "both_slow", text, row)


def _context(row: Mapping[str, Any], w: RiskWeights) -> Iterator[Reason]:
    tags = row["tags"]
    if tags.get("in_hotspot"):
        yield _reason(w, "hotspot_or_dprk_waters", f"in hotspot {tags['in_hotspot']}", row)
    elif tags.get("in_dprk_waters"):
        where = tags.get("dprk_waters_name") or "DPRK waters"
        yield _reason(w, "hotspot_or_dprk_waters", f"in DPRK waters ({where})", row)
    if row["type"] not in STS_LIKE:
        return
    night = tags.get("night_share")
    if night is not None and night > w.limit("night_share"):
        text = f"{night:.0%} at night > {w.limit('night_share'):.0%}"
        yield _reason(w, "night", text, row)
    if not tags.get("in_dprk_waters") and (tags.get("in_port") or tags.get("in_anchorage")):
        place = (
            f"port {tags.get('nearest_port')}"
            if tags.get("in_port")
            else f"anchorage {tags.get('nearest_anchorage')}"
        )
        yield _reason(w, "in_port", f"in {place} (routine harbour work)", row)


def _flagged(
    row: Mapping[str, Any], facts: Mapping[int, VesselFacts], w: RiskWeights
) -> Iterator[Reason]:
    if row["type"] not in (*STS_LIKE, "dark_approach", "zone_entry", "gap"):
        return
    for mmsi in row["mmsi"]:
        fact = facts.get(int(mmsi))
        if fact is not None and fact.flagged:
            text = f"vessel {mmsi}: {fact.why_flagged()}"
            yield _reason(w, "dprk_vessel", text, row, mmsi=int(mmsi))
            return


# --- dark periods --------------------------------------------------------------------------

Gap = tuple[datetime, datetime, str, float]


def _gaps_by_mmsi(rows: Sequence[Mapping[str, Any]], min_h: float) -> dict[int, list[Gap]]:
    out: dict[int, list[Gap]] = {}
    for row in rows:
        hours = row["duration_h"]
        if row["type"] == "gap" and hours is not None and hours >= min_h:
            end = row["end"] or row["start"] + timedelta(hours=hours)
            out.setdefault(int(row["mmsi"][0]), []).append((row["start"], end, row["id"], hours))
    return out


def _dark_period(
    row: Mapping[str, Any], gaps: Mapping[int, list[Gap]], w: RiskWeights
) -> Iterator[Reason]:
    if row["type"] not in (*STS_LIKE, "zone_entry"):
        return
    window = timedelta(hours=w.limit("dark_window_h"))
    start, end = row["start"] - window, (row["end"] or row["start"]) + window
    own = row["evidence"].get("gap_event_id")  # a dark rendezvous's own gap is not news
    for mmsi in row["mmsi"]:
        near = [g for g in gaps.get(int(mmsi), []) if g[0] <= end and g[1] >= start and g[2] != own]
        if near:
            g_start, _, gap_id, hours = max(near, key=lambda g: (g[3], g[2]))
            text = (
                f"vessel {mmsi} dark {hours:.1f} h from {g_start:%Y-%m-%d %H:%M} UTC "
                f"(gap {gap_id}), within ± {w.limit('dark_window_h'):g} h"
            )
            yield _reason(w, "dark_period", text, row, mmsi=int(mmsi))
            return


# --- draught -------------------------------------------------------------------------------

Draught = tuple[int, float | None, float | None, float]


def _draught_changes(
    rows: Sequence[Mapping[str, Any]],
    statics: pa.Table | pl.DataFrame | None,
    w: RiskWeights,
) -> dict[str, list[Draught]]:
    """Per event id, (mmsi, draught before, after, change) where they differ by the threshold:
    the last report before the start against the report after the end that differs most
    from it, each within ``draught_window_h`` (crews update the draught some time after
    loading). A gap's own evidence (``draught_change_m``) is used as is."""
    out: dict[str, list[Draught]] = {}
    limit = w.limit("draught_change_m")
    for row in rows:
        ev = row["evidence"]
        change = ev.get("draught_change_m") if row["type"] == "gap" else None
        if change is not None and abs(change) >= limit:
            before, after = ev.get("draught_before_m"), ev.get("draught_after_m")
            out[row["id"]] = [(int(row["mmsi"][0]), before, after, float(change))]
    draughts = _draught_frame(statics)
    wanted = [r for r in rows if r["type"] in STS_LIKE]
    if draughts is None or not wanted:
        return out
    pairs = pl.DataFrame(
        [(r["id"], int(m), r["start"], r["end"] or r["start"]) for r in wanted for m in r["mmsi"]],
        schema={
            "id": pl.String,
            "mmsi": pl.Int64,
            "start": pl.Datetime("ms", "UTC"),
            "end": pl.Datetime("ms", "UTC"),
        },
        orient="row",
    )
    tolerance = timedelta(hours=w.limit("draught_window_h"))
    before = pairs.sort("start").join_asof(
        draughts.rename({"ts": "start", "draught_m": "before"}),
        on="start",
        by="mmsi",
        strategy="backward",
        tolerance=tolerance,
        check_sortedness=False,
    )
    after = (
        before.drop_nulls("before")
        .join(draughts.rename({"draught_m": "after"}), on="mmsi")
        .filter((pl.col("ts") > pl.col("end")) & (pl.col("ts") <= pl.col("end") + tolerance))
        .with_columns(change=(pl.col("after") - pl.col("before")).abs())
        .sort("change", "ts", descending=[True, False])
        .unique(["id", "mmsi"], keep="first", maintain_order=True)
    )
    changed = after.filter(pl.col("change") >= limit)
    for event_id, mmsi, b, a in (
        changed.select("id", "mmsi", "before", "after").sort("id", "mmsi").iter_rows()
    ):
        out.setdefault(event_id, []).append((int(mmsi), float(b), float(a), float(a) - float(b)))
    return out


def _draught_frame(statics: pa.Table | pl.DataFrame | None) -> pl.DataFrame | None:
    if statics is None:
        return None
    frame = statics if isinstance(statics, pl.DataFrame) else pl.DataFrame(statics)
    if "draught_m" not in frame.columns or frame.is_empty():
        return None
    return (
        frame.select(
            pl.col("mmsi").cast(pl.Int64),
            pl.col("ts").cast(pl.Datetime("ms", "UTC")),
            pl.col("draught_m").cast(pl.Float64),
        )
        .drop_nulls()
        .filter(pl.col("draught_m") > 0)
        .sort("ts")
    )


def _draught(
    row: Mapping[str, Any], changes: Sequence[Draught], w: RiskWeights
) -> Iterator[Reason]:
    for mmsi, before, after, change in changes[:1]:
        text = (
            f"vessel {mmsi} draught {before:.1f} m -> {after:.1f} m across it"
            if before is not None and after is not None
            else f"vessel {mmsi} draught changed {change:+.1f} m across it"
        )
        yield _reason(w, "draught_change", text, row, mmsi=mmsi)


# --- identity findings ---------------------------------------------------------------------


def _identity_by_mmsi(rows: Sequence[Mapping[str, Any]]) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        if row["type"] == "identity" and row["subtype"] not in WEAK_IDENTITY:
            out.setdefault(int(row["mmsi"][0]), []).append((row["subtype"], row["id"]))
    return out


def _identity(
    row: Mapping[str, Any], identity: Mapping[int, list[tuple[str, str]]], w: RiskWeights
) -> Iterator[Reason]:
    if row["type"] not in STS_LIKE:
        return
    for mmsi in row["mmsi"]:
        found = sorted(identity.get(int(mmsi), []))
        if found:
            subtype, event_id = found[0]
            text = f"vessel {mmsi}: identity finding {subtype} (event {event_id})"
            yield _reason(w, "identity_finding", text, row, mmsi=int(mmsi))
            return
