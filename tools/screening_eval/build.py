"""Build the labelled evaluation set from the real lists, deterministically from a seed.

``python -m tools.screening_eval build`` writes ``eval_set.jsonl`` (one
:class:`~tools.screening_eval.rows.EvalRow` a line) and ``eval_meta.json`` (the seed,
the lists' versions and digests, the held-out entity ids) to tests/data/screening-eval/.
The same lists and seed give the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tools.screening_eval.context import Context
from tools.screening_eval.corpus import Corpus
from tools.screening_eval.negatives import (
    choose_holdout,
    holdout_rows,
    numeral_rows,
    same_name_other_imo_rows,
)
from tools.screening_eval.positives import organization_rows, person_rows, vessel_rows
from tools.screening_eval.rows import EvalRow, write_rows

DEFAULT_SEED = 1718  # UN Security Council resolution 1718 (2006)
DEFAULT_DIR = Path(__file__).parents[2] / "tests" / "data" / "screening-eval"
SET_FILE, META_FILE = "eval_set.jsonl", "eval_meta.json"


def build_rows(corpus: Corpus, seed: int) -> tuple[list[EvalRow], dict[str, Any]]:
    """Every row, and the metadata that says how they were made."""
    ctx = Context(corpus, seed)
    holdout = choose_holdout(ctx)
    rows = unique(
        [
            *vessel_rows(ctx),
            *person_rows(ctx),
            *organization_rows(ctx),
            *numeral_rows(ctx),
            *holdout_rows(ctx, holdout),
            *same_name_other_imo_rows(ctx, holdout),
        ]
    )
    meta = {
        "seed": seed,
        "lists": [asdict(info) for info in corpus.lists.values()],
        "holdout": sorted(holdout.removed),
        "rows": len(rows),
        "slices": dict(sorted(Counter(r.slice for r in rows).items())),
        "strength": dict(sorted(Counter(r.strength for r in rows).items())),
    }
    return rows, meta


def unique(rows: Iterable[EvalRow]) -> list[EvalRow]:
    """The rows, each id once (the first kept): a query asked twice would count twice."""
    seen: set[str] = set()
    kept: list[EvalRow] = []
    for row in rows:
        if row.row_id not in seen:
            seen.add(row.row_id)
            kept.append(row)
    return kept


def write_set(folder: Path, rows: list[EvalRow], meta: dict[str, Any]) -> None:
    """Write ``eval_set.jsonl`` and ``eval_meta.json`` into ``folder``."""
    write_rows(folder / SET_FILE, rows)
    text = json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (folder / META_FILE).write_text(text, encoding="utf-8")


def read_meta(folder: Path) -> dict[str, Any]:
    """The metadata written beside an evaluation set."""
    meta: dict[str, Any] = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    return meta
