"""Detection over long periods, window by window with overlap (detection.md §8.2, §8.8).

"Never key by date: sliding windows with >= 1 day of overlap, dedupe on (pair, start)"
(detection.md §8.2, the GFW PIPELINE-2137 bug; §8.8 step 6). :func:`detect_windowed` cuts
``[start, end)`` into *cores* of length ``window``; for each core ``[c0, c1)`` it loads the
positions of ``[c0 - overlap, c1 + overlap)``, runs :func:`setori.detect.run.detect` on them
and keeps the events whose start lies in the core. Every event starts in exactly one core,
so it is kept once; the ids are stable (same positions and parameters, same id), so a
duplicate would show as a repeated id, and is dropped.

An event that lasts past the end of its window's data is cut there. The next window sees
it from its own first position on, i.e. starting before its core (not kept), overlapping
the kept event in time, with the same type, subtype, MMSIs and segments: such a
*continuation* extends the kept event's ``end`` (and ``duration_h``). The kept event's
evidence still describes the part its own window saw.

What the overlap must cover (choose it at least this long):

* the longest event to be reported whole, and the time a detector looks back: the gaps'
  12 h prior-reporting window, a 24 h gap (the segmenter's split), one hourly loitering
  bucket; an event that starts in the leading overlap is then seen from its true start;
* the longest silence to be reported as a closed gap: a vessel silent from its last
  position to the end of its window's data ends in an *open* gap there, closed only if it
  reports again within the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
import pyarrow as pa

from setori.detect.events import EVENTS, empty_events
from setori.detect.run import Detection, Positions, check_request, detect
from setori.errors import InputError

log = logging.getLogger("setori.detect")

MIN_OVERLAP = timedelta(days=1)
#: What makes a continuation the same event (besides overlapping in time).
_SAME_EVENT = ["type", "subtype", "mmsi", "segment_ids"]

LoadWindow = Callable[[datetime, datetime], Positions]
LoadStatics = Callable[[datetime, datetime], pa.Table | None]


@dataclass(frozen=True, slots=True)
class ParquetWindows:
    """A picklable ``load_window`` over Parquet files of positions (a path, folder glob or
    list of paths, as :func:`polars.scan_parquet` takes), each window read with a predicate
    on ``ts`` (row groups outside it are skipped)."""

    source: str | tuple[str, ...]

    def __call__(self, t0: datetime, t1: datetime) -> pl.DataFrame:
        ts = pl.col("ts")
        files = list(self.source) if isinstance(self.source, tuple) else self.source
        return pl.scan_parquet(files).filter((ts >= t0) & (ts < t1)).collect()


def cores(start: datetime, end: datetime, window: timedelta) -> Iterator[tuple[datetime, datetime]]:
    """The consecutive ``[c0, c1)`` of length ``window`` (the last one shorter) covering
    ``[start, end)``."""
    c0 = start
    while c0 < end:
        yield c0, min(c0 + window, end)
        c0 += window


def detect_windowed(
    load_window: LoadWindow,
    start: datetime,
    end: datetime,
    *,
    window: timedelta = timedelta(days=7),
    overlap: timedelta = MIN_OVERLAP,
    profile: str = "gfw",
    types: Sequence[str] = (),
    load_statics: LoadStatics | None = None,
    on_window: Callable[[datetime, datetime], None] | None = None,
    on_detector: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> Detection:
    """Events starting in ``[start, end)``, detected window by window (module docstring).

    ``load_window(t0, t1)`` returns the positions with ``t0 <= ts < t1`` (columns as for
    :func:`~setori.detect.run.detect`, with ``row_id`` and ``segment_id``);
    ``load_statics(t0, t1)`` the static reports, when given. ``on_window(c0, c1)`` is
    called before each core is processed, ``on_detector(name)`` before each detector runs
    (as in :func:`~setori.detect.run.detect`).

    With an ``executor`` (any :class:`concurrent.futures.Executor`: a process pool with the
    ``spawn`` start method (forking a process that runs Polars' thread pool can deadlock),
    or a Dask cluster's ``distributed.Client(...).get_executor()``), the windows are detected in
    parallel, each where the executor runs it, and merged here in time order: the same
    events as one after the other. The loaders must then be picklable (Dask pickles with
    cloudpickle, so lambdas do; a process pool needs module-level functions or objects),
    each worker holds one window's positions, and ``on_detector`` is not called;
    ``on_window`` is called as each core's events arrive.
    """
    _check(start, end, window, overlap)
    wanted = check_request(profile, types)
    jobs = [
        (core, _WindowJob(load_window, load_statics, core[0] - overlap, core[1] + overlap))
        for core in cores(start, end, window)
    ]
    if executor is None:
        results: Iterator[pa.Table] = (
            _run_job(job, profile, wanted, on_window, on_detector, core) for core, job in jobs
        )
    else:
        futures = [executor.submit(job.detect, profile, wanted) for _, job in jobs]
        results = (_arrived(f, core, on_window) for f, (core, _) in zip(futures, jobs, strict=True))
    kept = empty_events()
    for (c0, c1), events in zip((core for core, _ in jobs), results, strict=True):
        inside, before = _split_by_start(events, c0, c1)
        kept = _extend(_once([kept, inside]), before)
        log.info("window %s - %s: %d events kept", c0, c1, inside.num_rows)
    return Detection(events=kept, counts=_counts(kept, wanted))


@dataclass(frozen=True, slots=True)
class _WindowJob:
    """One window's loading and detection, picklable when its loaders are."""

    load_window: LoadWindow
    load_statics: LoadStatics | None
    t0: datetime
    t1: datetime

    def detect(
        self,
        profile: str,
        types: Sequence[str],
        on_detector: Callable[[str], None] | None = None,
    ) -> pa.Table:
        statics = self.load_statics(self.t0, self.t1) if self.load_statics is not None else None
        positions = self.load_window(self.t0, self.t1)
        return detect(
            positions, statics, profile=profile, types=types, on_detector=on_detector
        ).events


def _run_job(
    job: _WindowJob,
    profile: str,
    wanted: Sequence[str],
    on_window: Callable[[datetime, datetime], None] | None,
    on_detector: Callable[[str], None] | None,
    core: tuple[datetime, datetime],
) -> pa.Table:
    if on_window is not None:
        on_window(*core)
    return job.detect(profile, wanted, on_detector)


def _arrived(
    future: Future[pa.Table],
    core: tuple[datetime, datetime],
    on_window: Callable[[datetime, datetime], None] | None,
) -> pa.Table:
    events = future.result()
    if on_window is not None:
        on_window(*core)
    return events


def _check(start: datetime, end: datetime, window: timedelta, overlap: timedelta) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InputError(f"start {start!r} / end {end!r}: expected timezone-aware datetimes")
    if window <= timedelta(0):
        raise InputError(f"window is {window}; expected a positive duration")
    if overlap < MIN_OVERLAP:
        raise InputError(f"overlap is {overlap}; expected at least {MIN_OVERLAP} (§8.2)")


def _concat(tables: list[pa.Table]) -> pa.Table:
    tables = [t.select(EVENTS.names).cast(EVENTS) for t in tables if t.num_rows]
    return pa.concat_tables(tables) if tables else empty_events()


def _split_by_start(events: pa.Table, c0: datetime, c1: datetime) -> tuple[pa.Table, pa.Table]:
    """Events starting in ``[c0, c1)``, and those starting before ``c0``."""
    frame = pl.DataFrame(events)
    if frame.is_empty():
        return events, events
    start = pl.col("start")
    inside = frame.filter((start >= c0) & (start < c1)).to_arrow()
    return inside.cast(EVENTS), frame.filter(start < c0).to_arrow().cast(EVENTS)


def _once(tables: list[pa.Table]) -> pa.Table:
    """The events of every core, each id once (the first seen), ordered by (start, id)."""
    frame = pl.DataFrame(_concat(tables))
    duplicates = frame.height - frame["id"].n_unique()
    if duplicates:
        log.warning("%d events were found in two windows; kept once", duplicates)
    unique = frame.unique(subset="id", keep="first", maintain_order=True)
    return unique.sort("start", "id").to_arrow().cast(EVENTS)


def _extend(events: pa.Table, continuations: pa.Table) -> pa.Table:
    """Kept events with their ``end`` extended by the continuations that overlap them (an
    open continuation makes the event open)."""
    if events.num_rows == 0 or continuations.num_rows == 0:
        return events
    frame = pl.DataFrame(events).with_row_index("_k")
    later = pl.DataFrame(continuations).select(
        *_SAME_EVENT, pl.col("start").alias("c_start"), pl.col("end").alias("c_end")
    )
    found = (
        frame.select("_k", *_SAME_EVENT, "end")
        .join(later, on=_SAME_EVENT, nulls_equal=True)
        .filter(pl.col("c_start") <= pl.col("end").fill_null(pl.col("c_start")))
        .group_by("_k")
        .agg(pl.col("c_end").is_null().any().alias("_open"), pl.col("c_end").max().alias("_end"))
    )
    end, changed = pl.col("end"), pl.col("_open") | (pl.col("_end") > pl.col("end"))
    hours = (pl.col("end") - pl.col("start")).dt.total_milliseconds() / 3_600_000
    extended = (
        frame.join(found, on="_k", how="left")
        .with_columns(_changed=changed.fill_null(False) & end.is_not_null())
        .with_columns(
            end=pl.when(pl.col("_open"))
            .then(None)
            .when(pl.col("_changed"))
            .then("_end")
            .otherwise(end)
        )
        .with_columns(duration_h=pl.when("_changed").then(hours).otherwise("duration_h"))
    )
    return extended.drop("_k", "_open", "_end", "_changed").to_arrow().cast(EVENTS)


def _counts(events: pa.Table, wanted: Sequence[str]) -> dict[str, int]:
    types = pl.DataFrame(events)["type"] if events.num_rows else pl.Series([], dtype=pl.String)
    return {name: int((types == name).sum()) for name in wanted}
