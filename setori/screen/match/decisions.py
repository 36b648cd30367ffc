"""Analyst decisions on (query, entity) pairs: dismissed pairs stay dismissed.

A decision is keyed by the query's ``ref`` or, for queries without one, by
:func:`query_key`, a normalised text of the query (schema, names, identifiers), and the
entity id. Kept the way yente's ``exclude_entity_ids`` and nomenklatura's Resolver keep
negative judgements (screening.md §C.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal, cast

from setori.errors import InputError
from setori.ids import normalize_call_sign, normalize_imo
from setori.screen.match.names import name_key
from setori.screen.match.records import canonical_mmsi
from setori.screen.model import Hit, Query

Decision = Literal["confirmed", "dismissed"]
DECISIONS = ("confirmed", "dismissed")


def query_key(query: Query) -> str:
    """A normalised text of a query: equal for queries that differ only in spelling noise."""
    names = sorted({name_key(n, vessel=query.schema == "Vessel").collapsed for n in query.names})
    parts = [
        query.schema,
        ",".join(names),
        normalize_imo(query.imo) or "",
        canonical_mmsi(query.mmsi) or "",
        normalize_call_sign(query.call_sign) or "",
    ]
    return "|".join(parts)


def checked(decisions: Mapping[tuple[str, str], str] | None) -> dict[tuple[str, str], Decision]:
    """The decisions, each value checked to be "confirmed" or "dismissed"."""
    out: dict[tuple[str, str], Decision] = {}
    for pair, value in (decisions or {}).items():
        if value not in DECISIONS:
            raise InputError(f"decision {value!r} for {pair!r}: expected one of {DECISIONS}")
        out[pair] = cast("Decision", value)
    return out


def with_decision(hit: Hit, query: Query, decisions: Mapping[tuple[str, str], Decision]) -> Hit:
    """The hit with the analyst's decision on its pair, if there is one."""
    if not decisions:
        return hit
    decision = decisions.get((query.ref or "", hit.entity_id)) if query.ref else None
    decision = decision or decisions.get((query_key(query), hit.entity_id))
    return replace(hit, decision=decision) if decision else hit
