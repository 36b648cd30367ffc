"""A vessel's score over a window: its attributes once, its best list hit, and its
highest-scoring events.

* Attributes (``dprk_identity``, ``missing_imo``) and the best stored list hit
  (``list_hit_strong`` / ``list_hit_review``) count once.
* Of the events it takes part in, the ``vessel_max_events`` highest-scoring count, at
  most ``vessel_max_per_type`` of one event type (a busy harbour tug with fifty in-port
  encounters, or a drifting vessel matched to every passing ship that lost reception, does
  not outrank a tanker with one dark meeting at sea: several kinds of behaviour say more
  than repeats of one kind, which are often one situation seen several times).
* A counted event brings every reason of its breakdown except those about the vessel's
  own identity (``dprk_vessel``, ``identity_finding``), which its attributes and its own
  identity events already count. Events whose remaining points are not positive do not
  count.
* On a *candidate* meeting (``dark_rendezvous``: one vessel went dark within kilometres
  of another one loitering, not seen together), a vessel does not inherit the reasons
  about its partner (the partner's draught change or dark period): their meeting is what
  is in question. On an encounter, seen side by side for hours, both share everything.

The breakdown lists every counted reason (each with its ``event_id``, ``hit_id`` or
``attribute``); the score is their sum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from setori.risk.attributes import VesselFacts
from setori.risk.model import EventScore, Reason, VesselScore
from setori.risk.weights import RiskWeights, default_weights

#: Event reasons a vessel's own attributes already count.
SELF_COUNTED = ("dprk_vessel", "identity_finding")
#: Events whose vessels were not seen together: a vessel's part leaves out its partner's
#: reasons.
CANDIDATE_MEETINGS = ("dark_rendezvous",)


def attribute_reasons(fact: VesselFacts, weights: RiskWeights) -> list[Reason]:
    """The reasons of a vessel's attributes and best list hit."""
    out = []
    if fact.dprk:
        text = "; ".join(fact.dprk)
        out.append(Reason(weights.pts("dprk_identity"), "dprk_identity", text, attribute="dprk"))
    if fact.hit is not None:
        hit = fact.hit
        rule = f"list_hit_{hit.band}"
        text = f"{hit.band} hit on {hit.caption} ({hit.list_id}, score {hit.score:.2f})"
        out.append(Reason(weights.pts(rule), rule, text, hit_id=hit.hit_id))
    if fact.missing_imo is not None:
        out.append(
            Reason(weights.pts("missing_imo"), "missing_imo", fact.missing_imo, attribute="imo")
        )
    return [r for r in out if r.points != 0]


def own_part(event: EventScore, mmsi: int) -> tuple[Reason, ...]:
    """The reasons of ``event`` that count for vessel ``mmsi``."""
    candidate = event.type in CANDIDATE_MEETINGS
    return tuple(
        r
        for r in event.breakdown
        if not (r.rule in SELF_COUNTED and r.mmsi == mmsi)
        and not (candidate and r.mmsi is not None and r.mmsi != mmsi)
    )


def score_vessels(
    events: Sequence[EventScore],
    facts: Mapping[int, VesselFacts],
    *,
    mmsis: Iterable[int] = (),
    weights: RiskWeights | None = None,
) -> list[VesselScore]:
    """Every vessel of ``events``, ``facts`` and ``mmsis`` scored, highest score first
    (ties: more events first, then MMSI)."""
    weights = weights or default_weights()
    keep = int(weights.limit("vessel_max_events"))
    per_type = int(weights.limit("vessel_max_per_type"))
    by_vessel: dict[int, list[tuple[int, EventScore, tuple[Reason, ...]]]] = {}
    for event in events:
        for mmsi in event.mmsi:
            part = own_part(event, mmsi)
            by_vessel.setdefault(mmsi, []).append((sum(r.points for r in part), event, part))
    everyone = sorted(set(by_vessel) | set(facts) | {int(m) for m in mmsis})
    scores = []
    for mmsi in everyone:
        fact = facts.get(mmsi, VesselFacts(mmsi=mmsi))
        mine = by_vessel.get(mmsi, [])
        ranked = sorted(mine, key=lambda t: (-t[0], t[1].start, t[1].event_id))
        best = _capped([t for t in ranked if t[0] > 0], keep, per_type)
        counted = [r for _, _, part in best for r in part]
        breakdown = (*attribute_reasons(fact, weights), *counted)
        scores.append(VesselScore(mmsi, tuple(breakdown), events=len(mine), name=fact.name))
    return sorted(scores, key=lambda v: (-v.score, -v.events, v.mmsi))


def _capped(
    ranked: list[tuple[int, EventScore, tuple[Reason, ...]]], keep: int, per_type: int
) -> list[tuple[int, EventScore, tuple[Reason, ...]]]:
    """The first ``keep`` of ``ranked`` with at most ``per_type`` of one event type."""
    taken: list[tuple[int, EventScore, tuple[Reason, ...]]] = []
    of_type: dict[str, int] = {}
    for item in ranked:
        kind = item[1].type
        if len(taken) < keep and of_type.get(kind, 0) < per_type:
            taken.append(item)
            of_type[kind] = of_type.get(kind, 0) + 1
    return taken
