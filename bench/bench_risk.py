"""Risk triage benchmark: precision of the top-k vessels on a planted sea, and how long
``setori risk`` takes on the real NY Harbor week.

**Labelled check.** A synthetic sea (``tests/scenarios.py`` building blocks) in the open
Yellow Sea, far from ports, hotspots and DPRK waters, holds:

* positives: ship-to-ship pairs (2.5-8 h alongside, 20-150 m apart, drifting 0-1 kn; half
  of them with a 2-3 m draught change of one vessel across the meeting, half with one vessel
  going dark 8 h within the next 12 h), spoofers (an MMSI sent by two transmitters
  ~110 km apart, or a made-up MMSI whose MID is allocated to no country) and disabling
  gaps (a vessel in dense traffic silent for 13 h);
* near-miss negatives: crossings within 50-300 m at 12 kn, convoys 200-480 m apart at
  10 kn, brief passes (a 10-50 min meeting), two slow vessels 1.5 km apart; ordinary
  traffic patrolling at 8-16 kn, some of it losing reception for 2-3 h.

Every vessel broadcasts static reports as a cargo ship or tanker; the ordinary ones never
send an IMO (so each has the ``missing_imo`` attribute, as on a real busy sea). The
positions are written to Parquet, ingested with ``setori ingest``, detected with
``setori detect --profile dprk`` and ranked with ``setori risk``; precision@k is the share
of planted positive vessels among the top k, k = the number of planted positives.

**Timing.** ``setori risk`` as a user runs it (whole process, ``--runs`` times), on the NY
Harbor week (``tracktable-noaa/NYHarbor_2020_12_first_week.traj``, 172,679 positions,
detected with the dprk profile): all vessels as a table, the top 20, and every event as
JSON lines.

Usage::

    python bench/bench_risk.py                 # 600 vessels, 4 days; NY Harbor week; 3 runs
    python bench/bench_risk.py --quick         # 150 vessels, 1.5 days
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _timing import (  # noqa: E402
    BenchError,
    Command,
    Row,
    markdown_block,
    parser,
    shared_data_dir,
    table,
    time_command,
)

from tests.scenarios import (  # noqa: E402
    background_traffic,
    convoy,
    crossing,
    meeting,
    patrol,
    patrol_until,
    slow_apart,
)

START = datetime(2024, 3, 1, tzinfo=UTC)
#: Open Yellow Sea, > 100 km from any port, anchorage, hotspot or coast (tests/scenarios.py).
BOX = (33.0, 123.0, 34.2, 124.4)
NY_WEEK = "tracktable-noaa/NYHarbor_2020_12_first_week.traj"


@dataclass
class Sea:
    """Positions with static columns, and the label of every MMSI."""

    frames: list[pl.DataFrame] = field(default_factory=list)
    kinds: dict[int, str] = field(default_factory=dict)  # MMSI -> what it was planted as
    positive: set[int] = field(default_factory=set)
    draughts: dict[int, tuple[datetime, float, float]] = field(default_factory=dict)
    next_mmsi: int = 0

    def mmsi(self, mid: int) -> int:
        self.next_mmsi += 1
        return mid * 1_000_000 + 200_000 + self.next_mmsi

    def add(self, frames: list[pl.DataFrame], kind: str, *, positive: bool) -> None:
        self.frames += frames
        for f in frames:
            mmsi = int(f["mmsi"][0])
            self.kinds[mmsi] = kind
            if positive:
                self.positive.add(mmsi)


def _sites(rng: np.random.Generator, n: int) -> list[tuple[float, float]]:
    """``n`` points of a jittered grid of :data:`BOX`, >= ~8 km apart."""
    step = 0.075
    rows, cols = math.floor((BOX[2] - BOX[0]) / step), math.floor((BOX[3] - BOX[1]) / step)
    if n > rows * cols:
        raise BenchError(f"{n} sites asked for, the box holds {rows * cols}")
    cells = rng.permutation(rows * cols)[:n]
    return [
        (BOX[0] + step * (c // cols) + rng.uniform(0, 0.01), BOX[1] + step * (c % cols))
        for c in cells
    ]


def planted_sea(
    rng: np.random.Generator,
    *,
    hours: float = 48.0,
    sts: int = 8,
    spoofers: int = 4,
    gaps: int = 4,
    near_misses: int = 12,
    background: int = 100,
) -> Sea:
    """The labelled sea (see the module docstring); ``near_misses`` pairs, a quarter each."""
    sea = Sea()
    end = START + timedelta(hours=hours)
    sites = iter(_sites(rng, sts + spoofers + gaps + near_misses + 4))
    for k in range(sts):
        _plant_sts(sea, rng, next(sites), end, draught=k % 2 == 0, dark=k % 2 == 1)
    for k in range(spoofers):
        _plant_spoofer(sea, rng, next(sites), end, clone=k % 2 == 0)
    for _ in range(gaps):
        _plant_gap(sea, rng, next(sites), end, hours=13.0, kind="disabling gap", positive=True)
    for k in range(near_misses):
        _plant_near_miss(sea, rng, next(sites), end, k % 4)
    traffic = background_traffic(
        rng,
        background,
        START,
        end - START,
        box=BOX,
        report_every=timedelta(minutes=2),
        first_mmsi=412_300_001,
        turn_every=timedelta(hours=2),
    )
    lost = set(rng.choice(background, size=background // 5, replace=False).tolist())
    for k, (_, frame) in enumerate(traffic.group_by("mmsi", maintain_order=True)):
        if k in lost:  # ordinary reception loss of 2-3 h
            frame = _silenced(frame, _when(rng, START, end, 4, 8), float(rng.uniform(2, 3)))
        sea.add([frame], "ordinary traffic", positive=False)
    return sea


def _when(
    rng: np.random.Generator, start: datetime, end: datetime, lead_h: float, tail_h: float
) -> datetime:
    span = (end - start) / timedelta(hours=1) - lead_h - tail_h
    return start + timedelta(hours=lead_h + float(rng.uniform(0, span)))


def _silenced(frame: pl.DataFrame, at: datetime, hours: float) -> pl.DataFrame:
    quiet = (frame["ts"] >= at) & (frame["ts"] < at + timedelta(hours=hours))
    return frame.filter(~quiet)


def _plant_sts(
    sea: Sea,
    rng: np.random.Generator,
    at: tuple[float, float],
    end: datetime,
    *,
    draught: bool,
    dark: bool,
) -> None:
    a, b = sea.mmsi(667), sea.mmsi(511)
    when, hours = _when(rng, START, end, 3, 22), float(rng.uniform(2.5, 8.0))
    frames, planted = meeting(
        a,
        b,
        when,
        *at,
        timedelta(hours=hours),
        distance_m=float(rng.uniform(20, 150)),
        drift_kn=float(rng.uniform(0.0, 1.0)),
        drift_course_deg=float(rng.uniform(0, 360)),
        jitter_m=float(rng.uniform(0, 8)),
        drop_share=float(rng.uniform(0, 0.2)),
        rng=rng,
    )
    frames = [patrol_until(f, end) for f in frames]
    if dark:
        frames[1] = _silenced(frames[1], planted.end + timedelta(hours=float(rng.uniform(1, 4))), 8)
    if draught:
        sea.draughts[a] = (planted.end, 6.0, float(rng.uniform(8.0, 9.0)))
    sea.add(frames, "ship-to-ship", positive=True)


def _plant_spoofer(
    sea: Sea, rng: np.random.Generator, at: tuple[float, float], end: datetime, *, clone: bool
) -> None:
    mmsi = sea.mmsi(538)
    frame = patrol(
        mmsi, START, end, at, course_deg=float(rng.uniform(0, 360)), turn_every=timedelta(hours=2)
    )
    if clone:  # a second transmitter ~110 km north, reporting at the same time
        twin = patrol(
            mmsi, START, end, (at[0] + 1.0, at[1]), course_deg=90.0, turn_every=timedelta(hours=2)
        )
        sea.add([pl.concat([frame, twin]).sort("ts")], "spoofer (cloned MMSI)", positive=True)
        return
    # a made-up MMSI: its MID (280) is allocated to no country
    fake = 280_000_000 + mmsi % 1_000_000
    sea.add(
        [frame.with_columns(mmsi=pl.lit(fake, frame.schema["mmsi"]))],
        "spoofer (unallocated MID)",
        positive=True,
    )


def _plant_gap(
    sea: Sea,
    rng: np.random.Generator,
    at: tuple[float, float],
    end: datetime,
    *,
    hours: float,
    kind: str,
    positive: bool,
) -> None:
    mmsi = sea.mmsi(412)
    frame = patrol(
        mmsi,
        START,
        end,
        at,
        course_deg=float(rng.uniform(0, 360)),
        speed_kn=float(rng.uniform(8, 12)),
        turn_every=timedelta(minutes=40),
    )
    dark = _when(rng, START, end, 14, hours + 3)
    sea.add([_silenced(frame, dark, hours)], kind, positive=positive)


def _plant_near_miss(
    sea: Sea, rng: np.random.Generator, at: tuple[float, float], end: datetime, kind: int
) -> None:
    a, b = sea.mmsi(477), sea.mmsi(477)
    when = _when(rng, START, end, 3, 10)
    if kind == 0:
        frames, label = crossing(a, b, when, *at, passing_m=float(rng.uniform(50, 300))), "crossing"
    elif kind == 1:
        frames, label = convoy(a, b, when, *at, apart_m=float(rng.uniform(200, 480))), "convoy"
    elif kind == 2:
        brief = timedelta(minutes=int(rng.integers(10, 50)))
        frames, label = meeting(a, b, when, *at, brief, rng=rng)[0], "brief pass"
    else:
        frames, label = slow_apart(a, b, when, *at, apart_m=1500.0), "slow 1.5 km apart"
    sea.add([patrol_until(f, end) for f in frames], label, positive=False)


def positions_table(sea: Sea) -> pl.DataFrame:
    """Every position with the static columns of a cargo ship or tanker (ordinary traffic
    and near misses broadcast no IMO; planted vessels a valid one), draughts as planted."""
    df = pl.concat(sea.frames, how="diagonal_relaxed").sort("mmsi", "ts")
    ids = sorted(sea.kinds)
    imo = {m: (9_596_985 if m in sea.positive else None) for m in ids}
    statics = pl.DataFrame(
        {
            "mmsi": pl.Series(ids, dtype=df.schema["mmsi"]),
            "imo": [imo[m] for m in ids],
            "name": [f"VESSEL {m % 100_000}" for m in ids],
            "ship_type": [80 if m % 2 else 70 for m in ids],
            "length_m": [100.0 + (m % 97) for m in ids],
        }
    )
    df = df.join(statics, on="mmsi", how="left")
    draught = pl.lit(6.0)
    for mmsi, (at, before, after) in sea.draughts.items():
        changed = (pl.col("mmsi") == mmsi) & (pl.col("ts") > at)
        draught = pl.when(changed).then(pl.lit(after)).otherwise(draught)
        draught = pl.when((pl.col("mmsi") == mmsi) & ~changed).then(before).otherwise(draught)
    return df.with_columns(draught_m=draught)


def build_store(sea: Sea, folder: Path) -> Path:
    """Write the sea to Parquet, then ``setori ingest`` and ``setori detect --profile dprk``."""
    parquet, db = folder.resolve() / "sea.parquet", folder.resolve() / "sea.duckdb"
    positions_table(sea).write_parquet(parquet)
    for args in (
        ["ingest", "--db", str(db), "--format", "parquet", str(parquet)],
        ["detect", "--db", str(db), "--profile", "dprk"],
    ):
        _setori(*args)
    return db


def _setori(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "setori", *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise BenchError(f"`setori {' '.join(args)}` exited {done.returncode}:\n{done.stderr}")
    return done.stdout


@dataclass(frozen=True)
class Precision:
    """Precision@k of a ranking against a sea's labels, with what went wrong."""

    k: int
    hits: int
    missed: dict[str, int]  # positives below the top k, by kind
    intruders: dict[str, int]  # negatives in the top k, by kind

    @property
    def value(self) -> float:
        return self.hits / self.k if self.k else 1.0


def precision_at_k(ranked: list[int], sea: Sea) -> Precision:
    k = len(sea.positive)
    top = ranked[:k]
    missed = Counter(sea.kinds[m] for m in sea.positive - set(top))
    intruders = Counter(sea.kinds.get(m, "unknown") for m in top if m not in sea.positive)
    return Precision(k, sum(m in sea.positive for m in top), dict(missed), dict(intruders))


def ranked_mmsis(db: Path) -> list[int]:
    """The vessels as ``setori risk --format csv`` ranks them."""
    out = _setori("risk", "--db", str(db), "--format", "csv")
    return [int(line.split(",", 1)[0]) for line in out.splitlines()[1:]]


def event_counts(db: Path) -> dict[str, int]:
    """Stored events per type (what an analyst would otherwise read one by one)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql("SELECT type, count(*) FROM events GROUP BY type ORDER BY 2 DESC")
        return {str(t): int(n) for t, n in rows.fetchall()}


def ny_store(folder: Path) -> Path:
    db = folder.resolve() / "ny.duckdb"
    _setori("ingest", "--db", str(db), str(shared_data_dir() / NY_WEEK))
    _setori("detect", "--db", str(db), "--profile", "dprk")
    return db


def main() -> None:
    args = parser(__doc__).parse_args()
    runs = args.runs
    size = (
        {"hours": 36.0, "background": 150}
        if args.quick
        else {
            "hours": 96.0,
            "sts": 12,
            "spoofers": 6,
            "gaps": 6,
            "near_misses": 24,
            "background": 600,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sea = planted_sea(np.random.default_rng(11), **size)
        (folder / "sea").mkdir()
        started = time.perf_counter()
        db = build_store(sea, folder / "sea")
        build_s = time.perf_counter() - started
        found = precision_at_k(ranked_mmsis(db), sea)
        per_type = event_counts(db)
        ny = ny_store(folder)
        rows = [
            Row(
                f"`{' '.join(('setori', 'risk', *extra))}`, NY Harbor week",
                time_command(
                    Command((sys.executable, "-m", "setori", "risk", "--db", str(ny), *extra)), runs
                ),
            )
            for extra in ((), ("--top", "20"), ("--events", "--format", "json"))
        ]
    positions = sum(f.height for f in sea.frames)
    lines = [
        "",
        f"- Planted sea: {len(sea.kinds):,} vessels, {positions:,} positions, "
        f"{size['hours']:g} h (seed 11), written, ingested and detected (dprk) in "
        f"{build_s:.0f} s; {len(sea.positive)} planted positives: "
        + ", ".join(
            f"{n} {kind}" for kind, n in sorted(Counter(sea.kinds[m] for m in sea.positive).items())
        )
        + ".",
        f"- Events detected: {sum(per_type.values()):,} ("
        + ", ".join(f"{n:,} {t}" for t, n in per_type.items())
        + "); no `missing_imo` events (a vessel attribute now), each ordinary vessel carries "
        "it in its breakdown.",
        f"- **precision@{found.k} = {found.value:.2f}** ({found.hits} of the top {found.k} "
        "vessels are planted positives)"
        + (f"; missed: {found.missed}" if found.missed else "")
        + (f"; negatives in the top k: {found.intruders}" if found.intruders else ""),
        "",
        *table(rows, None),
    ]
    print(markdown_block("Risk triage: precision@k and `setori risk` time", "bench_risk.py", lines))


if __name__ == "__main__":
    main()
