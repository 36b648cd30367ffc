"""Per-slice precision, recall, F1, candidate recall@10 and false-alarm rate (screening.md §D.5).

Counting, for one scorer over a set of rows:

* a positive row is a true positive when its expected entity alerts, else a false negative;
* every alert on an entity that is neither the expected one nor acceptable (a twin, or a
  namesake no name-only query can tell apart) is a false positive, on any row;
* recall@10: the expected entity is among the ranked candidates (any band);
* false-alarm rate: the share of negative rows with at least one false positive;
* forbidden hits: alerts on a row's named hard negatives (sister ships ...).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tools.screening_eval.rows import EvalRow
from tools.screening_eval.scoring import Outcome


@dataclass
class Tally:
    """Counts over some rows for one scorer."""

    rows: int = 0
    positives: int = 0
    tp: int = 0
    fn: int = 0
    fp: int = 0
    in_top: int = 0
    negatives: int = 0
    false_alarms: int = 0
    forbidden_hits: int = 0

    def add(self, row: EvalRow, outcome: Outcome) -> None:
        """Count one row's outcome."""
        self.rows += 1
        wrong = wrong_alerts(row, outcome)
        self.fp += len(wrong)
        self.forbidden_hits += len(set(outcome.alerts) & set(row.forbidden))
        if row.expected is None:
            self.negatives += 1
            self.false_alarms += bool(wrong)
            return
        self.positives += 1
        hit = row.expected in outcome.alerts
        self.tp += hit
        self.fn += not hit
        self.in_top += row.expected in outcome.ranked

    def summary(self) -> dict[str, Any]:
        """The counts and the rates (None where undefined), rounded to 4 places."""
        precision = _ratio(self.tp, self.tp + self.fp)
        recall = _ratio(self.tp, self.positives)
        f1 = None
        if precision is not None and recall is not None:
            f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        return {
            "rows": self.rows, "positives": self.positives, "tp": self.tp, "fn": self.fn,
            "fp": self.fp, "negatives": self.negatives, "false_alarms": self.false_alarms,
            "forbidden_hits": self.forbidden_hits,
            "precision": _round(precision), "recall": _round(recall), "f1": _round(f1),
            "recall_at_10": _round(_ratio(self.in_top, self.positives)),
            "false_alarm_rate": _round(_ratio(self.false_alarms, self.negatives)),
        }  # fmt: skip


def wrong_alerts(row: EvalRow, outcome: Outcome) -> list[str]:
    """The row's alerts that are neither its expected entity nor acceptable."""
    allowed = {row.expected, *row.acceptable}
    return [a for a in outcome.alerts if a not in allowed]


def tally_by(
    rows: Iterable[EvalRow], outcomes: Mapping[str, Outcome], key: Callable[[EvalRow], str]
) -> dict[str, dict[str, Any]]:
    """Summaries grouped by ``key`` (slice, schema ...), in key order."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        tallies[key(row)].add(row, outcomes[row.row_id])
    return {k: tallies[k].summary() for k in sorted(tallies)}


#: The groups the issue's targets are stated for (docs/screening-eval.md).
TIERS: dict[str, Callable[[EvalRow], bool]] = {
    "vessel": lambda r: r.schema == "vessel",
    "vessel, name only": lambda r: r.schema == "vessel" and not (r.query.imo or r.query.flag),
    "vessel, sister-ship checks": lambda r: (
        r.schema == "vessel" and bool(r.forbidden) and r.perturbation != "same_name_other_imo"
    ),
    "person, Latin": lambda r: r.schema == "person" and r.script == "latin",
    "person, Hangul": lambda r: r.schema == "person" and r.script == "hangul",
    "organization": lambda r: r.schema == "organization",
}


def summarise(rows: list[EvalRow], outcomes: Mapping[str, Outcome]) -> dict[str, Any]:
    """Per slice, per target tier and overall."""
    tiers = {}
    for name, test in TIERS.items():
        tally = Tally()
        for row in rows:
            if test(row):
                tally.add(row, outcomes[row.row_id])
        tiers[name] = tally.summary()
    return {
        "slices": tally_by(rows, outcomes, lambda r: r.slice),
        "tiers": tiers,
        "total": tally_by(rows, outcomes, lambda r: "all").get("all", Tally().summary()),
    }


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
