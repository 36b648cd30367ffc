"""The events table every detector returns (see docs/events.md).

CONTRACT (stable; the store, CLI and all detectors rely on it):

* ``EVENTS`` is the Arrow schema of an events table. ``tags`` and ``evidence`` are
  JSON objects serialised as strings (sorted keys) so any detector can put what
  explains it there without a schema change.
* ``event_id(...)`` gives a stable id: the same input positions and parameters give
  the same id, whichever run, file split or machine.
* ``event_row(type, ...)`` is the one dict of one event that every detector hands to
  ``make_events``: every ``EVENTS`` column by keyword, with ``id`` computed by
  ``event_id`` from the type, subtype, MMSIs, start, profile, detector version and
  ``id_params`` (what makes the id; not necessarily the parameters in ``evidence``).
* ``make_events(rows)`` builds an ``EVENTS`` table from plain dicts (one dict per
  event; events are low-cardinality, so dicts are fine here).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

EVENTS = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("type", pa.string(), nullable=False),  # encounter, loitering, gap, ...
        pa.field("subtype", pa.string()),
        pa.field("mmsi", pa.list_(pa.int32()), nullable=False),  # sorted; 1 or 2 MMSIs
        pa.field("segment_ids", pa.list_(pa.string())),
        pa.field("start", pa.timestamp("ms", tz="UTC"), nullable=False),
        pa.field("end", pa.timestamp("ms", tz="UTC")),  # null for an open (ongoing) event
        pa.field("lat", pa.float64()),
        pa.field("lon", pa.float64()),
        pa.field("duration_h", pa.float64()),
        pa.field("profile", pa.string(), nullable=False),  # gfw | dprk
        pa.field("detector_version", pa.string(), nullable=False),
        pa.field("tags", pa.string(), nullable=False),  # JSON object
        pa.field("evidence", pa.string(), nullable=False),  # JSON object
    ]
)


def _canonical_json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def event_id(
    event_type: str,
    mmsi: Sequence[int],
    start: datetime,
    *,
    profile: str,
    detector_version: str,
    params: Mapping[str, Any],
    subtype: str | None = None,
) -> str:
    """Stable id from (type, subtype, sorted MMSIs, start, profile, version, parameters)."""
    key = _canonical_json(
        {
            "type": event_type,
            "subtype": subtype,
            "mmsi": sorted(int(m) for m in mmsi),
            "start": start.isoformat(),
            "profile": profile,
            "version": detector_version,
            "params": params,
        }
    )
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def event_row(
    event_type: str,
    *,
    subtype: str | None,
    mmsi: Sequence[int],
    start: datetime,
    end: datetime | None,
    lat: float | None,
    lon: float | None,
    duration_h: float | None,
    profile: str,
    detector_version: str,
    id_params: Mapping[str, Any],
    segment_ids: Sequence[str] | None,
    tags: Mapping[str, Any],
    evidence: Mapping[str, Any],
) -> dict[str, Any]:
    """One event as the dict :func:`make_events` takes; ``id`` from :func:`event_id`.

    ``id_params`` is what :func:`event_id` hashes as ``params``; ``mmsi`` goes into the
    id and the row as given (both sort it).
    """
    return {
        "id": event_id(
            event_type,
            mmsi,
            start,
            profile=profile,
            detector_version=detector_version,
            params=id_params,
            subtype=subtype,
        ),
        "type": event_type,
        "subtype": subtype,
        "mmsi": mmsi,
        "segment_ids": segment_ids,
        "start": start,
        "end": end,
        "lat": lat,
        "lon": lon,
        "duration_h": duration_h,
        "profile": profile,
        "detector_version": detector_version,
        "tags": tags,
        "evidence": evidence,
    }


def make_events(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """An ``EVENTS`` table from dicts; ``tags`` / ``evidence`` may be dicts (serialised here)."""
    prepared = []
    for row in rows:
        item = dict(row)
        item["mmsi"] = sorted(int(m) for m in item["mmsi"])
        for key in ("tags", "evidence"):
            value = item.get(key) or {}
            item[key] = value if isinstance(value, str) else _canonical_json(value)
        prepared.append(item)
    return pa.Table.from_pylist(prepared, schema=EVENTS)


def empty_events() -> pa.Table:
    """An events table with no rows."""
    return EVENTS.empty_table()
