"""Header names that need no mapping: setori's canonical names and common aliases.

A table whose header names its columns in a usual way (``MMSI``, ``timestamp``,
``latitude``, ``lng``, ``SOG``, ...) is read without a mapping. Names are compared by
their *key*: lower case, letters and digits only, so ``BaseDateTime``,
``base_date_time`` and ``# Base Date Time`` are one name. The table is
:data:`COLUMN_ALIASES` (documented in ``docs/formats.md``).

Rules, in order:

1. an explicit mapping wins: a mapped role is never looked up, and a mapped column is
   never taken for another role;
2. a column named exactly as a canonical column (``sog_kn``, any case) takes that role;
3. otherwise one alias column takes the role; two alias columns for one role are an
   error naming both (``speed`` and ``SOG``: which one is meant?).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from setori.errors import MappingError
from setori.ingest.tables.values import FIELD_KINDS

#: Canonical column -> the other header names that mean it. Names are compared by
#: :func:`header_key`, so each entry also stands for its case and punctuation variants
#: (``user_id`` is ``UserID`` and ``USER ID``); no two entries share a key.
#: Speeds are taken to be in knots, courses and headings in degrees, sizes in metres: the
#: units AIS sends.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "mmsi": ("user_id",),
    "ts": (
        "time",
        "timestamp",
        "datetime",
        "BaseDateTime",
        "timestamp_utc",
        "time_utc",
    ),
    "lat": ("latitude", "lat_deg", "latitude_deg"),
    "lon": ("longitude", "lng", "long", "lon_deg", "longitude_deg"),
    "sog_kn": ("sog", "speed", "speed_kn", "speed_knots", "speed_over_ground"),
    "cog_deg": ("cog", "course", "course_over_ground"),
    "heading_deg": ("heading", "true_heading", "hdg"),
    "nav_status": ("status", "navigational_status", "nav_stat"),
    "msg_type": ("message_id", "message_type", "msg_id"),
    "imo": ("imo_number",),
    "name": ("vessel_name", "ship_name"),
    "ship_type": ("vessel_type", "ship_and_cargo_type"),
    "to_bow_m": ("to_bow", "dim_a"),
    "to_stern_m": ("to_stern", "dim_b"),
    "to_port_m": ("to_port", "dim_c"),
    "to_starboard_m": ("to_starboard", "dim_d"),
    "length_m": ("length",),
    "beam_m": ("width", "beam"),
    "draught_m": ("draught", "draft"),
}

_NOT_KEY = re.compile(r"[^a-z0-9]")


def header_key(name: str) -> str:
    """The form names are compared in: lower case, letters and digits only."""
    return _NOT_KEY.sub("", name.lower())


def _role_by_key() -> dict[str, str]:
    keys = {header_key(canonical): canonical for canonical in FIELD_KINDS}
    for canonical, aliases in COLUMN_ALIASES.items():
        keys.update({header_key(alias): canonical for alias in aliases})
    return keys


_ROLE_BY_KEY = _role_by_key()


def named_roles(header: Sequence[str]) -> set[str]:
    """The canonical roles some column of ``header`` names (ambiguity is not checked)."""
    return {_ROLE_BY_KEY[key] for key in map(header_key, header) if key in _ROLE_BY_KEY}


def alias_mapping(
    header: Sequence[str], explicit: Mapping[str, str | int] | None = None
) -> dict[str, str]:
    """Canonical role -> header column for the roles ``explicit`` leaves open (module rules).

    Raises :class:`MappingError` when two alias columns name one open role.
    """
    taken = set(explicit or {})
    used = {str(column) for column in (explicit or {}).values()}
    candidates: dict[str, list[str]] = {}
    for column in header:
        role = _ROLE_BY_KEY.get(header_key(column))
        if role is not None and role not in taken and column not in used:
            candidates.setdefault(role, []).append(column)
    return {role: _pick(role, columns) for role, columns in candidates.items()}


def _pick(role: str, columns: list[str]) -> str:
    exact = [column for column in columns if header_key(column) == header_key(role)]
    if len(exact) == 1:
        return exact[0]
    if len(columns) == 1:
        return columns[0]
    raise MappingError(
        f"columns {columns} all name {role!r}; expected one column per role: "
        f"map {role} to one of them (--map {role}=COLUMN)"
    )
