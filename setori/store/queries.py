"""Read queries over the store, returning Arrow tables or plain dicts."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa


@dataclass(frozen=True, slots=True)
class TrackFilter:
    """Which positions to read. ``bbox`` is (min_lon, min_lat, max_lon, max_lat)."""

    mmsi: tuple[int, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    bbox: tuple[float, float, float, float] | None = None

    def where(self, table: str = "p") -> tuple[str, dict[str, Any]]:
        """SQL condition over columns of ``table`` (an alias, or "" for bare names), and params."""
        col = f"{table}." if table else ""
        clauses: list[str] = ["TRUE"]
        params: dict[str, Any] = {}
        if self.mmsi:
            clauses.append(f"{col}mmsi IN (SELECT unnest($mmsi))")
            params["mmsi"] = list(self.mmsi)
        if self.since is not None:
            clauses.append(f"{col}ts >= $since")
            params["since"] = self.since
        if self.until is not None:
            clauses.append(f"{col}ts < $until")
            params["until"] = self.until
        if self.bbox is not None:
            clauses.append(f"{col}lon BETWEEN $x0 AND $x1 AND {col}lat BETWEEN $y0 AND $y1")
            params.update(dict(zip(("x0", "y0", "x1", "y1"), self.bbox, strict=True)))
        return " AND ".join(clauses), params


def tracks(con: duckdb.DuckDBPyConnection, where: TrackFilter = TrackFilter()) -> pa.Table:
    """Positions with their ``segment_id`` (null if not segmented yet or dropped)."""
    cond, params = where.where()
    return con.sql(
        f"""SELECT p.*, s.segment_id, s.dropped_reason
        FROM positions p LEFT JOIN segments s USING (row_id)
        WHERE {cond} ORDER BY p.mmsi, p.ts, p.row_id""",
        params=params,
    ).to_arrow_table()


def segmented_positions(con: duckdb.DuckDBPyConnection, where: TrackFilter) -> pa.Table:
    """Positions with a ``segment_id`` (the detectors' input), in (segment_id, ts, row_id)
    order: the order :class:`setori.detect.track.Track` sorts into, so it need not sort."""
    cond, params = where.where()
    return con.sql(
        f"""SELECT p.*, s.segment_id FROM positions p JOIN segments s USING (row_id)
        WHERE s.segment_id IS NOT NULL AND {cond} ORDER BY s.segment_id, p.ts, p.row_id""",
        params=params,
    ).to_arrow_table()


def segmented_span(
    con: duckdb.DuckDBPyConnection, where: TrackFilter
) -> tuple[int, datetime | None, datetime | None]:
    """How many segmented positions ``where`` holds, and their first and last time."""
    cond, params = where.where()
    row = con.sql(
        f"""SELECT count(*), min(p.ts), max(p.ts) FROM positions p JOIN segments s
        USING (row_id) WHERE s.segment_id IS NOT NULL AND {cond}""",
        params=params,
    ).fetchall()[0]
    return int(row[0]), row[1], row[2]


def statics_for(con: duckdb.DuckDBPyConnection, where: TrackFilter) -> pa.Table:
    """Static reports of the MMSIs and time window in ``where`` (bbox not applied)."""
    cond, params = replace(where, bbox=None).where(table="")
    return con.sql(
        f"SELECT * EXCLUDE (static_id) FROM statics WHERE {cond} ORDER BY mmsi, ts",
        params=params,
    ).to_arrow_table()


def vessels(con: duckdb.DuckDBPyConnection, mmsi: tuple[int, ...] = ()) -> pa.Table:
    """Per MMSI: identities seen (names, IMOs, call signs, ship types) and first/last time."""
    cond = "WHERE mmsi IN (SELECT unnest($mmsi))" if mmsi else ""
    params = {"mmsi": list(mmsi)} if mmsi else None
    return con.sql(
        f"""WITH pos AS (
              SELECT mmsi, count(*) AS positions, min(ts) AS first_seen, max(ts) AS last_seen
              FROM positions {cond} GROUP BY mmsi),
            sta AS (
              SELECT mmsi,
                list(DISTINCT name ORDER BY name) FILTER (name IS NOT NULL) AS names,
                list(DISTINCT imo ORDER BY imo) FILTER (imo IS NOT NULL) AS imos,
                list(DISTINCT call_sign ORDER BY call_sign)
                    FILTER (call_sign IS NOT NULL) AS call_signs,
                list(DISTINCT ship_type ORDER BY ship_type)
                    FILTER (ship_type IS NOT NULL) AS ship_types,
                min(ts) AS first_static, max(ts) AS last_static
              FROM statics {cond} GROUP BY mmsi)
        SELECT mmsi, coalesce(pos.positions, 0) AS positions,
               least(pos.first_seen, sta.first_static) AS first_seen,
               greatest(pos.last_seen, sta.last_static) AS last_seen,
               coalesce(names, []) AS names, coalesce(imos, []) AS imos,
               coalesce(call_signs, []) AS call_signs, coalesce(ship_types, []) AS ship_types
        FROM pos FULL OUTER JOIN sta USING (mmsi) ORDER BY mmsi""",
        params=params,
    ).to_arrow_table()


def identities(con: duckdb.DuckDBPyConnection, mmsi: int) -> pa.Table:
    """Each distinct identity an MMSI broadcast, with first and last time seen."""
    return con.sql(
        """SELECT name, imo, call_sign, ship_type, length_m, beam_m,
                  min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS reports
           FROM statics WHERE mmsi = $mmsi
           GROUP BY ALL ORDER BY first_seen""",
        params={"mmsi": mmsi},
    ).to_arrow_table()


def quarantine(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every quarantined input unit, in source and line order."""
    return con.sql("SELECT * FROM quarantine ORDER BY source, line_no, reason").to_arrow_table()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    rows = con.sql(sql).fetchall()
    return rows[0][0] if rows else None


def _source_counts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    by_source: dict[str, Counter[str]] = {}
    rows = con.sql("SELECT source, counts FROM ingest_batches ORDER BY source, batch_no").fetchall()
    for source, counts in rows:
        by_source.setdefault(source, Counter()).update(json.loads(counts))
    return {source: dict(sorted(c.items())) for source, c in by_source.items()}


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" if value else None


def info(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Store summary: rows, vessels, segments, time range, bounding box, per-source counts."""
    (extent,) = con.sql(
        "SELECT count(*), count(DISTINCT mmsi), min(ts), max(ts), "
        "min(lon), min(lat), max(lon), max(lat) FROM positions"
    ).fetchall()
    rows, vessels_n, t0, t1, x0, y0, x1, y1 = extent
    return {
        "positions": rows,
        "vessels": vessels_n,
        "static_reports": _scalar(con, "SELECT count(*) FROM statics"),
        "segments": _scalar(con, "SELECT count(DISTINCT segment_id) FROM segments"),
        "time_range": [_iso(t0), _iso(t1)],
        "bbox": [x0, y0, x1, y1] if rows else None,
        "quarantined": dict(
            con.sql(
                "SELECT reason, count(*) FROM quarantine GROUP BY reason ORDER BY 2 DESC"
            ).fetchall()
        ),
        "sources": _source_counts(con),
    }
