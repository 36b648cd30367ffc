"""Hangul to McCune-Reischauer (MR), syllable by syllable (screening.md §1.6, "The Hangul fix").

ICU's Korean-Latin transform gives Revised Romanization run together (``김정은 ->
gimjeong-eun``), which does not look like the DPRK/UN spellings. Here each precomposed
syllable (U+AC00-U+D7A3) is split arithmetically into its initial, medial and final jamo
(Unicode 15 §3.12 "Conjoining Jamo Behavior") and each jamo is written in ASCII MR, breves
and apostrophes dropped as the lists do (``ŏ -> o``, ``ch' -> ch``): ``김정은 -> kim chong un``.
The voiced variant writes plain stops voiced after the first syllable of a word
(``k/g, t/d, p/b, ch/j``: ``리영길 -> ri yong gil``), as DPRK spellings mostly do.
"""

from __future__ import annotations

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3
N_MEDIALS, N_FINALS = 21, 28

INITIALS = ("k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch",
            "k", "t", "p", "h")  # fmt: skip
VOICED = {"k": "g", "t": "d", "p": "b", "ch": "j"}
PLAIN_STOPS = frozenset({0, 3, 7, 12})  # ㄱ ㄷ ㅂ ㅈ: the initials MR voices between voiced sounds
MEDIALS = ("a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
           "we", "wi", "yu", "u", "ui", "i")  # fmt: skip
FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
          "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")  # fmt: skip


def is_syllable(ch: str) -> bool:
    """True for a precomposed Hangul syllable."""
    return SYLLABLE_FIRST <= ord(ch) <= SYLLABLE_LAST


def has_hangul(text: str) -> bool:
    """True when the text holds at least one Hangul syllable."""
    return any(is_syllable(ch) for ch in text)


def syllable_mr(ch: str, *, voiced: bool = False) -> str:
    """One syllable in ASCII MR; ``voiced`` writes a plain initial stop voiced."""
    index = ord(ch) - SYLLABLE_FIRST
    initial, rest = divmod(index, N_MEDIALS * N_FINALS)
    medial, final = divmod(rest, N_FINALS)
    head = INITIALS[initial]
    if voiced and initial in PLAIN_STOPS:
        head = VOICED[head]
    return head + MEDIALS[medial] + FINALS[final]


def romanise(text: str, *, voiced: bool = False) -> str:
    """Hangul syllables as space-separated MR syllables; other characters kept.

    ``voiced=False`` is MR's word-initial form for every syllable (``kim chong un``);
    ``voiced=True`` voices plain stops after a word's first syllable (``kim jong un``).
    """
    out: list[str] = []
    previous_hangul = False
    for ch in text:
        if is_syllable(ch):
            out.append(" " + syllable_mr(ch, voiced=voiced and previous_hangul))
            previous_hangul = True
        else:
            out.append(ch)
            previous_hangul = False
    return " ".join("".join(out).split())
