"""Detection benchmark: every detector against the analyst's encounter baseline, 1 M to 100 M.

Runs ``setori.detect.run.detect`` (every event type, one profile, context tags included)
on ``--sizes`` generated positions (default 1 M, 10 M and 100 M), and in the same run the
bare baseline a skilled analyst would write for encounters only
(``bench/bench_encounters.py``'s Polars grid join of slow 10-minute bins).

Data (``tests/scenarios.py`` building blocks), one report a minute, one Parquet file per day:
70 % of the vessels patrol the Yellow / East China Sea at 8-16 kn (reversing course every
6 h, so a fleet stays in its sea for days), 30 % lie at anchor at 200 real GFW anchorages
of the region (``setori`` places table; so in port, loitering, and many genuine encounters
between neighbours), plus ``--planted`` meetings a day (2.5-6 h, 20-400 m apart). Sizes up
to ``--per-day`` (10 M) are one day of vessels (1 M: 694, 10 M: 6,944); larger sizes are
days of ``--per-day`` positions (100 M: 20 days of 3,472 vessels at 5 M a day) and run by
time windows: ``setori.detect.windows.detect_windowed`` (``--window`` 2-day cores with
``--overlap`` 1 day), each window read from the Parquet files with a predicate on ``ts``;
the baseline is run the same way (runs starting in each core).

Each (size, method) runs in a fresh child process, so peak RSS is that method's; the time
is the call alone (not reading the files for whole-data runs; reading included for windowed
runs), after a warm-up call that loads the cached numba kernels; ``cpu_seconds`` (all
threads) is steadier than wall time on a shared machine. ``detector_seconds`` is the wall
time of each detector (the first one also builds the shared sorted ``Track``; the last one,
``dark_approach``, includes the context tags). Usage:

    python bench/bench_detect.py                          # 1 M, 10 M, 100 M, 3 runs each
    python bench/bench_detect.py --sizes 1000000          # quick check
    python bench/bench_detect.py --sizes 10000000 --methods detect
    python bench/bench_detect.py --quick                  # 200,000 positions, 3 runs
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _timing import BenchError, Row, Runs, check_runs, markdown_block, parser, table  # noqa: E402
from bench_encounters import baseline  # noqa: E402

from setori.detect.run import detect  # noqa: E402
from setori.detect.windows import cores, detect_windowed  # noqa: E402
from setori.geo.places import load_places  # noqa: E402
from tests.scenarios import anchorage_traffic, background_traffic, finish, meeting  # noqa: E402

START = datetime(2024, 3, 1, tzinfo=UTC)
DAY = timedelta(days=1)
PER_VESSEL_DAY = 1440
SEA_BOX = (29.5, 122.5, 35.5, 125.5)
ANCHORAGE_BOX = (28.0, 118.0, 40.0, 130.0)


def anchorages(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` GFW anchorages of East Asia (lat, lon rows)."""
    table = load_places().table
    box = ANCHORAGE_BOX
    inside = table.filter(
        (pl.col("kind") == "anchorage")
        & pl.col("lat").is_between(box[0], box[2])
        & pl.col("lon").is_between(box[1], box[3])
    )
    rows = rng.choice(inside.height, size=n, replace=False)
    return inside.select("lat", "lon").to_numpy()[np.sort(rows)]


def write_days(
    folder: Path, n_positions: int, days: int, planted: int, seed: int
) -> list[list[int]]:
    """One Parquet file per day; returns the planted MMSI pairs."""
    n_vessels = max(2, n_positions // (days * PER_VESSEL_DAY))
    n_transit = int(n_vessels * 0.7)
    centres = anchorages(np.random.default_rng(seed + 2), 200)
    pairs, row0 = [], 0
    for day in range(days):
        since = day * DAY
        transit = background_traffic(
            np.random.default_rng(seed), n_transit, START, DAY, box=SEA_BOX,
            first_mmsi=412_100_001, turn_every=timedelta(hours=6), since=since,
        )  # fmt: skip
        anchored = anchorage_traffic(
            np.random.default_rng(seed + 1), n_vessels - n_transit, 200, START, DAY,
            centres=centres, first_mmsi=413_100_001, since=since,
        )  # fmt: skip
        frames, rng = [transit, anchored], np.random.default_rng([seed, day])
        for k in range(planted):
            a = 440_100_001 + 2 * (day * planted + k)
            lat, lon = rng.uniform(SEA_BOX[0], SEA_BOX[2]), rng.uniform(SEA_BOX[1], SEA_BOX[3])
            when = START + since + timedelta(hours=rng.uniform(2, 16))
            frames += meeting(
                a, a + 1, when, lat, lon, timedelta(hours=rng.uniform(2.5, 6)),
                distance_m=rng.uniform(20, 400), drift_kn=rng.uniform(0, 1.5),
                report_every=(timedelta(minutes=1), timedelta(minutes=2)), rng=rng,
            )[0]  # fmt: skip
            pairs.append([a, a + 1])
        df = finish(frames).with_columns(pl.col("row_id") + row0)
        df.write_parquet(folder / f"day-{day:03d}.parquet")
        row0 += df.height
    return pairs


def loader(folder: Path) -> Any:
    def load(t0: datetime, t1: datetime) -> pl.DataFrame:
        ts = pl.col("ts")
        return pl.scan_parquet(folder / "*.parquet").filter((ts >= t0) & (ts < t1)).collect()

    return load


class Clock:
    """Seconds per detector from ``on_detector`` calls (the last one includes tagging)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.current: tuple[str, float] | None = None

    def __call__(self, name: str) -> None:
        self.stop()
        self.current = (name, time.perf_counter())

    def stop(self) -> None:
        if self.current is not None:
            name, since = self.current
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - since
        self.current = None


def child(method: str, folder: Path, days: int, window_days: int, overlap_days: int) -> None:
    """Run one method on the files in ``folder`` and print one JSON line."""
    windowed = method.endswith("-windowed")
    end = START + days * DAY
    out: dict[str, Any] = {"method": method}
    if not windowed:
        df = pl.read_parquet(folder / "*.parquet")
        out["rss_after_read_mb"] = _rss_mb()
    clock = Clock()
    if method.startswith("detect"):
        detect(pl.read_parquet(folder / "day-000.parquet", n_rows=20_000))  # warm numba
        started, cpu = time.perf_counter(), time.process_time()
        if windowed:
            found = detect_windowed(
                loader(folder), START, end, window=window_days * DAY,
                overlap=overlap_days * DAY, on_detector=clock,
            ).events  # fmt: skip
        else:
            found = detect(df, on_detector=clock).events
        clock.stop()
        out["seconds"] = time.perf_counter() - started
        out["cpu_seconds"] = round(time.process_time() - cpu, 2)
        types = pl.DataFrame(found)["type"].value_counts(sort=True)
        out["events"] = dict(zip(types["type"].to_list(), types["count"].to_list(), strict=True))
        is_encounter = pl.DataFrame(found)["type"] == "encounter"
        encounters = found.filter(is_encounter.to_arrow())["mmsi"].to_pylist()
        out["detector_seconds"] = {k: round(v, 2) for k, v in clock.seconds.items()}
    else:
        started, cpu = time.perf_counter(), time.process_time()
        runs = _baseline_windowed(folder, end, window_days) if windowed else baseline(df)
        out["seconds"] = time.perf_counter() - started
        out["cpu_seconds"] = round(time.process_time() - cpu, 2)
        out["events"] = {"encounter": runs.height}
        encounters = [list(p) for p in zip(runs["mmsi"], runs["mmsi_r"], strict=True)]
    pairs = {tuple(p) for p in encounters}
    planted = [tuple(p) for p in json.loads((folder / "planted.json").read_text())]
    out["planted_recall"] = round(sum(p in pairs for p in planted) / max(1, len(planted)), 3)
    out["peak_rss_mb"] = _rss_mb()
    out["seconds"] = round(out["seconds"], 2)
    print(json.dumps(out))


def _baseline_windowed(folder: Path, end: datetime, window_days: int) -> pl.DataFrame:
    """The baseline per core (each core's data plus the 10-minute bins' reach), runs that
    start in the core."""
    load, found = loader(folder), []
    for c0, c1 in cores(START, end, window_days * DAY):
        runs = baseline(load(c0 - DAY, c1 + DAY))
        found.append(runs.filter((pl.col("start") >= c0) & (pl.col("start") < c1)))
    return pl.concat(found)


def _rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_method(name: str, folder: Path, days: int, args: argparse.Namespace) -> list[Any]:
    """``runs`` fresh child processes of one method; their JSON results (same events, checked)."""
    results = []
    for _ in range(check_runs(args.runs)):
        cmd = [sys.executable, __file__, "--child", name, str(folder), str(days)]
        cmd += [str(args.window_days), str(args.overlap_days)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    outcomes = {json.dumps([r["events"], r["planted_recall"]], sort_keys=True) for r in results}
    if len(outcomes) != 1:
        raise BenchError(f"{name}: runs disagree on events or recall: {outcomes}")
    return results


def run_size(n: int, args: argparse.Namespace) -> tuple[list[Row], list[str], list[str]]:
    """Timing rows, outcome rows and per-detector rows for one size."""
    days = 1 if n <= args.per_day * 2 else math.ceil(n / args.per_day)
    windowed = days > 1
    rows, outcomes, detectors = [], [], []
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        folder = Path(tmp)
        planted = write_days(folder, n, days, args.planted, args.seed)
        (folder / "planted.json").write_text(json.dumps(planted))
        count = pl.scan_parquet(folder / "*.parquet").select(pl.len()).collect().item()
        vessels = max(2, n // (days * PER_VESSEL_DAY))
        size = f"{count / 1e6:.2f} M"
        for method in args.methods.split(","):
            name = f"{method}-windowed" if windowed else method
            results = run_method(name, folder, days, args)
            timed = Runs(
                tuple(r["seconds"] for r in results),
                tuple(r["cpu_seconds"] for r in results),
                tuple(float(r["peak_rss_mb"]) for r in results),
            )
            rows.append(Row(f"{size}, `{name}`", timed, count))
            events = results[0]["events"]
            outcomes.append(
                f"| {size} | `{name}` | {days} | {vessels:,} | {len(planted)} "
                f"| {sum(events.values()):,} | {results[0]['planted_recall']:.2f} |"
            )
            if "detector_seconds" in results[0]:
                cells = [
                    f"{k} {statistics.median(r['detector_seconds'][k] for r in results):.2f}"
                    for k in results[0]["detector_seconds"]
                ]
                detectors.append(f"- {size}, `{name}`, median wall s per detector: "
                                 + ", ".join(cells) + ".")  # fmt: skip
    return rows, outcomes, detectors


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--sizes", default="1000000,10000000,100000000")
    p.add_argument("--methods", default="detect,baseline")
    p.add_argument("--per-day", type=int, default=5_000_000)
    p.add_argument("--window-days", type=int, default=2)
    p.add_argument("--overlap-days", type=int, default=1)
    p.add_argument("--planted", type=int, default=200, help="planted meetings a day")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--tmp", default=None, help="folder for the Parquet files")
    p.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        method, folder, days, window, overlap = args.child
        child(method, Path(folder), int(days), int(window), int(overlap))
        return
    if args.quick:
        args.sizes, args.runs, args.planted = "200000", 3, 20
    rows, outcomes, detectors = [], [], []
    for n in (int(s) for s in args.sizes.split(",")):
        size_rows, size_outcomes, size_detectors = run_size(n, args)
        rows += size_rows
        outcomes += size_outcomes
        detectors += size_detectors
    body = [
        f"- Runs: {args.runs} fresh processes per (size, method); polars {pl.__version__}. "
        "Time: the call alone for whole-data runs, reading included for windowed runs, "
        "after a warm-up call; peak RSS is the child's.",
        "",
        *table(rows, "positions"),
        "",
        "| positions | method | days | vessels a day | planted | events | planted recall |",
        "|---:|---|---:|---:|---:|---:|---:|",
        *outcomes,
        "",
        *detectors,
    ]
    print(markdown_block("Detection at scale", Path(__file__).name, body))


if __name__ == "__main__":
    main()
