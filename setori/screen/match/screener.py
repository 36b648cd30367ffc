"""The Screener: list entities indexed once, queries screened against them (screening.md §C).

Tiers: (a) exact identifiers with contradiction evidence (:mod:`.identifiers`); (b) candidate
generation over every name form (:mod:`.index`); (c) vessel names by our own scorer with the
numeral rule (:mod:`.vessel`); (d) persons and organisations by logic-v2 over transliterated
query variants (:mod:`.party`). Each hit's score is the clipped sum of its features
(:mod:`.evidence`); analyst decisions are applied last (:mod:`.decisions`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from followthemoney import model
from followthemoney.proxy import EntityProxy

from setori.screen.match.decisions import checked, query_key, with_decision
from setori.screen.match.evidence import Evidence, features_of, score_of
from setori.screen.match.identifiers import (
    IdentifierIndex,
    QueryIds,
    contradictions,
    flag_agreement,
    identifier_evidence,
    name_differs,
)
from setori.screen.match.index import NameIndex
from setori.screen.match.names import NameKey, name_key
from setori.screen.match.party import FormEntities, party_evidence, query_entity
from setori.screen.match.records import (
    EntityRecord,
    ListedEntities,
    NameForm,
    make_record,
    name_forms,
)
from setori.screen.match.variants import NameVariant, name_variants
from setori.screen.match.vessel import lengths_within_budget, vessel_name_evidence
from setori.screen.match.weights import FUZZY_MIN_SIMILARITY
from setori.screen.model import MATCHER_VERSION, REVIEW_AT, Hit, Query, band_of

VESSEL_CANDIDATES = 10  # ranked (fuzzy) name candidates per vessel name variant
PARTY_CANDIDATES = 30  # ranked candidates per person or organisation name variant
MAX_DF_SHARE = 0.02  # tokens and trigrams in more than 2 % of forms do not block
MAX_UNMATCHED_FORMS = 3  # forms compared for a party found by identifier only
#: The shortest vessel name for which more than one edit can still score (vessel.py).
MIN_FUZZY_VESSEL_LENGTH = math.ceil(2 / (1 - FUZZY_MIN_SIMILARITY)) - 2


@dataclass(frozen=True, slots=True)
class Prepared:
    """A query with its identifiers canonical and its names expanded and normalised."""

    query: Query
    ids: QueryIds
    variants: tuple[NameVariant, ...]
    keys: tuple[NameKey, ...]
    key: str  # query_key(query): what decisions and hit ids are keyed by

    @property
    def is_vessel(self) -> bool:
        """True for a vessel query."""
        return self.query.schema == "Vessel"


class Screener:
    """Screens queries against list entities; indexes are built once, in memory.

    ``entities`` name their list by their dataset or id prefix (:func:`.records.list_id_of`)
    and carry no version; ``lists`` give each list's id and version as the store keeps them,
    which every hit then carries. ``decisions`` map (query_key, entity_id) to the current
    decision on the pair.
    """

    def __init__(
        self,
        entities: Iterable[EntityProxy] = (),
        *,
        decisions: Mapping[tuple[str, str], str] | None = None,
        lists: Iterable[ListedEntities] = (),
    ) -> None:
        self.records: list[EntityRecord] = [make_record(e) for e in entities if _matchable(e)]
        for listed in lists:
            self.records.extend(
                make_record(e, listed.list_id, listed.version)
                for e in listed.entities
                if _matchable(e)
            )
        self.by_id = {(r.list_id, str(r.entity.id)): i for i, r in enumerate(self.records)}
        self.decisions = checked(decisions)
        self.identifiers = IdentifierIndex(self.records)
        self.forms = [name_forms(record, i) for i, record in enumerate(self.records)]
        self.vessels = self._index([i for i, r in enumerate(self.records) if r.is_vessel], True)
        self.parties = self._index(
            [i for i, r in enumerate(self.records) if not r.is_vessel], False
        )
        self.form_entities = FormEntities()

    def entity(self, hit: Hit) -> EntityProxy:
        """The listed entity of a hit, as it was matched."""
        return self.records[self.by_id[(hit.list_id, hit.entity_id)]].entity

    def _index(self, positions: list[int], vessels: bool) -> NameIndex:
        forms = [form for i in positions for form in self.forms[i]]
        max_df = max(20, int(len(forms) * MAX_DF_SHARE))
        return NameIndex(forms, with_deletions=vessels, max_df=max_df)

    def screen(self, query: Query, *, limit: int = 10) -> list[Hit]:
        """The best ``limit`` hits for one query, strongest first."""
        prepared = prepare(query)
        candidates = self._candidates(prepared)
        hits = (self._hit(prepared, i, forms) for i, forms in candidates.items())
        found = sorted((h for h in hits if h is not None), key=lambda h: (-h.score, h.entity_id))
        return found[:limit]

    def screen_many(self, queries: Iterable[Query], *, limit: int = 10) -> Iterator[Hit]:
        """Alerting hits (strong or review band) and decided hits, query by query."""
        for query in queries:
            for hit in self.screen(query, limit=limit):
                if hit.band != "none" or hit.decision is not None:
                    yield hit

    def _candidates(self, prepared: Prepared) -> dict[int, list[NameForm]]:
        """Candidate records, each with the name forms that made it a candidate."""
        found: dict[int, list[NameForm]] = {
            i: [] for i in self.identifiers.candidates(prepared.ids)
        }
        index = self.vessels if prepared.is_vessel else self.parties
        limit = VESSEL_CANDIDATES if prepared.is_vessel else PARTY_CANDIDATES
        for key in prepared.keys:
            for f in index.exact(key).union(self._ranked(index, key, prepared.is_vessel, limit)):
                form = index.forms[f]
                found.setdefault(form.record, []).append(form)
        schema = prepared.query.schema
        records = self.records
        return {
            i: forms
            for i, forms in found.items()
            if can_match(schema, records[i].entity.schema.name)
        }

    @staticmethod
    def _ranked(index: NameIndex, key: NameKey, vessel: bool, limit: int) -> list[int]:
        """Fuzzy candidates; for vessels only those the edit-distance scorer could accept."""
        if not vessel:
            return index.ranked(key, limit=limit)
        if len(key.collapsed) < MIN_FUZZY_VESSEL_LENGTH:
            return []  # exact() already holds every candidate within one edit
        ranked = index.ranked(key, limit=limit)
        return [f for f in ranked if lengths_within_budget(key, index.forms[f].key)]

    def _hit(self, prepared: Prepared, position: int, matched: list[NameForm]) -> Hit | None:
        record = self.records[position]
        names = self._name_evidence(prepared, position, matched)
        ids = identifier_evidence(prepared.ids, record)
        name_matched = any(e.weight > 0 for e in names)
        evidence = names + ids + contradictions(prepared.ids, record, name_matched=name_matched)
        evidence += name_differs(
            prepared.query.names, prepared.ids, record, name_matched=name_matched
        )
        if record.is_vessel and is_weak(evidence):
            evidence += flag_agreement(prepared.ids, record)
        if not evidence:
            return None
        features = features_of(evidence)
        score = score_of(features)
        hit = Hit(
            query_ref=prepared.query.ref,
            entity_id=str(record.entity.id),
            list_id=record.list_id,
            schema=record.entity.schema.name,
            caption=record.entity.caption,
            score=score,
            band=band_of(score),
            features=features,
            query_key=prepared.key,
            list_version=record.list_version,
            matcher_version=MATCHER_VERSION,
        )
        return with_decision(hit, self.decisions)

    def _name_evidence(
        self, prepared: Prepared, position: int, matched: list[NameForm]
    ) -> list[Evidence]:
        forms = self.forms[position]
        if not prepared.keys or not forms:
            return []
        if self.records[position].is_vessel:
            return best_vessel_evidence(prepared, forms)
        query = prepared.query
        entity = _party_entity(query.schema, prepared.variants, query.birth_date)
        listed = self.records[position].entity
        chosen = list(dict.fromkeys(matched)) or forms[:MAX_UNMATCHED_FORMS]
        compared = [(form, self.form_entities.get(form, listed)) for form in chosen]
        return party_evidence(entity, prepared.variants, compared, forms)


def _matchable(entity: EntityProxy) -> bool:
    return bool(entity.id) and entity.schema.matchable


@lru_cache(maxsize=4096)
def _party_entity(
    schema: str, variants: tuple[NameVariant, ...], birth_date: str | None
) -> EntityProxy:
    return query_entity(schema, variants, birth_date)


def is_weak(evidence: list[Evidence]) -> bool:
    """True when there is positive evidence, all of it too weak to alert on its own."""
    weights = [e.weight for e in evidence if e.weight > 0]
    return bool(weights) and max(weights) < REVIEW_AT


def best_vessel_evidence(prepared: Prepared, forms: list[NameForm]) -> list[Evidence]:
    """The strongest name evidence over every form and variant; else why the names differ."""
    best: Evidence | None = None
    for variant, key in zip(prepared.variants, prepared.keys, strict=True):
        for form in forms:
            found = vessel_name_evidence(key, form, variant.note)
            if found is not None and (best is None or found.weight > best.weight):
                best = found
    return [best] if best is not None else []


def prepare(query: Query) -> Prepared:
    """Canonical identifiers, name variants and their keys."""
    vessel = query.schema == "Vessel"
    variants = tuple(
        v for name in query.names for v in name_variants(name, person=query.schema == "Person")
    )
    keyed = [(v, name_key(v.text, vessel=vessel)) for v in variants]
    keyed = [(v, k) for v, k in keyed if k.tokens]
    return Prepared(
        query=query,
        ids=QueryIds.of(query),
        variants=tuple(v for v, _ in keyed),
        keys=tuple(k for _, k in keyed),
        key=query_key(query),
    )


@lru_cache(maxsize=64)
def can_match(query_schema: str, entity_schema: str) -> bool:
    """Whether a query of one schema may hit an entity of another (FtM ``can_match``)."""
    return model.get(query_schema).can_match(model.get(entity_schema))  # type: ignore[union-attr]
