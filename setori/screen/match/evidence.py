"""Evidence and how it becomes a hit's features and score (screening.md §C.3, last point).

As logic-v2 combines its features, the strongest positive evidence counts in full. Unlike
logic-v2, every further agreeing piece is kept and adds a small corroboration, a qualifier
(a circumstance that strengthens weak evidence, such as an agreeing flag) adds in full, and
every contradiction is kept as a negative feature, so that the score is exactly the clipped
sum of the features a person reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from setori.screen.match.weights import CORROBORATION
from setori.screen.model import Feature


@dataclass(frozen=True, slots=True)
class Evidence:
    """One finding: its feature name, its weight as the main evidence, and why."""

    name: str
    weight: float  # > 0: for a match; 0: explanatory only; < 0: a contradiction
    explanation: str
    qualifier: bool = False  # added in full, never the main evidence nor a corroboration


def features_of(evidence: Iterable[Evidence]) -> tuple[Feature, ...]:
    """Main evidence in full, further positives as corroboration, the rest as they are."""
    items = list(evidence)
    positives = sorted(
        (e for e in items if e.weight > 0 and not e.qualifier), key=lambda e: -e.weight
    )
    features: list[Feature] = []
    for rank, item in enumerate(positives):
        if rank == 0:
            features.append(Feature(item.name, round(item.weight, 4), item.explanation))
            continue
        share = min(item.weight, CORROBORATION)
        note = f"{item.explanation} (corroborating; alone worth {item.weight:.2f})"
        features.append(Feature(item.name, share, note))
    features.extend(
        Feature(e.name, round(e.weight, 4), e.explanation)
        for e in items
        if e.weight <= 0 or e.qualifier
    )
    return tuple(features)


def score_of(features: Iterable[Feature]) -> float:
    """The clipped sum of contributions, in [0, 1]."""
    total = sum(f.contribution for f in features)
    return round(min(1.0, max(0.0, total)), 4)
