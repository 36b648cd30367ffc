"""Query name variants: Hangul and Hanja transliterated, DPRK surname spellings unified.

Each variant carries a note saying how it was derived (None for the name as written), so
a hit on it can say why ("romanised from Hangul 김정은 as KIM CHONG UN").
"""

from __future__ import annotations

from dataclasses import dataclass

from setori.screen.match.hangul import has_hangul, romanise
from setori.screen.match.hanja_reading import hanja_to_hangul, has_han

#: DPRK-list spellings of common surnames (screening.md §C.3): Ri/Yi/Lee/Rhee, Pak/Park/Bak,
#: Choe/Choi, Jong/Chong/Jeong/Chung, Kim/Gim.
SURNAMES = {
    "LEE": "RI", "YI": "RI", "RHEE": "RI", "RHIE": "RI", "LI": "RI", "RHI": "RI",
    "PARK": "PAK", "BAK": "PAK", "BAEK": "PAEK", "PAIK": "PAEK",
    "CHOI": "CHOE", "CHOY": "CHOE", "CHWE": "CHOE",
    "JEONG": "JONG", "CHONG": "JONG", "CHUNG": "JONG",
    "GIM": "KIM",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class NameVariant:
    """A name to compare, and how it was derived from the query (None: as written)."""

    text: str
    note: str | None = None


def name_variants(name: str, *, person: bool) -> list[NameVariant]:
    """The name as written plus its transliterations and surname variants."""
    variants = [NameVariant(name)]
    hangul = name
    if has_han(name):
        reading = hanja_to_hangul(name, person=person)
        if reading is not None and reading != name:
            variants.append(NameVariant(reading, f"Hanja {name} read as Hangul {reading}"))
            hangul = reading
    if has_hangul(hangul):
        source = name if hangul == name else f"{hangul} (read from Hanja {name})"
        variants.extend(romanised(hangul, source=source))
    if person:
        swapped = (surname_variant(v) for v in list(variants))
        variants.extend(v for v in swapped if v is not None)
    return _unique(variants)


def romanised(hangul: str, *, source: str) -> list[NameVariant]:
    """McCune-Reischauer plain and voiced readings of the Hangul in a name."""
    plain, voiced = romanise(hangul).upper(), romanise(hangul, voiced=True).upper()
    out = [NameVariant(plain, f"romanised {source} as {plain} (McCune-Reischauer)")]
    if voiced != plain:
        out.append(NameVariant(voiced, f"romanised {source} as {voiced} (MR, voiced)"))
    return out


def surname_variant(variant: NameVariant) -> NameVariant | None:
    """The variant with a first or last token that is a surname in its DPRK spelling."""
    tokens = variant.text.upper().replace("-", " ").split()
    for pos in (0, len(tokens) - 1) if len(tokens) > 1 else ():
        canonical = SURNAMES.get(tokens[pos].strip(",."))
        if canonical:
            swapped = [*tokens[:pos], canonical, *tokens[pos + 1 :]]
            text = " ".join(swapped)
            note = f"surname {tokens[pos]} read as the DPRK spelling {canonical}"
            return NameVariant(text, f"{variant.note}; {note}" if variant.note else note)
    return None


def _unique(variants: list[NameVariant]) -> list[NameVariant]:
    seen: set[str] = set()
    out: list[NameVariant] = []
    for variant in variants:
        if variant.text.upper() not in seen:
            seen.add(variant.text.upper())
            out.append(variant)
    return out
