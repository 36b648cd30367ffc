"""Hulls and identities: who claimed which vessel identity, when, and what contradicts.

* :mod:`~setori.screen.identity.observations`: one immutable row per identity claim
  (AIS broadcast runs; listed, former and fraudulent list claims);
* :mod:`~setori.screen.identity.hulls`: observations linked into hulls;
* :mod:`~setori.screen.identity.conflicts`: contradictions as explained findings.

See docs/identity.md and screening.md §3 and §A.
"""

from __future__ import annotations

from setori.screen.identity.columns import OBSERVATIONS
from setori.screen.identity.conflicts import CHECKS, find_conflicts
from setori.screen.identity.findings import Finding, FindingKind, findings_frame
from setori.screen.identity.hulls import hull_summary, link_hulls, simultaneous_imo_claims
from setori.screen.identity.observations import (
    concat_observations,
    observations_from_entities,
    observations_from_statics,
)
from setori.screen.identity.params import ConflictParams

__all__ = [
    "CHECKS",
    "OBSERVATIONS",
    "ConflictParams",
    "Finding",
    "FindingKind",
    "concat_observations",
    "find_conflicts",
    "findings_frame",
    "hull_summary",
    "link_hulls",
    "observations_from_entities",
    "observations_from_statics",
    "simultaneous_imo_claims",
]
