"""setori: open-source maritime sanctions monitoring.

Decode AIS, keep it in an embedded columnar store, split it into tracks, and
detect ship-to-ship transfers, loitering, AIS gaps, port visits and identity anomalies
as explained events. Screening and sharing come next.
"""

from __future__ import annotations

import types as _types
from typing import Any as _Any

from setori import detect, tracks, verbs
from setori.errors import SetoriError
from setori.pipeline import IngestSummary
from setori.verbs import Tracks, events, info, ingest, quarantine, vessels

__version__ = "0.1.0"


class _DetectModule(_types.ModuleType):
    """``setori.detect`` is both the detectors' package and the verb ``setori.detect(...)``."""

    def __call__(self, **kwargs: _Any) -> _Any:
        return verbs.detect(**kwargs)


class _TracksModule(_types.ModuleType):
    """``setori.tracks`` is both the segmenter's package and the verb ``setori.tracks(...)``."""

    def __call__(self, **kwargs: _Any) -> _Any:
        return verbs.tracks(**kwargs)


# A package and a verb share each name: importing a submodule rebinds the package attribute,
# so the packages themselves are made callable instead of being shadowed by functions.
detect.__class__ = _DetectModule
tracks.__class__ = _TracksModule

__all__ = [
    "IngestSummary",
    "SetoriError",
    "Tracks",
    "__version__",
    "detect",
    "events",
    "info",
    "ingest",
    "quarantine",
    "tracks",
    "vessels",
]
