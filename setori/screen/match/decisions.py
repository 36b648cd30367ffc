"""Analyst decisions on (query, entity) pairs: a dismissed pair stays dismissed.

A decision is keyed by :func:`query_key`, a normalised text of the exact query (schema,
names, identifiers, flag, birth date), and the entity id; never by a caller's ``ref``,
which may be shared by different queries (a decision on one query must not reach another
that hits the same entity). Kept the way yente's ``exclude_entity_ids`` and nomenklatura's
Resolver keep negative judgements (screening.md §C.4). The history of decisions lives in
the workspace; the screener gets the current one per pair.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Literal, cast

from setori.errors import InputError
from setori.ids import normalize_call_sign, normalize_flag, normalize_imo
from setori.screen.match.names import name_key
from setori.screen.match.records import canonical_mmsi
from setori.screen.model import Hit, Query

Decision = Literal["confirmed", "dismissed"]
DECISIONS = ("confirmed", "dismissed")
#: Longest key kept as text (the workspace column holds 200); longer ones end in a hash.
MAX_KEY_CHARS = 200
_KEPT_CHARS = 160


def query_key(query: Query) -> str:
    """A normalised text of a query: equal for queries that differ only in spelling noise.

    ``Vessel|chonmasan|IMO8660313|||`` : schema, collapsed names (sorted), IMO, MMSI, call
    sign, then flag and birth date when given.
    """
    names = sorted({name_key(n, vessel=query.schema == "Vessel").collapsed for n in query.names})
    parts = [
        query.schema,
        ",".join(names),
        normalize_imo(query.imo) or "",
        canonical_mmsi(query.mmsi) or "",
        normalize_call_sign(query.call_sign) or "",
    ]
    extra = [normalize_flag(query.flag) or "", query.birth_date or ""]
    key = "|".join(parts + (extra if any(extra) else []))
    if len(key) <= MAX_KEY_CHARS:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{key[:_KEPT_CHARS]}~{digest}"


def checked(decisions: Mapping[tuple[str, str], str] | None) -> dict[tuple[str, str], Decision]:
    """The decisions, each value checked to be "confirmed" or "dismissed"."""
    out: dict[tuple[str, str], Decision] = {}
    for pair, value in (decisions or {}).items():
        if value not in DECISIONS:
            raise InputError(f"decision {value!r} for {pair!r}: expected one of {DECISIONS}")
        out[pair] = cast("Decision", value)
    return out


def with_decision(hit: Hit, decisions: Mapping[tuple[str, str], Decision]) -> Hit:
    """The hit with the analyst's decision on its exact (query_key, entity) pair, if any."""
    decision = decisions.get((hit.query_key, hit.entity_id)) if decisions else None
    return replace(hit, decision=decision) if decision else hit
