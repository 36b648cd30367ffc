"""Findings: contradictions between identity claims, each explaining itself.

A finding is a consistency signal (screening.md §A.5), not a match: it names what
contradicts what, in words an analyst can check against the cited observations, and
keeps the values in ``evidence`` (JSON-friendly: strings, numbers, lists). It is the one
output of every identity rule: the hull checks (:mod:`.conflicts`) cite hulls and
observations; the rules over AIS static reports (:mod:`.broadcast_rules`) cite an MMSI
and a time span, and become the identity detector's events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import polars as pl

FindingKind = Literal[
    "imo_on_two_mmsis",
    "mid_flag_mismatch",
    "dprk_call_sign_foreign_flag",
    "listed_imo_other_name",
    "dimensions_match_listed",
    "company_imo_on_vessel",
    "fraudulent_identifier_in_use",
    "identity_churn",
    "name_churn",
    "invalid_imo",
    "missing_imo",
]


@dataclass(frozen=True, slots=True)
class Finding:
    """One contradiction: its kind, the hulls and observations involved, and why.

    A finding of the static-report rules names no hull or observation: ``mmsi``,
    ``start`` and ``end`` (UTC) say whose reports and when.
    """

    kind: FindingKind
    hull_ids: tuple[str, ...]
    observation_ids: tuple[str, ...]
    explanation: str
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False)
    mmsi: int | None = None
    start: datetime | None = None
    end: datetime | None = None

    @property
    def finding_id(self) -> str:
        """Stable id: the kind and the sorted observation ids (with, for a static-report
        finding, its MMSI, start and evidence), hashed."""
        parts = [self.kind, *sorted(self.observation_ids)]
        if self.mmsi is not None:
            when = self.start.isoformat() if self.start is not None else ""
            parts += [str(self.mmsi), when, json.dumps(self.evidence, sort_keys=True)]
        key = "|".join(parts)
        return f"finding-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def make_finding(
    kind: FindingKind,
    explanation: str,
    *,
    hull_ids: Iterable[str | None],
    observation_ids: Iterable[str],
    evidence: Mapping[str, Any],
    mmsi: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Finding:
    """A finding with sorted, distinct ids and JSON-friendly evidence."""
    return Finding(
        kind,
        tuple(sorted({h for h in hull_ids if h is not None})),
        tuple(sorted(set(observation_ids))),
        explanation,
        {k: plain(v) for k, v in evidence.items()},
        mmsi,
        start,
        end,
    )


def findings_frame(findings: Iterable[Finding]) -> pl.DataFrame:
    """Findings as a table (one row each), for export and review."""
    rows = [
        {
            "finding_id": f.finding_id,
            "kind": f.kind,
            "hull_ids": list(f.hull_ids),
            "observation_ids": list(f.observation_ids),
            "explanation": f.explanation,
        }
        for f in findings
    ]
    schema: dict[str, pl.DataType] = {
        "finding_id": pl.String(),
        "kind": pl.String(),
        "hull_ids": pl.List(pl.String()),
        "observation_ids": pl.List(pl.String()),
        "explanation": pl.String(),
    }
    return pl.DataFrame(rows, schema=schema)


def plain(value: Any) -> Any:
    """``value`` with datetimes as ISO strings, recursively (JSON-friendly evidence)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def span(start: datetime | None, end: datetime | None) -> str:
    """``2014-09-28 16:02–18:26 UTC``; one instant as ``2014-09-28 16:02:19 UTC``."""
    if start is None or end is None:
        return "undated"
    if end - start < timedelta(minutes=1):
        return f"{start:%Y-%m-%d %H:%M:%S} UTC"
    tail = end.strftime("%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M")
    return f"{start:%Y-%m-%d %H:%M}–{tail} UTC"


def claim(row: Mapping[str, Any], suffix: str = "") -> str:
    """One observation in words: who claimed what, where and when."""

    def get(column: str) -> Any:
        return row.get(f"{column}{suffix}")

    parts = [f"MMSI {get('mmsi')}" if get("mmsi") is not None else None]
    parts.append(f"as {get('name')!r}" if get("name") else "with no name")
    if get("imo"):
        parts.append(f"({get('imo')})")
    where = f" in {get('source')}" if get("source") else ""
    when = span(get("observed_from"), get("observed_to"))
    return " ".join(p for p in parts if p) + f"{where}, {when}"
