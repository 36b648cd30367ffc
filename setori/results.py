"""What the verbs return besides Arrow tables: small frozen (or accumulating) results.

This module imports nothing heavy, so ``import setori`` stays fast.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run read and added, per source and in total.

    ``failures`` holds one message per input that could not be read (named in it); the
    other inputs were ingested and segmented all the same.
    """

    lines: int = 0
    new_positions: int = 0
    new_statics: int = 0
    segmented_rows: int = 0
    quarantined: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    per_source: dict[str, Counter[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DetectSummary:
    """Events a detection run stored, and those the profile's default view shows.

    ``events`` is every stored event and ``counts`` their number per event type; ``view``
    is what ``setori events`` (and :func:`setori.events`) show by default for the profile:
    the ``gfw`` view hides encounters in port, as Global Fishing Watch does.
    """

    profile: str
    events: pa.Table
    counts: dict[str, int]
    view: pa.Table

    @property
    def shown(self) -> dict[str, int]:
        """Per type, the events the default view shows."""
        shown = Counter(self.view.column("type").to_pylist())
        return {k: shown[k] for k in self.counts}

    @property
    def hidden(self) -> dict[str, int]:
        """Per type, events stored but hidden by the default view (``--all`` shows them)."""
        shown = self.shown
        return {k: n - shown[k] for k, n in self.counts.items()}


@dataclass(frozen=True, slots=True)
class ListLoad:
    """One sanctions list loaded: what it is and what changed since its previous version."""

    list_id: str
    source: str
    version: str
    entities: int
    added: int
    removed: int
    changed: int
    problems: int


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What the demo ingested, found and screened (the CLI prints it)."""

    db: Path
    inputs: list[Path]
    ingest: IngestSummary
    detection: DetectSummary
    info: dict[str, Any]
    vessels: pa.Table
    sample_events: pa.Table
    lists: list[ListLoad]
    screened: int
    listed: int
    hits: pa.Table | None
    case: DemoCase | None = None


@dataclass(frozen=True, slots=True)
class DemoCase:
    """The case the demo builds from the vessel risk triage ranks first, and its reports."""

    case_id: str
    title: str
    score: int
    evidence: int
    reports: tuple[Path, ...]
