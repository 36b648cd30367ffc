"""Screening domain objects (CONTRACT: the matcher, the lists and the CLI rely on these).

Sanctions-list entries are FollowTheMoney entities (``followthemoney`` 4.x ``EntityProxy``);
a screening query is a :class:`Query`; every result is a :class:`Hit` whose score is the
sum of explained :class:`Feature` contributions. See docs/screening.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

Band = Literal["strong", "review", "none"]
SchemaName = Literal["Vessel", "Person", "Organization", "Company", "LegalEntity"]
#: What a query without a schema is screened as: vessels, people, organisations (an
#: ``Organization`` query also finds ``Company`` and ``LegalEntity`` entries).
ALL_SCHEMATA: tuple[SchemaName, ...] = ("Vessel", "Person", "Organization")
#: The matcher's version, stamped on every hit (part of its id): bump it when a change of
#: the matcher or its weights can change a hit's score, band or features.
MATCHER_VERSION = "setori-match/1"

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
    ref: str | None = None  # caller's label for the query (e.g. "mmsi:…"), echoed in hits;
    # never a decision key (decisions are keyed by the exact query_key)


@dataclass(frozen=True, slots=True)
class Feature:
    """One reason for (or against) a match, with its signed contribution to the score."""

    name: str  # e.g. "imo_exact", "name_one_edit", "numeral_mismatch", "mid_flag_conflict"
    contribution: float  # signed; the hit's score is the clipped sum
    explanation: str  # in words: what was compared with what, and the result


@dataclass(frozen=True, slots=True)
class Hit:
    """A list entity matched by a query, with its score, band and reasons.

    ``list_version`` and ``matcher_version`` say what the hit was made with; together with
    ``query_key`` and the entity they make its :attr:`hit_id`.
    """

    query_ref: str | None
    entity_id: str
    list_id: str
    schema: str
    caption: str
    score: float  # 0..1
    band: Band
    features: tuple[Feature, ...] = field(default_factory=tuple)
    decision: Literal["confirmed", "dismissed"] | None = None  # an analyst's judgement
    query_key: str = ""
    list_version: str = ""
    matcher_version: str = MATCHER_VERSION

    @property
    def match(self) -> bool:
        """True when the hit alerts (strong or review) and was not dismissed."""
        return self.band != "none" and self.decision != "dismissed"

    @property
    def hit_id(self) -> str:
        """The hit's content-derived id (:func:`hit_id_of`)."""
        return hit_id_of(
            self.query_key, self.entity_id, self.list_id, self.list_version, self.matcher_version
        )


def hit_id_of(
    query_key: str, entity_id: str, list_id: str, list_version: str, matcher_version: str
) -> str:
    """16 hex digits of the sha256 of the five parts joined by a unit separator: the same
    query, entity, list version and matcher give the same id on every run and machine."""
    text = "\x1f".join((query_key, entity_id, list_id, list_version, matcher_version))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def band_of(score: float) -> Band:
    """The decision band of a score."""
    if score >= STRONG_AT:
        return "strong"
    if score >= REVIEW_AT:
        return "review"
    return "none"
