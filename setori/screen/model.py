"""Screening domain objects (CONTRACT: the matcher, the lists and the CLI rely on these).

Sanctions-list entries are FollowTheMoney entities (``followthemoney`` 4.x ``EntityProxy``);
a screening query is a :class:`Query`; every result is a :class:`Hit` whose score is the
sum of explained :class:`Feature` contributions. See docs/screening.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Band = Literal["strong", "review", "none"]
SchemaName = Literal["Vessel", "Person", "Organization", "Company", "LegalEntity"]

#: Decision bands (screening.md §C.4): >= 0.90 strong, 0.70-0.90 review, below: no alert.
STRONG_AT = 0.90
REVIEW_AT = 0.70


@dataclass(frozen=True, slots=True)
class Query:
    """What to screen: a broadcast AIS identity, a name typed by an analyst, a list row."""

    schema: SchemaName = "Vessel"
    names: tuple[str, ...] = ()
    imo: str | None = None  # any form; normalised by setori.ids
    mmsi: str | None = None
    call_sign: str | None = None
    flag: str | None = None  # ISO 3166-1 alpha-2 or a country name
    birth_date: str | None = None  # persons: YYYY, YYYY-MM or YYYY-MM-DD
    ref: str | None = None  # caller's id for the query (e.g. the MMSI), echoed in hits


@dataclass(frozen=True, slots=True)
class Feature:
    """One reason for (or against) a match, with its signed contribution to the score."""

    name: str  # e.g. "imo_exact", "name_one_edit", "numeral_mismatch", "mid_flag_conflict"
    contribution: float  # signed; the hit's score is the clipped sum
    explanation: str  # in words: what was compared with what, and the result


@dataclass(frozen=True, slots=True)
class Hit:
    """A list entity matched by a query, with its score, band and reasons."""

    query_ref: str | None
    entity_id: str
    list_id: str
    schema: str
    caption: str
    score: float  # 0..1
    band: Band
    features: tuple[Feature, ...] = field(default_factory=tuple)
    decision: Literal["confirmed", "dismissed"] | None = None  # an analyst's judgement

    @property
    def match(self) -> bool:
        """True when the hit alerts (strong or review) and was not dismissed."""
        return self.band != "none" and self.decision != "dismissed"


def band_of(score: float) -> Band:
    """The decision band of a score."""
    if score >= STRONG_AT:
        return "strong"
    if score >= REVIEW_AT:
        return "review"
    return "none"
