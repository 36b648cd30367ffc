"""Which UN and OFAC entries are the same designation, from identifiers, never from names.

The 2021 OFAC CSV does not cite UN reference numbers (KPi/KPe), so the join is on what both
lists print (screening.md §D.1):

* ``passport``: a person's passport number, alphanumerics only, at least 6 characters (STRONG);
* ``imo``: an IMO number, a vessel's or a company's (STRONG);
* ``dob_surname``: DPRK persons with the same full birth date and the same surname (MEDIUM:
  the given names are left free to differ, as they do between the lists);
* ``same_name``: DPRK entries whose names are the same tokens in any order (legal forms such
  as ``CORPORATION``/``CORP`` dropped), persons only when their birth years do not disagree.
  These only make twins (so an alert on the other list's entry is no false alarm); no
  cross-list query is built on them, it would be a copy of a listed name;
* ``dob_tokens``: persons of any programme in different lists with the same full birth date
  and at least two name words in common (``Tarkhan Ismailovich GAZIYEV`` / ``TARKHAN
  ISMAILOVICH GAZIEV``); twins only, like ``same_name``.

:class:`Links` holds the direct links and their connected components ("twins").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from followthemoney.proxy import EntityProxy

from tools.screening_eval.corpus import Corpus, is_dprk, name_key, names_of
from tools.screening_eval.rows import Strength

MIN_PASSPORT = 6
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STRENGTHS: dict[str, Strength] = {
    "passport": "STRONG", "imo": "STRONG", "dob_surname": "MEDIUM", "same_name": "MEDIUM",
    "dob_tokens": "MEDIUM",
}  # fmt: skip
MIN_SHARED_WORDS = 2
#: Links a cross-list query may be built on (same_name would only copy a listed name).
QUERY_LINKS = frozenset({"passport", "imo", "dob_surname"})
LEGAL_FORMS = frozenset({"CORPORATION", "CORP", "COMPANY", "CO", "LTD", "LIMITED", "INC", "LLC"})


@dataclass(frozen=True, slots=True)
class Link:
    """Two entries joined by one shared value."""

    kind: str  # passport | imo | dob_surname
    value: str

    @property
    def strength(self) -> Strength:
        """The label strength a row built on this link gets."""
        return STRENGTHS[self.kind]


@dataclass
class Links:
    """Direct links between entity ids, and each id's group of twins (itself included)."""

    direct: dict[tuple[str, str], Link] = field(default_factory=dict)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)

    def twins(self, entity_id: str) -> frozenset[str]:
        """The entity and every entry linked to it, directly or not."""
        return self.groups.get(entity_id, frozenset({entity_id}))

    def link(self, a: str, b: str) -> Link | None:
        """The direct link between two ids, if any."""
        return self.direct.get((a, b)) or self.direct.get((b, a))

    def partners(self, entity_id: str) -> list[tuple[str, Link]]:
        """The ids linked directly to one, with the link, in id order."""
        found = [(b, k) for (a, b), k in self.direct.items() if a == entity_id]
        found += [(a, k) for (a, b), k in self.direct.items() if b == entity_id]
        return sorted(found, key=lambda p: p[0])


def find_links(corpus: Corpus) -> Links:
    """Every identifier link in the corpus, and the groups they make."""
    links = Links()
    persons = list(corpus.of_schema("Person"))
    _join(links, persons, "passport", _passports)
    _join(links, corpus.of_schema("Organization", "Company", "Vessel"), "imo", _imos)
    dprk = [p for p in persons if is_dprk(p)]
    _join(links, dprk, "dob_surname", lambda e: _dob_surnames(e, corpus), across=corpus)
    orgs = [o for o in corpus.of_schema("Organization", "Company") if is_dprk(o)]
    _join(links, orgs, "same_name", _org_keys, across=corpus)
    _join_persons_by_name(links, dprk, corpus)
    _join_persons_by_dob_words(links, persons, corpus)
    links.groups = _components(links.direct)
    return links


def _join(
    links: Links,
    entities: Iterable[EntityProxy],
    kind: str,
    values: Callable[[EntityProxy], set[str]],
    across: Corpus | None = None,
) -> None:
    """Link every pair of entities that share a value (``across``: only between lists)."""
    by_value: dict[str, list[str]] = defaultdict(list)
    for entity in entities:
        for value in values(entity):
            by_value[value].append(str(entity.id))
    for value, ids in sorted(by_value.items()):
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if across is not None and across.list_of[a] == across.list_of[b]:
                    continue
                if a != b and links.link(a, b) is None:
                    links.direct[(a, b)] = Link(kind, value)


def _passports(entity: EntityProxy) -> set[str]:
    numbers = (re.sub(r"[^0-9A-Z]", "", v.upper()) for v in entity.get("passportNumber"))
    return {n for n in numbers if len(n) >= MIN_PASSPORT}


def _imos(entity: EntityProxy) -> set[str]:
    return set(entity.get("imoNumber", quiet=True))


def _dob_surnames(entity: EntityProxy, corpus: Corpus) -> set[str]:
    family = surname(entity, corpus.list_of[str(entity.id)])
    if family is None:
        return set()
    return {f"{d}|{family}" for d in entity.get("birthDate") if FULL_DATE.match(d)}


def _org_keys(entity: EntityProxy) -> set[str]:
    keys = (name_key(n).split() for n in names_of(entity))
    return {" ".join(t for t in k if t not in LEGAL_FORMS) for k in keys}


def _join_persons_by_name(links: Links, persons: list[EntityProxy], corpus: Corpus) -> None:
    """Link persons of different lists with a common name key whose birth years agree
    (or one of them has none)."""
    by_key: dict[str, list[EntityProxy]] = defaultdict(list)
    for person in persons:
        for key in {name_key(n) for n in names_of(person)}:
            by_key[key].append(person)
    for key, found in sorted(by_key.items()):
        for i, a in enumerate(found):
            for b in found[i + 1 :]:
                a_id, b_id = str(a.id), str(b.id)
                if corpus.list_of[a_id] == corpus.list_of[b_id] or links.link(a_id, b_id):
                    continue
                years_a, years_b = _years(a), _years(b)
                if not years_a or not years_b or years_a & years_b:
                    links.direct[(a_id, b_id)] = Link("same_name", key)


def _join_persons_by_dob_words(links: Links, persons: list[EntityProxy], corpus: Corpus) -> None:
    """Link persons of different lists born the same day who share two name words."""
    by_date: dict[str, list[EntityProxy]] = defaultdict(list)
    for person in persons:
        for date in {d for d in person.get("birthDate") if FULL_DATE.match(d)}:
            if not date.endswith("-01-01"):  # often a year-only birth date padded
                by_date[date].append(person)
    for date, found in sorted(by_date.items()):
        for i, a in enumerate(found):
            for b in found[i + 1 :]:
                a_id, b_id = str(a.id), str(b.id)
                if corpus.list_of[a_id] == corpus.list_of[b_id] or links.link(a_id, b_id):
                    continue
                if len(_words(a) & _words(b)) >= MIN_SHARED_WORDS:
                    links.direct[(a_id, b_id)] = Link("dob_tokens", date)


def _words(entity: EntityProxy) -> set[str]:
    return {w for n in names_of(entity) for w in name_key(n).split()}


def _years(entity: EntityProxy) -> set[str]:
    return {d[:4] for d in entity.get("birthDate")}


def surname(entity: EntityProxy, list_id: str) -> str | None:
    """A DPRK person's surname: the UN writes it first, OFAC's ``LAST, First`` puts it last
    (upper-case) once the loader has turned it into ``First LAST``."""
    names = entity.get("name")
    if not names:
        return None
    tokens = names[0].replace("-", " ").split()
    if list_id == "ofac":
        last = [t for t in tokens if t.isupper() and len(t) > 1]
        return last[-1].upper() if last and tokens[-1] == last[-1] else None
    return tokens[0].upper() if tokens else None


def _components(direct: dict[tuple[str, str], Link]) -> dict[str, frozenset[str]]:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in direct:
        parent[root(a)] = root(b)
    members: dict[str, set[str]] = defaultdict(set)
    for x in list(parent):
        members[root(x)].add(x)
    return {x: frozenset(members[root(x)]) for x in parent}
