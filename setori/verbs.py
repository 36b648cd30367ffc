"""The Python API: the same verbs as the CLI, returning Arrow tables.

>>> import setori
>>> summary = setori.ingest(["ships.nmea"], db="ships.duckdb")
>>> setori.tracks(db="ships.duckdb", mmsi=[538004030]).to_polars()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from setori import pipeline
from setori.ingest.sources import ReadOptions
from setori.store import db as store_db
from setori.store import events as event_store
from setori.store import queries

DbPath = str | Path | None


@contextmanager
def _open(db: DbPath) -> Iterator[duckdb.DuckDBPyConnection]:
    con = store_db.connect(db)
    try:
        yield con
    finally:
        con.close()


class Tracks:
    """Positions with segment ids, as an Arrow table with converters."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.table.__arrow_c_stream__(requested_schema)

    def to_polars(self) -> pl.DataFrame:
        """The positions as a Polars DataFrame."""
        df = pl.from_arrow(self.table)
        assert isinstance(df, pl.DataFrame)
        return df

    def to_geopandas(self) -> Any:
        """The positions as a GeoDataFrame of points (needs the ``geo`` extra)."""
        try:
            import geopandas as gpd
        except ImportError as exc:
            raise ImportError("to_geopandas needs GeoPandas: pip install 'setori[geo]'") from exc
        frame = self.table.to_pandas()
        geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
        return gpd.GeoDataFrame(frame, geometry=geometry)


def ingest(
    paths: Iterable[str | Path],
    *,
    db: DbPath = None,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    default_ts: datetime | None = None,
    delimiter: str = ",",
    has_header: bool = True,
    time_format: str | None = None,
) -> pipeline.IngestSummary:
    """Ingest AIS files (NMEA, CSV, Parquet; ``.gz`` and ``-`` accepted) into the store.

    ``fmt`` forces a format (else sniffed); ``mapping`` maps canonical columns to a generic
    CSV's columns (names, or 0-based indexes as strings when ``has_header`` is false);
    ``delimiter`` and ``time_format`` (strftime) describe such a CSV, like the CLI's
    ``--delimiter``, ``--no-header`` and ``--time-format``; ``default_ts`` dates NMEA lines
    that carry no time.
    """
    options = ReadOptions(
        fmt=fmt,
        mapping=mapping or {},
        default_ts=default_ts,
        delimiter=delimiter,
        has_header=has_header,
        time_format=time_format,
    )
    with _open(db) as con:
        return pipeline.ingest(con, paths, options)


def info(*, db: DbPath = None) -> dict[str, Any]:
    """Rows, vessels, segments, time range, bounding box, per-source and quarantine counts."""
    with _open(db) as con:
        return queries.info(con)


def tracks(
    *,
    db: DbPath = None,
    mmsi: Sequence[int] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> Tracks:
    """Positions with ``segment_id``, filtered by MMSI, time window and bounding box."""
    where = queries.TrackFilter(mmsi=tuple(mmsi), since=since, until=until, bbox=bbox)
    with _open(db) as con:
        return Tracks(queries.tracks(con, where))


def vessels(*, db: DbPath = None, mmsi: Sequence[int] = ()) -> pa.Table:
    """Per MMSI: names, IMO numbers, call signs and ship types seen, first/last time."""
    with _open(db) as con:
        return queries.vessels(con, tuple(mmsi))


def quarantine(*, db: DbPath = None) -> pa.Table:
    """Every rejected input unit: source, line number, reason, raw text."""
    with _open(db) as con:
        return queries.quarantine(con)


def detect(
    *,
    db: DbPath = None,
    profile: str = "gfw",
    types: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> pa.Table:
    """Detect events over the stored tracks, store them (replacing that scope), return them.

    Each detector is also usable alone on a positions table: see ``setori.detect.run``.
    """
    where = queries.TrackFilter(since=since, until=until, bbox=bbox)
    with _open(db) as con:
        found = pipeline.run_detection(con, profile=profile, types=tuple(types), where=where)
    return found.events


def events(
    *,
    db: DbPath = None,
    types: Sequence[str] = (),
    profile: str | None = None,
    mmsi: Sequence[int] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> pa.Table:
    """Stored events (schema ``setori.detect.events.EVENTS``), filtered."""
    where = event_store.EventFilter(tuple(types), profile, tuple(mmsi), since, until, bbox)
    with _open(db) as con:
        return event_store.read_events(con, where)
