"""Person and organisation scoring: nomenklatura's logic-v2, its explanations kept.

The query becomes an FtM entity holding every name variant (the name as written, its
Hangul/Hanja transliterations and DPRK surname spellings, :mod:`.variants`) and the birth
date. logic-v2's strongest main feature is the main evidence; its qualifiers (birth-date,
country, gender mismatch) stay separate features. Two additions:

* ``name_romanisation``: the name's tokens equal a listed name's under the romanisation
  fold, in any order (``Jang Myong Jin`` / ``CHANG MYONG CHIN``), for spellings logic-v2
  has no symbol for; it replaces logic-v2's name evidence when it is the stronger;
* ``birth_date_match``: a listed birth date agrees with the query's at its precision;
* ``given_name_conflict``: for a listed person, the names logic-v2 aligned read as Korean
  with the same surname but another given name (:mod:`.korean_names`); it keeps a
  ``KIM YO JONG`` out of the review band for ``KIM JONG UN``.

A hit on a derived variant carries ``derived_name`` (a small penalty) saying how it was made.
The best listed form is the one whose evidence sums highest, penalties included.
"""

from __future__ import annotations

from collections.abc import Sequence

from followthemoney import model
from followthemoney.proxy import EntityProxy
from nomenklatura.matching import LogicV2
from nomenklatura.matching.types import FeatureResult, MatchingResult

from setori.screen.match import weights as w
from setori.screen.match.evidence import Evidence
from setori.screen.match.korean_names import given_name_conflict
from setori.screen.match.names import name_key
from setori.screen.match.records import NameForm
from setori.screen.match.variants import NameVariant

CONFIG = LogicV2.default_config()
MAINS = {f.name: f.weight for f in LogicV2.features if not f.qualifier}
QUALIFIERS = {f.name: f.weight for f in LogicV2.features if f.qualifier}


def query_entity(
    schema: str, variants: Sequence[NameVariant], birth_date: str | None
) -> EntityProxy:
    """An FtM entity for the query, its id derived from its content (logic-v2 caches by id)."""
    entity = model.make_entity(schema)
    for variant in variants:
        entity.add("name", variant.text, quiet=True)
    if birth_date and entity.schema.get("birthDate"):
        entity.add("birthDate", birth_date, quiet=True)
    entity.id = "query-" + (entity.make_id(schema, *sorted(entity.names), birth_date) or "")
    return entity


class FormEntities:
    """One FtM entity per listed name form, made on first use and kept.

    logic-v2 analyses every name of an entity together; for list entries with dozens of
    aliases that costs hundreds of milliseconds. Comparing the query with the forms the
    index found, one at a time, keeps each analysis small (and cached by entity id).
    """

    COPIED = ("birthDate", "nationality", "citizenship", "country", "gender")

    def __init__(self) -> None:
        self.cache: dict[NameForm, EntityProxy] = {}

    def get(self, form: NameForm, listed: EntityProxy) -> EntityProxy:
        """The entity holding one form's name and the listed entity's qualifiers."""
        found = self.cache.get(form)
        if found is None:
            found = model.make_entity(listed.schema.name)
            found.id = f"{listed.id}~{form.kind}~{form.key.raw}"
            found.add("name", form.key.raw)
            for prop in self.COPIED:
                if listed.schema.get(prop):
                    found.add(prop, listed.get(prop), quiet=True)
            self.cache[form] = found
        return found


def party_evidence(
    query: EntityProxy,
    variants: Sequence[NameVariant],
    compared: Sequence[tuple[NameForm, EntityProxy]],
    forms: Sequence[NameForm],
) -> list[Evidence]:
    """logic-v2's verdict on one listed party (best over the compared forms), as evidence."""
    best: tuple[list[Evidence], MatchingResult] | None = None
    for form, entity in compared:
        result = LogicV2.compare(query, entity, CONFIG)
        found = _main_evidence(result, variants, form, person=entity.schema.name == "Person")
        if found and (best is None or _net(found) > _net(best[0])):
            best = (found, result)
    found = best[0] if best else []
    person = bool(compared) and compared[0][1].schema.name == "Person"
    folded = _romanisation_evidence(variants, forms, person=person)
    if folded and (not found or folded[0].weight > _net(found)):
        found = folded  # the same names, judged better by the fold than by logic-v2
    if best is not None:
        found.extend(_qualifiers(best[1]))
    if compared:
        found.extend(_birth_date_match(query, compared[0][1]))
    return found


def _net(evidence: list[Evidence]) -> float:
    return sum(e.weight for e in evidence)


def _main_evidence(
    result: MatchingResult, variants: Sequence[NameVariant], form: NameForm, *, person: bool
) -> list[Evidence]:
    explained = result.explanations
    scored = [
        (MAINS[name] * res.score, name, res) for name, res in explained.items() if name in MAINS
    ]
    if not scored or max(scored, key=lambda s: s[0])[0] <= 0:
        return []
    weight, name, res = max(scored, key=lambda s: s[0])
    if form.kind == "weakAlias":
        weight *= w.WEAK_ALIAS_FACTOR
    listed = f"listed {form.kind_words} {res.candidate!r}"
    why = f"logic-v2 {name}: query {res.query!r} vs {listed}: {res.detail}"
    found = [Evidence(f"lv2_{name}", weight, why)]
    note = _note_of(res, variants)
    if note:
        found.append(Evidence("derived_name", w.DERIVED_NAME, f"matched a derived name: {note}"))
    if person and res.query and res.candidate:
        found.extend(given_name_conflict(res.query, res.candidate, name_weight=weight))
    return found


def _note_of(res: FeatureResult, variants: Sequence[NameVariant]) -> str | None:
    matched = name_key(res.query or "", vessel=False).tokens
    for variant in variants:
        if variant.note and name_key(variant.text, vessel=False).tokens == matched:
            return variant.note
    return None


def _romanisation_evidence(
    variants: Sequence[NameVariant], forms: Sequence[NameForm], *, person: bool
) -> list[Evidence]:
    for variant in variants:
        key = name_key(variant.text, vessel=False)
        folded = sorted(key.folded_tokens)
        for form in forms:
            if len(folded) < 2 or sorted(form.key.folded_tokens) != folded:
                continue
            if person and given_name_conflict(variant.text, form.key.raw, name_weight=0.0):
                continue  # the same syllables, but the given name in another order
            weight = w.NAME_ROMANISATION if variant.note else w.NAME_SPELLING
            how = f" ({variant.note})" if variant.note else ""
            listed = f"listed {form.kind_words} {form.key.raw!r}"
            why = f"query {variant.text!r}{how} = {listed} as romanised Korean"
            return [Evidence("name_romanisation", weight, why)]
    return []


def _qualifiers(result: MatchingResult) -> list[Evidence]:
    found: list[Evidence] = []
    for name, res in result.explanations.items():
        weight = QUALIFIERS.get(name, 0.0) * res.score
        if weight != 0:
            found.append(Evidence(f"lv2_{name}", weight, f"logic-v2 {name}: {res.detail}"))
    return found


def _birth_date_match(query: EntityProxy, listed: EntityProxy) -> list[Evidence]:
    asked = query.get("birthDate", quiet=True)
    known = listed.get("birthDate", quiet=True)
    for date in asked:
        agreeing = [d for d in known if d.startswith(date) or date.startswith(d)]
        if agreeing:
            why = f"query birth date {date} agrees with listed {agreeing[0]}"
            return [Evidence("birth_date_match", w.BIRTH_DATE_MATCH, why)]
    return []
