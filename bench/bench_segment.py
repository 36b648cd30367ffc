"""Benchmark setori.tracks.segment.segment_positions on synthetic AIS.

Generates N positions of M vessels (random start, 0-22 kn, wandering course,
reports every 2 s to 6 min), where a share of the MMSIs is used by two
transmitters far apart, a few reports are spoofed outliers and a few carry
AIS "not available" coordinates. Times segment_positions on the rows in
(mmsi, ts) order (as a store hands them over) and in random order, and the
compiled kernel alone; prints positions/s and peak RSS.

Runs on one core by default (POLARS_MAX_THREADS=1; numba kernels are serial).

    python bench/bench_segment.py --positions 10_000_000 --vessels 20_000 --runs 3
    python bench/bench_segment.py --quick    # 200,000 positions, 500 transmitters
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")

import functools
import resource
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import psutil
import pyarrow as pa
from _timing import Row, Runs, markdown_block, parser, table, time_call

from setori.tracks import segment_kernels
from setori.tracks.segment import SegmenterParams, segment_positions

EARTH_RADIUS_M = 6_371_008.8
KN_MPS = 1852.0 / 3600.0
T0_MS = 1_719_705_600_000  # 2024-06-30T00:00:00Z


def _per_vessel_cumsum(
    values: npt.NDArray[np.float64], starts: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """Cumulative sums restarting at each vessel's first row."""
    total = np.cumsum(values)
    offsets = np.repeat(total[starts] - values[starts], np.diff(np.append(starts, len(values))))
    out: npt.NDArray[np.float64] = total - offsets
    return out


def synthetic_positions(
    n_positions: int, n_vessels: int, *, shared_share: float, seed: int
) -> pa.Table:
    """``n_positions`` rows of ``n_vessels`` transmitters; some pairs share an MMSI."""
    rng = np.random.default_rng(seed)
    vessel = np.sort(rng.integers(0, n_vessels, n_positions))
    starts = np.flatnonzero(np.r_[True, vessel[1:] != vessel[:-1]]).astype(np.int64)
    mean_interval_s = rng.choice([2.0, 10.0, 30.0, 180.0, 360.0], n_vessels)
    dt_s = rng.exponential(mean_interval_s[vessel]) + 1.0
    dt_s[starts] = rng.uniform(0, 86_400, len(starts))
    t_s = _per_vessel_cumsum(dt_s, starts)
    speed_mps = rng.uniform(0.0, 22.0, n_vessels)[vessel] * KN_MPS
    course = _per_vessel_cumsum(rng.normal(0.0, 0.05, n_positions), starts)
    course += rng.uniform(0, 2 * np.pi, n_vessels)[vessel]
    step_m = speed_mps * np.where(np.isin(np.arange(n_positions), starts), 0.0, dt_s)
    lat0 = rng.uniform(-60.0, 60.0, n_vessels)[vessel]
    lon0 = rng.uniform(-180.0, 180.0, n_vessels)[vessel]
    north_m = _per_vessel_cumsum(step_m * np.cos(course), starts)
    east_m = _per_vessel_cumsum(step_m * np.sin(course), starts)
    lat = np.clip(lat0 + np.degrees(north_m / EARTH_RADIUS_M), -89.9, 89.9)
    lon = (
        lon0 + np.degrees(east_m / (EARTH_RADIUS_M * np.cos(np.radians(lat0)))) + 540
    ) % 360 - 180
    lat += rng.normal(0.0, 1e-4, n_positions)  # ~10 m GPS noise
    # A share of vessels reuse another vessel's MMSI (vessel v and v + 1 share one).
    mmsi_of_vessel = 200_000_000 + np.arange(n_vessels, dtype=np.int32)
    shared = rng.random(n_vessels) < shared_share
    mmsi_of_vessel[1:][shared[1:]] = mmsi_of_vessel[:-1][shared[1:]]
    outlier = rng.random(n_positions) < 5e-4
    lat[outlier], lon[outlier] = (
        rng.uniform(-60, 60, outlier.sum()),
        rng.uniform(-180, 180, outlier.sum()),
    )
    invalid = rng.random(n_positions) < 1e-4
    lat[invalid], lon[invalid] = 91.0, 181.0
    return pa.table(
        {
            "row_id": pa.array(rng.permutation(n_positions).astype(np.uint64)),
            "mmsi": pa.array(mmsi_of_vessel[vessel]),
            "ts": pa.array(T0_MS + (t_s * 1000).astype(np.int64), pa.timestamp("ms", tz="UTC")),
            "lat": pa.array(lat),
            "lon": pa.array(lon),
            "transmitter": pa.array(vessel.astype(np.int32)),
        }
    )


def purity(table: pl.DataFrame, out: pl.DataFrame) -> str:
    """How well segments match transmitters: rows in their segment's majority transmitter."""
    joined = out.join(table.select("row_id", "transmitter"), on="row_id").drop_nulls("segment_id")
    per_seg = joined.group_by("segment_id", "transmitter").len().group_by("segment_id")
    majority = per_seg.agg(pl.col("len").max().alias("top"), pl.col("len").sum().alias("all"))
    pure = (majority["top"] == majority["all"]).sum() / majority.height
    kept = float(majority["top"].sum()) / float(majority["all"].sum())
    return (f"{kept:.4%} of kept rows in their segment's majority transmitter; "
            f"{pure:.2%} of segments hold one transmitter only")  # fmt: skip


def time_kernel(df: pl.DataFrame, runs: int) -> Runs:
    """The compiled pass alone, on rows already sorted by (mmsi, ts, row_id)."""
    params = SegmenterParams()
    s = df.with_columns(pl.col("ts").dt.epoch("ms")).sort("mmsi", "ts", "row_id")
    arrays = (s["mmsi"].to_numpy(), s["ts"].to_numpy(), s["lat"].to_numpy(), s["lon"].to_numpy())
    config = params.kernel_config()
    timed, _ = time_call(
        lambda: segment_kernels.assign_segments(*arrays, config, params.max_open_segments), runs
    )
    return timed


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--positions", type=lambda s: int(s.replace("_", "")), default=10_000_000)
    p.add_argument("--vessels", type=lambda s: int(s.replace("_", "")), default=20_000)
    p.add_argument("--shared-share", type=float, default=0.02, help="vessels sharing an MMSI")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    positions, vessels, runs = (
        (200_000, 500, 3) if args.quick else (args.positions, args.vessels, args.runs)
    )

    segment_positions(synthetic_positions(1000, 10, shared_share=0.2, seed=0))  # JIT / cache load
    share = args.shared_share
    generated = synthetic_positions(positions, vessels, shared_share=share, seed=args.seed)
    n = generated.num_rows
    ordered = pl.DataFrame(generated).sort("mmsi", "ts", "row_id")
    shuffled = ordered.sample(fraction=1.0, shuffle=True, seed=args.seed)
    rss_before_mib = psutil.Process().memory_info().rss / 2**20

    out = segment_positions(ordered)
    reasons = out["dropped_reason"].value_counts(sort=True)
    dropped = dict(zip(reasons["dropped_reason"], reasons["count"], strict=True))
    rows = []
    for label, frame in (("rows in (mmsi, ts) order", ordered), ("rows in random order", shuffled)):
        timed, _ = time_call(functools.partial(segment_positions, frame), runs)
        rows.append(Row(f"`segment_positions`, {label}", timed, n))
    rows.append(Row("stage: compiled pass alone (sorted arrays)", time_kernel(ordered, runs), n))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    body = [
        f"- Input (synthetic): {n:,} positions, {vessels:,} transmitters, "
        f"{ordered['mmsi'].n_unique():,} MMSIs, "
        f"POLARS_MAX_THREADS={os.environ['POLARS_MAX_THREADS']}; {runs} runs each in one "
        "process after a warm-up call.",
        f"- Segments: {out['segment_id'].n_unique() - 1:,}; dropped: {dropped}.",
        f"- Purity: {purity(ordered, out)}.",
        f"- RSS with inputs built {rss_before_mib:,.0f} MiB; peak RSS of the script "
        f"{peak_mib:,.0f} MiB.",
        "",
        *table(rows, "positions"),
    ]
    print(markdown_block("Segmentation", Path(__file__).name, body))


if __name__ == "__main__":
    main()
