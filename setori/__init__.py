"""setori: open-source maritime sanctions monitoring.

Decode AIS, keep it in an embedded columnar store, split it into tracks, and
(in later modules) detect ship-to-ship transfers, screen vessels and share findings.
"""

from __future__ import annotations

from setori.errors import SetoriError
from setori.pipeline import IngestSummary
from setori.verbs import Tracks, info, ingest, quarantine, tracks, vessels

__version__ = "0.1.0"

__all__ = [
    "IngestSummary",
    "SetoriError",
    "Tracks",
    "__version__",
    "info",
    "ingest",
    "quarantine",
    "tracks",
    "vessels",
]
