"""Screening verbs: screen, hit, decide, decide_revert, decisions, vessel.

Hits and decisions live in the workspace (:mod:`setori.workspace.hits`,
:mod:`setori.workspace.decisions`); the lists and the AIS identities in the store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from setori.errors import InputError
from setori.settings import Settings
from setori.verbs.common import DbPath, open_store, open_workspace, resolve_settings

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["decide", "decide_revert", "decisions", "hit", "screen", "vessel"]

#: Schema metadata key of the table :func:`screen` returns (JSON: ``searched``,
#: ``queries``, ``row_errors``, ``stored``).
SCREEN_META = b"setori.screen"


def screen(
    *,
    db: DbPath = None,
    names: Sequence[str] = (),
    schema: str | None = None,
    imo: str | None = None,
    mmsi: str | None = None,
    call_sign: str | None = None,
    flag: str | None = None,
    birth_date: str | None = None,
    names_file: str | Path | None = None,
    from_ais: bool = False,
    limit: int = 10,
    alerts_only: bool = True,
    store: bool = True,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> pa.Table:
    """Screen names and identifiers, a names file, or every AIS identity against the lists.

    Each name is its own query; without ``schema`` it is screened as a vessel, a person and
    an organisation (the ``searched`` column says which). ``names_file`` is a CSV with a
    header (name, schema, imo, mmsi, call_sign, flag, birth_date); its bad rows are
    reported, not screened. Every hit carries its ``hit_id``, score, band (strong / review
    / none), the analysts' current decision, each feature's contribution in words, the
    listed entity's programmes and identifiers, and the list and matcher versions.
    ``alerts_only`` keeps hits in an alerting band or with a decision. With ``store`` the
    hits returned are stored in the workspace (``created_by``: the ``analyst`` setting when
    it names a known analyst), so their ids can be decided on and added to cases.

    The table's schema metadata ``setori.screen`` (JSON) holds ``searched`` (schemata),
    ``queries`` (how many), ``row_errors`` (``"line N: why"``) and ``stored`` (new hits).
    """
    from setori import investigate
    from setori.screen.match import query_groups, read_names_file
    from setori.workspace.decisions import current_decisions
    from setori.workspace.hits import store_hits

    if not (from_ais or names_file or names or imo or mmsi or call_sign):
        raise InputError(
            "nothing to screen: give from_ais, names_file, or names / imo / mmsi / call_sign"
        )
    groups: list[Any] = []
    errors: list[str] = []
    if names or imo or mmsi or call_sign:
        groups += query_groups(names, schema=schema, imo=imo, mmsi=mmsi, call_sign=call_sign,
                               flag=flag, birth_date=birth_date)  # fmt: skip
    if names_file is not None:
        read, bad = read_names_file(names_file)
        groups += read
        errors += [str(e) for e in bad]
    resolved = resolve_settings(db, settings)
    with open_store(settings=resolved) as con, open_workspace(
        workspace=workspace, settings=resolved
    ) as ws:  # fmt: skip
        screener = investigate.build_screener(con, decisions=current_decisions(ws))
        if from_ais:
            groups += investigate.ais_queries(con)
        table = investigate.screen(screener, groups, limit=limit, alerts_only=alerts_only)
        stored = store_hits(ws, table.to_pylist(), resolved.analyst) if store else 0
    searched = sorted({s for g in groups for s in _searched(g)})
    meta = {"searched": searched, "queries": len(groups), "row_errors": errors, "stored": stored}
    return table.replace_schema_metadata({SCREEN_META: json.dumps(meta)})


def _searched(group: Any) -> tuple[str, ...]:
    return tuple(group.searched) if hasattr(group, "searched") else (group.schema,)


def hit(
    hit_id: str,
    *,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """A stored hit shown again as it was made: a :data:`setori.schema.HITS` row as
    :func:`screen` returned it (JSON columns as text), with today's decision on its pair,
    ``created_at`` and ``created_by``."""
    from setori import investigate
    from setori.errors import NotFoundError
    from setori.workspace.decisions import current_of, decision_history
    from setori.workspace.hits import get_hit

    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        stored = get_hit(ws, hit_id)
        if stored is None:
            raise NotFoundError(
                f"no stored hit {hit_id!r} in {ws.url}: hit ids come from `setori screen`"
            )
        pair = (stored["query_key"], stored["entity_id"])
        history = decision_history(ws, query_key=pair[0], entity_id=pair[1])
    return investigate.stored_hit_row(stored, current_of(history).get(pair))


def decide(
    key: str,
    decision: str,
    *,
    entity_id: str | None = None,
    reason: str,
    note: str | None = None,
    analyst: str | None = None,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Record an analyst's decision on a hit: ``confirmed`` or ``dismissed``, with a reason
    code (:data:`setori.workspace.decisions.REASON_CODES`) and an optional note.

    ``key`` is a stored ``hit_id`` (from ``screen``), or, with ``entity_id``, the exact
    ``query_key`` (the decision then names the newest stored hit of the pair, if any). The
    decision applies to that query and entity only, on every later run, until it is
    reverted (:func:`decide_revert`). Returns the stored decision row.
    """
    from setori.workspace.decisions import pair_of_hit, record_decision
    from setori.workspace.hits import latest_hit_id

    resolved = resolve_settings(db, settings)
    with open_workspace(workspace=workspace, settings=resolved) as ws:
        if entity_id is None:
            hit_id: str | None = key
            query_key, entity = pair_of_hit(ws, key)
        else:
            query_key, entity = key, entity_id
            hit_id = latest_hit_id(ws, query_key, entity)
        return record_decision(
            ws, query_key=query_key, entity_id=entity, decision=decision, reason_code=reason,
            analyst=analyst or resolved.analyst, note=note, hit_id=hit_id,
        )  # fmt: skip


def decide_revert(
    decision_id: int,
    *,
    note: str | None = None,
    reason: str = "other",
    analyst: str | None = None,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Undo a decision: a new ``reverted`` row pointing at it (history is kept). The pair's
    current decision becomes its newest decision not reverted, if any."""
    from setori.workspace.decisions import revert_decision

    resolved = resolve_settings(db, settings)
    with open_workspace(workspace=workspace, settings=resolved) as ws:
        return revert_decision(
            ws, decision_id, analyst=analyst or resolved.analyst, note=note, reason_code=reason
        )


def decisions(
    *,
    key: str | None = None,
    entity_id: str | None = None,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """The history of decisions, oldest first: all, or those of a query key (and entity),
    or of a stored hit's query and entity when ``key`` is a hit id. Each row says whether it
    is the ``current`` decision on its pair."""
    from setori.workspace.decisions import current_rows, decision_history
    from setori.workspace.hits import get_hit

    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        stored = get_hit(ws, key) if key is not None and entity_id is None else None
        if stored is not None:
            key, entity_id = stored["query_key"], stored["entity_id"]
        rows = decision_history(ws, query_key=key, entity_id=entity_id)
    current = {row["decision_id"] for row in current_rows(rows).values()}
    for row in rows:
        row["current"] = row["decision_id"] in current
    return rows


def vessel(
    key: str,
    *,
    db: DbPath = None,
    profile: str | None = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """One page on a vessel (MMSI, IMO or broadcast name): identities over time, list hits
    with reasons (and the analysts' decisions), identity conflicts, and the events of one
    profile (default: the last run). The hits are stored in the workspace like those of
    :func:`screen`, so their ids can be decided on and added to cases.
    """
    from setori import investigate
    from setori.store import events as event_store
    from setori.workspace.decisions import current_decisions
    from setori.workspace.hits import store_hits

    resolved = resolve_settings(db, settings)
    with open_store(settings=resolved) as con, open_workspace(
        workspace=workspace, settings=resolved
    ) as ws:  # fmt: skip
        chosen = profile or event_store.last_profile(con)
        page = investigate.vessel_page(
            con, key, profile=chosen or "none", decisions=current_decisions(ws)
        )
        store_hits(ws, page["hits"], resolved.analyst)
    page["profile"] = chosen
    return page
