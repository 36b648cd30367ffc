"""Screening matcher: list entities in, explained hits out (docs/screening.md).

>>> screener = Screener(entities)
>>> screener.screen(Query(names=("M/V KUM UN SAN",)))
"""

from __future__ import annotations

from setori.screen.match.decisions import query_key
from setori.screen.match.queries import QueryGroup, RowError, query_groups, read_names_file
from setori.screen.match.records import ListedEntities
from setori.screen.match.screener import Screener
from setori.screen.model import MATCHER_VERSION

__all__ = [
    "MATCHER_VERSION",
    "ListedEntities",
    "QueryGroup",
    "RowError",
    "Screener",
    "query_groups",
    "query_key",
    "read_names_file",
]
