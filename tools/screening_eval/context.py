"""What every row builder needs: the corpus, its links, name keys, sisters and a seeded RNG."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from random import Random
from typing import cast

from followthemoney.proxy import EntityProxy

from setori.screen.model import Query, SchemaName
from tools.screening_eval.corpus import Corpus, name_key, names_of
from tools.screening_eval.links import QUERY_LINKS, Link, Links, find_links, surname
from tools.screening_eval.perturb import PersonName
from tools.screening_eval.rows import EvalRow, IndexName, Strength

SLICE_SCHEMA = {"Vessel": "vessel", "Person": "person", "Organization": "organization",
                "Company": "organization"}  # fmt: skip
_NUMERAL = re.compile(r"^\d+$")
_NUMBER_SIGN = re.compile(r"\bNO\.?\s*(?=\d)")


@dataclass
class Context:
    """The corpus with its links and lookups, and the seed every row's RNG derives from."""

    corpus: Corpus
    seed: int
    links: Links = field(init=False)
    by_key: dict[str, set[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.links = find_links(self.corpus)
        self.by_key = defaultdict(set)
        for entity_id, entity in self.corpus.entities.items():
            for name in names_of(entity):
                self.by_key[name_key(name)].add(entity_id)

    def rng(self, *parts: object) -> Random:
        """A generator seeded by the seed and the row's identity (independent of order)."""
        return Random(":".join(str(p) for p in (self.seed, *parts)))

    def same_name(self, *names: str) -> set[str]:
        """Every entity with a name no name-only query could tell from one of ``names``."""
        return {i for n in names for i in self.by_key.get(name_key(n), ())}

    def acceptable(self, expected: str, *names: str) -> tuple[str, ...]:
        """Twins of the expected entity and list names equal to the query's, minus itself."""
        ids = set(self.links.twins(expected)) | self.same_name(*names)
        return tuple(sorted(ids - {expected}))

    def partners(self, entity_id: str) -> list[tuple[str, Link]]:
        """Entries of another list linked to this one by identifier (a cross-list query
        can be built on them), in id order."""
        own = self.corpus.list_of[entity_id]
        return [
            (partner, link)
            for partner, link in self.links.partners(entity_id)
            if link.kind in QUERY_LINKS and self.corpus.list_of[partner] != own
        ]

    def date(self, *entity_ids: str) -> str:
        """The versions of the lists the entities come from."""
        infos = {self.corpus.info(i).list_id: self.corpus.info(i) for i in entity_ids}
        return "; ".join(f"{k} {v.date}" for k, v in sorted(infos.items()))

    def person_name(self, entity: EntityProxy) -> PersonName | None:
        """The entity's primary name split into surname and given names (None: no surname)."""
        list_id = self.corpus.list_of[str(entity.id)]
        family = surname(entity, list_id)
        name = entity.get("name")[0]
        if family is None:
            return None
        if list_id == "ofac":
            return PersonName(family, name[: len(name) - len(family)].strip(), False)
        words = name.split(None, 1)
        return PersonName(words[0], words[1] if len(words) > 1 else "", True)

    def label(
        self,
        expected: str,
        *names: str,
        forbidden: Iterable[str] = (),
        strength: Strength = "STRONG",
    ) -> Label:
        """A positive label: the expected entity, its twins and namesakes acceptable."""
        return Label(expected, self.acceptable(expected, *names), tuple(forbidden), strength)

    def row(
        self,
        entity: EntityProxy,
        perturbation: str,
        names: Iterable[str],
        label: Label,
        *,
        source: str,
        index: IndexName = "full",
        script: str = "latin",
        imo: str | None = None,
        flag: str | None = None,
        suffix: str = "",
    ) -> EvalRow:
        """A row about ``entity`` (the query's schema and slice come from it)."""
        name = entity.schema.name
        schema = cast(SchemaName, "Organization" if name == "Company" else name)
        row_id = f"{perturbation}:{entity.id}"
        if label.expected and label.expected != entity.id:
            row_id += f":{label.expected}"
        row_id += suffix
        return EvalRow(
            row_id=row_id,
            query=Query(schema=schema, names=tuple(names), imo=imo, flag=flag, ref=row_id),
            expected=label.expected,
            acceptable=tuple(sorted(set(label.acceptable) - {label.expected or ""})),
            forbidden=tuple(sorted(set(label.forbidden))),
            index=index,
            schema=SLICE_SCHEMA[name],
            perturbation=perturbation,
            script=script,
            strength=label.strength,
            source=source,
            date=self.date(str(entity.id), *([label.expected] if label.expected else [])),
        )


@dataclass(frozen=True, slots=True)
class Label:
    """What a row's query should find: the entity (None: nothing), what is no false alarm,
    which hard negatives it tests, and how sure the label is."""

    expected: str | None
    acceptable: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    strength: Strength = "STRONG"


def stem_of(name: str) -> tuple[str, tuple[str, ...]]:
    """A vessel name without its numerals, and the numerals (``SAM JONG 2 -> SAM JONG, (2,)``)."""
    tokens = name_key(_NUMBER_SIGN.sub(" ", name.upper())).split()
    numerals = tuple(str(int(t)) for t in tokens if _NUMERAL.match(t))
    stem = " ".join(t for t in tokens if not _NUMERAL.match(t))
    return stem, tuple(sorted(numerals))


def sisters(vessels: Iterable[EntityProxy]) -> dict[str, set[str]]:
    """For each vessel, the others whose name shares its stem with different numerals
    (a vessel sharing a whole name with another is not its sister)."""
    by_stem: dict[str, list[tuple[str, tuple[str, ...], str]]] = defaultdict(list)
    for vessel in vessels:
        for name in names_of(vessel, ("name", "alias", "previousName")):
            stem, numerals = stem_of(name)
            if stem:
                by_stem[stem].append((str(vessel.id), numerals, name_key(name)))
    found: dict[str, set[str]] = defaultdict(set)
    for forms in by_stem.values():
        for a, numerals_a, _ in forms:
            for b, numerals_b, _ in forms:
                if a != b and numerals_a != numerals_b:
                    found[a].add(b)
    shared = {(a, b) for forms in by_stem.values() for a, _, ka in forms for b, _, kb in forms
              if a != b and ka == kb}  # fmt: skip
    return {a: {b for b in bs if (a, b) not in shared} for a, bs in found.items()}
