"""Watch verbs: ingest, info, tracks, vessels, quarantine, detect, events, map_html, demo."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from setori.errors import InputError
from setori.results import DemoCase, DemoReport, DetectSummary, IngestSummary, ListLoad
from setori.settings import Settings
from setori.verbs.common import BBox, DbPath, open_store, resolve_settings
from setori.verbs.lists import load_lists

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

    from setori.ingest.batch import IngestBatch

__all__ = [
    "BatchHook",
    "Tracks",
    "demo",
    "detect",
    "events",
    "info",
    "ingest",
    "map_html",
    "quarantine",
    "tracks",
    "vessels",
]

#: Called after each committed batch with (source, batch, rows added).
BatchHook = Callable[[str, "IngestBatch", int], None]


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


def demo(
    *,
    db: DbPath = "setori-demo.duckdb",
    on_batch: BatchHook | None = None,
    settings: Settings | None = None,
) -> DemoReport:
    """The main job on real data: ingest, segment, detect (gfw), screen every AIS
    identity against the real UN and OFAC lists, then open a case on the vessel the risk
    triage ranks first and write its HTML and PDF reports beside the store.

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
    screened, listed, hits = _demo_screening(resolved, loads) if loads else (0, 0, None)
    case = _demo_case(resolved)
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
        case=case,
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


def _demo_screening(settings: Settings, loads: list[ListLoad]) -> tuple[int, int, pa.Table]:
    """Every AIS identity screened (and its alerting hits stored in the workspace)."""
    import json

    from setori.verbs.screening import SCREEN_META
    from setori.verbs.screening import screen as screen_identities

    hits = screen_identities(from_ais=True, settings=settings)
    meta = json.loads((hits.schema.metadata or {})[SCREEN_META])
    return int(meta["queries"]), sum(load.entities for load in loads), hits


#: Who the demo's case is opened by.
DEMO_ANALYST = "setori demo"


def _demo_case(settings: Settings, events_cited: int = 3) -> DemoCase | None:
    """A case on the vessel the risk triage ranks first: the vessel, its top-scoring
    events, its stored list hits and a note with the reasons; then its HTML and PDF
    reports beside the store. ``None`` when nothing scored."""
    from setori.cases.snapshot import vessel_key
    from setori.results import DemoCase
    from setori.verbs.cases import case_add, case_new
    from setori.verbs.report import report
    from setori.verbs.risk import risk
    from setori.verbs.workspace import analyst_add, analysts

    ranked = risk(top=1, settings=settings).to_pylist()
    if not ranked or not ranked[0]["score"]:
        return None
    top = ranked[0]
    if DEMO_ANALYST not in {a["name"] for a in analysts(settings=settings)}:
        analyst_add(DEMO_ANALYST, settings=settings)
    cited = list(dict.fromkeys(r["event_id"] for r in top["breakdown"] if r.get("event_id")))
    hits = list(dict.fromkeys(r["hit_id"] for r in top["breakdown"] if r.get("hit_id")))
    reasons = "; ".join(f"{r['points']:+d} {r['reason']}" for r in top["breakdown"])
    title = f"Demo: MMSI {top['mmsi']} {top.get('name') or ''}".rstrip()
    case_id = case_new(title, analyst=DEMO_ANALYST, settings=settings)
    added = case_add(
        case_id,
        vessels=[vessel_key(top["mmsi"])],  # "MMSI:001806011": never read as an IMO
        events=cited[:events_cited],
        hits=hits,
        notes=[f"Opened by setori demo: risk {top['score']} points ({reasons})."],
        analyst=DEMO_ANALYST,
        settings=settings,
    )
    stem = settings.db.with_suffix("")
    paths = (stem.with_suffix(".case.html"), stem.with_suffix(".case.pdf"))
    report(case_id, fmt="html", output=paths[0], settings=settings)
    report(case_id, fmt="pdf", output=paths[1], settings=settings)
    return DemoCase(case_id, title, int(top["score"]), len(added), paths)
