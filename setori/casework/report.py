"""Wiring of reports: a workspace case, with what the store knows around it, rendered.

For each cited event the report draws its vessels' tracks from the store
:data:`TRACK_MARGIN` either side of the event (the positions frozen in the snapshot when
the store no longer has them); each vessel's timeline spans the cited events widened by a
day (:func:`setori.reports.report_window`), with every event stored for it then; the risk
breakdown is :func:`setori.casework.risk.vessel_risk` over that window for the case's
vessels; each cited event's status is :func:`setori.casework.snapshots.event_status`.
With a signing key, the report names its fingerprint and the PDF carries the signed
bundle manifest (``bundle.dsse.json``, whose subject is the ``tagmanifest-sha256.txt``
attached beside it) of the case as :func:`setori.cases.bundle.export.export_bundle` would
write it at the report's time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from setori.cases.model import Case
from setori.casework.cases import load_case
from setori.reports import ReportInputs, VesselActivity, report_window
from setori.store.events import EventFilter, read_events
from setori.store.queries import TrackFilter, tracks

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from setori.cases.keys import Ed25519PrivateKey
    from setori.risk.attributes import ListHit
    from setori.risk.weights import RiskWeights
    from setori.workspace import Workspace

__all__ = ["TRACK_MARGIN", "case_mmsis", "gather", "manifest_attachments"]

#: Tracks drawn on an event's map reach this far before and after the event.
TRACK_MARGIN = timedelta(hours=6)


def gather(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    case_id: str,
    *,
    generated_at: str,
    weights: RiskWeights | None = None,
    hits: Sequence[ListHit] = (),
) -> ReportInputs:
    """Everything the report of ``case_id`` shows, read from the workspace and the store."""
    case = load_case(ws, case_id)
    snapshots = _event_snapshots(case)
    mmsis = case_mmsis(case)
    window = report_window(case)
    return ReportInputs(
        case=case,
        tracks={eid: _tracks_around(con, s["event"]) for eid, s in snapshots.items()},
        activity=_activity(con, mmsis, window),
        risk=_risk(con, mmsis, window, snapshots, weights, hits),
        event_status={eid: _status(con, s) for eid, s in snapshots.items()},
        generated_at=generated_at,
    )


def _event_snapshots(case: Case) -> dict[str, dict[str, Any]]:
    found = {}
    for item in case.evidence:
        if item.kind != "event":
            continue
        body = json.loads(item.content)
        event = body.get("event") or {}
        found[str(event.get("id") or item.meta.get("event_id"))] = body
    return found


def case_mmsis(case: Case) -> tuple[int, ...]:
    """Every MMSI the case's events and vessels cite, in ascending order."""
    found: set[int] = set()
    for item in case.evidence:
        if item.kind not in ("event", "vessel"):
            continue
        body = json.loads(item.content)
        found.update(int(m) for m in (body.get("event") or {}).get("mmsi") or [])
        found.update(int(m) for m in body.get("mmsi") or [])
        for vessel in body.get("vessels") or []:
            found.update(int(m) for m in vessel.get("mmsi") or [])
    return tuple(sorted(found))


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _tracks_around(con: duckdb.DuckDBPyConnection, event: dict[str, Any]) -> pa.Table:
    start = _time(event.get("start"))
    end = _time(event.get("end")) or start
    mmsi = tuple(int(m) for m in event.get("mmsi") or [])
    if start is None or end is None or not mmsi:
        return tracks(con, TrackFilter(mmsi=(-1,))).select(["mmsi", "ts", "lat", "lon"])
    where = TrackFilter(mmsi=mmsi, since=start - TRACK_MARGIN, until=end + TRACK_MARGIN)
    return tracks(con, where).select(["mmsi", "ts", "lat", "lon"])


def _activity(
    con: duckdb.DuckDBPyConnection, mmsis: Sequence[int], window: tuple[float, float] | None
) -> dict[int, VesselActivity]:
    if window is None or not mmsis:
        return {}
    since, until = (datetime.fromtimestamp(t, UTC) for t in window)
    positions = pl.from_arrow(
        tracks(con, TrackFilter(mmsi=tuple(mmsis), since=since, until=until)).select(["mmsi", "ts"])
    )
    assert isinstance(positions, pl.DataFrame)
    events = read_events(
        con, EventFilter(mmsi=tuple(mmsis), since=since - timedelta(days=7), until=until)
    )
    rows = events.select(["id", "type", "subtype", "mmsi", "start", "end"]).to_pylist()
    found = {}
    for m in mmsis:
        mine = positions.filter(pl.col("mmsi") == m)["ts"]
        seconds = (mine.dt.epoch("ms").cast(pl.Float64) / 1000.0).to_numpy()
        found[m] = VesselActivity(
            m,
            np.asarray(seconds, dtype=np.float64),
            tuple(r for r in rows if m in (r["mmsi"] or []) and _overlaps(r, since, until)),
        )
    return found


def _overlaps(row: dict[str, Any], since: datetime, until: datetime) -> bool:
    start, end = row["start"], row["end"] or row["start"]
    return bool(start < until and end >= since)


def _risk(
    con: duckdb.DuckDBPyConnection,
    mmsis: Sequence[int],
    window: tuple[float, float] | None,
    snapshots: dict[str, dict[str, Any]],
    weights: RiskWeights | None,
    hits: Sequence[ListHit],
) -> list[dict[str, Any]]:
    from setori.casework.risk import vessel_risk

    if not mmsis:
        return []
    since, until = (
        (datetime.fromtimestamp(window[0], UTC), datetime.fromtimestamp(window[1], UTC))
        if window
        else (None, None)
    )
    profiles = [s["event"].get("profile") for s in snapshots.values() if s["event"].get("profile")]
    return vessel_risk(
        con,
        since=since,
        until=until,
        weights=weights,
        mmsi=tuple(mmsis),
        hits=hits,
        profile=profiles[0] if profiles else None,
    )


def _status(con: duckdb.DuckDBPyConnection, snapshot: dict[str, Any]) -> dict[str, Any]:
    from setori.casework.snapshots import event_status

    return event_status(con, snapshot)


def manifest_attachments(
    case: Case, key: Ed25519PrivateKey, *, at: str
) -> tuple[str, dict[str, bytes]]:
    """The signer's fingerprint and the signed bundle manifest of ``case`` (the DSSE
    envelope and the tag manifest it signs), as the PDF's attachments."""
    from setori.cases.bundle.bag import ENVELOPE, TAGMANIFEST, read_zip
    from setori.cases.bundle.export import export_bundle
    from setori.cases.keys import fingerprint

    members = read_zip(export_bundle(case, key=key, exported_at=at))
    attached = {
        name: data
        for name, data in members.items()
        if name.rsplit("/", 1)[-1] in (ENVELOPE, TAGMANIFEST)
    }
    return fingerprint(key.public_key()), attached
