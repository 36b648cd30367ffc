"""Windowed detection (``setori.detect.windows``) gives the whole-data events.

The world of ``scenarios.world`` over 96 h (every event type, events across window
boundaries), cut into 12 h cores with 1 day of overlap, against one ``detect`` call on all
of it, in both profiles.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from scenarios import World, world

from setori.detect.run import PROFILES, detect
from setori.detect.windows import ParquetWindows, cores, detect_windowed
from setori.errors import InputError

CORE, OVERLAP = timedelta(hours=12), timedelta(days=1)
#: Columns that must agree exactly, whatever the event.
SAME = ["id", "type", "subtype", "mmsi", "segment_ids", "start", "end", "lat", "lon"]


@cache
def long_world() -> World:
    return world(np.random.default_rng(5), hours=96)


def load(t0: datetime, t1: datetime) -> pa.Table:
    ts = pl.col("ts")
    return long_world().positions.filter((ts >= t0) & (ts < t1)).to_arrow()


@cache
def both(profile: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    w = long_world()
    whole = detect(w.positions.to_arrow(), profile=profile).events
    end = w.end + timedelta(minutes=1)
    windowed = detect_windowed(
        load, w.start, end, window=CORE, overlap=OVERLAP, profile=profile
    ).events
    return _rows(whole), _rows(windowed)


def _rows(events: pa.Table) -> list[dict[str, Any]]:
    rows = sorted(events.to_pylist(), key=lambda r: r["id"])
    for row in rows:
        row["tags"], row["evidence"] = json.loads(row["tags"]), json.loads(row["evidence"])
    return rows


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.slow
def test_windowed_events_are_the_whole_data_events(profile: str) -> None:
    whole, windowed = both(profile)
    assert len(whole) == len(windowed) > 50
    assert len({r["id"] for r in windowed}) == len(windowed)
    crossing = [r for r in whole if _core_of(r["start"]) != _core_of(r["end"])]
    assert len(crossing) > 10  # events across core boundaries are there
    for a, b in zip(whole, windowed, strict=True):
        assert [a[c] for c in SAME] == [b[c] for c in SAME]
        assert a["duration_h"] == pytest.approx(b["duration_h"])


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.slow
def test_windowed_evidence_differs_only_where_it_measures_the_window(profile: str) -> None:
    """Events longer than the overlap (an invalid MMSI seen for 96 h, a cloned MMSI) are
    extended across windows, but their counts and night share describe the first window;
    a gap's reception raster is measured over the window's positions."""
    for a, b in zip(*both(profile), strict=True):
        long_event = a["end"] - a["start"] > OVERLAP
        tags, evidence = _diff(a["tags"], b["tags"]), _diff(a["evidence"], b["evidence"])
        if long_event:
            assert a["subtype"] in ("invalid_mmsi", "mmsi_cloning")
            assert tags <= {"night_share", "n_jumps"}
            assert evidence <= {"n_positions", "n_jumps", "median_distance_km"}
        elif a["type"] == "gap":
            assert not tags and evidence <= {"reception_vessel_hours", "reception_pvh"}
        else:
            assert not tags and not evidence, a["type"]


def _diff(a: dict[str, Any], b: dict[str, Any]) -> set[str]:
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def _core_of(t: datetime | None) -> int:
    return -1 if t is None else int((t - long_world().start) // CORE)


def test_cores_cover_the_period_once() -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    got = list(cores(t0, t0 + timedelta(days=2, hours=5), timedelta(days=1)))
    assert got == [
        (t0, t0 + timedelta(days=1)),
        (t0 + timedelta(days=1), t0 + timedelta(days=2)),
        (t0 + timedelta(days=2), t0 + timedelta(days=2, hours=5)),
    ]


def test_overlap_below_one_day_and_naive_times_are_refused() -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(InputError, match="at least 1 day"):
        detect_windowed(load, t0, t0 + CORE, window=CORE, overlap=timedelta(hours=12))
    with pytest.raises(InputError, match="timezone-aware"):
        detect_windowed(load, datetime(2024, 1, 1), t0, window=CORE)


@pytest.mark.slow
def test_windowed_counts_per_detector_are_the_whole_data_counts() -> None:
    w = long_world()
    whole = detect(w.positions.to_arrow()).counts
    windowed = detect_windowed(load, w.start, w.end + timedelta(minutes=1), window=CORE).counts
    assert windowed == whole
    assert whole["zone_entry"] > 0 and whole["encounter"] > 0


@pytest.fixture(scope="module")
def world_parquet(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("world") / "positions.parquet"
    long_world().positions.write_parquet(path, row_group_size=20_000)
    return str(path)


def _windowed(loader: Any, executor: Any = None) -> pa.Table:
    w = long_world()
    end = w.end + timedelta(minutes=1)
    return detect_windowed(loader, w.start, end, window=CORE, executor=executor).events


@pytest.mark.slow
def test_windows_on_a_process_pool_give_the_sequential_events(world_parquet: str) -> None:
    """Each window detected in its own process (loaders pickled), merged in time order.
    Processes are spawned: forking a process that runs Polars' and numba's thread pools
    can deadlock the child."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    loader = ParquetWindows(world_parquet)
    sequential = _windowed(loader)
    seen: list[datetime] = []
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        w = long_world()
        parallel = detect_windowed(
            loader, w.start, w.end + timedelta(minutes=1), window=CORE, executor=pool,
            on_window=lambda c0, c1: seen.append(c0),
        ).events  # fmt: skip
    assert sequential.num_rows > 50
    assert parallel.equals(sequential)
    assert seen == sorted(seen) and len(seen) == 9  # 96 h + 1 min in 12 h cores


@pytest.mark.slow
def test_windows_on_a_dask_cluster_give_the_sequential_events(world_parquet: str) -> None:
    """The same code on Dask: a local cluster of two worker processes, through the
    concurrent.futures interface of its client."""
    from distributed import Client, LocalCluster

    loader = ParquetWindows(world_parquet)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        on_dask = _windowed(loader, client.get_executor())
    assert on_dask.equals(_windowed(loader))
