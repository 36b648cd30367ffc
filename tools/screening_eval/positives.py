"""Positive rows: queries that should hit a listed DPRK entity (screening.md §D.1, §D.3).

* ``as_listed``: the primary name as the list writes it;
* ``cross_list``: one list's name for the other list's entry of the same designation
  (identifier links, :mod:`.links`);
* ``alias`` / ``former_name``: a listed a.k.a. / f.k.a. (an alias in another script is
  sliced by its script, and asks for the other list's entry when there is one);
* seeded perturbations of the primary name (:mod:`.perturb`), Hangul renderings of DPRK
  persons' names (``hangul_rendered``, WEAK), for vessels and companies with an IMO
  number ``with_imo`` (a perturbed name plus the IMO) and ``imo_only``, and for vessels
  with a listed flag ``swap_flag`` (the ``swap`` query plus the flag).

Vessel rows forbid the vessel's sister ships: an alert on one is a sister-ship false positive.
"""

from __future__ import annotations

from collections.abc import Iterator

from followthemoney.proxy import EntityProxy

from tools.screening_eval import perturb
from tools.screening_eval.context import Context, Label, sisters
from tools.screening_eval.corpus import is_dprk, names_of, script_of
from tools.screening_eval.rows import EvalRow

Perturbations = dict[str, perturb.Perturb]
ALIAS_KINDS = {"alias": "alias", "weakAlias": "alias", "previousName": "former_name"}


def vessel_rows(ctx: Context) -> Iterator[EvalRow]:
    """Positive rows for every DPRK vessel."""
    vessels = list(ctx.corpus.of_schema("Vessel"))
    sister_ids = sisters(vessels)
    for vessel in (v for v in vessels if is_dprk(v)):
        forbidden = sorted(sister_ids.get(str(vessel.id), ()))
        yield from _named_rows(ctx, vessel, perturb.VESSEL, forbidden)
        yield from _imo_rows(ctx, vessel, perturb.VESSEL, forbidden)
        yield from _flag_rows(ctx, vessel, forbidden)


def organization_rows(ctx: Context) -> Iterator[EvalRow]:
    """Positive rows for every DPRK organisation."""
    for org in ctx.corpus.of_schema("Organization", "Company"):
        if is_dprk(org):
            yield from _named_rows(ctx, org, perturb.ORGANIZATION, [])
            yield from _imo_rows(ctx, org, perturb.ORGANIZATION, [])
            yield from cross_list_rows(ctx, org)


def person_rows(ctx: Context) -> Iterator[EvalRow]:
    """Positive rows for every DPRK person, and original-script names of other persons."""
    for person in ctx.corpus.of_schema("Person"):
        if is_dprk(person):
            yield from _named_rows(ctx, person, {}, [])
            yield from _person_perturbed(ctx, person)
            yield from cross_list_rows(ctx, person)
        else:
            yield from _original_script_rows(ctx, person)


def cross_list_rows(ctx: Context, entity: EntityProxy) -> Iterator[EvalRow]:
    """The entity's primary name as a query for each entry it is linked to by identifier."""
    name = entity.get("name")[0]
    for partner, link in ctx.partners(str(entity.id)):
        label = ctx.label(partner, name, strength=link.strength)
        source = f"{_where(ctx, entity, 'name')} for {partner} ({link.kind} {link.value})"
        yield ctx.row(entity, "cross_list", [name], label, source=source)


def _named_rows(
    ctx: Context, entity: EntityProxy, perturbations: Perturbations, forbidden: list[str]
) -> Iterator[EvalRow]:
    entity_id = str(entity.id)
    name = entity.get("name")[0]
    label = ctx.label(entity_id, name, forbidden=forbidden)
    yield ctx.row(entity, "as_listed", [name], label, source=_where(ctx, entity, "name"))
    for kind, perturbation in perturbations.items():
        changed = perturbation(name, ctx.rng(entity_id, kind))
        if changed is not None:
            source = f"{_where(ctx, entity, 'name')}, {kind} (seed {ctx.seed})"
            yield ctx.row(entity, kind, [changed], label, source=source)
    yield from _alias_rows(ctx, entity, forbidden)


def _alias_rows(ctx: Context, entity: EntityProxy, forbidden: list[str]) -> Iterator[EvalRow]:
    entity_id = str(entity.id)
    partners = ctx.partners(entity_id)
    for prop, kind in ALIAS_KINDS.items():
        for n, alias in enumerate(entity.get(prop, quiet=True)):
            script = script_of(alias)
            label = ctx.label(entity_id, alias, forbidden=forbidden)
            source = _where(ctx, entity, prop)
            if script != "latin" and partners:  # another script: ask for the other list's entry
                partner, link = partners[0]
                label = ctx.label(partner, alias, forbidden=forbidden, strength=link.strength)
                source += f" for {partner} ({link.kind} {link.value})"
            yield ctx.row(
                entity, kind, [alias], label, source=source, script=script, suffix=f":{prop}{n}"
            )


def _imo_rows(
    ctx: Context, entity: EntityProxy, perturbations: Perturbations, forbidden: list[str]
) -> Iterator[EvalRow]:
    entity_id = str(entity.id)
    imos = entity.get("imoNumber", quiet=True)
    if not imos:
        return
    name, imo = entity.get("name")[0], imos[0]
    rng = ctx.rng(entity_id, "with_imo")
    kind = rng.choice(sorted(perturbations))
    changed = perturbations[kind](name, rng) or name
    label = ctx.label(entity_id, name, forbidden=forbidden)
    source = f"{_where(ctx, entity, 'name')}, {kind} (seed {ctx.seed}), imoNumber {imo}"
    yield ctx.row(entity, "with_imo", [changed], label, source=source, imo=imo)
    same_imo = [i for i, e in ctx.corpus.entities.items() if imo in e.get("imoNumber", quiet=True)]
    label = Label(entity_id, label.acceptable + tuple(same_imo), label.forbidden)
    source = f"{_where(ctx, entity, 'imoNumber')} {imo}"
    yield ctx.row(entity, "imo_only", [], label, source=source, imo=imo)


def _flag_rows(ctx: Context, vessel: EntityProxy, forbidden: list[str]) -> Iterator[EvalRow]:
    """The ``swap`` query again, now with the vessel's listed flag (as AIS would give it)."""
    entity_id = str(vessel.id)
    flags = vessel.get("flag", quiet=True)
    name = vessel.get("name")[0]
    swapped = perturb.swap_letters(name, ctx.rng(entity_id, "swap"))
    if flags and swapped is not None:
        label = ctx.label(entity_id, name, forbidden=forbidden)
        source = f"{_where(ctx, vessel, 'name')}, swap (seed {ctx.seed}), flag {flags[0]}"
        yield ctx.row(vessel, "swap_flag", [swapped], label, source=source, flag=flags[0])


def _person_perturbed(ctx: Context, person: EntityProxy) -> Iterator[EvalRow]:
    entity_id = str(person.id)
    parsed = ctx.person_name(person)
    if parsed is None:
        return
    label = ctx.label(entity_id, person.get("name")[0])
    for kind, perturbation in perturb.PERSON.items():
        changed = perturbation(parsed, ctx.rng(entity_id, kind))
        if changed is not None:
            source = f"{_where(ctx, person, 'name')}, {kind} (seed {ctx.seed})"
            yield ctx.row(person, kind, [changed], label, source=source)
    hangul = perturb.hangul_rendering(parsed) if is_korean(ctx, person) else None
    if hangul is not None:
        weak = Label(label.expected, label.acceptable, strength="WEAK")
        source = f"{_where(ctx, person, 'name')} rendered in Hangul (evaluation/hangul.py)"
        yield ctx.row(person, "hangul_rendered", [hangul], weak, source=source, script="hangul")


def is_korean(ctx: Context, person: EntityProxy) -> bool:
    """A North Korean national, or a UN 1718 listing with no nationality stated."""
    nationality = set(person.get("nationality"))
    if nationality:
        return "kp" in nationality
    return ctx.corpus.list_of[str(person.id)] == "unsc" and is_dprk(person)


def _original_script_rows(ctx: Context, person: EntityProxy) -> Iterator[EvalRow]:
    """A non-DPRK person's name in its original script, asking for the linked OFAC entry."""
    partners = ctx.partners(str(person.id))
    if not partners:
        return
    for n, alias in enumerate(names_of(person, ("alias",))):
        script = script_of(alias)
        if script == "latin":
            continue
        partner, link = partners[0]
        label = ctx.label(partner, alias, strength=link.strength)
        source = f"{_where(ctx, person, 'alias')} for {partner} ({link.kind} {link.value})"
        yield ctx.row(
            person, "cross_list", [alias], label, source=source, script=script, suffix=f":alias{n}"
        )


def _where(ctx: Context, entity: EntityProxy, prop: str) -> str:
    """``unsc unsc-690747 name`` : the list, the entry and the property a query came from."""
    return f"{ctx.corpus.list_of[str(entity.id)]} {entity.id} {prop}"
