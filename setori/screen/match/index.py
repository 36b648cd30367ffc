"""Candidate generation over name forms: never a full scan per query (screening.md §C.2).

Keys, each a dict from key to form positions:

* ``collapsed``: tokens run together, so ``CHONMASAN`` finds ``CHON MA SAN``;
* ``deletions``: every one-character deletion of a collapsed key (a symmetric-deletion
  neighbourhood, as SymSpell): a query within one edit or one transposition of a form
  shares a key with it, at any length (vessel index only; party names are long);
* ``folded``: the collapsed romanisation fold (``JEONG``/``CHONG`` alike);
* ``sorted``: tokens in order, for word swaps;
* ``tokens`` (folded) and character ``trigrams`` of collapsed keys: inverted lists for
  fuzzier candidates, ranked by the inverse document frequency of what they share; keys
  shared by more than ``max_df`` forms are skipped as uninformative.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from setori.screen.match.names import NameKey, fold_token
from setori.screen.match.records import NameForm

Postings = dict[str, list[int]]
Weights = defaultdict[int, float]
MAX_DELETION_LENGTH = 32
MAX_TRIGRAM_DF = 200  # a trigram in more forms than this does not rank candidates


def deletions(key: str) -> set[str]:
    """Every string one character shorter than ``key``."""
    return {key[:i] + key[i + 1 :] for i in range(len(key))} if len(key) > 1 else set()


def trigrams(key: str) -> set[str]:
    """Character trigrams of a collapsed key, with boundary markers."""
    padded = f"^{key}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class NameIndex:
    """Inverted indexes over a fixed sequence of name forms."""

    def __init__(self, forms: Sequence[NameForm], *, with_deletions: bool, max_df: int) -> None:
        self.forms = forms
        self.max_df = max_df
        self.collapsed: Postings = _postings((f.key.collapsed, i) for i, f in enumerate(forms))
        self.folded: Postings = _postings((f.key.folded, i) for i, f in enumerate(forms))
        self.sorted: Postings = _postings((f.key.sorted_key, i) for i, f in enumerate(forms))
        self.tokens: Postings = _postings(
            (fold_token(t), i) for i, f in enumerate(forms) for t in set(f.key.tokens)
        )
        self.trigrams: Postings = _postings(
            (g, i) for i, f in enumerate(forms) for g in trigrams(f.key.collapsed)
        )
        self.deletions: Postings = {}
        if with_deletions:
            self.deletions = _postings(
                (d, i)
                for i, f in enumerate(forms)
                if len(f.key.collapsed) <= MAX_DELETION_LENGTH
                for d in deletions(f.key.collapsed)
            )

    def exact(self, key: NameKey) -> set[int]:
        """Forms equal to the key up to spacing, fold, word order or one edit."""
        found: set[int] = set()
        for postings, value in (
            (self.collapsed, key.collapsed),
            (self.folded, key.folded),
            (self.sorted, key.sorted_key),
            (self.deletions, key.collapsed),
        ):
            found.update(postings.get(value, ()))
        if self.deletions and len(key.collapsed) <= MAX_DELETION_LENGTH:
            for shorter in deletions(key.collapsed):
                found.update(self.collapsed.get(shorter, ()))
                found.update(self.deletions.get(shorter, ()))
        return found

    def ranked(self, key: NameKey, *, limit: int) -> list[int]:
        """Up to ``limit`` forms sharing the most informative tokens and trigrams."""
        weights: Weights = defaultdict(float)
        tokens = {fold_token(t) for t in key.tokens}
        self._accumulate(weights, self.tokens, tokens, factor=1.0)
        grams = trigrams(key.collapsed)
        self._accumulate(weights, self.trigrams, grams, factor=0.25, max_df=MAX_TRIGRAM_DF)
        return heapq.nlargest(limit, weights, key=weights.__getitem__)

    def _accumulate(
        self,
        weights: Weights,
        postings: Postings,
        keys: Iterable[str],
        *,
        factor: float,
        max_df: int | None = None,
    ) -> None:
        total = len(self.forms) + 1
        cap = min(self.max_df, max_df or self.max_df)
        for value in keys:
            hits = postings.get(value)
            if hits and len(hits) <= cap:
                idf = factor * math.log(total / len(hits))
                for i in hits:
                    weights[i] += idf


def _postings(pairs: Iterable[tuple[str, int]]) -> Postings:
    out: defaultdict[str, list[int]] = defaultdict(list)
    for key, i in pairs:
        if key and (not out[key] or out[key][-1] != i):
            out[key].append(i)
    return dict(out)
