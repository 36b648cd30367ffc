"""Markings of a shared item: exactly one TLP 2.0 label and a releasability set.

* TLP 2.0 (FIRST, v2.0): ``CLEAR``, ``GREEN``, ``AMBER``, ``AMBER+STRICT``, ``RED``, in
  capitals, no spaces; ordered by how far an item may travel (:data:`TLP_ORDER`).
* REL TO: a set of ISO 3166-1 alpha-3 nations (the GENC trigraphs of the ISA ACS 3.0
  ``permitted_nationalities`` equal them for every partner). Kept as a set; written
  canonically, the originator first, then the others in alphabetical order
  (``REL TO JPN, KOR, USA`` from JPN).
* An item with no releasability is releasable to its originator only (deny by default);
  the set always holds the originator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from setori.errors import InputError

Tlp = Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
#: From the widest to the narrowest audience.
TLP_ORDER: tuple[Tlp, ...] = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
#: The partner nations of the framework (ISO 3166-1 alpha-3).
PARTNERS: frozenset[str] = frozenset(
    {"USA", "JPN", "KOR", "AUS", "CAN", "FRA", "DEU", "ITA", "NLD", "NZL", "GBR"}
)
_TRIGRAPH = re.compile(r"[A-Z]{3}")


class MarkingError(InputError):
    """A marking that is malformed, unknown or breaks a releasability rule (HTTP 422)."""

    status = 422


def parse_tlp(text: str) -> Tlp:
    """``amber``, ``TLP:AMBER``, ``amber+strict`` -> the TLP 2.0 label; anything else is a
    :class:`MarkingError` naming the value."""
    label = text.strip().upper().removeprefix("TLP:").replace(" ", "")
    for known in TLP_ORDER:
        if label == known:
            return known
    raise MarkingError(f"TLP {text!r}: expected one of {', '.join(TLP_ORDER)} (TLP 2.0)")


def parse_nations(text: str | Iterable[str], *, known: frozenset[str] = PARTNERS) -> frozenset[str]:
    """``"USA, JPN,kor"`` or ``["USA", "JPN"]`` (a leading ``REL TO`` is allowed) -> the set;
    an empty item, a code that is not three letters or not a known nation is refused."""
    items = text.split(",") if isinstance(text, str) else list(text)
    if isinstance(text, str):
        items[0] = re.sub(r"(?i)^\s*REL\s+TO\s+", "", items[0])
    nations = set()
    for raw in items:
        code = raw.strip().upper()
        if not _TRIGRAPH.fullmatch(code):
            raise MarkingError(f"nation {raw!r}: expected an ISO 3166-1 alpha-3 code (JPN)")
        if code not in known:
            raise MarkingError(f"nation {code!r} is not a partner: expected one of {sorted(known)}")
        nations.add(code)
    if not nations:
        raise MarkingError("REL TO names no nation: expected at least the originator")
    return frozenset(nations)


@dataclass(frozen=True, slots=True)
class Originator:
    """Who made an item: a nation and an organisation (from the authenticated submission)."""

    nation: str
    org: str


@dataclass(frozen=True, slots=True)
class Marking:
    """What a shared item carries. ``rel_to`` always holds the originator's nation."""

    originator: Originator
    tlp: Tlp
    rel_to: frozenset[str]
    orgs: frozenset[str] = frozenset()  # empty: every organisation of the rel_to nations
    named_recipients: frozenset[str] = frozenset()  # TLP:RED: the users who may read it
    caveats: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.originator.nation not in self.rel_to:
            raise MarkingError(
                f"REL TO {', '.join(sorted(self.rel_to))} leaves out the originator "
                f"{self.originator.nation}: a releasability set must hold it"
            )

    @property
    def rel_to_text(self) -> str:
        """``REL TO JPN, KOR, USA``: the originator first, then the others alphabetically."""
        first = self.originator.nation
        return "REL TO " + ", ".join([first, *sorted(self.rel_to - {first})])


def marking(
    originator: Originator,
    *,
    tlp: str = "AMBER+STRICT",
    rel_to: str | Iterable[str] | None = None,
    orgs: Iterable[str] = (),
    named_recipients: Iterable[str] = (),
    caveats: Iterable[str] = (),
) -> Marking:
    """A checked marking. No ``rel_to``: the originator's nation only (deny by default). The
    default TLP is AMBER+STRICT, the one that keeps a lead inside the receiving agency
    (sharing.md 3.1)."""
    nations = frozenset({originator.nation}) if rel_to is None else parse_nations(rel_to)
    label = parse_tlp(tlp)
    names = frozenset(named_recipients)
    if label == "RED" and not names:
        raise MarkingError("TLP:RED needs its named recipients: nobody else may read it")
    return Marking(originator, label, nations, frozenset(orgs), names, frozenset(caveats))
