"""The typed verbs: setori's Python API. Every ``setori`` command is one call of one of these.

>>> import setori
>>> summary = setori.ingest(["ships.nmea"], db="ships.duckdb")
>>> setori.detect(db="ships.duckdb", profile="dprk").counts
>>> setori.events(db="ships.duckdb", types=["encounter"]).to_pylist()
>>> setori.tracks(db="ships.duckdb", mmsi=[538004030]).to_polars()

Each verb opens the store for what it does (reading verbs never create one: a missing
store is :class:`~setori.errors.StoreNotFoundError`), takes its settings from ``settings``
(default :meth:`Settings.load`: ``SETORI_*`` variables, else defaults) with ``db`` given
here winning, and returns Arrow tables or the small results of :mod:`setori.results`.
Heavy libraries are imported inside the verbs, so ``import setori`` is quick.
"""

from __future__ import annotations

from setori.verbs.bundles import *
from setori.verbs.cases import *
from setori.verbs.common import *
from setori.verbs.lists import *
from setori.verbs.report import *
from setori.verbs.risk import *
from setori.verbs.screening import *
from setori.verbs.watch import *
from setori.verbs.workspace import *

# Every verb, by name (tests/test_verbs.py checks it equals the modules' ``__all__``).
__all__ = [
    "BBox",
    "BatchHook",
    "DbPath",
    "StoreMode",
    "Tracks",
    "analyst_add",
    "analysts",
    "bundle_verify",
    "case_add",
    "case_export",
    "case_list",
    "case_log",
    "case_new",
    "case_show",
    "case_sign",
    "case_status",
    "case_verify",
    "decide",
    "decide_revert",
    "decisions",
    "demo",
    "detect",
    "events",
    "hit",
    "info",
    "ingest",
    "keys_new",
    "keys_show",
    "lists",
    "lists_history",
    "load_lists",
    "map_html",
    "open_store",
    "open_workspace",
    "quarantine",
    "report",
    "risk",
    "screen",
    "tracks",
    "vessel",
    "vessels",
]
