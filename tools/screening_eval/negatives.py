"""Negative rows: queries that should alert on nothing (screening.md §D.2).

Real listed names cannot be negatives against a list that holds them, so some entries are
**held out**: the ``holdout`` index is the lists without them (and without their twins and
namesakes), and their names become queries that must not alert on what stays listed:

* ``sister_ship``: one vessel of each DPRK stem group (``SAM JONG 1``/``SAM JONG 2``), its
  name as listed and perturbed, must not hit the sisters; ``sister_ship_imo`` adds its IMO;
* ``same_surname``: DPRK persons (as listed and rendered in Hangul) must not hit other DPRK
  persons of the same surname;
* ``same_stem``: DPRK companies sharing first and last words (``KOREA ... TRADING
  CORPORATION``) must not hit each other;
* ``other_programme``: vessels, companies and persons from other programmes (easy);
  ``sister_ship_flag`` and ``other_programme_flag``: a held-out vessel's name with its flag;
* ``same_name_other_imo``: a listed DPRK vessel's name with the IMO number of a held-out
  vessel (a different hull sharing the name) must not hit the listed vessel.

Against the full lists, derived names (MEDIUM): ``numeral_changed``, ``numeral_added``
and ``numeral_dropped`` give a listed vessel's name a numeral no listed sister has (different
numerals mean different hulls).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from followthemoney.proxy import EntityProxy

from tools.screening_eval import perturb
from tools.screening_eval.context import Context, Label, sisters, stem_of
from tools.screening_eval.corpus import is_dprk, name_key, names_of
from tools.screening_eval.links import surname
from tools.screening_eval.positives import is_korean
from tools.screening_eval.rows import EvalRow

SAME_SURNAME = 30  # DPRK persons held out as same-surname negatives
SAME_STEM = 20  # DPRK companies held out as same-stem negatives
OTHER_PROGRAMME = 40  # held out per schema (vessels, organisations, persons)
SAME_NAME_OTHER_IMO = 30  # listed DPRK vessels queried with a held-out hull's IMO
Pool = list[tuple[str, tuple[str, ...]]]  # candidate entity ids with their hard negatives
NUMERALS = tuple(str(n) for n in range(1, 10))


@dataclass
class Holdout:
    """The held-out entries: each chosen one with the hard negatives it must not hit."""

    #: entity id -> (the kind of negative, the hard negatives it must not hit)
    chosen: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)  # chosen ones, their twins and namesakes

    def hold(self, ctx: Context, entity_id: str, kind: str, forbidden: Iterable[str]) -> bool:
        """Hold an entry out unless that would remove one of its hard negatives."""
        group = self._group(ctx, entity_id)
        forbidden = tuple(sorted(set(forbidden) - group))
        if (
            entity_id in self.removed
            or group & self._forbidden()
            or (kind != "other_programme" and not forbidden)
        ):
            return False
        if any(f in self.removed for f in forbidden):
            return False
        self.chosen[entity_id] = (kind, forbidden)
        self.removed |= group
        return True

    def _forbidden(self) -> set[str]:
        return {f for _, forbidden in self.chosen.values() for f in forbidden}

    @staticmethod
    def _group(ctx: Context, entity_id: str) -> set[str]:
        twins = ctx.links.twins(entity_id)
        return set(twins) | ctx.same_name(
            *(n for t in twins for n in names_of(ctx.corpus.entities[t]))
        )


def choose_holdout(ctx: Context) -> Holdout:
    """Pick the held-out entries, deterministically from the seed."""
    holdout = Holdout()
    vessels = list(ctx.corpus.of_schema("Vessel"))
    sister_ids = sisters(vessels)
    for group in _sister_groups(vessels, sister_ids):
        pick = ctx.rng("sister_ship", *group).choice(group)
        holdout.hold(ctx, pick, "sister_ship", sister_ids[pick])
    _hold_sample(ctx, holdout, "same_surname", _same_surname(ctx), SAME_SURNAME)
    _hold_sample(ctx, holdout, "same_stem", _same_stem(ctx), SAME_STEM)
    for schemata in (("Vessel",), ("Organization", "Company"), ("Person",)):
        others: Pool = [(str(e.id), ()) for e in ctx.corpus.of_schema(*schemata) if not is_dprk(e)]
        _hold_sample(ctx, holdout, "other_programme", others, OTHER_PROGRAMME, schemata[0])
    return holdout


def holdout_rows(ctx: Context, holdout: Holdout) -> Iterator[EvalRow]:
    """Rows for every held-out entry, run against the ``holdout`` index."""
    for entity_id, (kind, forbidden) in sorted(holdout.chosen.items()):
        entity = ctx.corpus.entities[entity_id]
        name = entity.get("name")[0]
        label = Label(None, (), forbidden, "STRONG" if kind != "same_surname" else "MEDIUM")
        source = f"{ctx.corpus.list_of[entity_id]} {entity_id} name, held out"
        yield ctx.row(entity, kind, [name], label, source=source, index="holdout")
        if kind == "sister_ship":
            yield from _sister_variants(ctx, entity, label, source)
        for flag in entity.get("flag", quiet=True)[:1]:  # vessels: as AIS would give it
            yield ctx.row(
                entity, f"{kind}_flag", [name], label, source=f"{source}, with its flag {flag}",
                index="holdout", flag=flag,
            )  # fmt: skip
        if kind == "same_surname" and is_korean(ctx, entity):
            parsed = ctx.person_name(entity)
            hangul = perturb.hangul_rendering(parsed) if parsed else None
            if hangul is not None:
                weak = Label(None, (), forbidden, "WEAK")
                yield ctx.row(
                    entity, kind, [hangul], weak, source=f"{source}, rendered in Hangul",
                    index="holdout", script="hangul", suffix=":hangul",
                )  # fmt: skip


def _sister_variants(
    ctx: Context, vessel: EntityProxy, label: Label, source: str
) -> Iterator[EvalRow]:
    name = vessel.get("name")[0]
    for kind, perturbation in perturb.VESSEL.items():
        changed = perturbation(name, ctx.rng(vessel.id, "sister", kind))
        if changed is not None:
            yield ctx.row(
                vessel, "sister_ship", [changed], label, source=f"{source}, {kind}",
                index="holdout", suffix=f":{kind}",
            )  # fmt: skip
    for imo in vessel.get("imoNumber")[:1]:
        yield ctx.row(
            vessel, "sister_ship_imo", [name], label, source=f"{source}, with its imoNumber {imo}",
            index="holdout", imo=imo,
        )  # fmt: skip


def same_name_other_imo_rows(ctx: Context, holdout: Holdout) -> Iterator[EvalRow]:
    """A listed DPRK vessel's name with the IMO of a held-out hull of another programme."""
    imos = sorted(
        imo
        for entity_id, (kind, _) in holdout.chosen.items()
        if kind == "other_programme"
        for imo in ctx.corpus.entities[entity_id].get("imoNumber", quiet=True)
    )
    listed = [
        v for v in ctx.corpus.of_schema("Vessel") if is_dprk(v) and str(v.id) not in holdout.removed
    ]
    picked = ctx.rng("same_name_other_imo").sample(
        listed, min(SAME_NAME_OTHER_IMO, len(listed), len(imos))
    )
    for vessel, imo in zip(picked, imos, strict=False):
        name = vessel.get("name")[0]
        label = Label(None, (), (str(vessel.id),), "MEDIUM")
        source = f"{ctx.corpus.list_of[str(vessel.id)]} {vessel.id} name with held-out {imo}"
        yield ctx.row(
            vessel, "same_name_other_imo", [name], label, source=source, index="holdout", imo=imo
        )


def numeral_rows(ctx: Context) -> Iterator[EvalRow]:
    """Listed DPRK vessel names given a numeral no listed vessel of that stem carries."""
    vessels = list(ctx.corpus.of_schema("Vessel"))
    by_stem: dict[str, set[str]] = defaultdict(set)
    used: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for vessel in vessels:
        for name in names_of(vessel, ("name", "alias", "previousName")):
            stem, numerals = stem_of(name)
            by_stem[stem].add(str(vessel.id))
            used[stem].add(numerals)
    for vessel in (v for v in vessels if is_dprk(v)):
        name = vessel.get("name")[0]
        stem, numerals = stem_of(name)
        if not stem:
            continue
        for kind, new in _renumbered(ctx, vessel, name, numerals, used[stem]):
            if ctx.same_name(new):
                continue  # a listed name after all
            label = Label(None, (), tuple(sorted(by_stem[stem])), "MEDIUM")
            source = (
                f"{ctx.corpus.list_of[str(vessel.id)]} {vessel.id} name, {kind} (seed {ctx.seed})"
            )
            yield ctx.row(vessel, kind, [new], label, source=source)


def _renumbered(
    ctx: Context,
    vessel: EntityProxy,
    name: str,
    numerals: tuple[str, ...],
    used: set[tuple[str, ...]],
) -> list[tuple[str, str]]:
    free = [n for n in NUMERALS if (n,) not in used]
    rng = ctx.rng(vessel.id, "numeral")
    trailing = perturb.TRAILING_NUMERAL.search(name)
    if trailing is None:
        return [("numeral_added", f"{name} {rng.choice(free)}")] if free and not numerals else []
    found = [("numeral_changed", name[: trailing.start()] + f" {rng.choice(free)}")] if free else []
    if () not in used:
        found.append(("numeral_dropped", name[: trailing.start()]))
    return found


def _sister_groups(vessels: list[EntityProxy], sister_ids: dict[str, set[str]]) -> list[list[str]]:
    dprk = {str(v.id) for v in vessels if is_dprk(v)}
    groups = {tuple(sorted({a, *bs})) for a, bs in sister_ids.items() if a in dprk}
    return [list(g) for g in sorted(groups)]


def _same_surname(ctx: Context) -> list[tuple[str, tuple[str, ...]]]:
    """DPRK persons with the other DPRK persons of their surname who are not their twins."""
    by_surname: dict[str, set[str]] = defaultdict(set)
    for person in ctx.corpus.of_schema("Person"):
        family = surname(person, ctx.corpus.list_of[str(person.id)]) if is_dprk(person) else None
        if family:
            by_surname[family].add(str(person.id))
    found = []
    for members in by_surname.values():
        for person_id in sorted(members):
            others = members - Holdout._group(ctx, person_id)
            if others:
                found.append((person_id, tuple(sorted(others))))
    return sorted(found)


def _same_stem(ctx: Context) -> list[tuple[str, tuple[str, ...]]]:
    """DPRK companies with the others sharing their first word and last two words."""
    by_stem: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for org in ctx.corpus.of_schema("Organization", "Company"):
        words = name_key_words(org.get("name")[0])
        if is_dprk(org) and len(words) >= 4:
            by_stem[(words[0], *words[-2:])].add(str(org.id))
    found = []
    for members in by_stem.values():
        for org_id in sorted(members):
            others = members - Holdout._group(ctx, org_id)
            if others:
                found.append((org_id, tuple(sorted(others))))
    return sorted(found)


def name_key_words(name: str) -> list[str]:
    """A name's words in order, upper-case, punctuation dropped."""
    return [w for w in (name_key(w) for w in name.split()) if w]


def _hold_sample(
    ctx: Context,
    holdout: Holdout,
    kind: str,
    pool: Pool,
    count: int,
    salt: str = "",
) -> None:
    """Hold out ``count`` entries of the pool, tried in a seeded order."""
    shuffled = list(pool)
    ctx.rng(kind, salt).shuffle(shuffled)
    held = 0
    for entity_id, forbidden in shuffled:
        if held == count:
            return
        held += holdout.hold(ctx, entity_id, kind, forbidden)
