"""Screening matcher: list entities in, explained hits out (docs/screening.md).

>>> screener = Screener(entities)
>>> screener.screen(Query(names=("M/V KUM UN SAN",)))
"""

from __future__ import annotations

from setori.screen.match.decisions import query_key
from setori.screen.match.screener import Screener

__all__ = ["Screener", "query_key"]
