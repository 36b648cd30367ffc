"""Snapshot every event setori detects on the planted scenario worlds and on real data.

Used to show that a refactor changes no event: run it on two commits and diff the outputs.

    python tools/event_snapshot.py OUT_DIR            # with the repo root as working directory
    diff -r base-snapshot OUT_DIR

Writes ``scenario-<profile>.jsonl`` (``setori.detect.run.detect`` on worlds 1-3) and
``real-<profile>.jsonl`` (the ``setori`` command on real data: the NOAA New York Harbor week,
the two DMA drift tracks and the DMA stream sample, ingested and detected whole-process),
each event one sorted JSON line. Both use the full reference layers of ``$SETORI_SHARED_DATA``
(default ``../shared/data``), so commits from before and after the ``shared_data`` setting
compare equal work.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

SHARED = Path(os.environ.get("SETORI_SHARED_DATA", ROOT.parent / "shared" / "data"))
REAL_INPUTS = (
    "tracktable-noaa/NYHarbor_2020_12_first_week.traj",
    "dma-aisabnormal/538004030_drift_1.ais",
    "dma-aisabnormal/212123000_drift_1.ais",
    "dma-aislib/stream_example.txt",
)


def _line(row: dict[str, object]) -> str:
    return json.dumps(row, sort_keys=True, default=str)


def _reference_context() -> Any:
    try:
        from setori.geo.reference import reference_data
    except ImportError:  # before the shared_data setting: GeoSettings read the environment
        os.environ["SETORI_SHARED_DATA"] = str(SHARED)
        return contextlib.nullcontext()
    return reference_data(SHARED)


def scenario(out: Path) -> None:
    with _reference_context():
        _scenario(out)


def _scenario(out: Path) -> None:
    from scenarios import world

    from setori.detect.run import PROFILES, detect

    worlds = [world(np.random.default_rng(seed)) for seed in (1, 2, 3)]
    for profile in PROFILES:
        lines = []
        for w in worlds:
            found = detect(w.positions.to_arrow(), w.statics, profile=profile)
            lines += [_line(r) for r in found.events.to_pylist()]
        (out / f"scenario-{profile}.jsonl").write_text("\n".join(sorted(lines)) + "\n")


def real(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "real.duckdb")
        run = [sys.executable, "-m", "setori"]
        os.environ["SETORI_SHARED_DATA"] = str(SHARED)
        paths = [str(SHARED / p) for p in REAL_INPUTS]
        subprocess.run([*run, "ingest", *paths, "--db", db, "-q"], check=True)
        for profile in ("gfw", "dprk"):
            subprocess.run([*run, "detect", "--db", db, "--profile", profile, "-q"], check=True)
        con = duckdb.connect(db, read_only=True)
        con.sql("SET TimeZone = 'UTC'")
        for profile in ("gfw", "dprk"):
            rel = con.sql("SELECT * FROM events WHERE profile = ?", params=[profile])
            lines = [_line(dict(zip(rel.columns, r, strict=True))) for r in rel.fetchall()]
            (out / f"real-{profile}.jsonl").write_text("\n".join(sorted(lines)) + "\n")


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    scenario(target)
    real(target)
    print(f"wrote {sorted(p.name for p in target.iterdir())}")  # noqa: T201
