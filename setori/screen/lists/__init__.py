"""Sanctions lists and watchlists in, as FollowTheMoney entities (docs/lists.md).

One module per format: :mod:`~setori.screen.lists.un_xml` (UN consolidated list),
:mod:`~setori.screen.lists.ofac_csv`, :mod:`~setori.screen.lists.ofac_xml` and
:mod:`~setori.screen.lists.ofac_advanced` (the three OFAC SDN formats),
:mod:`~setori.screen.lists.ftm_json` (FtM / OpenSanctions JSON lines) and
:mod:`~setori.screen.lists.watchlist_csv` (a team's own CSV). :func:`load_list` detects the
format, reads the whole file (rejecting a broken one) and returns a :class:`LoadedList`
whose ``entities()`` streams the entities again in bounded memory; :func:`load_lists` reads
several files, joining an OFAC legacy CSV set given file by file into one list.

Example::

    >>> un = load_list("UN_consolidated.xml")
    >>> un.version, un.counts["Person"]
    ('2026-02-27T00:00:09.554Z', 730)
"""

from __future__ import annotations

from setori.screen.lists.base import FORMATS, ListFormat, ListFormatError, LoadedList, Problem
from setori.screen.lists.detect import detect_format, load_list, load_lists

__all__ = [
    "FORMATS",
    "ListFormat",
    "ListFormatError",
    "LoadedList",
    "Problem",
    "detect_format",
    "load_list",
    "load_lists",
]
