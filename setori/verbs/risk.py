"""Risk triage verbs: vessels and events ranked by an additive, explained score."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from setori.settings import Settings
from setori.verbs.common import BBox, DbPath, open_store, resolve_settings, workspace_url

if TYPE_CHECKING:
    import pyarrow as pa

    from setori.risk.attributes import ListHit

__all__ = ["risk"]


def risk(
    *,
    db: DbPath = None,
    top: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: BBox | None = None,
    events: bool = False,
    profile: str | None = None,
    mmsi: Sequence[int] = (),
    weights: str | Path | None = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> pa.Table:
    """Vessels (or, with ``events``, events) ranked by risk points, each with its breakdown.

    One row per MMSI: ``mmsi``, ``name``, ``score``, ``events`` (how many scored events
    involve it) and ``breakdown``, a list of ``{points, rule, reason}`` with the
    ``event_id``, ``hit_id`` or ``attribute`` each rests on; the score is always the sum of
    the breakdown's points. With ``events``: one row per event (``event_id``, ``type``,
    ``subtype``, ``mmsi``, ``start``, ``end``, ``lat``, ``lon``, ``score``, ``breakdown``).
    Highest score first; ``top`` keeps that many.

    Events are those of ``profile`` (default: the one detected last) in its default view,
    within ``since`` / ``until`` / ``bbox``. Points and thresholds come from ``weights``
    (a TOML file; default: the ``risk_weights`` setting, else the built-in table,
    docs/risk.md). Stored list hits count when a workspace is set or exists beside the
    store (dismissed ones do not).
    """
    from setori.casework.risk import event_risk, vessel_risk
    from setori.risk.weights import load_weights

    resolved = resolve_settings(db, settings).with_overrides(workspace=workspace)
    table = load_weights(weights if weights is not None else resolved.risk_weights)
    hits = _stored_hits(resolved)
    ranker = event_risk if events else vessel_risk
    with open_store(settings=resolved) as con:
        rows = ranker(
            con,
            since=since,
            until=until,
            bbox=bbox,
            top=top,
            weights=table,
            profile=profile,
            mmsi=tuple(mmsi),
            hits=hits,
        )
    return _table(rows, events=events)


def _stored_hits(settings: Settings) -> list[ListHit]:
    """The workspace's stored hits, when a workspace is set or its default file exists."""
    from setori.casework.risk import stored_hits
    from setori.workspace import open_workspace

    url = workspace_url(settings)
    if settings.workspace is None and not settings.db.with_suffix(".workspace.sqlite").exists():
        return []
    ws = open_workspace(url)
    try:
        return stored_hits(ws)
    finally:
        ws.close()


def _table(rows: list[dict[str, Any]], *, events: bool) -> pa.Table:
    import pyarrow as pa

    from setori.risk.schema import EVENT_RISK, VESSEL_RISK

    return pa.Table.from_pylist(rows, schema=EVENT_RISK if events else VESSEL_RISK)
