"""Seeded perturbations of a listed name, after yente's ``treatments.py`` (screening.md §D.3).

Each function takes the listed name (and a seeded ``random.Random``, when it chooses) and
returns the perturbed name, or None when the perturbation does not apply or would leave
the name unchanged. Persons are handled as (surname, given names) so that word order and
given-name spacing change the way the lists themselves differ (``RI JE-SON`` / ``Je Son RI``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from tools.screening_eval.hangul import render_name

Perturb = Callable[[str, Random], str | None]
TRAILING_NUMERAL = re.compile(r"\s(\d+)$")


def swap_letters(name: str, rng: Random) -> str | None:
    """Two adjacent, different letters swapped at a random place (``CHON MA SAN -> CHNO ...``)."""
    places = [
        i
        for i in range(len(name) - 1)
        if name[i].isalpha() and name[i + 1].isalpha() and name[i].lower() != name[i + 1].lower()
    ]
    if not places:
        return None
    i = rng.choice(places)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def remove_spaces(name: str, rng: Random) -> str | None:
    """Every space dropped (``CHON MA SAN -> CHONMASAN``)."""
    return _changed(name, "".join(name.split()))


def join_two_words(name: str, rng: Random) -> str | None:
    """One space, chosen at random, dropped (``KOREA RYONBONG -> KOREARYONBONG``)."""
    words = name.split()
    if len(words) < 2:
        return None
    i = rng.randrange(len(words) - 1)
    return " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]])


def mv_prefix(name: str, rng: Random) -> str | None:
    """``MV `` before the name."""
    return f"MV {name}"


def mv_slash_prefix(name: str, rng: Random) -> str | None:
    """``M/V `` before the name."""
    return f"M/V {name}"


def number_sign(name: str, rng: Random) -> str | None:
    """``NO.`` before a trailing numeral (``SAM JONG 2 -> SAM JONG NO. 2``)."""
    return _changed(name, TRAILING_NUMERAL.sub(r" NO. \1", name))


def hyphenate(name: str, rng: Random) -> str | None:
    """Words joined by hyphens (``CHON MA SAN -> CHON-MA-SAN``)."""
    return _changed(name, "-".join(name.split()))


def hyphen_once(name: str, rng: Random) -> str | None:
    """One space, chosen at random, made a hyphen."""
    words = name.split()
    if len(words) < 2:
        return None
    i = rng.randrange(len(words) - 1)
    return " ".join([*words[:i], f"{words[i]}-{words[i + 1]}", *words[i + 2 :]])


def change_case(name: str, rng: Random) -> str | None:
    """Title case or lower case, chosen at random (the other if the first changes nothing)."""
    options = [name.title(), name.lower()]
    rng.shuffle(options)
    return next((o for o in options if o != name), None)


@dataclass(frozen=True, slots=True)
class PersonName:
    """A Korean-style name as a list writes it: surname, given names, and which comes first."""

    surname: str
    given: str  # as the list writes them: "JE-SON", "Je Son"
    surname_first: bool

    @property
    def text(self) -> str:
        """The name as the list wrote it."""
        if self.surname_first:
            return f"{self.surname} {self.given}"
        return f"{self.given} {self.surname}"

    @property
    def syllables(self) -> list[str]:
        """The given-name syllables."""
        return [s for s in re.split(r"[\s-]+", self.given) if s]


def word_order(person: PersonName, rng: Random) -> str | None:
    """Surname moved to the other end (``RI JE-SON -> JE-SON RI``)."""
    if not person.given:
        return None
    flipped = PersonName(person.surname, person.given, not person.surname_first)
    return flipped.text


def given_hyphen(person: PersonName, rng: Random) -> str | None:
    """Given names hyphenated if spaced, spaced if hyphenated (``JE-SON <-> JE SON``)."""
    syllables = person.syllables
    if len(syllables) < 2:
        return None
    joiner = " " if "-" in person.given else "-"
    return PersonName(person.surname, joiner.join(syllables), person.surname_first).text


def given_joined(person: PersonName, rng: Random) -> str | None:
    """Given names run together (``JE-SON -> JESON``)."""
    syllables = person.syllables
    if len(syllables) < 2:
        return None
    rest = "".join(syllables[1:])
    joined = syllables[0] + (rest if person.given.isupper() else rest.lower())
    return PersonName(person.surname, joined, person.surname_first).text


def hangul_rendering(person: PersonName) -> str | None:
    """The name in Hangul (:mod:`.hangul`), when every syllable parses."""
    return render_name(person.surname, person.given)


def _changed(name: str, new: str) -> str | None:
    return new if new != name else None


VESSEL: dict[str, Perturb] = {
    "swap": swap_letters,
    "no_space": remove_spaces,
    "mv_prefix": mv_prefix,
    "mv_slash": mv_slash_prefix,
    "number_sign": number_sign,
    "hyphen": hyphenate,
    "case": change_case,
}
ORGANIZATION: dict[str, Perturb] = {
    "swap": swap_letters,
    "no_space": join_two_words,
    "hyphen": hyphen_once,
    "case": change_case,
}
#: Person perturbations that need the surname; ``swap`` and ``case`` work on the text.
PERSON: dict[str, Callable[[PersonName, Random], str | None]] = {
    "swap": lambda p, rng: swap_letters(p.text, rng),
    "case": lambda p, rng: change_case(p.text, rng),
    "word_order": word_order,
    "hyphen": given_hyphen,
    "no_space": given_joined,
}
