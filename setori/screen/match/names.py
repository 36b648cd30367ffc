"""Name normalisation for matching: vessel-name keys, numerals and the romanisation fold.

Vessel names (screening.md §C.3): prefixes ``MV``, ``M/V``, ``M.V.``, ``MT``, ``M/T``,
``SS`` are dropped, ``NO.``/``No`` before a number is dropped, punctuation and hyphens
become spaces, apostrophes vanish (``CH'ONG -> CHONG``), letters and digits are split
(``STAR18 -> STAR 18``). Numerals are digit tokens (``03 -> 3``) and a last token that is a
Roman numeral up to XXXIX (``ARGO II -> 2``); different numerals mean different hulls.

The romanisation fold maps the usual spellings of one Korean syllable onto one key, for
both sides of a comparison: ``ph/th/kh -> p/t/k``, token-initial ``g/d/b/j -> k/t/p/ch``,
``eo -> o``, ``eu -> u``, ``oo -> u``, ``ee -> i``, ``sh -> s``, initial ``l -> r``:
``JEONG``, ``JONG`` and ``CHONG`` all fold to ``chong``, ``GEUM`` and ``KUM`` to ``kum``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

PREFIX = re.compile(r"^\s*(?:M\s*[./]?\s*[VT]\b\.?|S\.?\s?S\b\.?)\s*(?=\S)")
NUMBER_SIGN = re.compile(r"\bNO\.?\s*(?=\d)|#\s*(?=\d)")
APOSTROPHES = re.compile(r"['’‘`ʼʻ]")
NON_ALNUM = re.compile(r"[^0-9A-Z]+")
LETTER_DIGIT = re.compile(r"(?<=[A-Z])(?=\d)|(?<=\d)(?=[A-Z])")
ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")  # 1-39
ROMAN_UNITS = {"": 0, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
               "IX": 9}  # fmt: skip
FOLDS = (("ph", "p"), ("th", "t"), ("kh", "k"), ("eo", "o"), ("eu", "u"), ("oo", "u"),
         ("ee", "i"), ("sh", "s"))  # fmt: skip
INITIAL_FOLDS = {"g": "k", "d": "t", "b": "p", "j": "ch", "l": "r"}


@dataclass(frozen=True, slots=True)
class NameKey:
    """One name, normalised: its tokens and the keys the index and the scorer compare."""

    raw: str
    tokens: tuple[str, ...]
    numerals: tuple[str, ...]  # digit tokens, sorted
    collapsed: str  # tokens run together: CHON MA SAN -> CHONMASAN
    sorted_key: str  # tokens in alphabetical order, for word-order swaps
    folded_tokens: tuple[str, ...]  # each token under the romanisation fold
    folded: str  # the folded tokens run together

    @classmethod
    def of(cls, raw: str, tokens: tuple[str, ...]) -> NameKey:
        """Derive every key from the tokens."""
        folded = tuple(fold_token(t) for t in tokens)
        return cls(
            raw=raw,
            tokens=tokens,
            numerals=tuple(sorted(t for t in tokens if t.isdigit())),
            collapsed="".join(tokens),
            sorted_key=" ".join(sorted(tokens)),
            folded_tokens=folded,
            folded="".join(folded),
        )


def ascii_upper(text: str) -> str:
    """Upper case without diacritics (``Ch'ŏn -> CH'ON``)."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text.upper()


@lru_cache(maxsize=200_000)
def name_key(name: str, *, vessel: bool = True) -> NameKey:
    """Normalise one name; ``vessel`` strips vessel prefixes and ``NO.`` before numbers."""
    text = ascii_upper(name)
    if vessel:
        text = NUMBER_SIGN.sub(" ", PREFIX.sub("", text))
    text = APOSTROPHES.sub("", text)
    text = LETTER_DIGIT.sub(" ", NON_ALNUM.sub(" ", text))
    return NameKey.of(name, arabic_numerals(tuple(text.split()), vessel=vessel))


def arabic_numerals(tokens: tuple[str, ...], *, vessel: bool) -> tuple[str, ...]:
    """Digit tokens without leading zeros; a vessel's last token, if a Roman numeral, as digits.

    Only the last token after a word: ``ARGO II`` is ``ARGO 2`` but ``I AM`` stays, and a
    Chinese ``XI`` inside a name stays a syllable.
    """
    out = [str(int(t)) if t.isdigit() else t for t in tokens]
    value = roman_value(out[-1]) if vessel and len(out) > 1 and not out[-2].isdigit() else None
    if value:
        out[-1] = str(value)
    return tuple(out)


def roman_value(token: str) -> int | None:
    """The value of a Roman numeral from I to XXXIX, else None."""
    found = ROMAN.match(token) if token else None
    if found is None:
        return None
    return 10 * len(found.group(1)) + ROMAN_UNITS[found.group(2)]


@lru_cache(maxsize=200_000)
def fold_token(token: str) -> str:
    """One token under the romanisation fold (lower case)."""
    out = token.lower()
    for old, new in FOLDS:
        out = out.replace(old, new)
    if out[:1] in INITIAL_FOLDS:
        out = INITIAL_FOLDS[out[0]] + out[1:]
    return out
