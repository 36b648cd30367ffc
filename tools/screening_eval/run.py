"""Run the frozen evaluation set: setori and the baselines, metrics per slice, the frozen run.

``python -m tools.screening_eval run`` loads the lists the set was built from (their
digests must match ``eval_meta.json``: a label holds for the list version it was read
from), runs every scorer over every row and summarises (:mod:`.metrics`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from setori.errors import InputError
from tools.screening_eval.build import META_FILE, SET_FILE, read_meta
from tools.screening_eval.corpus import Corpus
from tools.screening_eval.metrics import summarise, wrong_alerts
from tools.screening_eval.rows import EvalRow, read_rows
from tools.screening_eval.scoring import (
    LIMIT,
    SCORERS,
    THRESHOLD,
    Indexes,
    Outcome,
    run_baseline,
    run_setori,
)

MAX_EXAMPLES = 12  # misses and false alarms kept per slice in the frozen run


class StaleListError(InputError):
    """A list file differs from the one the evaluation set was built from."""


@dataclass
class EvalSet:
    """The frozen rows with their metadata."""

    folder: Path
    rows: list[EvalRow]
    meta: dict[str, Any]

    @classmethod
    def read(cls, folder: Path) -> EvalSet:
        """Read ``eval_set.jsonl`` and ``eval_meta.json`` from ``folder``."""
        return cls(folder, list(read_rows(folder / SET_FILE)), read_meta(folder))

    @property
    def digest(self) -> str:
        """sha256 of the rows file."""
        return hashlib.sha256((self.folder / SET_FILE).read_bytes()).hexdigest()

    def load_corpus(self, data_dir: Path | None = None) -> Corpus:
        """The lists the set was built from; fails if any file has changed since.

        ``data_dir`` replaces the shared-data folder the paths were recorded under
        (``.../un-consolidated/UN_consolidated.xml`` -> ``data_dir/un-consolidated/...``).
        """
        paths = [Path(info["path"]) for info in self.meta["lists"]]
        if data_dir is not None:
            paths = [data_dir / p.parent.name / p.name for p in paths]
        corpus = Corpus.load(paths)
        for info in self.meta["lists"]:
            found = corpus.lists[info["list_id"]]
            if found.digest != info["digest"]:
                raise StaleListError(
                    f"list {info['path']} has sha256 {found.digest[:12]}, the evaluation set was "
                    f"built from {info['digest'][:12]} ({META_FILE}); rebuild it with "
                    "`python -m tools.screening_eval build`"
                )
        return corpus

    def indexes(self, data_dir: Path | None = None) -> Indexes:
        """The full and hold-out Screeners over the set's lists (see :meth:`load_corpus`)."""
        return Indexes(self.load_corpus(data_dir).entities, self.meta["holdout"])


def evaluate(
    rows: Sequence[EvalRow], indexes: Indexes, scorers: Iterable[str] = SCORERS
) -> tuple[dict[str, dict[str, Outcome]], dict[str, float]]:
    """Every scorer's outcome per row id, and the seconds each scorer took."""
    outcomes: dict[str, dict[str, Outcome]] = {}
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    outcomes["setori"] = {o.row_id: o for o in run_setori(indexes, rows)}
    seconds["setori"] = time.perf_counter() - started
    for name in scorers:
        if name != "setori":
            started = time.perf_counter()
            found = run_baseline(name, indexes, rows, outcomes["setori"])
            outcomes[name] = {o.row_id: o for o in found}
            seconds[name] = time.perf_counter() - started
    return {k: v for k, v in outcomes.items() if k in scorers}, seconds


def report(
    eval_set: EvalSet,
    outcomes: dict[str, dict[str, Outcome]],
    seconds: dict[str, float],
) -> dict[str, Any]:
    """The frozen-run document: settings, metrics per scorer, setori's misses by slice."""
    rows = eval_set.rows
    return {
        "eval_set": {"rows": len(rows), "sha256": eval_set.digest, "seed": eval_set.meta["seed"]},
        "lists": eval_set.meta["lists"],
        "settings": {
            "limit": LIMIT,
            "setori_alert": "band strong or review",
            "baseline_threshold": THRESHOLD,
            "baseline_candidates": "setori's ranked hits (any band)",
        },
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "scorers": {name: summarise(rows, found) for name, found in outcomes.items()},
        "examples": examples(rows, outcomes["setori"]) if "setori" in outcomes else {},
    }


def examples(rows: Iterable[EvalRow], outcomes: dict[str, Outcome]) -> dict[str, Any]:
    """Per slice, the first misses and false alarms of a scorer, to show what went wrong."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in rows:
        outcome = outcomes[row.row_id]
        wrong = wrong_alerts(row, outcome)
        missed = row.expected is not None and row.expected not in outcome.alerts
        if not (wrong or missed):
            continue
        kind = "missed" if missed else "false_alarm"
        listed = found.setdefault(row.slice, {}).setdefault(kind, [])
        if len(listed) < MAX_EXAMPLES:
            listed.append(
                {
                    "id": row.row_id,
                    "names": list(row.query.names),
                    "expected": row.expected,
                    "wrong": wrong,
                    "top": [
                        f"{i} {s}" for i, s in zip(outcome.ranked[:3], outcome.scores, strict=False)
                    ],
                }
            )
    return dict(sorted(found.items()))
