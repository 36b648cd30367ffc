"""A romanised DPRK name written back in Hangul, to make Hangul queries (a WEAK label).

The real lists give no Hangul for DPRK names (UN ``NAME_ORIGINAL_SCRIPT`` is empty for every
DPRK record, OFAC's CSV is ASCII), so the Hangul slice renders the list's own romanisation:
each syllable of McCune-Reischauer (MR) with or without its breves and apostrophes
(``CH'O'L``, ``CHOL``), or the DPRK's voiced spellings (``GIL``, ``BONG``), is parsed into
initial, medial and final jamo and composed arithmetically (Unicode 15 §3.12):
``RI YONG GIL -> 리영길``, ``KIM JONG UN -> 김정운``.

Ambiguous vowels are decided by a fixed rule, not by knowledge of the name: ``o`` is ㅓ
before a final consonant and ㅗ otherwise, ``u`` is ㅜ, ``yo`` is ㅕ before a final and ㅛ
otherwise. A real writer may choose otherwise (``김정은``), so a rendered query is a
plausible Hangul spelling, not the person's own one. A name with any syllable that does
not parse (Chinese or Western names) is not rendered.
"""

from __future__ import annotations

import re
from functools import lru_cache

SYLLABLE_BASE = 0xAC00
N_MEDIALS, N_FINALS = 21, 28
#: MR initials (and DPRK voiced spellings) -> initial jamo index, longest spelling first.
INITIALS = {
    "tch": 13, "ch'": 14, "kk": 1, "tt": 4, "pp": 8, "ss": 10, "ch": 12, "k'": 15, "kh": 15,
    "t'": 16, "th": 16, "p'": 17, "ph": 17, "sh": 9, "k": 0, "g": 0, "n": 2, "t": 3, "d": 3,
    "r": 5, "l": 5, "m": 6, "p": 7, "b": 7, "s": 9, "j": 12, "h": 18, "": 11,
}  # fmt: skip
#: MR medials -> medial jamo index; ``o``/``yo`` get their own rule (see module docstring).
MEDIALS = {
    "yae": 3, "wae": 10, "yo'": 6, "wo'": 14, "u'i": 19, "ya": 2, "ye": 7, "wa": 9, "wo": 14,
    "we": 15, "wi": 16, "yu": 17, "ui": 19, "ae": 1, "oe": 11, "o'": 4, "u'": 18, "yo": -2,
    "a": 0, "e": 5, "i": 20, "o": -1, "u": 13,
}  # fmt: skip
FINALS = {"ng": 21, "n": 4, "m": 16, "l": 8, "k": 1, "p": 17, "t": 19, "": 0}
_SORTED = {
    name: sorted(table, key=len, reverse=True)
    for name, table in (("i", INITIALS), ("m", MEDIALS), ("f", FINALS))
}
_APOSTROPHES = re.compile(r"['’‘`ʼ]")


def render_name(surname: str, given: str) -> str | None:
    """The name in Hangul, surname first and no spaces (as Korean writes it), or None."""
    parts = [surname, *re.split(r"[\s-]+", given.strip())]
    rendered = [render_word(p) for p in parts if p]
    if not rendered or any(r is None for r in rendered):
        return None
    return "".join(r for r in rendered if r)


def render_word(word: str) -> str | None:
    """One romanised word (one or more syllables) in Hangul, or None if it does not parse.

    The word is tried with its apostrophes (breves and aspiration) and, failing that,
    without them (some list entries misplace them: ``KY'ONG``).
    """
    text = _APOSTROPHES.sub("'", word.lower())
    return _parse(text) or (_parse(text.replace("'", "")) if "'" in text else None)


@lru_cache(maxsize=4096)
def _parse(text: str) -> str | None:
    """The fewest-syllable parse of ``text``, the first syllable longest on ties."""
    if not text:
        return ""
    best: str | None = None
    for length, syllable in _syllables_at(text):
        rest = _parse(text[length:])
        if rest is not None and (best is None or len(syllable + rest) < len(best)):
            best = syllable + rest
    return best


def _syllables_at(text: str) -> list[tuple[int, str]]:
    """Every syllable that can start ``text``: (characters used, the Hangul syllable)."""
    found: list[tuple[int, str]] = []
    for initial in _SORTED["i"]:
        if not text.startswith(initial):
            continue
        after = text[len(initial) :]
        for medial in _SORTED["m"]:
            if not after.startswith(medial):
                continue
            tail = after[len(medial) :]
            for final in _SORTED["f"]:
                if tail.startswith(final) and not tail[len(final) :].startswith("'"):
                    used = len(initial) + len(medial) + len(final)
                    found.append((used, _compose(initial, medial, final)))
    return sorted(found, key=lambda f: -f[0])


def _compose(initial: str, medial: str, final: str) -> str:
    vowel = MEDIALS[medial]
    if vowel == -1:  # o: ㅓ before a final, else ㅗ
        vowel = 4 if final else 8
    elif vowel == -2:  # yo: ㅕ before a final, else ㅛ
        vowel = 6 if final else 12
    code = SYLLABLE_BASE + (INITIALS[initial] * N_MEDIALS + vowel) * N_FINALS + FINALS[final]
    return chr(code)
