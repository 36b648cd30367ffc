"""The real lists the evaluation set is drawn from, loaded once and indexed by entity id.

Only matchable entities are kept (Person, Organization, Vessel ...; not Sanction). Each
list's version, date and digest go into every row built from it (screening.md §D.7).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney.proxy import EntityProxy

from setori.screen.lists import LoadedList, load_list

#: The real lists, relative to the shared data folder (see its SOURCES.md §4).
UN_FILE = Path("un-consolidated/UN_consolidated.xml")
OFAC_FILE = Path("ofac-sdn-2021/sdn.csv")
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
_TOKEN = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"['’‘`ʼʻ]")
SCRIPTS = {"HANGUL": "hangul", "CJK": "han", "ARABIC": "arabic", "CYRILLIC": "cyrillic"}


@dataclass(frozen=True, slots=True)
class ListInfo:
    """Where a list came from and which version of it was read."""

    list_id: str
    path: str
    source: str
    version: str
    date: str  # the list's own publication date, else "undated, <version>"
    digest: str

    @classmethod
    def of(cls, loaded: LoadedList) -> ListInfo:
        """The description of a loaded list."""
        date = loaded.published[:10] if loaded.published else f"undated, {loaded.version}"
        return cls(
            list_id=loaded.list_id,
            path=str(loaded.path),
            source=loaded.source,
            version=loaded.version,
            date=date,
            digest=loaded.digest,
        )


@dataclass
class Corpus:
    """Every matchable entity of the lists, by id, with the lists' descriptions."""

    entities: dict[str, EntityProxy]
    lists: dict[str, ListInfo]
    list_of: dict[str, str] = field(default_factory=dict)  # entity id -> list id

    @classmethod
    def load(cls, paths: Iterable[Path]) -> Corpus:
        """Load every list file (format detected) and keep its matchable entities."""
        corpus = cls(entities={}, lists={})
        for path in paths:
            loaded = load_list(path)
            corpus.lists[loaded.list_id] = ListInfo.of(loaded)
            for entity in loaded.entities():
                if entity.id and entity.schema.matchable:
                    corpus.entities[entity.id] = entity
                    corpus.list_of[entity.id] = loaded.list_id
        return corpus

    def info(self, entity_id: str) -> ListInfo:
        """The description of the list an entity comes from."""
        return self.lists[self.list_of[entity_id]]

    def of_schema(self, *schemata: str) -> Iterator[EntityProxy]:
        """The entities of the given schemata, in id order (deterministic)."""
        for entity_id in sorted(self.entities):
            entity = self.entities[entity_id]
            if entity.schema.name in schemata:
                yield entity


def is_dprk(entity: EntityProxy) -> bool:
    """True for an entity listed under a DPRK programme (UN 1718, OFAC DPRK*)."""
    return any(p.upper().startswith("DPRK") for p in entity.get("program", quiet=True))


def names_of(entity: EntityProxy, props: Iterable[str] = NAME_PROPS) -> list[str]:
    """The entity's names in the given properties, in list order."""
    return [n for p in props for n in entity.get(p, quiet=True)]


def name_key(name: str) -> str:
    """Tokens of a name, upper-case, apostrophes dropped, in alphabetical order.

    Two list names with the same key cannot be told apart by a name-only query
    (``RI JE-SON`` and ``Je Son RI``), so neither is a false alarm for the other.
    """
    folded = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", name))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).upper()
    return " ".join(sorted(_TOKEN.findall(plain)))


def script_of(text: str) -> str:
    """``latin``, ``hangul``, ``han``, ``arabic``, ``cyrillic`` or ``other``: the script of
    the first letter that is not Latin."""
    for ch in text:
        if ch.isalpha():
            first = unicodedata.name(ch, "OTHER").split()[0]
            if first != "LATIN":
                return SCRIPTS.get(first, "other")
    return "latin"
