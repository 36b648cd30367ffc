"""Parameters of the conflict checks and of the static-report rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True, kw_only=True)
class ConflictParams:
    """Thresholds of :func:`setori.screen.identity.find_conflicts`.

    Attributes:
        simultaneity: Two broadcasts of one IMO by different MMSIs whose time spans are
            closer than this are simultaneous (0: the spans overlap).
        length_tolerance_m: AIS length within this of a listed hull's length (2 m: AIS
            dimensions are whole metres from the antenna, to bow + to stern).
        beam_tolerance_m: AIS beam within this of the listed hull's beam (1 m).
        lookalike_min_length_m: Dimension look-alikes only for ships at least this long
            (small craft dimensions are too common to mean anything; 60 m).
        churn_min_identities: Distinct identities on one MMSI (or one IMO) that make churn (3).
        churn_window: ... within this window (30 days, as GFW's identity churn).
    """

    simultaneity: timedelta = timedelta(0)
    length_tolerance_m: float = 2.0
    beam_tolerance_m: float = 1.0
    lookalike_min_length_m: float = 60.0
    churn_min_identities: int = 3
    churn_window: timedelta = timedelta(days=30)


@dataclass(frozen=True, slots=True, kw_only=True)
class BroadcastParams:
    """Thresholds of :func:`setori.screen.identity.broadcast_findings` (detection.md §8.6).

    Attributes:
        churn_min_names: Distinct folded names on one MMSI that make churn (3).
        churn_window: ... within this window (30 days, as GFW's identity churn).
        missing_imo_min_length_m: ``missing_imo`` for cargo ships and tankers at least this
            long (50 m; a stand-in for the 300 GT SOLAS threshold, which AIS does not carry).
    """

    churn_min_names: int = 3
    churn_window: timedelta = timedelta(days=30)
    missing_imo_min_length_m: float = 50.0
