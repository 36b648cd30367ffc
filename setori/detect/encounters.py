"""Encounters (ship-to-ship transfers, 瀬取り): two vessels close and slow for a while.

Definition (Global Fishing Watch: Miller et al. 2018, doi:10.3389/fmars.2018.00240,
and ``GlobalFishingWatch/pipe-encounters``; detection.md 8.2 and 8.8): resample
every segment onto an epoch-aligned tick grid (:mod:`setori.detect.resample`);
at each tick pair the vessels within ``max_distance_m`` (spatial hashing on the
unit sphere, never all pairs); a run is a pair's consecutive ticks, allowing
``missing_ticks_tolerated`` missing ticks; keep runs lasting ``min_duration``
whose **two** median tick speeds are below ``max_median_speed_kn``; merge runs
of the same MMSI pair less than ``merge_gap`` apart. Each pair is reported once
(MMSIs sorted, one MMSI never paired with itself). Nothing is keyed by date, so
an encounter across midnight or split over two input files is found whole.

``docs/detect-encounters.md`` lists every parameter and evidence field.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from setori.detect.encounter_params import EncounterParams
from setori.detect.events import event_row, make_events
from setori.detect.resample import (
    KIND_EXTRAPOLATED,
    KIND_SLOW_GAP,
    SegmentPositions,
    Ticks,
    resample,
    segment_positions_of,
)
from setori.detect.track import Track, source_of, utc_from_ms
from setori.geo.sphere import chord_of_m, chord_to_m, unit_vectors

DETECTOR_VERSION = "encounters-1.0.0"
EVENT_TYPE = "encounter"

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

_CELL_LIMIT = 32_000  # cells per axis of the unit cube, so a packed cell key fits in int64
_HALF_NEIGHBOURHOOD = [
    (dx, dy, dz)
    for dx in (-1, 0, 1)
    for dy in (-1, 0, 1)
    for dz in (-1, 0, 1)
    if (dx, dy, dz) >= (0, 0, 0)
]


def detect_encounters(
    positions: pa.Table | pl.DataFrame | Track, params: EncounterParams
) -> pa.Table:
    """Encounter events (schema :data:`setori.detect.events.EVENTS`) in ``positions``.

    ``positions`` holds canonical position columns (``mmsi``, ``ts``, ``lat``,
    ``lon``; ``sog_kn``, ``cog_deg``, ``heading_deg``, ``row_id`` and
    ``segment_id`` are used when present, see
    :func:`setori.detect.resample.segment_positions_of`), in any row order.
    The result is sorted by (MMSI pair, start) and depends only on the set of rows.
    """
    if isinstance(positions, Track) and "segment_id" not in positions.source.columns:
        positions = source_of(positions)  # each MMSI is one segment
    tracks = segment_positions_of(positions)
    ticks = resample(tracks, params)
    pairs = tick_pairs(tracks, ticks, params)
    events = merge_runs(pairs, params)
    return make_events(_event_row(event, tracks, params) for event in events.iter_rows(named=True))


# --- pairs per tick --------------------------------------------------------------------


def close_pairs(tick: I64, xyz: F64, chord: float) -> tuple[I64, I64]:
    """Index pairs ``(i, j)``, ``i < j``, at the same tick with chord distance <= ``chord``.

    Spatial hashing (detection.md 8.8 step 3): points fall in cubic cells of side
    >= ``chord``; only points in the same or an adjacent cell (the 3x3x3 block,
    each cell pair visited once) are compared. Cost O(points + candidate pairs).
    """
    cell = max(chord, 2.0 / (_CELL_LIMIT - 3)) * (1 + 1e-9)
    side = int(2.0 / cell) + 3
    chunk = (1 << 62) // side**3
    found_i, found_j = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    rel = tick - (tick.min() if len(tick) else 0)
    for first in range(0, int(rel.max()) + 1 if len(rel) else 0, chunk):
        rows = np.flatnonzero((rel >= first) & (rel < first + chunk))
        i, j = _hashed_pairs(rel[rows] - first, xyz[rows], cell, side)
        keep = np.sum((xyz[rows[i]] - xyz[rows[j]]) ** 2, axis=1) <= chord * chord
        found_i.append(rows[i[keep]])
        found_j.append(rows[j[keep]])
    return np.concatenate(found_i), np.concatenate(found_j)


def _hashed_pairs(rel: I64, xyz: F64, cell: float, side: int) -> tuple[I64, I64]:
    """Candidate pairs from the same or adjacent cells (``i < j`` within a cell)."""
    c = np.floor((xyz + 1.0) / cell).astype(np.int64) + 1
    key = ((rel * side + c[:, 0]) * side + c[:, 1]) * side + c[:, 2]
    order = np.argsort(key, kind="stable")
    cells, first, size = np.unique(key[order], return_index=True, return_counts=True)
    out_i, out_j = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for dx, dy, dz in _HALF_NEIGHBOURHOOD:
        target = cells + (dx * side + dy) * side + dz
        at = np.minimum(np.searchsorted(cells, target), len(cells) - 1)
        a = np.flatnonzero(cells[at] == target)
        ia, ib = _cross(first[a], size[a], first[at[a]], size[at[a]])
        if (dx, dy, dz) == (0, 0, 0):
            ia, ib = ia[ia < ib], ib[ia < ib]
        out_i.append(order[ia])
        out_j.append(order[ib])
    i, j = np.concatenate(out_i), np.concatenate(out_j)
    return np.minimum(i, j), np.maximum(i, j)


def _cross(first_a: I64, size_a: I64, first_b: I64, size_b: I64) -> tuple[I64, I64]:
    """All (member of cell a, member of cell b) index pairs, vectorised."""
    total = size_a * size_b
    rep = np.repeat(np.arange(len(total)), total)
    within = np.arange(int(total.sum())) - np.repeat(np.cumsum(total) - total, total)
    return first_a[rep] + within // size_b[rep], first_b[rep] + within % size_b[rep]


def tick_pairs(tracks: SegmentPositions, ticks: Ticks, params: EncounterParams) -> pl.DataFrame:
    """One row per (MMSI pair, tick) closer than ``max_distance_m``, both vessels slower than
    ``prefilter_speed_kn``; ``a`` is the smaller MMSI, and of two segments of one MMSI at
    the same tick the closer is kept. Sorted by (a, b, tick)."""
    slow = np.flatnonzero(ticks.speed_kn < params.prefilter_speed_kn)
    xyz = unit_vectors(ticks.lat[slow], ticks.lon[slow])
    i, j = close_pairs(ticks.tick[slow], xyz, chord_of_m(params.max_distance_m))
    i, j = _smaller_mmsi_first(tracks.segment_mmsi[ticks.segment[slow]], i, j)
    pairs = _pair_table(tracks, ticks, slow, xyz, i, j).filter(_slow_gap_allowed(params))
    order = ["a", "b", "tick", "distance_m", "seg_a", "seg_b"]
    return pairs.sort(order).unique(["a", "b", "tick"], keep="first", maintain_order=True)


def _smaller_mmsi_first(mmsi: npt.NDArray[np.int32], i: I64, j: I64) -> tuple[I64, I64]:
    """Pairs of two different MMSIs, oriented so that ``mmsi[i] < mmsi[j]``."""
    distinct = mmsi[i] != mmsi[j]
    i, j = i[distinct], j[distinct]
    swap = mmsi[i] > mmsi[j]
    return np.where(swap, j, i), np.where(swap, i, j)


def _pair_table(
    tracks: SegmentPositions, ticks: Ticks, slow: I64, xyz: F64, i: I64, j: I64
) -> pl.DataFrame:
    """Columns of the pair ticks: MMSIs, tick, distance, midpoint vector, and per vessel its
    segment, tick speed and tick kind."""
    chord = np.sqrt(np.sum((xyz[i] - xyz[j]) ** 2, axis=1))
    mid = xyz[i] + xyz[j]
    rows: dict[str, npt.NDArray[Any]] = {
        "tick": ticks.tick[slow[i]],
        "distance_m": chord_to_m(chord),
    }
    rows |= {"x": mid[:, 0], "y": mid[:, 1], "z": mid[:, 2]}
    for side, k in (("a", slow[i]), ("b", slow[j])):
        rows |= {side: tracks.segment_mmsi[ticks.segment[k]], f"seg_{side}": ticks.segment[k]}
        rows |= {f"speed_{side}": ticks.speed_kn[k], f"kind_{side}": ticks.kind[k]}
    return pl.DataFrame(rows)


def _slow_gap_allowed(params: EncounterParams) -> pl.Expr:
    """A tick interpolated across a slow gap counts only if the other vessel is slow too."""
    slow = params.slow_speed_kn
    ok_a = (pl.col("kind_a") != KIND_SLOW_GAP) | (pl.col("speed_b") < slow)
    return ok_a & ((pl.col("kind_b") != KIND_SLOW_GAP) | (pl.col("speed_a") < slow))


# --- runs and merged events ------------------------------------------------------------


def merge_runs(pairs: pl.DataFrame, params: EncounterParams) -> pl.DataFrame:
    """One row per event: runs of a pair's ticks that pass the duration and speed rules,
    merged when less than ``merge_gap`` apart, with the statistics over their ticks."""
    pairs = observed_runs(pairs, params)
    runs = pairs.group_by("run").agg(
        pl.col("a").first(),
        pl.col("b").first(),
        start=pl.col("tick").min(),
        end=pl.col("tick").max(),
        speed_a=pl.col("speed_a").median(),
        speed_b=pl.col("speed_b").median(),
    )
    runs = runs.filter(_run_kept(params)).sort("a", "b", "start")
    gap = pl.col("start") - pl.col("end").shift(1)
    runs = runs.with_columns(event=_new_group(gap >= params.merge_gap / params.tick).cum_sum())
    kept = pairs.join(runs.select("run", "event"), on="run", how="inner")
    return _event_stats(kept).sort("a", "b", "start")


def observed_runs(pairs: pl.DataFrame, params: EncounterParams) -> pl.DataFrame:
    """Number the runs of ``pairs`` (sorted by a, b, tick): a run breaks when more than
    ``missing_ticks_tolerated`` ticks are missing. Each run is trimmed to its first and last
    tick at which neither vessel is dead-reckoned; runs without such a tick are dropped."""
    tolerance = 1 + params.missing_ticks_tolerated
    pairs = pairs.with_columns(run=_new_group(pl.col("tick").diff() > tolerance).cum_sum())
    observed = (pl.col("kind_a") != KIND_EXTRAPOLATED) & (pl.col("kind_b") != KIND_EXTRAPOLATED)
    observed_tick = pl.col("tick").filter(observed)
    lo, hi = observed_tick.min().over("run"), observed_tick.max().over("run")
    return pairs.filter(pl.col("tick").is_between(lo, hi))


def _new_group(breaks: pl.Expr) -> pl.Expr:
    """True where a new (a, b) pair starts or ``breaks`` holds (sorted by a, b, time)."""
    new_pair = (pl.col("a") != pl.col("a").shift(1)) | (pl.col("b") != pl.col("b").shift(1))
    return (new_pair.fill_null(True) | breaks.fill_null(True)).cast(pl.Int64)


def _run_kept(params: EncounterParams) -> pl.Expr:
    """Duration and both-speeds rules of a run (GFW keeps runs, then merges them)."""
    ticks = pl.col("end") - pl.col("start")
    needed = pl.lit(params.min_duration / params.tick)
    if params.flagged_min_duration is not None and params.flagged_mids:
        mids = list(params.flagged_mids)
        flagged = (pl.col("a") // 1_000_000).is_in(mids) | (pl.col("b") // 1_000_000).is_in(mids)
        needed = pl.when(flagged).then(params.flagged_min_duration / params.tick).otherwise(needed)
    fast = params.max_median_speed_kn
    return (ticks >= needed - 1e-9) & (pl.col("speed_a") < fast) & (pl.col("speed_b") < fast)


def _event_stats(kept: pl.DataFrame) -> pl.DataFrame:
    """Per-event statistics over the ticks of its runs."""
    return kept.group_by("event").agg(
        pl.col("a").first(),
        pl.col("b").first(),
        start=pl.col("tick").min(),
        end=pl.col("tick").max(),
        ticks=pl.len(),
        runs=pl.col("run").n_unique(),
        x=pl.col("x").sum(),
        y=pl.col("y").sum(),
        z=pl.col("z").sum(),
        median_distance_m=pl.col("distance_m").median(),
        min_distance_m=pl.col("distance_m").min(),
        speed_a=pl.col("speed_a").median(),
        speed_b=pl.col("speed_b").median(),
        extrapolated_a=(pl.col("kind_a") == KIND_EXTRAPOLATED).sum(),
        extrapolated_b=(pl.col("kind_b") == KIND_EXTRAPOLATED).sum(),
        slow_gap_ticks=(
            (pl.col("kind_a") == KIND_SLOW_GAP) | (pl.col("kind_b") == KIND_SLOW_GAP)
        ).sum(),
        segs_a=pl.col("seg_a").unique().sort(),
        segs_b=pl.col("seg_b").unique().sort(),
    )


# --- one event row ---------------------------------------------------------------------


def _event_row(
    event: dict[str, Any], tracks: SegmentPositions, params: EncounterParams
) -> dict[str, Any]:
    """The ``make_events`` dict of one event (a row of :func:`merge_runs`)."""
    tick_ms = params.tick // timedelta(milliseconds=1)
    start_ms, end_ms = event["start"] * tick_ms, event["end"] * tick_ms
    start, end = utc_from_ms(start_ms), utc_from_ms(end_ms)
    vessels = [_vessel_evidence(event, side, tracks, start_ms, end_ms) for side in ("a", "b")]
    mmsi = [int(event["a"]), int(event["b"])]
    subtype = _subtype(event, params)
    lat, lon = _lat_lon(event["x"], event["y"], event["z"])
    return event_row(
        EVENT_TYPE, subtype=subtype, mmsi=mmsi, start=start, end=end, lat=lat, lon=lon,
        duration_h=(end - start) / timedelta(hours=1), profile=params.profile,
        detector_version=DETECTOR_VERSION, id_params=params.as_dict(),
        segment_ids=sorted({s for v in vessels for s in v["segment_ids"]}), tags={},
        evidence=_evidence(event, vessels, params),
    )  # fmt: skip


def _evidence(
    event: dict[str, Any], vessels: list[dict[str, Any]], params: EncounterParams
) -> dict[str, Any]:
    """Pair-level evidence, the per-vessel evidence, and what produced the event."""
    return {
        "median_distance_m": event["median_distance_m"],
        "min_distance_m": event["min_distance_m"],
        "ticks": event["ticks"],
        "missing_ticks": event["end"] - event["start"] + 1 - event["ticks"],
        "runs_merged": event["runs"],
        "slow_gap_ticks": event["slow_gap_ticks"],
        "heading_difference_deg": _heading_difference(vessels),
        "vessels": vessels,
        "profile": params.profile,
        "params": params.as_dict(),
        "detector_version": DETECTOR_VERSION,
    }


def _subtype(event: dict[str, Any], params: EncounterParams) -> str:
    """``alongside`` (median distance <= alongside_distance_m), ``both_under_<x>kn`` (both
    medians below slow_speed_kn), else ``slow``; sub-classes only where the profile has them."""
    alongside = params.alongside_distance_m
    if alongside is not None and event["median_distance_m"] <= alongside:
        return "alongside"
    slow = params.slow_speed_kn
    if params.both_slow_subclass and event["speed_a"] < slow and event["speed_b"] < slow:
        return f"both_under_{slow:g}kn"
    return "slow"


def _lat_lon(x: float, y: float, z: float) -> tuple[float, float]:
    """Mean position from the sum of unit vectors (correct across the antimeridian)."""
    lat = float(np.degrees(np.arctan2(z, np.hypot(x, y))))
    return lat, float(np.degrees(np.arctan2(y, x)))


def _vessel_evidence(
    event: dict[str, Any], side: str, tracks: SegmentPositions, start_ms: int, end_ms: int
) -> dict[str, Any]:
    """Per-vessel evidence: median tick speed and the real positions inside the window."""
    rows = np.concatenate(
        [_rows_between(tracks, s, start_ms, end_ms) for s in event[f"segs_{side}"]]
    )
    rows = rows[np.argsort(tracks.ts_ms[rows], kind="stable")]
    source = tracks.input_rows(rows)
    row_ids = None if tracks.row_id is None else tracks.row_id[source]
    heading = tracks.heading_deg[source]
    heading = heading[~np.isnan(heading)]
    return {
        "mmsi": int(event[side]),
        "median_speed_kn": event[f"speed_{side}"],
        "point_count": len(rows),
        "extrapolated_ticks": event[f"extrapolated_{side}"],
        "first_row_id": None if row_ids is None or not len(rows) else int(row_ids[0]),
        "last_row_id": None if row_ids is None or not len(rows) else int(row_ids[-1]),
        "mean_heading_deg": _circular_mean_deg(heading),
        "segment_ids": [tracks.segment_ids[s] for s in event[f"segs_{side}"]],
    }


def _rows_between(tracks: SegmentPositions, segment: int, start_ms: int, end_ms: int) -> I64:
    lo, hi = tracks.start[segment], tracks.start[segment + 1]
    ts = tracks.ts_ms[lo:hi]
    first = lo + np.searchsorted(ts, start_ms, side="left")
    last = lo + np.searchsorted(ts, end_ms, side="right")
    return np.arange(first, last, dtype=np.int64)


def _circular_mean_deg(angles_deg: F64) -> float | None:
    if not len(angles_deg):
        return None
    rad = np.radians(angles_deg)
    return float(np.degrees(np.arctan2(np.sin(rad).mean(), np.cos(rad).mean())) % 360.0)


def _heading_difference(vessels: list[dict[str, Any]]) -> float | None:
    """Smallest angle between the two vessels' mean headings (0-180); None if unknown."""
    a, b = vessels[0]["mean_heading_deg"], vessels[1]["mean_heading_deg"]
    if a is None or b is None:
        return None
    return float(abs((a - b + 180.0) % 360.0 - 180.0))
