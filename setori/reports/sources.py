"""Findings and the independent kinds of source behind each.

Sanctions-monitoring methodology (the UN Panels of Experts' practice: identify every
source, corroborate each finding with independent ones) asks a report to say, for each
finding, which *kinds* of source support it. setori knows four:

* ``AIS feed``: positions and static reports broadcast by the vessels;
* ``sighting or imagery``: patrol aircraft or ship reports, satellite SAR/optical detections;
* ``registry or list``: a sanctions list or ship registry entry (a stored screening hit);
* ``partner report``: information a partner government or organisation supplied.

Two AIS-derived facts are one kind of source, however many positions they hold. A finding
resting on one kind only is **single-sourced**.

A sighting counts as a partner report when its ``source`` names a partner (contains
"partner"); an evidence file counts as the kind in its meta ``source_kind`` (one of the
four), attached to the events (``event_id``) or vessels (``mmsi``) its meta names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

AIS = "AIS feed"
SIGHTING = "sighting or imagery"
LIST = "registry or list"
PARTNER = "partner report"
SOURCE_KINDS = (AIS, SIGHTING, LIST, PARTNER)


def ordered(kinds: Iterable[str]) -> tuple[str, ...]:
    """``kinds`` without repeats, in the order of :data:`SOURCE_KINDS`."""
    found = set(kinds)
    unknown = found - set(SOURCE_KINDS)
    if unknown:
        raise ValueError(f"unknown source kinds {sorted(unknown)}; expected {SOURCE_KINDS}")
    return tuple(k for k in SOURCE_KINDS if k in found)


def sighting_kind(source: str | None) -> str:
    """The kind of source a sighting is: a partner report when its source names a partner."""
    return PARTNER if source and "partner" in source.lower() else SIGHTING


@dataclass(frozen=True, slots=True)
class Finding:
    """One statement the report makes, the kinds of source behind it, and the evidence ids."""

    section: str  # "Vessel", "Incident", "List hit", "Sighting"
    statement: str
    sources: tuple[str, ...]
    evidence_ids: tuple[str, ...] = ()

    @property
    def single_sourced(self) -> bool:
        """Whether one kind of source (or none) supports the finding."""
        return len(self.sources) <= 1

    @property
    def corroboration(self) -> str:
        """``single-sourced`` or ``corroborated (2 kinds)``."""
        n = len(self.sources)
        return "single-sourced" if n <= 1 else f"corroborated ({n} kinds)"
