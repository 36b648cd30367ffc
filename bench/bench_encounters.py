"""Encounter benchmark: ``detect_encounters`` against an analyst's grid-join baseline.

Generates ``--positions`` synthetic positions over ``--hours`` (default 10 M over 24 h,
one report a minute): 70 % transiting vessels, 30 % at anchor in 200 dense anchorages
(``tests/scenarios.py``), plus ``--planted`` planted encounters. Writes them to a Parquet
file, then times, each in a fresh child process (so peak RSS is per method):

* ``detect_encounters`` with the ``gfw`` and ``dprk`` profiles (resample, spatial hash,
  runs, merge, evidence); the numba kernel is compiled (or loaded from cache) before timing;
* the baseline a skilled analyst would write in Polars: one mean position per vessel per
  10-minute bin, slow bins only (median SOG < 2 kn), an equi-join on (bin, 0.01-degree cell)
  with the 3x3 neighbour cells, a haversine filter (500 m), then runs of consecutive bins
  lasting >= 2 h. No interpolation, dead reckoning, merge or evidence.

Each line reports wall seconds of the call (excluding reading the Parquet file), events,
distinct vessel pairs, recall of the planted encounters, and the child's peak RSS (and its
RSS right after reading the input). Rows are in generation order (by vessel, then time)
unless ``--shuffle``. Usage:

    python bench/bench_encounters.py                       # 10 M positions
    python bench/bench_encounters.py --positions 1000000   # quicker
    python bench/bench_encounters.py --shuffle             # rows in random order
    python bench/bench_encounters.py --quick               # 200,000 positions, 3 runs
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import BenchError, Row, Runs, check_runs, markdown_block, parser, table  # noqa: E402

from setori.detect.encounter_params import encounter_params  # noqa: E402
from setori.detect.encounters import detect_encounters  # noqa: E402
from tests.scenarios import (  # noqa: E402
    anchorage_traffic,
    background_traffic,
    finish,
    meeting,
)

START = datetime(2024, 3, 1, tzinfo=UTC)


def generate(
    n_positions: int, hours: float, planted: int, seed: int
) -> tuple[pl.DataFrame, list[list[int]]]:
    """Background + anchorages + planted meetings; returns positions and the planted pairs."""
    rng = np.random.default_rng(seed)
    duration = timedelta(hours=hours)
    per_vessel = int(duration / timedelta(minutes=1))
    n_vessels = max(2, n_positions // per_vessel)
    frames = [
        background_traffic(rng, int(n_vessels * 0.7), START, duration),
        anchorage_traffic(rng, n_vessels - int(n_vessels * 0.7), 200, START, duration),
    ]
    pairs = []
    for k in range(planted):
        a, b = 440_000_000 + 2 * k, 440_000_001 + 2 * k
        lat, lon = 30.0 + rng.uniform(0, 6), 128.5 + rng.uniform(0, 3)
        when = START + timedelta(hours=rng.uniform(2, max(2.0, hours - 8)))
        meet, _ = meeting(
            a,
            b,
            when,
            lat,
            lon,
            timedelta(hours=rng.uniform(2.5, 6)),
            distance_m=rng.uniform(20, 400),
            drift_kn=rng.uniform(0, 1.5),
            report_every=(timedelta(minutes=1), timedelta(minutes=2)),
            rng=rng,
        )
        frames += meet
        pairs.append([a, b])
    return finish(frames), pairs


def baseline(df: pl.DataFrame) -> pl.DataFrame:
    """Slow 10-minute bins, grid equi-join with neighbour cells, haversine, runs >= 2 h."""
    cell = 0.01
    bins = (
        df.lazy()
        .with_columns(bin=pl.col("ts").dt.truncate("10m"))
        .group_by("mmsi", "bin")
        .agg(pl.col("lat").mean(), pl.col("lon").mean(), pl.col("sog_kn").median())
        .filter(pl.col("sog_kn") < 2.0)
        .with_columns(
            cy=(pl.col("lat") / cell).floor().cast(pl.Int32),
            cx=(pl.col("lon") / cell).floor().cast(pl.Int32),
        )
    )
    offsets = pl.LazyFrame({"dy": [-1, -1, -1, 0, 0, 0, 1, 1, 1], "dx": [-1, 0, 1] * 3})
    right = bins.join(offsets, how="cross").with_columns(
        cy=pl.col("cy") + pl.col("dy"), cx=pl.col("cx") + pl.col("dx")
    )
    phi1, phi2 = pl.col("lat").radians(), pl.col("lat_r").radians()
    hav = (((phi2 - phi1) / 2).sin() ** 2) + phi1.cos() * phi2.cos() * (
        ((pl.col("lon_r") - pl.col("lon")).radians() / 2).sin() ** 2
    )
    close = (
        bins.join(right, on=["bin", "cy", "cx"], suffix="_r")
        .filter(pl.col("mmsi") < pl.col("mmsi_r"))
        .filter(2 * 6_371_008.8 * hav.sqrt().arcsin() <= 500.0)
        .select("mmsi", "mmsi_r", "bin")
        .unique()
        .sort("mmsi", "mmsi_r", "bin")
    )
    new_run = ((pl.col("bin").diff() != timedelta(minutes=10)) | (pl.col("mmsi").diff() != 0)) | (
        pl.col("mmsi_r").diff() != 0
    )
    runs = (
        close.with_columns(run=new_run.fill_null(True).cum_sum())
        .group_by("run")
        .agg(
            pl.col("mmsi").first(),
            pl.col("mmsi_r").first(),
            start=pl.col("bin").min(),
            end=pl.col("bin").max(),
        )
    )
    return runs.filter(pl.col("end") - pl.col("start") >= timedelta(hours=2)).collect()


def child(method: str, path: Path, planted_path: Path) -> None:
    """Run one method on the Parquet file and print one JSON line."""
    df = pl.read_parquet(path)
    rss_input_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if method == "baseline":
        started, cpu = time.perf_counter(), time.process_time()
        found = baseline(df)
        seconds = time.perf_counter() - started
        n_events = found.height
        pairs = set(zip(found["mmsi"].to_list(), found["mmsi_r"].to_list(), strict=True))
    else:
        params = encounter_params(method)
        detect_encounters(df.head(1000), params)  # compile / load the numba kernel
        started, cpu = time.perf_counter(), time.process_time()
        events = detect_encounters(df, params)
        seconds = time.perf_counter() - started
        n_events = events.num_rows
        pairs = {tuple(m) for m in events["mmsi"].to_pylist()}
    planted = [tuple(p) for p in json.loads(planted_path.read_text())]
    cpu_s = time.process_time() - cpu
    recall = sum(p in pairs for p in planted) / max(1, len(planted))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "method": method,
                "seconds": seconds,
                "cpu_s": cpu_s,
                "events": n_events,
                "pairs": len(pairs),
                "planted_recall": round(recall, 3),
                "peak_rss_mb": round(rss_mb),
                "rss_after_read_mb": round(rss_input_mb),
            }
        )
    )


def run_method(method: str, path: Path, planted_path: Path, runs: int) -> tuple[Row, str]:
    """``runs`` fresh child processes of one method: the timing row and the outcome (events,
    pairs, recall: the same every run, checked)."""
    results = []
    for _ in range(check_runs(runs)):
        cmd = [sys.executable, __file__, "--child", method, str(path), str(planted_path)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    outcomes = {(r["events"], r["pairs"], r["planted_recall"]) for r in results}
    if len(outcomes) != 1:
        raise BenchError(f"{method}: runs disagree on (events, pairs, recall): {outcomes}")
    timed = Runs(
        tuple(r["seconds"] for r in results),
        tuple(r["cpu_s"] for r in results),
        tuple(float(r["peak_rss_mb"]) for r in results),
    )
    first = results[0]
    outcome = (
        f"| `{method}` | {first['events']:,} | {first['pairs']:,} | {first['planted_recall']:.2f} "
        f"| {statistics.median(r['rss_after_read_mb'] for r in results):,.0f} |"
    )
    label = "baseline (Polars grid join)" if method == "baseline" else f"`{method}`"
    return Row(label, timed), outcome


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--positions", type=int, default=10_000_000)
    p.add_argument("--hours", type=float, default=24.0)
    p.add_argument("--planted", type=int, default=200)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--methods", default="gfw,dprk,baseline")
    p.add_argument("--shuffle", action="store_true", help="rows in random order")
    p.add_argument("--child", nargs=3, metavar=("METHOD", "PARQUET", "PLANTED"))
    args = p.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    positions, planted_n, runs = (
        (200_000, 20, 3) if args.quick else (args.positions, args.planted, args.runs)
    )
    df, planted = generate(positions, args.hours, planted_n, args.seed)
    n, vessels = df.height, df["mmsi"].n_unique()
    if args.shuffle:
        df = df.sample(fraction=1.0, shuffle=True, seed=args.seed)
    rows, outcomes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path, planted_path = Path(tmp) / "positions.parquet", Path(tmp) / "planted.json"
        df.write_parquet(path)
        planted_path.write_text(json.dumps(planted))
        del df
        for method in args.methods.split(","):
            row, outcome = run_method(method, path, planted_path, runs)
            rows.append(Row(row.label, row.runs, n))
            outcomes.append(outcome)
    order = "in random order" if args.shuffle else "by vessel"
    body = [
        f"- Input (synthetic): {n:,} positions over {args.hours:g} h, {vessels:,} vessels, "
        f"{len(planted)} planted encounters; rows {order}.",
        f"- Runs: {runs} fresh processes per method; time of the call alone (reading the "
        "Parquet file excluded), after a warm-up call; peak RSS is the child's.",
        "",
        *table(rows, "positions"),
        "",
        "| method | events | pairs | planted recall | RSS after reading input MB |",
        "|---|---:|---:|---:|---:|",
        *outcomes,
    ]
    print(markdown_block("Encounters", Path(__file__).name, body))


if __name__ == "__main__":
    main()
