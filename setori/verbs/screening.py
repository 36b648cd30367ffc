"""Screening verbs: screen, decide, vessel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from setori.errors import InputError
from setori.settings import Settings
from setori.verbs.common import DbPath, open_store

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["decide", "screen", "vessel"]


def screen(
    *,
    db: DbPath = None,
    names: Sequence[str] = (),
    schema: str = "Vessel",
    imo: str | None = None,
    mmsi: str | None = None,
    call_sign: str | None = None,
    flag: str | None = None,
    from_ais: bool = False,
    limit: int = 10,
    alerts_only: bool = True,
    settings: Settings | None = None,
) -> pa.Table:
    """Screen one query (names and identifiers) or every AIS identity against the lists.

    Every hit carries its score, band (strong / review / none), the analysts' decision and
    each feature's contribution in words (``features``, JSON). ``alerts_only`` keeps hits in
    an alerting band or with a decision.
    """
    from setori import investigate
    from setori.screen.model import Query

    if not from_ais and not (names or imo or mmsi or call_sign):
        raise InputError("nothing to screen: give from_ais, or names / imo / mmsi / call_sign")
    with open_store(db=db, settings=settings) as con:
        screener = investigate.build_screener(con)
        queries = (
            investigate.ais_queries(con)
            if from_ais
            else [
                Query(
                    schema=schema,  # type: ignore[arg-type]
                    names=tuple(names),
                    imo=imo,
                    mmsi=mmsi,
                    call_sign=call_sign,
                    flag=flag,
                    ref="cli",
                )
            ]
        )
        return investigate.screen(screener, queries, limit=limit, alerts_only=alerts_only)


def decide(
    query_key: str,
    entity_id: str,
    decision: str,
    *,
    db: DbPath = None,
    analyst: str | None = None,
    note: str | None = None,
    settings: Settings | None = None,
) -> None:
    """Record an analyst's decision on a hit: ``confirmed`` or ``dismissed``; it sticks."""
    from setori.store import decisions as decision_store

    with open_store(db=db, mode="write", settings=settings) as con:
        decision_store.record(con, query_key, entity_id, decision, analyst=analyst, note=note)


def vessel(
    key: str, *, db: DbPath = None, profile: str | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """One page on a vessel (MMSI, IMO or broadcast name): identities over time, list hits
    with reasons, identity conflicts, and the events of one profile (default: the last run).
    """
    from setori import investigate
    from setori.store import events as event_store

    with open_store(db=db, settings=settings) as con:
        chosen = profile or event_store.last_profile(con)
        page = investigate.vessel_page(con, key, profile=chosen or "none")
    page["profile"] = chosen
    return page
