"""Vessel-name scoring (screening.md §C.3, "Vessel"): our own scorer, not logic-v2.

Names compare after :func:`setori.screen.match.names.name_key`. The hard rule comes first:
**different numerals mean different hulls** (``KUM UN SAN`` vs ``KUM UN SAN 3``,
``SAM JONG 1`` vs ``SAM JONG 2``), so such a pair scores 0 with a feature saying why.
Then, strongest first: equal; equal but for spaces; the same words in another order; equal
after the romanisation fold; one edit or one adjacent transposition (any length, but
weighted by length: one edit on a name of at most 7 characters, or a swap on one of at
most 4, stays below the review band, and the explanation says so); a normalised edit
distance of at most 15 %.
"""

from __future__ import annotations

from rigour.text.distance import levenshtein

from setori.screen.match import weights as w
from setori.screen.match.evidence import Evidence
from setori.screen.match.names import NameKey
from setori.screen.match.records import NameForm
from setori.screen.model import REVIEW_AT

PREFIX_OF_KIND = {"name": "name", "alias": "alias", "previousName": "former_name",
                  "weakAlias": "weak_alias"}  # fmt: skip


def vessel_name_evidence(query: NameKey, form: NameForm, note: str | None) -> Evidence | None:
    """How a query vessel name compares with one listed name form, or None if unrelated."""
    listed = f"listed {form.kind_words} {form.key.raw!r}"
    said = f"query {query.raw!r}" + (f" ({note})" if note else "")
    prefix = PREFIX_OF_KIND[form.kind]
    if query.numerals != form.key.numerals:
        if not _same_stem(query, form.key):
            return None
        numbers = f"{_numbers(query)} vs {_numbers(form.key)}"
        why = f"{said} vs {listed}: hull numbers differ ({numbers}); different hulls"
        return Evidence("numeral_mismatch", 0.0, why)
    found = compare(query, form.key, transliterated=note is not None)
    if found is None:
        return None
    kind, weight, how = found
    if form.kind == "weakAlias":
        weight *= w.WEAK_ALIAS_FACTOR
    derived = f"; {form.note}" if form.note else ""
    return Evidence(f"{prefix}_{kind}", weight, f"{said} vs {listed}: {how}{derived}")


def compare(
    query: NameKey, listed: NameKey, *, transliterated: bool
) -> tuple[str, float, str] | None:
    """(kind, weight, how) for two names with the same numerals, or None."""
    if query.tokens == listed.tokens:
        return "exact", w.NAME_EXACT, "equal after normalisation"
    if query.collapsed == listed.collapsed:
        return "spacing", w.NAME_SPACING, "same letters, spaced or punctuated differently"
    if query.sorted_key == listed.sorted_key:
        return "word_order", w.NAME_WORD_ORDER, "same words in another order"
    if query.folded == listed.folded:
        weight = w.NAME_ROMANISATION if transliterated else w.NAME_SPELLING
        return "romanisation", weight, f"equal as romanised Korean ({listed.folded})"
    return _edits(query, listed, transliterated=transliterated)


def _edits(
    query: NameKey, listed: NameKey, *, transliterated: bool
) -> tuple[str, float, str] | None:
    """Edits between collapsed keys; for a transliterated query, also between folded keys."""
    a, b = query.collapsed, listed.collapsed
    longest = max(len(a), len(b))
    budget = edit_budget(longest)
    edits = levenshtein(a, b, max_edits=budget)
    if transliterated:
        edits = min(edits, levenshtein(query.folded, listed.folded, max_edits=budget))
    swapped = edits == 2 and is_transposition(a, b)
    if edits == 1 or swapped:
        what = "two adjacent letters swapped" if swapped else "one letter apart"
        weight = one_edit_weight(longest, swap=swapped)
        if weight < REVIEW_AT:
            unit = "letter" if a.isalpha() and b.isalpha() else "character"
            what += f" on a {longest}-{unit} name: weak on its own"
        return "one_edit", weight, what
    similarity = 1 - edits / longest
    if edits <= budget and similarity >= w.FUZZY_MIN_SIMILARITY:
        how = f"{edits} edits in {longest} letters (similarity {similarity:.2f})"
        return "similar", similarity * w.FUZZY_FACTOR, how
    return None


def edit_budget(length: int) -> int:
    """The most edits a name of this length may differ by and still score."""
    return max(2, int(length * (1 - w.FUZZY_MIN_SIMILARITY)))


def lengths_within_budget(query: NameKey, listed: NameKey) -> bool:
    """A cheap bound: names whose lengths differ by more than the budget cannot score."""
    a, b = len(query.collapsed), len(listed.collapsed)
    return abs(a - b) <= edit_budget(max(a, b))


def is_transposition(a: str, b: str) -> bool:
    """True when b is a with two adjacent characters swapped."""
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def one_edit_weight(length: int, *, swap: bool = False) -> float:
    """What one edit (or adjacent swap) is worth on a name of this many characters.

    ``length`` is the longer collapsed name's. Random names collide with a listed one by a
    swap far less often than by a substitution, insertion or deletion (weights.py).
    """
    if length > w.MEDIUM_NAME_MAX:
        return w.ONE_EDIT_LONG
    if swap:
        return w.ONE_EDIT_SHORT if length <= w.SHORT_SWAP_MAX else w.SWAP_MEDIUM
    return w.ONE_EDIT_SHORT if length <= w.SHORT_NAME_MAX else w.ONE_EDIT_MEDIUM


def _same_stem(a: NameKey, b: NameKey) -> bool:
    stem_a = "".join(t for t in a.tokens if not t.isdigit())
    stem_b = "".join(t for t in b.tokens if not t.isdigit())
    return bool(stem_a) and levenshtein(stem_a, stem_b, max_edits=2) <= 1


def _numbers(key: NameKey) -> str:
    return " ".join(key.numerals) or "none"
