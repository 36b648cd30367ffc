"""Frozen snapshots of events and vessels: the evidence a case cites (pure values in, dicts out).

A snapshot is a plain dict that :func:`setori.canonical.canonical_bytes` turns into the exact
bytes a case stores; their SHA-256 is the evidence hash. So every value in it is JSON-exact:

* 64-bit row ids (``row_id``, ``first_row_id``, any integer beyond 2^53) are strings;
* times are ISO 8601 UTC with a ``Z`` and milliseconds (``2014-10-03T04:59:46.401Z``);
* floats are finite (NaN and infinities become ``null``).

``setori.event-snapshot/1``::

    {schema, event, detector: {name, version, profile, parameters},
     positions: [{row_id, mmsi, time, lat, lon, sog_kn, cog_deg, segment_id}],
     positions_window,
     vessels: [vessel snapshots], frozen_at}

``setori.vessel-snapshot/1``::

    {schema, key, mmsi: [..], imo, names, identities: [{mmsi, name, imo, call_sign, ship_type,
     length_m, beam_m, first_seen, last_seen, reports}], frozen_at}

A vessel's stable key (:func:`vessel_key`) is ``IMO:<7 digits>`` when a valid IMO is known
(ship or company check digit, :func:`setori.ids.imo_check`), else ``MMSI:<9 digits>:<NAME>``
with the name upper-cased and its spaces collapsed (``MMSI:<9 digits>`` when no name is known).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from setori.ids import imo_check

EVENT_SCHEMA = "setori.event-snapshot/1"
VESSEL_SCHEMA = "setori.vessel-snapshot/1"
#: Integers beyond this are written as strings (JSON readers keep 53 bits exactly).
MAX_SAFE_INT = 2**53 - 1
#: Keys whose integer values are 64-bit row ids, written as strings whatever their size.
ID_KEYS = frozenset({"row_id", "first_row_id", "last_row_id", "id", "hit_id", "event_id"})
POSITION_COLUMNS = ("row_id", "mmsi", "ts", "lat", "lon", "sog_kn", "cog_deg", "segment_id")
_SPACES = re.compile(r"\s+")


def iso_z(value: datetime | str | None) -> str | None:
    """``value`` as ISO 8601 UTC with milliseconds and a ``Z``; a naive datetime is UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    v = value
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
        f".{v.microsecond // 1000:03d}Z"
    )


def jsonable(value: Any, key: str | None = None) -> Any:
    """``value`` made JSON-exact: ids and big integers as strings, times ISO ``Z``, floats
    finite (else ``None``), tuples as lists, mappings with string keys."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value) if key in ID_KEYS or abs(value) > MAX_SAFE_INT else value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, str(k)) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [jsonable(v, key) for v in value]
    raise TypeError(f"cannot freeze {type(value).__name__} {value!r} in a snapshot")


def normalize_name(name: str | None) -> str | None:
    """A broadcast name upper-cased, AIS padding ``@`` dropped, spaces collapsed; or None."""
    if name is None:
        return None
    text = _SPACES.sub(" ", name.replace("@", " ")).strip().upper()
    return text or None


def valid_imo(imo: str | int | None) -> str | None:
    """The 7 digits of ``imo`` when it passes the ship or the company check digit, else None."""
    if imo is None or imo == 0:
        return None
    checked = imo_check(imo)
    if checked.imo is None or not checked.valid:
        return None
    return checked.imo[3:]


def vessel_key(
    mmsi: int | str | None, imo: str | int | None = None, name: str | None = None
) -> str:
    """The stable key a case cites a vessel by: ``IMO:9596985`` when ``imo`` is valid, else
    ``MMSI:212123000:STOC MARCIA`` (``MMSI:212123000`` without a name).

    Raises ValueError when neither a valid IMO nor a 9-digit MMSI is given.
    """
    digits = valid_imo(imo)
    if digits is not None:
        return f"IMO:{digits}"
    text = str(mmsi).strip() if mmsi is not None else ""
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError(f"vessel key needs a valid IMO or an MMSI, got mmsi={mmsi!r} imo={imo!r}")
    cleaned = normalize_name(name)
    return f"MMSI:{int(text):09d}" + (f":{cleaned}" if cleaned else "")


def parse_vessel_key(key: str) -> tuple[str, str, str | None] | None:
    """``("IMO", digits, None)`` or ``("MMSI", digits, name)`` for a stable key, else None."""
    if m := re.fullmatch(r"IMO:(\d{7})", key.strip()):
        return "IMO", m.group(1), None
    if m := re.fullmatch(r"MMSI:(\d{9})(?::(.+))?", key.strip()):
        return "MMSI", m.group(1), m.group(2)
    return None


def key_of_identities(mmsi: int, identities: Sequence[Mapping[str, Any]]) -> str:
    """The stable key of one MMSI from its identity rows: the valid IMO reported most often
    (latest on a tie), else the MMSI and its latest name."""
    imos: Counter[str] = Counter()
    latest: dict[str, str] = {}
    for row in identities:
        digits = valid_imo(row.get("imo"))
        if digits is not None:
            imos[digits] += int(row.get("reports") or 1)
            latest[digits] = str(row.get("last_seen") or "")
    if imos:
        best = max(imos, key=lambda d: (imos[d], latest[d], d))
        return f"IMO:{best}"
    named = [r for r in identities if normalize_name(r.get("name"))]
    name = max(named, key=lambda r: str(r.get("last_seen") or ""))["name"] if named else None
    return vessel_key(mmsi, None, name)


def vessel_snapshot_of(
    key: str,
    identities: Sequence[Mapping[str, Any]],
    *,
    frozen_at: datetime | str,
) -> dict[str, Any]:
    """The ``setori.vessel-snapshot/1`` of the identity rows (each with its ``mmsi``), in
    (first_seen, mmsi) order, as ``setori vessel`` shows them at ``frozen_at``."""
    rows = sorted(
        (jsonable(dict(r)) for r in identities),
        key=lambda r: (str(r.get("first_seen") or ""), int(r.get("mmsi") or 0)),
    )
    imos = sorted({d for r in rows if (d := valid_imo(r.get("imo"))) is not None})
    parsed = parse_vessel_key(key)
    imo = parsed[1] if parsed and parsed[0] == "IMO" else (imos[0] if len(imos) == 1 else None)
    return {
        "schema": VESSEL_SCHEMA,
        "key": key,
        "mmsi": sorted({int(r["mmsi"]) for r in rows if r.get("mmsi") is not None}),
        "imo": imo,
        "names": sorted({n for r in rows if (n := normalize_name(r.get("name")))}),
        "identities": rows,
        "frozen_at": iso_z(frozen_at),
    }


def event_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored event row (``tags`` and ``evidence`` as JSON text or dicts) as JSON-exact values."""
    out = dict(row)
    for field in ("tags", "evidence"):
        if isinstance(out.get(field), str):
            out[field] = json.loads(out[field])
    frozen: dict[str, Any] = jsonable(out)
    frozen["id"] = str(row["id"])
    return frozen


def position_rows(positions: pa.Table) -> list[dict[str, Any]]:
    """The cited positions as ``{row_id, mmsi, time, lat, lon, sog_kn, cog_deg, segment_id}``
    dicts (the columns ``positions`` has), in (mmsi, time, row_id) order."""
    present = [c for c in POSITION_COLUMNS if c in positions.column_names]
    rows = positions.select(present).to_pylist()
    out = []
    for r in rows:
        item = jsonable({("time" if k == "ts" else k): v for k, v in r.items()})
        out.append(item)
    return sorted(out, key=lambda r: (r["mmsi"], r["time"], str(r.get("row_id", ""))))


def event_snapshot_of(
    event: Mapping[str, Any],
    *,
    positions: pa.Table,
    detector: Mapping[str, Any],
    vessels: Sequence[Mapping[str, Any]],
    window: tuple[datetime, datetime],
    frozen_at: datetime | str,
) -> dict[str, Any]:
    """The ``setori.event-snapshot/1`` of a stored event row, the positions it cites (those
    of its vessels within ``window``), its detector ``{name, version, profile, parameters}``
    and the vessel snapshots of its vessels."""
    return {
        "schema": EVENT_SCHEMA,
        "event": event_dict(event),
        "detector": jsonable(dict(detector)),
        "positions": position_rows(positions),
        "positions_window": {"start": iso_z(window[0]), "end": iso_z(window[1])},
        "vessels": [dict(v) for v in vessels],
        "frozen_at": iso_z(frozen_at),
    }


def event_differences(cited: Mapping[str, Any], current: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What differs between a cited event and a current one (both as :func:`event_dict`):
    ``[{field, cited, current}]`` over id, profile, subtype, start, end, detector version."""
    fields = ("id", "profile", "subtype", "start", "end", "detector_version")
    return [
        {"field": f, "cited": cited.get(f), "current": current.get(f)}
        for f in fields
        if cited.get(f) != current.get(f)
    ]
