"""Snapshots of stored events and vessels, and whether the current detection still holds an
event a case cites. The store (a DuckDB connection) is passed in; the dicts are built by
:mod:`setori.cases.snapshot` (see its docstring for the layouts).

* :func:`event_snapshot`: the event (any profile), its tags and evidence, the positions it
  cites, its detector's name, version, profile and parameters, and a vessel snapshot of each
  vessel involved.
* :func:`vessel_snapshot`: a vessel's identity history, as ``setori vessel`` shows it now.
* :func:`event_status`: ``holds`` / ``changed`` / ``gone`` for a snapshot against the store.

The cited positions are the event's vessels' positions from :data:`POSITION_MARGIN` before
its start to :data:`POSITION_MARGIN` after its end (after its start while it is open). For a
gap this takes in the two positions bounding it, and the track leading in and out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from setori.cases.snapshot import (
    event_dict,
    event_differences,
    event_snapshot_of,
    key_of_identities,
    parse_vessel_key,
    vessel_snapshot_of,
)
from setori.errors import InputError, NotFoundError
from setori.store import events as event_store

__all__ = ["POSITION_MARGIN", "event_snapshot", "event_status", "vessel_snapshot"]

#: How far before an event's start and after its end the cited positions reach.
POSITION_MARGIN = timedelta(hours=1)

_IDENTITY_SQL = """
    SELECT mmsi, name, imo, call_sign, ship_type, length_m, beam_m,
           min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS reports
    FROM statics WHERE mmsi IN (SELECT unnest($mmsi))
    GROUP BY ALL ORDER BY first_seen, mmsi"""


def _now() -> datetime:
    return datetime.now(UTC)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = $n", {"n": name}
    ).fetchall()
    return bool(rows[0][0])


def _identities(con: duckdb.DuckDBPyConnection, mmsis: list[int]) -> list[dict[str, Any]]:
    if not mmsis or not _has_table(con, "statics"):
        return []
    rows: list[dict[str, Any]] = (
        con.sql(_IDENTITY_SQL, params={"mmsi": mmsis}).to_arrow_table().to_pylist()
    )
    return rows


def _mmsis_of(con: duckdb.DuckDBPyConnection, key: str) -> list[int]:
    """MMSIs meant by ``key``: a stable key, an MMSI, an IMO or a broadcast name."""
    text = key.strip()
    parsed = parse_vessel_key(text)
    if parsed is not None:
        text = parsed[1] if parsed[0] == "MMSI" else f"IMO{parsed[1]}"
    if re.fullmatch(r"\d{9}", text):
        sql = "SELECT DISTINCT mmsi FROM positions WHERE mmsi = $v UNION "
        sql += "SELECT DISTINCT mmsi FROM statics WHERE mmsi = $v"
        params: dict[str, Any] = {"v": int(text)}
    elif m := re.fullmatch(r"(?i)(?:IMO\s*)?(\d{7})", text):
        sql, params = "SELECT DISTINCT mmsi FROM statics WHERE imo = $v", {"v": int(m.group(1))}
    else:
        sql = "SELECT DISTINCT mmsi FROM statics WHERE upper(trim(name)) = upper(trim($v))"
        params = {"v": text}
    found = sorted(int(r[0]) for r in con.sql(sql, params=params).fetchall())
    if not found:
        raise NotFoundError(
            f"no vessel in the store matches {key!r} (stable key, MMSI, IMO or name)"
        )
    return found


def _snapshot_of_mmsis(
    con: duckdb.DuckDBPyConnection, mmsis: list[int], key: str | None, frozen_at: datetime
) -> dict[str, Any]:
    identities = _identities(con, mmsis)
    if key is None:
        key = key_of_identities(mmsis[0], [r for r in identities if r["mmsi"] == mmsis[0]])
    snapshot = vessel_snapshot_of(key, identities, frozen_at=frozen_at)
    snapshot["mmsi"] = sorted(set(snapshot["mmsi"]) | set(mmsis))
    return snapshot


def vessel_snapshot(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, Any]:
    """The ``setori.vessel-snapshot/1`` of the vessel ``key`` names: a stable key
    (``IMO:9596985``, ``MMSI:212123000:NAME``), an MMSI, an IMO or a broadcast name.

    A stable IMO key covers every MMSI that broadcast that IMO; any other key is given the
    stable key of its first MMSI. Raises NotFoundError when nothing in the store matches.
    """
    mmsis = _mmsis_of(con, key)
    parsed = parse_vessel_key(key)
    stable = key.strip() if parsed is not None and parsed[0] == "IMO" else None
    if parsed is not None and parsed[0] == "MMSI":
        stable = key.strip()
    return _snapshot_of_mmsis(con, mmsis if stable else mmsis[:1], stable, _now())


def _event_row(con: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any]:
    event_store.ensure(con)
    rows = (
        con.sql("SELECT * FROM events WHERE id = $id ORDER BY profile", params={"id": event_id})
        .to_arrow_table()
        .to_pylist()
    )
    if not rows:
        raise NotFoundError(f"no event {event_id!r} in the store (run setori events to list them)")
    row: dict[str, Any] = rows[0]
    return row


def _window(row: dict[str, Any]) -> tuple[datetime, datetime]:
    start, end = row["start"], row["end"] or row["start"]
    return start - POSITION_MARGIN, end + POSITION_MARGIN


def _positions(
    con: duckdb.DuckDBPyConnection, mmsis: list[int], window: tuple[datetime, datetime]
) -> pa.Table:
    return con.sql(
        """SELECT p.row_id, p.mmsi, p.ts, p.lat, p.lon, p.sog_kn, p.cog_deg, s.segment_id
        FROM positions p LEFT JOIN segments s USING (row_id)
        WHERE p.mmsi IN (SELECT unnest($mmsi)) AND p.ts >= $t0 AND p.ts <= $t1
        ORDER BY p.mmsi, p.ts, p.row_id""",
        params={"mmsi": mmsis, "t0": window[0], "t1": window[1]},
    ).to_arrow_table()


def _plain(value: Any) -> Any:
    """Parameters as JSON values: durations in seconds, tuples as lists, the rest as text."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):  # a duration's key gains its unit: min_gap -> min_gap_s
        return {
            (f"{k}_s" if isinstance(v, timedelta) else str(k)): _plain(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def default_parameters(event_type: str, profile: str) -> dict[str, Any]:
    """The parameters ``profile`` runs the ``event_type`` detector with (what an event's
    evidence lacks, the snapshot takes from here)."""
    from setori.detect import (
        dark_approach,
        dark_rendezvous,
        gaps,
        identity,
        loitering,
        port_visits,
        zones,
    )
    from setori.detect.encounter_params import encounter_params

    classes: dict[str, Any] = {
        "loitering": loitering.LoiteringParams,
        "gap": gaps.GapParams,
        "port_visit": port_visits.PortVisitParams,
        "zone_entry": zones.ZoneEntryParams,
        "identity": identity.IdentityParams,
        "dark_rendezvous": dark_rendezvous.DarkRendezvousParams,
        "dark_approach": dark_approach.DarkApproachParams,
    }
    if event_type == "encounter":
        params: Any = encounter_params(profile)
    elif event_type in classes:
        params = getattr(classes[event_type], profile)()
    else:
        return {}
    if not is_dataclass(params) or isinstance(params, type):
        return {}
    plain: dict[str, Any] = _plain(asdict(params))
    return plain


def _detector(row: dict[str, Any]) -> dict[str, Any]:
    from setori.detect.context import ContextParams

    evidence = json.loads(row["evidence"]) if isinstance(row["evidence"], str) else row["evidence"]
    parameters = evidence.get("parameters") if isinstance(evidence, dict) else None
    return {
        "name": row["type"],
        "version": row["detector_version"],
        "profile": row["profile"],
        "parameters": _plain(parameters or default_parameters(row["type"], row["profile"])),
        "parameters_from": "evidence" if parameters else "profile defaults",
        "context_parameters": _plain(asdict(ContextParams())),
    }


def event_snapshot(con: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any]:
    """The ``setori.event-snapshot/1`` of stored event ``event_id`` (any profile).

    Raises NotFoundError when the store holds no such event.
    """
    row = _event_row(con, event_id)
    frozen_at = _now()
    mmsis = sorted(int(m) for m in row["mmsi"])
    window = _window(row)
    vessels = [_snapshot_of_mmsis(con, [m], None, frozen_at) for m in mmsis]
    return event_snapshot_of(
        row,
        positions=_positions(con, mmsis, window),
        detector=_detector(row),
        vessels=vessels,
        window=window,
        frozen_at=frozen_at,
    )


def _cited(snapshot: dict[str, Any]) -> dict[str, Any]:
    event = snapshot.get("event") if isinstance(snapshot, dict) else None
    if not isinstance(event, dict) or "id" not in event or "type" not in event:
        raise InputError(
            "expected a setori.event-snapshot/1 dict with an event {id, type, mmsi, start}, "
            f"got keys {sorted(snapshot) if isinstance(snapshot, dict) else type(snapshot)}"
        )
    return event


def _candidates(con: duckdb.DuckDBPyConnection, event: dict[str, Any]) -> list[dict[str, Any]]:
    """Current events of the same type and vessels whose time overlaps the cited event's."""
    start, end = _time(event["start"]), _time(event.get("end") or event["start"])
    rows: list[dict[str, Any]] = (
        con.sql(
            """SELECT * FROM events
        WHERE type = $type AND list_sort(mmsi) = $mmsi::INTEGER[]
          AND start <= $end AND coalesce("end", start) >= $start
        ORDER BY profile != $profile, start, id""",
            params={
                "type": event["type"],
                "mmsi": sorted(int(m) for m in event["mmsi"]),
                "start": start,
                "end": end,
                "profile": event.get("profile"),
            },
        )
        .to_arrow_table()
        .to_pylist()
    )
    return rows


def _closeness(event: Mapping[str, Any], row: Mapping[str, Any]) -> tuple[bool, float, float]:
    """How well a current event matches the cited one: same profile first, then the longest
    time overlap, then the nearest start."""
    start = _time(event["start"])
    end = _time(event.get("end") or event["start"])
    row_end = row["end"] or row["start"]
    overlap = (min(end, row_end) - max(start, row["start"])).total_seconds()
    return (
        row["profile"] == event.get("profile"),
        overlap,
        -abs((row["start"] - start).total_seconds()),
    )


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def event_status(con: duckdb.DuckDBPyConnection, snapshot: dict[str, Any]) -> dict[str, Any]:
    """Whether the current detection still holds the event ``snapshot`` cites.

    * ``holds``: an event with the cited id is stored (same inputs, parameters, bounds);
    * ``changed``: an event of the same type and vessels whose time overlaps the cited one is
      stored, with another id (subtype, bounds, profile or detector version differ); of
      several, one of the cited profile first, then the longest overlap, then the nearest
      start;
    * ``gone``: neither.

    Returns ``{"status", "current_event_id", "differences": [{field, cited, current}]}``.
    """
    event = _cited(snapshot)
    event_store.ensure(con)
    found = con.execute("SELECT count(*) FROM events WHERE id = $id", {"id": event["id"]})
    if found.fetchall()[0][0]:
        return {"status": "holds", "current_event_id": event["id"], "differences": []}
    candidates = _candidates(con, event)
    if not candidates:
        return {"status": "gone", "current_event_id": None, "differences": []}
    current = event_dict(max(candidates, key=lambda row: _closeness(event, row)))
    return {
        "status": "changed",
        "current_event_id": current["id"],
        "differences": event_differences(event, current),
    }
