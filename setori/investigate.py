"""Wiring for the Investigate verbs: lists into the store, screening, the vessel page.

Like :mod:`setori.pipeline`, this is an edge module: it joins the domain
(:mod:`setori.screen`) with the store (:mod:`setori.store`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from followthemoney import model
from followthemoney.proxy import EntityProxy

from setori.canonical import canonical_json
from setori.errors import NotFoundError
from setori.schema import HITS
from setori.screen.identity import (
    Finding,
    broadcast_findings,
    concat_observations,
    find_conflicts,
    link_hulls,
    observations_from_entities,
    observations_from_statics,
)
from setori.screen.match import ListedEntities, QueryGroup, Screener
from setori.screen.match.records import listing_of
from setori.screen.model import Hit, Query
from setori.store import lists as list_store
from setori.store import queries
from setori.store.events import EventFilter, read_events

EVENT_COLUMNS = ["id", "type", "subtype", "start", "end", "lat", "lon"]


def stored_entities(con: duckdb.DuckDBPyConnection) -> Iterator[EntityProxy]:
    """Every entity of every stored list (current versions), as FtM proxies."""
    for listed in listed_entities(con):
        yield from listed.entities


def listed_entities(con: duckdb.DuckDBPyConnection) -> list[ListedEntities]:
    """The current version of every stored list: its id and version as the ``lists`` table
    has them, and its entities as FtM proxies."""
    found = []
    for list_id in list_store.list_ids(con):
        version = str(list_store.list_info(con, list_id)["version"])
        proxies = [_proxy(r) for r in list_store.iter_entities(con, list_id)]
        found.append(ListedEntities(list_id, version, proxies))
    return found


def _proxy(record: dict[str, Any]) -> EntityProxy:
    record.pop("caption", None)
    return model.get_proxy(record)


def build_screener(
    con: duckdb.DuckDBPyConnection, decisions: Mapping[tuple[str, str], str] | None = None
) -> Screener:
    """A screener over the current version of every stored list, applying ``decisions``
    (the current decision per (query_key, entity_id), read from the workspace)."""
    lists = listed_entities(con)
    if not any(listed.entities for listed in lists):
        raise NotFoundError("no sanctions list is loaded: run `setori lists load FILE` first")
    return Screener(lists=lists, decisions=decisions)


def ais_queries(con: duckdb.DuckDBPyConnection, mmsi: Sequence[int] = ()) -> list[Query]:
    """One query per distinct identity broadcast in AIS (name, IMO, call sign per MMSI).

    MMSIs seen only in position reports give an MMSI-only query (identifier tier).
    """
    only = "AND mmsi IN (SELECT unnest($m))" if mmsi else ""
    params = {"m": list(mmsi)} if mmsi else None
    rows = con.sql(
        f"""SELECT DISTINCT mmsi, name, imo, call_sign FROM statics WHERE TRUE {only}
            UNION
            SELECT DISTINCT mmsi, NULL, NULL, NULL FROM positions
            WHERE mmsi NOT IN (SELECT mmsi FROM statics) {only}
            ORDER BY ALL""",
        params=params,
    ).fetchall()
    return [_ais_query(*row) for row in rows]


def _ais_query(mmsi: int, name: str | None, imo: int | None, call_sign: str | None) -> Query:
    return Query(
        schema="Vessel",
        names=(name,) if name else (),
        imo=str(imo) if imo else None,
        mmsi=str(mmsi),
        call_sign=call_sign,
        ref=f"mmsi:{mmsi}",
    )


def hit_row(query: Query, hit: Hit, entity: EntityProxy, searched: Sequence[str]) -> dict[str, Any]:
    """One row of :data:`setori.schema.HITS`: the hit, its query and the listed entity."""
    return {
        "hit_id": hit.hit_id,
        "query_ref": hit.query_ref,
        "query_key": hit.query_key,
        "query": canonical_json({k: v for k, v in asdict(query).items() if v}),
        "searched": ",".join(searched),
        "entity_id": hit.entity_id,
        "list_id": hit.list_id,
        "list_version": hit.list_version,
        "matcher_version": hit.matcher_version,
        "schema": hit.schema,
        "caption": hit.caption,
        "listing": canonical_json(listing_of(entity)),
        "score": round(hit.score, 4),
        "band": hit.band,
        "decision": hit.decision,
        "match": hit.match,
        "features": canonical_json([asdict(f) for f in hit.features]),
        "entity": canonical_json(entity.to_dict()),
    }


def screen(
    screener: Screener,
    queries_: Iterable[Query | QueryGroup],
    *,
    limit: int = 10,
    alerts_only: bool = True,
) -> pa.Table:
    """Hits of every query as a table (alerting or decided hits only, unless told otherwise).

    A :class:`QueryGroup` (one name screened as several schemata) gives its best ``limit``
    hits over all its queries, each entity once (the query that scored it highest).
    """
    rows = []
    for item in queries_:
        group = item if isinstance(item, QueryGroup) else QueryGroup((item,))
        for query, hit in _group_hits(screener, group, limit):
            if alerts_only and hit.band == "none" and hit.decision is None:
                continue
            rows.append(hit_row(query, hit, screener.entity(hit), group.searched))
    return pa.Table.from_pylist(rows, schema=HITS)


def stored_hit_row(stored: Mapping[str, Any], decision: str | None) -> dict[str, Any]:
    """A stored hit (:func:`setori.workspace.hits.get_hit`) as the :data:`HITS` row screening
    showed, with today's ``decision`` on its pair, ``created_at`` and ``created_by``.
    ``searched`` is the schema of the stored query (the other schemata searched beside it
    belong to the run, not to the hit)."""
    entity = model.get_proxy(dict(stored["entity"]))
    query = dict(stored["query"])
    return {
        "hit_id": stored["hit_id"],
        "query_ref": query.get("ref"),
        "query_key": stored["query_key"],
        "query": canonical_json(query),
        "searched": query.get("schema", ""),
        "entity_id": stored["entity_id"],
        "list_id": stored["list_id"],
        "list_version": stored["list_version"],
        "matcher_version": stored["matcher_version"],
        "schema": entity.schema.name,
        "caption": entity.caption,
        "listing": canonical_json(listing_of(entity)),
        "score": stored["score"],
        "band": stored["band"],
        "decision": decision,
        "match": stored["band"] != "none" and decision != "dismissed",
        "features": canonical_json(stored["features"]),
        "entity": canonical_json(stored["entity"]),
        "created_at": stored["created_at"],
        "created_by": stored["created_by"],
    }


def _group_hits(screener: Screener, group: QueryGroup, limit: int) -> list[tuple[Query, Hit]]:
    best: dict[tuple[str, str], tuple[Query, Hit]] = {}
    for query in group.queries:
        for hit in screener.screen(query, limit=limit):
            key = (hit.list_id, hit.entity_id)
            if key not in best or hit.score > best[key][1].score:
                best[key] = (query, hit)
    found = sorted(best.values(), key=lambda qh: (-qh[1].score, qh[1].entity_id))
    return found[:limit]


def resolve_vessel(con: duckdb.DuckDBPyConnection, key: str) -> list[int]:
    """MMSIs meant by ``key``: an MMSI, an IMO (as broadcast) or a name (as broadcast)."""
    text = key.strip()
    params: dict[str, Any]
    if re.fullmatch(r"\d{9}", text):
        sql, params = "SELECT DISTINCT mmsi FROM positions WHERE mmsi = $v", {"v": int(text)}
    elif m := re.fullmatch(r"(?i)(?:IMO\s*)?(\d{7})", text):
        sql, params = "SELECT DISTINCT mmsi FROM statics WHERE imo = $v", {"v": int(m.group(1))}
    else:
        sql = "SELECT DISTINCT mmsi FROM statics WHERE upper(name) = upper($v)"
        params = {"v": text}
    found = sorted(int(r[0]) for r in con.sql(sql, params=params).fetchall())
    if not found:
        raise NotFoundError(f"no vessel in the store matches {key!r} (MMSI, IMO or name)")
    return found


def vessel_page(
    con: duckdb.DuckDBPyConnection,
    key: str,
    *,
    profile: str | None = None,
    decisions: Mapping[tuple[str, str], str] | None = None,
) -> dict[str, Any]:
    """Everything known about a vessel: identities over time, list hits, conflicts, events.

    The conflicts are findings of the one identity rule set (:mod:`setori.screen.identity`):
    the hull checks over the vessel's broadcasts and the stored lists, and the static-report
    rules (name churn, invalid and missing IMO) except those a shown identity event already
    shows, so each churn appears once. ``events`` are those of ``profile`` (default: every
    profile), each with its ``profile``. ``decisions`` (from the workspace) mark the hits.
    """
    mmsis = resolve_vessel(con, key)
    statics = con.sql(
        "SELECT * EXCLUDE (static_id) FROM statics WHERE mmsi IN (SELECT unnest($m))",
        params={"m": mmsis},
    ).to_arrow_table()
    lists = listed_entities(con)
    events = read_events(con, EventFilter(mmsi=tuple(mmsis), profile=profile))
    findings = _hull_findings(statics, lists, mmsis) + _report_findings(statics, events)
    return {
        "key": key,
        "mmsi": mmsis,
        "identities": {m: queries.identities(con, m).to_pylist() for m in mmsis},
        "hits": _vessel_hits(con, lists, mmsis, decisions).to_pylist(),
        "conflicts": [asdict(f) for f in findings],
        "events": events.select([*EVENT_COLUMNS, "profile"]).to_pylist(),
    }


def _vessel_hits(
    con: duckdb.DuckDBPyConnection,
    lists: list[ListedEntities],
    mmsis: list[int],
    decisions: Mapping[tuple[str, str], str] | None,
) -> pa.Table:
    """Alerting or decided list hits of the vessel's broadcast identities."""
    if not any(listed.entities for listed in lists):
        return pa.Table.from_pylist([], schema=HITS)
    screener = Screener(lists=lists, decisions=decisions)
    return screen(screener, ais_queries(con, mmsis), alerts_only=True)


def _hull_findings(
    statics: pa.Table, lists: list[ListedEntities], mmsis: list[int]
) -> list[Finding]:
    """The hull checks' findings that involve a hull the vessel's MMSIs broadcast (each
    listed hull named by the store's list id)."""
    frames = [observations_from_statics(statics)]
    for listed in sorted(lists, key=lambda x: x.list_id):
        vessels = [e for e in listed.entities if e.schema.name == "Vessel"]
        if vessels:
            frames.append(observations_from_entities(vessels, listed.list_id))
    linked = link_hulls(concat_observations(frames))
    own = set(linked.filter(pl.col("mmsi").is_in(mmsis))["hull_id"].to_list())
    return [f for f in find_conflicts(linked) if own & set(f.hull_ids)]


def _report_findings(statics: pa.Table, events: pa.Table) -> list[Finding]:
    """The static-report rules' findings, less those a stored identity event shows (the
    detector turns the same findings into events: same kind, MMSI and time span)."""
    identity = events.filter(pc.equal(events["type"], "identity"))
    shown = {
        _event_key(r["subtype"], mmsi, r["start"], r["end"])
        for r in identity.select(["subtype", "mmsi", "start", "end"]).to_pylist()
        for mmsi in r["mmsi"] or ()
    }
    return [
        f
        for f in broadcast_findings(statics)
        if _event_key(f.kind, f.mmsi, f.start, f.end) not in shown
    ]


def _event_key(
    kind: str | None, mmsi: int | None, start: datetime | None, end: datetime | None
) -> tuple[str | None, int | None, int | None, int | None]:
    """What an identity event and a static-report finding share: kind, MMSI, and start and
    end to the whole second (events keep milliseconds, findings the reports' times)."""
    return kind, mmsi, _epoch_s(start), _epoch_s(end)


def _epoch_s(when: datetime | None) -> int | None:
    if when is None:
        return None
    return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp() // 1)
