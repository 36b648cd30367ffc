"""Korean person names: the same surname with another given name is another person.

DPRK lists hold many persons who share a surname and one given-name syllable (``KIM JONG
UN``, ``KIM YO JONG``, ``KIM JONG SIK``); logic-v2 scores such pairs 0.7-0.8 on the shared
parts. A name is read as Korean when it has two to four tokens, its first or last token is
a Korean surname (:data:`SURNAMES`, in every usual spelling), and each other token is one
or two Korean syllables (:func:`is_syllabic`: a McCune-Reischauer syllable under the
romanisation fold, so ``MICHAEL`` or ``JAMES`` is not). The given name is compared
**syllable by syllable under the romanisation fold**
(:func:`setori.screen.match.names.fold_token`: ``JONG``/``CHONG``/``JEONG`` alike).

Two given names agree when, syllable by syllable, they are equal once the vowel
spellings that South Korean and older romanisations use for one MR vowel are merged
(:func:`syllable_key`: ``ou -> o``, ``u -> o``, ``ui -> i``, so ``YOUNG``/``YONG``,
``SUNG``/``SONG``, ``CHUL``/``CHOL``, ``HEE``/``HUI`` agree), with syllables run together
where one name writes them so (``JONGUN`` = ``JONG UN``, ``SUIL`` = ``SU IL``). Consonants
and syllable order must agree: ``YONG`` is not ``KYONG``, ``CHUN`` is not ``CHIN``,
``UN SONG`` is not ``SONG UN`` (three pairs of different persons on the OFAC list). When
the only readings that share a surname disagree in the given name,
:func:`given_name_conflict` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from setori.screen.match import weights as w
from setori.screen.match.evidence import Evidence
from setori.screen.match.hangul import SYLLABLE_FIRST, SYLLABLE_LAST, romanise
from setori.screen.match.names import fold_token, name_key

#: Korean surnames in McCune-Reischauer, Revised Romanisation and the usual English spellings.
SURNAMES_WRITTEN = (
    "KIM GIM RI LI LEE YI RHEE RHI PAK PARK BAK PAEK BAEK PAIK CHOE CHOI CHOY CHWE JONG CHONG "
    "JEONG CHUNG KANG CHO JO YUN YOON JANG CHANG HAN O OH SO SEO SUH SIN SHIN KWON GWON HWANG "
    "AN AHN SONG RYU YU YOO HONG JON CHON JEON CHUN KO GO MUN MOON YANG SON PAE BAE NAM SIM "
    "SHIM NO NOH RO ROH HA KWAK GWAK CHA JU CHU U WOO KU GU KOO MIN JIN CHIN RIM IM LIM NA "
    "JI CHI OM EOM UM WON CHAE PYON BYUN BYEON TAE HYON HYUN HYEON KIL GIL MYONG MYEONG PANG "
    "BANG KONG GONG HAM SOK SEOK YOM YEOM PYO MAENG KI GI TAK RYANG YANG SUNG SONU SEONU "
    "NAMGUNG HWANGBO TOKKO DOKGO"
)
SURNAMES = frozenset(fold_token(s) for s in SURNAMES_WRITTEN.split())
#: Every Hangul syllable in MR under the fold (2,160 keys; voiced initials fold to plain).
SYLLABLES = frozenset(
    fold_token(romanise(chr(c))) for c in range(SYLLABLE_FIRST, SYLLABLE_LAST + 1)
)


@dataclass(frozen=True, slots=True)
class KoreanReading:
    """One way to read a name: its surname and given-name syllables, folded and as written."""

    surname: str
    given: tuple[str, ...]  # folded syllables (or pairs of syllables run together)
    written: tuple[str, ...]  # the same tokens as written, upper case


@lru_cache(maxsize=65_536)
def readings(name: str) -> tuple[KoreanReading, ...]:
    """The surname-first and surname-last readings of a name; none if it is not Korean."""
    key = name_key(name, vessel=False)
    tokens, written = key.folded_tokens, key.tokens
    if not 2 <= len(tokens) <= 4:
        return ()
    found = []
    if tokens[0] in SURNAMES and all(is_syllabic(t) for t in tokens[1:]):
        found.append(KoreanReading(tokens[0], tokens[1:], written[1:]))
    if tokens[-1] in SURNAMES and all(is_syllabic(t) for t in tokens[:-1]):
        found.append(KoreanReading(tokens[-1], tokens[:-1], written[:-1]))
    return tuple(found)


def is_syllabic(token: str) -> bool:
    """A folded token that is one Korean syllable or two run together (``chongun``, ``mangon``)."""
    if token in SYLLABLES:
        return True
    return any(
        token[:i] in SYLLABLES and fold_token(token[i:]) in SYLLABLES for i in range(1, len(token))
    )


def given_names_agree(a: KoreanReading, b: KoreanReading) -> bool:
    """Equal syllable by syllable under :func:`syllable_key`, in order (see module doc).

    Also equal when the names as written, run together and folded as one word, are: the
    fold is for a token's first letter, so ``MANGON`` is compared whole with ``MAN GON``.
    """
    if "".join(map(syllable_key, a.given)) == "".join(map(syllable_key, b.given)):
        return True
    whole_a, whole_b = (syllable_key(fold_token("".join(r.written))) for r in (a, b))
    return whole_a == whole_b


@lru_cache(maxsize=8192)
def syllable_key(syllable: str) -> str:
    """A folded syllable with the o/u and ui/i spellings of one vowel merged."""
    return syllable.replace("ui", "i").replace("ou", "o").replace("u", "o")


def given_name_conflict(query: str, listed: str, *, name_weight: float) -> list[Evidence]:
    """Negative evidence when the names share a surname only with different given names.

    It subtracts :data:`~.weights.GIVEN_NAME_CONFLICT`, or more when needed to hold the
    name evidence (``name_weight``) to :data:`~.weights.GIVEN_NAME_CAP`: logic-v2 scores
    ``UN SONG`` against ``SONG UN`` 1.0, as it ignores the order of name parts.
    """
    shared = [(q, c) for q in readings(query) for c in readings(listed) if q.surname == c.surname]
    if not shared or any(given_names_agree(q, c) for q, c in shared):
        return []
    q, c = shared[0]
    why = (
        f"same surname {q.surname.upper()}, but the given names differ syllable by syllable "
        f"({' '.join(q.written)} vs {' '.join(c.written)}): "
        f"query {query!r} vs listed {listed!r} are not the same person on the name alone"
    )
    weight = min(w.GIVEN_NAME_CONFLICT, w.GIVEN_NAME_CAP - name_weight)
    return [Evidence("given_name_conflict", round(weight, 4), why)]
