"""Wiring: read inputs, write them into the store, keep segments current.

This is the edge where the domain (``setori.ingest``, ``setori.tracks``) meets
the store; the CLI and the Python API call these functions.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from setori import schema
from setori.detect.run import Detection, check_request, detect
from setori.detect.windows import MIN_OVERLAP, detect_windowed
from setori.errors import InputError
from setori.ingest.batch import IngestBatch
from setori.ingest.rowid import position_row_ids
from setori.ingest.sources import ReadOptions, read_source, source_name
from setori.results import IngestSummary
from setori.store import queries
from setori.store import segments as seg_store
from setori.store.events import EventFilter, record_run, replace_events
from setori.store.queries import TrackFilter
from setori.store.writes import end_source, write_batch

log = logging.getLogger("setori.ingest")

#: Called after each committed batch with (source, batch, rows added).
ProgressHook = Callable[[str, IngestBatch, int], None]
#: Positions segmented per transaction (bounded memory): the ``segment_rows`` setting.
SEGMENT_PARTITION_ROWS = 2_000_000
#: Most positions ``run_detection`` reads at once (the ``detect_rows`` setting); a larger
#: scope runs by time windows.
DETECT_WINDOW_ROWS = 20_000_000

__all__ = ["IngestSummary", "ingest", "ingest_source", "run_detection", "update_segments"]


def with_row_ids(positions: pa.Table) -> pa.Table:
    """Canonical positions -> stored positions: add ``row_id``, drop duplicates in the batch."""
    positions = positions.cast(schema.POSITIONS)
    table = positions.add_column(0, "row_id", position_row_ids(positions))
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    unique = frame.unique(subset=["row_id"], keep="first", maintain_order=True)
    return unique.to_arrow().cast(schema.STORED_POSITIONS)


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    options: ReadOptions,
    summary: IngestSummary,
    on_batch: ProgressHook | None = None,
) -> None:
    """Read one input batch by batch; commit each batch atomically."""
    name = source_name(path)
    per_source = summary.per_source.setdefault(name, Counter())
    batches = 0
    for batch_no, batch in enumerate(read_source(path, options)):
        batches = batch_no + 1
        added = write_batch(
            con,
            source=name,
            batch_no=batch_no,
            positions=with_row_ids(batch.positions),
            statics=batch.statics.cast(schema.STATICS),
            quarantine=batch.quarantine.cast(schema.QUARANTINE),
            counts=batch.counts,
            lines=batch.lines,
        )
        log.info(
            "committed batch %d of %s: %d lines, %d new positions",
            batch_no,
            name,
            batch.lines,
            added.new_positions,
        )
        summary.lines += batch.lines
        summary.new_positions += added.new_positions
        summary.new_statics += added.new_statics
        summary.quarantined += batch.quarantine.num_rows
        summary.counts.update(batch.counts)
        per_source.update(batch.counts)
        if on_batch is not None:
            on_batch(name, batch, added.new_positions)
    end_source(con, source=name, batches=batches)


def _segment(positions: pa.Table) -> pa.Table:
    from setori.tracks.segment import segment_positions

    return segment_positions(positions).to_arrow()


def update_segments(
    con: duckdb.DuckDBPyConnection, *, max_rows: int = SEGMENT_PARTITION_ROWS
) -> int:
    """Recompute segments of every MMSI that received new positions."""
    done = 0
    for mmsis in list(seg_store.dirty_partitions(con, max_rows=max_rows)):
        done += seg_store.resegment(con, mmsis, _segment)
    return done


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[str | Path],
    options: ReadOptions | None = None,
    on_batch: ProgressHook | None = None,
    *,
    segment_rows: int = SEGMENT_PARTITION_ROWS,
) -> IngestSummary:
    """Ingest every input, then bring segments up to date.

    An input that cannot be read (:class:`~setori.errors.InputError`) is recorded in
    ``failures`` and the others go on; the batches it committed before failing stay, and
    segments are brought up to date whatever failed.
    """
    summary = IngestSummary()
    for path in paths:
        try:
            ingest_source(con, path, options or ReadOptions(), summary, on_batch)
        except InputError as exc:
            log.info("input failed: %s", exc)
            summary.failures.append(str(exc))
    summary.segmented_rows = update_segments(con, max_rows=segment_rows)
    return summary


def run_detection(
    con: duckdb.DuckDBPyConnection,
    *,
    profile: str = "gfw",
    types: tuple[str, ...] = (),
    where: TrackFilter | None = None,
    on_detector: Callable[[str], None] | None = None,
    on_window: Callable[[datetime, datetime], None] | None = None,
    max_rows: int | None = None,
    segment_rows: int = SEGMENT_PARTITION_ROWS,
) -> Detection:
    """Detect events over the stored tracks in ``where`` and replace them in the store.

    Only segmented positions are used (rows the segmenter dropped as single-point jumps are
    not evidence of movement). Re-running with the same inputs and parameters replaces the
    events of that scope, so ids stay stable and nothing is duplicated.

    A scope of more than ``max_rows`` positions (default ``DETECT_WINDOW_ROWS``, 20 M, the
    ``detect_rows`` setting) is detected by time windows
    (:func:`setori.detect.windows.detect_windowed`: cores sized to hold about ``max_rows``
    positions with one day of overlap on each side), so memory stays bounded whatever the
    store holds; ``on_window(c0, c1)`` is called before each core. The run is recorded, so
    readers can default to the profile detected last.
    """
    wanted = check_request(profile, types)
    update_segments(con, max_rows=segment_rows)
    where = where or TrackFilter()
    limit = max_rows or DETECT_WINDOW_ROWS
    rows, first, last = queries.segmented_span(con, where)
    if rows <= limit or first is None or last is None:
        positions = queries.segmented_positions(con, where)
        statics = queries.statics_for(con, where)
        found = detect(positions, statics, profile=profile, types=wanted, on_detector=on_detector)
    else:
        found = _detect_by_windows(
            con, where, (rows, first, last), limit, profile, wanted, on_detector, on_window
        )
    scope = EventFilter(
        types=wanted, profile=profile, since=where.since, until=where.until, bbox=where.bbox
    )
    replace_events(con, found.events, scope)
    record_run(con, profile=profile, types=wanted, events=found.events.num_rows)
    return found


def window_core(rows: int, first: datetime, last: datetime, max_rows: int) -> timedelta:
    """The core length whose windows (core plus a day of overlap each side) hold about
    ``max_rows`` of ``rows`` positions spread evenly from ``first`` to ``last`` (>= 1 day)."""
    days = max((last - first) / timedelta(days=1), 1 / 24)
    per_day = rows / days
    core_days = math.floor(max_rows / per_day - 2 * MIN_OVERLAP / timedelta(days=1))
    return timedelta(days=max(1, core_days))


def _detect_by_windows(
    con: duckdb.DuckDBPyConnection,
    where: TrackFilter,
    span: tuple[int, datetime, datetime],
    max_rows: int,
    profile: str,
    wanted: tuple[str, ...],
    on_detector: Callable[[str], None] | None,
    on_window: Callable[[datetime, datetime], None] | None,
) -> Detection:
    rows, first, last = span

    def within(t0: datetime, t1: datetime) -> TrackFilter:
        since = t0 if where.since is None else max(t0, where.since)
        until = t1 if where.until is None else min(t1, where.until)
        return replace(where, since=since, until=until)

    core = window_core(rows, first, last, max_rows)
    log.info("detecting %d positions by windows of %s", rows, core)
    return detect_windowed(
        lambda t0, t1: queries.segmented_positions(con, within(t0, t1)),
        first,
        last + timedelta(milliseconds=1),
        window=core,
        overlap=MIN_OVERLAP,
        profile=profile,
        types=wanted,
        load_statics=lambda t0, t1: queries.statics_for(con, within(t0, t1)),
        on_window=on_window,
        on_detector=on_detector,
    )
