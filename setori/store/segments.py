"""Keep the ``segments`` table in step with ``positions``, MMSI by MMSI."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import duckdb
import pyarrow as pa

from setori.store.db import transaction

#: Takes row_id, mmsi, ts, lat, lon; returns row_id, segment_id, dropped_reason.
Segmenter = Callable[[pa.Table], pa.Table]


def dirty_partitions(con: duckdb.DuckDBPyConnection, *, max_rows: int) -> Iterator[list[int]]:
    """Groups of dirty MMSIs whose positions together stay under ``max_rows`` (bounded memory)."""
    rows = con.sql(
        """SELECT d.mmsi, count(p.row_id) FROM (SELECT DISTINCT mmsi FROM dirty_mmsi) d
           LEFT JOIN positions p USING (mmsi) GROUP BY d.mmsi ORDER BY d.mmsi"""
    ).fetchall()
    group: list[int] = []
    size = 0
    for mmsi, n in rows:
        if group and size + n > max_rows:
            yield group
            group, size = [], 0
        group.append(int(mmsi))
        size += int(n)
    if group:
        yield group


def resegment(con: duckdb.DuckDBPyConnection, mmsis: list[int], segmenter: Segmenter) -> int:
    """Recompute the segments of ``mmsis`` atomically; returns the number of rows segmented."""
    params = {"m": mmsis}
    positions = con.sql(
        "SELECT row_id, mmsi, ts, lat, lon FROM positions WHERE mmsi IN (SELECT unnest($m))",
        params=params,
    ).to_arrow_table()
    result = _with_mmsi(segmenter(positions), positions)
    rows = int(positions.num_rows)
    del positions
    with transaction(con):
        con.sql("DELETE FROM segments WHERE mmsi IN (SELECT unnest($m))", params=params)
        con.register("_seg", result)
        con.sql("INSERT INTO segments SELECT row_id, mmsi, segment_id, dropped_reason FROM _seg")
        con.unregister("_seg")
        con.sql("DELETE FROM dirty_mmsi WHERE mmsi IN (SELECT unnest($m))", params=params)
    return rows


def _with_mmsi(result: pa.Table, positions: pa.Table) -> pa.Table:
    """The segmenter's rows with their MMSI (joined in Arrow, not in the database)."""
    ids = positions.select(["row_id", "mmsi"])
    return result.join(ids, keys="row_id", join_type="inner").select(
        ["row_id", "mmsi", "segment_id", "dropped_reason"]
    )
