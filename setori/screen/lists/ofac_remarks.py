"""OFAC SDN remarks: the ``;``-separated facts of the legacy CSV ``Remarks`` column.

In ``sdn.csv`` a vessel's IMO number, MMSI, former flags and former names exist only
here, as in ``Vessel Registration Identification IMO 7937317; MMSI 572469210;
Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; f.k.a. 'ALPHA'``. The labels
are the feature and document types of OFAC's advanced format (``sdn_advanced_notes.pdf``;
mapping after OpenSanctions ``us_ofac_sdn.yml`` and watchman ``pkg/sources/ofac``).
Every remark is also kept whole in ``notes``.
"""

from __future__ import annotations

import re
from datetime import datetime

from followthemoney import EntityProxy

from setori.ids import find_imos
from setori.screen.lists.base import Tally
from setori.screen.lists.build import (
    add,
    add_call_sign,
    add_checked,
    add_country,
    add_imo,
    add_mmsi,
    clean,
)

_QUOTED = re.compile(r"'([^']+)'")
_DOC_TAIL = re.compile(r"\s*(\(|expires|issued).*$", re.IGNORECASE)
#: remark label (after an optional "alt. ") → (FtM property, how to add it)
_LABELS: dict[str, tuple[str, str]] = {
    "mmsi": ("mmsi", "mmsi"),
    "former vessel flag": ("pastFlags", "country"),
    "other vessel flag": ("pastFlags", "country"),
    "vessel flag": ("flag", "country"),
    "other vessel call sign": ("callSign", "call_sign"),
    "vessel call sign": ("callSign", "call_sign"),
    "other vessel type": ("type", "text"),
    "vessel year of build": ("buildDate", "checked"),
    "nationality": ("nationality", "country"),
    "citizen": ("citizenship", "country"),
    "gender": ("gender", "lower"),
    "pob": ("birthPlace", "text"),
    "dob": ("birthDate", "date"),
    "passport": ("passportNumber", "document"),
}
_NAME_LABELS = {"a.k.a.": "alias", "f.k.a.": "previousName", "n.k.a.": "name"}


def apply_remarks(entity: EntityProxy, remarks: str | None, tally: Tally) -> None:
    """Put the facts of an SDN ``Remarks`` text on ``entity`` (and the text in ``notes``)."""
    text = clean(remarks)
    if text is None:
        return
    add(entity, "notes", text)
    for imo in find_imos(text):
        add_imo(entity, imo, tally)
    for part in text.split(";"):
        _apply_part(entity, part.strip().rstrip("."), tally)


def _apply_part(entity: EntityProxy, part: str, tally: Tally) -> None:
    lowered = part.lower().removeprefix("alt. ")
    for label, prop in _NAME_LABELS.items():
        if lowered.startswith(label):
            add(entity, prop, _QUOTED.findall(part))
            return
    for label, (prop, how) in _LABELS.items():
        if lowered.startswith(label + " ") and entity.schema.get(prop):
            add_value(entity, prop, how, part[len(part) - len(lowered) + len(label) :], tally)
            return


def add_value(entity: EntityProxy, prop: str, how: str, raw: str, tally: Tally) -> None:
    """Add one remark value the way its label says (``mmsi``, ``country``, ``date`` ...)."""
    value = raw.strip()
    if how == "mmsi":
        add_mmsi(entity, value, tally)
    elif how == "country":
        add_country(entity, prop, value, tally)
    elif how == "call_sign":
        add_call_sign(entity, value, tally)
    elif how == "date":
        for date in ofac_dates(value):
            add_checked(entity, prop, date, tally)
    elif how == "checked":
        add_checked(entity, prop, value, tally)
    elif how == "document":
        add(entity, prop, _DOC_TAIL.sub("", value))
    elif how == "lower":
        add(entity, prop, value.lower())
    else:
        add(entity, prop, value)


def ofac_dates(value: str) -> list[str]:
    """The dates of a DOB remark; ``01 Jan 1961 to 31 Dec 1963``, ``circa 1979-1982`` give years."""
    low, sep, high = value.replace("circa ", "").partition(" to " if " to " in value else "-")
    if not sep:
        return [ofac_date(value)]
    return date_span(ofac_date(low), ofac_date(high))


def date_span(start: str, end: str) -> list[str]:
    """The dates of an OFAC range: whole calendar years as years, else its two ends."""
    if start == end:
        return [start]
    whole_years = start[5:] in ("", "01-01") and end[5:] in ("", "12-31")
    if whole_years and start[:4].isdigit() and end[:4].isdigit():
        return [str(year) for year in range(int(start[:4]), int(end[:4]) + 1)]
    return [start, end]


def ofac_date(value: str) -> str:
    """``12 Jul 1986`` → ``1986-07-12``, ``Jul 1986`` → ``1986-07``, ``circa 1960`` → ``1960``."""
    text = value.lower().removeprefix("circa").strip()
    for fmt, out in (("%d %b %Y", "%Y-%m-%d"), ("%b %Y", "%Y-%m"), ("%Y", "%Y")):
        try:
            return datetime.strptime(text, fmt).strftime(out)
        except ValueError:
            continue
    return value
