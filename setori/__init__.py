"""setori: open-source maritime sanctions monitoring.

Decode AIS, keep it in an embedded columnar store, split it into tracks, detect
ship-to-ship transfers, loitering, AIS gaps, port visits and identity anomalies as
explained events, and screen vessels against sanctions lists with reasons.

The typed verbs below are the API (every ``setori`` command calls one of them)::

    import setori
    setori.ingest(["ships.nmea"], db="ships.duckdb")
    found = setori.detect(db="ships.duckdb", profile="dprk")
    setori.events(db="ships.duckdb", types=["encounter"])

Importing setori is quick: the verbs import NumPy, DuckDB and the screening stack only
when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# Six verbs share their names with a package or module (setori.detect, .tracks, .ingest,
# .screen, .demo, .risk). Importing those first binds them as attributes of ``setori``; the verbs
# imported next take the names over, and a later ``import setori.detect.run`` does not
# rebind them (the package is already in ``sys.modules``), so ``setori.detect`` is always
# the function. The six are light: empty package markers and a list of file names.
import setori.demo as _demo_module  # noqa: F401
import setori.detect as _detect_package  # noqa: F401
import setori.ingest as _ingest_package  # noqa: F401
import setori.risk as _risk_package  # noqa: F401
import setori.screen as _screen_package  # noqa: F401
import setori.tracks as _tracks_package  # noqa: F401
from setori.errors import SetoriError as SetoriError
from setori.results import DemoReport as DemoReport
from setori.results import DetectSummary as DetectSummary
from setori.results import IngestSummary as IngestSummary
from setori.results import ListLoad as ListLoad
from setori.settings import Settings as Settings
from setori.verbs import *  # noqa: F403

__version__ = "0.1.0"

if not TYPE_CHECKING:  # at run time only: mypy reads the explicit re-exports above
    import setori.verbs as _verbs

    __all__ = [
        "DemoReport",
        "DetectSummary",
        "IngestSummary",
        "ListLoad",
        "SetoriError",
        "Settings",
        "__version__",
        *_verbs.__all__,
    ]
