"""Measure screening honestly: a labelled set drawn from the real lists (docs/screening-eval.md).

* :mod:`.corpus`, :mod:`.links`: the UN and OFAC lists, and which entries are the same
  designation (passport, IMO, birth date and surname), never judged by name similarity;
* :mod:`.positives`, :mod:`.negatives`, :mod:`.perturb`, :mod:`.hangul`: the rows (real
  names, seeded perturbations, held-out hard negatives), :mod:`.build` writes them;
* :mod:`.scoring`, :mod:`.metrics`, :mod:`.run`, :mod:`.report`: setori's Screener and
  nomenklatura's logic-v2 / logic-v1 on the same candidates, metrics per slice.

``python -m tools.screening_eval build`` writes tests/data/screening-eval/eval_set.jsonl;
``python -m tools.screening_eval run --freeze`` writes frozen_run.json and the tables in
docs/screening-eval.md. tests/test_screening_eval.py gates CI on the frozen run.
"""

from __future__ import annotations

from tools.screening_eval.build import build_rows
from tools.screening_eval.metrics import summarise
from tools.screening_eval.rows import EvalRow, read_rows
from tools.screening_eval.run import EvalSet, evaluate, report

__all__ = ["EvalRow", "EvalSet", "build_rows", "evaluate", "read_rows", "report", "summarise"]
