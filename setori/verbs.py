"""The typed verbs: setori's Python API. Every ``setori`` command is one call of one of these.

>>> import setori
>>> summary = setori.ingest(["ships.nmea"], db="ships.duckdb")
>>> setori.detect(db="ships.duckdb", profile="dprk").counts
>>> setori.events(db="ships.duckdb", types=["encounter"]).to_pylist()
>>> setori.tracks(db="ships.duckdb", mmsi=[538004030]).to_polars()

Each verb opens the store for what it does (reading verbs never create one: a missing
store is :class:`~setori.errors.StoreNotFoundError`), takes its settings from ``settings``
(default :meth:`Settings.load`: ``SETORI_*`` variables, else defaults) with ``db`` given
here winning, and returns Arrow tables or the small results of :mod:`setori.results`.
Heavy libraries are imported inside the verbs, so ``import setori`` is quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from setori.errors import InputError
from setori.results import DemoReport, DetectSummary, IngestSummary, ListLoad
from setori.settings import Settings

if TYPE_CHECKING:
    import duckdb
    import polars as pl
    import pyarrow as pa

    from setori.ingest.batch import IngestBatch

DbPath = str | Path | None
BBox = tuple[float, float, float, float]
StoreMode = Literal["read", "write", "create"]
#: Called after each committed batch with (source, batch, rows added).
BatchHook = Callable[[str, "IngestBatch", int], None]


def resolve_settings(db: DbPath = None, settings: Settings | None = None) -> Settings:
    """``settings`` (default: from the environment) with ``db``, when given, applied."""
    base = settings if settings is not None else Settings.load()
    return base.with_overrides(db=Path(db) if db is not None else None)


@contextmanager
def open_store(
    *, db: DbPath = None, mode: StoreMode = "read", settings: Settings | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store as a DuckDB connection for the block (see :func:`setori.store.db.open_store`).

    Within the block, reference layers come from the ``shared_data`` setting (else from the
    slices shipped in the package).
    """
    from setori.geo.reference import reference_data
    from setori.store.db import open_store as _open_store

    resolved = resolve_settings(db, settings)
    with (
        _open_store(resolved.db, mode=mode, memory_limit=resolved.duckdb_memory) as con,
        reference_data(resolved.shared_data),
    ):
        yield con


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
        import polars as pl

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
    strict: bool = True,
    on_batch: BatchHook | None = None,
    settings: Settings | None = None,
) -> IngestSummary:
    """Ingest AIS files (NMEA, CSV, Parquet; ``.gz`` and ``-`` accepted) into the store.

    The store is created if missing. ``fmt`` forces a format (else sniffed); ``mapping``
    maps canonical columns to a generic CSV's columns (names, or 0-based indexes as strings
    when ``has_header`` is false); ``delimiter`` and ``time_format`` (strftime) describe
    such a CSV; ``default_ts`` dates NMEA lines that carry no time.

    Every input is tried and every readable one is ingested and segmented, whatever happens
    to the others; an unreadable input is recorded in ``IngestSummary.failures``, and with
    ``strict`` (the default) raises :class:`~setori.errors.InputError` naming each failure
    once the others are in.
    """
    from setori import pipeline
    from setori.ingest.sources import ReadOptions

    resolved = resolve_settings(db, settings)
    options = ReadOptions(
        fmt=fmt,
        mapping=mapping or {},
        default_ts=default_ts,
        delimiter=delimiter,
        has_header=has_header,
        time_format=time_format,
        batch_bytes=resolved.batch_bytes,
        batch_rows=resolved.batch_rows,
    )
    with open_store(mode="create", settings=resolved) as con:
        summary = pipeline.ingest(con, paths, options, on_batch, segment_rows=resolved.segment_rows)
    if strict and summary.failures:
        raise InputError("; ".join(summary.failures))
    return summary


def info(*, db: DbPath = None, settings: Settings | None = None) -> dict[str, Any]:
    """Rows, vessels, segments, time range, bounding box, per-source and quarantine counts."""
    from setori.store import queries

    with open_store(db=db, settings=settings) as con:
        return queries.info(con)


def tracks(
    *,
    db: DbPath = None,
    mmsi: Sequence[int] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: BBox | None = None,
    settings: Settings | None = None,
) -> Tracks:
    """Positions with ``segment_id``, filtered by MMSI, time window and bounding box."""
    from setori.store import queries

    where = queries.TrackFilter(mmsi=tuple(mmsi), since=since, until=until, bbox=bbox)
    with open_store(db=db, settings=settings) as con:
        return Tracks(queries.tracks(con, where))


def vessels(
    *, db: DbPath = None, mmsi: Sequence[int] = (), settings: Settings | None = None
) -> pa.Table:
    """Per MMSI: names, IMO numbers, call signs and ship types seen, first/last time.

    ``ship_types`` are the AIS codes; ``ship_type_names`` the same in words (ITU-R M.1371).
    """
    from setori.shiptypes import with_ship_type_names
    from setori.store import queries

    with open_store(db=db, settings=settings) as con:
        return with_ship_type_names(queries.vessels(con, tuple(mmsi)))


def quarantine(*, db: DbPath = None, settings: Settings | None = None) -> pa.Table:
    """Every rejected input unit: source, line number, reason, raw text."""
    from setori.store import queries

    with open_store(db=db, settings=settings) as con:
        return queries.quarantine(con)


def detect(
    *,
    db: DbPath = None,
    profile: str = "gfw",
    types: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: BBox | None = None,
    on_detector: Callable[[str], None] | None = None,
    on_window: Callable[[datetime, datetime], None] | None = None,
    settings: Settings | None = None,
) -> DetectSummary:
    """Detect events over the stored tracks, store them (replacing that scope), summarise.

    Each detector is also usable alone on a positions table: see ``setori.detect.run``.
    """
    from setori import pipeline
    from setori.detect.context import default_view
    from setori.store import queries

    resolved = resolve_settings(db, settings)
    where = queries.TrackFilter(since=since, until=until, bbox=bbox)
    with open_store(mode="write", settings=resolved) as con:
        found = pipeline.run_detection(
            con,
            profile=profile,
            types=tuple(types),
            where=where,
            on_detector=on_detector,
            on_window=on_window,
            max_rows=resolved.detect_rows,
            segment_rows=resolved.segment_rows,
        )
    return DetectSummary(
        profile=profile,
        events=found.events,
        counts=found.counts,
        view=default_view(found.events, profile),
    )


def events(
    *,
    db: DbPath = None,
    types: Sequence[str] = (),
    profile: str | None = None,
    mmsi: Sequence[int] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: BBox | None = None,
    include_hidden: bool = False,
    settings: Settings | None = None,
) -> pa.Table:
    """Stored events of one profile (schema ``setori.detect.events.EVENTS``), filtered.

    ``profile`` defaults to the one detected last. The profile's default view applies
    unless ``include_hidden``: the ``gfw`` view hides encounters in port, as Global Fishing
    Watch does (they stay stored).
    """
    from setori.detect.context import default_view
    from setori.store import events as event_store

    with open_store(db=db, settings=settings) as con:
        chosen = profile or event_store.last_profile(con)
        if chosen is None:  # nothing detected yet
            from setori.detect.events import empty_events

            return empty_events()
        where = event_store.EventFilter(tuple(types), chosen, tuple(mmsi), since, until, bbox)
        table = event_store.read_events(con, where)
    return table if include_hidden else default_view(table, chosen)


def map_html(
    *,
    db: DbPath = None,
    profile: str | None = None,
    types: Sequence[str] = (),
    mmsi: Sequence[int] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    bbox: BBox | None = None,
    settings: Settings | None = None,
) -> str:
    """A self-contained HTML map (works offline) of tracks and one profile's events."""
    from setori.detect.events import empty_events
    from setori.export_map import render_map
    from setori.store import events as event_store
    from setori.store import queries

    where = queries.TrackFilter(tuple(mmsi), since, until, bbox)
    with open_store(db=db, settings=settings) as con:
        chosen = profile or event_store.last_profile(con)
        event_where = event_store.EventFilter(tuple(types), chosen, tuple(mmsi), since, until, bbox)
        found = event_store.read_events(con, event_where) if chosen else empty_events()
        return render_map(queries.tracks(con, where), found)


def load_lists(
    paths: Sequence[str | Path],
    *,
    db: DbPath = None,
    list_id: str | None = None,
    settings: Settings | None = None,
) -> list[ListLoad]:
    """Load (or update) sanctions lists: UN XML, OFAC CSV / XML, FtM JSON lines, a watchlist.

    Every file is read to the end before anything is stored (a broken file raises
    :class:`~setori.errors.ListFormatError` naming it); the store is created if missing.
    """
    from setori import investigate

    with open_store(db=db, mode="create", settings=settings) as con:
        return [
            ListLoad(
                list_id=found.list_id,
                source=found.source,
                version=found.version,
                entities=diff.total,
                added=len(diff.added),
                removed=len(diff.removed),
                changed=len(diff.changed),
                problems=len(found.problems),
            )
            for found, diff in investigate.load_lists(con, list(paths), list_id=list_id)
        ]


def lists(*, db: DbPath = None, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The lists in the store: id, source, version, when loaded, entities by schema."""
    from setori.store import lists as list_store

    with open_store(db=db, settings=settings) as con:
        return [list_store.list_info(con, lid) for lid in list_store.list_ids(con)]


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


def demo(
    *,
    db: DbPath = "setori-demo.duckdb",
    on_batch: BatchHook | None = None,
    settings: Settings | None = None,
) -> DemoReport:
    """The main job on real data: ingest, segment, detect (gfw), then screen every AIS
    identity against the real UN and OFAC lists.

    The AIS comes from the ``shared_data`` setting (``$SETORI_SHARED_DATA``) when it is
    set, else from the real DMA sample shipped in the package; screening needs the lists
    of ``shared_data`` and is skipped without them (``DemoReport.lists`` is then empty).
    """
    from setori.demo import demo_inputs, demo_lists

    resolved = resolve_settings(db, settings)
    inputs = demo_inputs(resolved.shared_data)
    summary = ingest(inputs, strict=False, on_batch=on_batch, settings=resolved)
    found = detect(profile="gfw", settings=resolved)
    list_paths = demo_lists(resolved.shared_data)
    loads = load_lists(list_paths, settings=resolved) if list_paths else []
    screened, listed, hits = _demo_screening(resolved) if loads else (0, 0, None)
    return DemoReport(
        db=resolved.db,
        inputs=inputs,
        ingest=summary,
        detection=found,
        info=info(settings=resolved),
        vessels=vessels(settings=resolved),
        sample_events=_demo_events(found),
        lists=loads,
        screened=screened,
        listed=listed,
        hits=hits,
    )


def _demo_events(found: DetectSummary, per_type: int = 3) -> pa.Table:
    """A readable sample of the shown events: encounters and loitering first, then the rest."""
    import pyarrow as pa
    import pyarrow.compute as pc

    shown = found.view
    order = ("encounter", "loitering", "dark_rendezvous", "dark_approach", "port_visit", "gap",
             "identity", "zone_entry")  # fmt: skip
    parts = [shown.filter(pc.equal(shown.column("type"), t)).slice(0, per_type) for t in order]
    return pa.concat_tables(parts)


def _demo_screening(settings: Settings) -> tuple[int, int, pa.Table]:
    from setori import investigate

    with open_store(settings=settings) as con:
        screener = investigate.build_screener(con)
        ais = investigate.ais_queries(con)
        return len(ais), len(screener.records), investigate.screen(screener, ais)
