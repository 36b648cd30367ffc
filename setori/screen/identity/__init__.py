"""Hulls and identities: who claimed which vessel identity, when, and what contradicts.

* :mod:`~setori.screen.identity.observations`: one immutable row per identity claim
  (AIS broadcast runs; listed, former and fraudulent list claims);
* :mod:`~setori.screen.identity.hulls`: observations linked into hulls;
* :mod:`~setori.screen.identity.conflicts`: contradictions between hulls' claims as
  explained findings;
* :mod:`~setori.screen.identity.broadcast_rules`: the rules over AIS static reports
  (name churn, invalid and missing IMO), whose findings are also the identity
  detector's events.

Every rule returns :class:`Finding`: the one output of the identity rule set.

See docs/identity.md and screening.md §3 and §A.
"""

from __future__ import annotations

from setori.screen.identity.broadcast_rules import RULES, broadcast_findings, folded_text
from setori.screen.identity.columns import OBSERVATIONS
from setori.screen.identity.conflicts import CHECKS, find_conflicts
from setori.screen.identity.findings import Finding, FindingKind, findings_frame
from setori.screen.identity.hulls import hull_summary, link_hulls, simultaneous_imo_claims
from setori.screen.identity.observations import (
    concat_observations,
    observations_from_entities,
    observations_from_statics,
)
from setori.screen.identity.params import BroadcastParams, ConflictParams

__all__ = [
    "CHECKS",
    "OBSERVATIONS",
    "RULES",
    "BroadcastParams",
    "ConflictParams",
    "Finding",
    "FindingKind",
    "broadcast_findings",
    "concat_observations",
    "find_conflicts",
    "findings_frame",
    "folded_text",
    "hull_summary",
    "link_hulls",
    "observations_from_entities",
    "observations_from_statics",
    "simultaneous_imo_claims",
]
