"""The benchmark helpers (bench/_timing.py, bench/_inputs.py) and the scripts' smoke runs.

Fast tests check what every figure rests on: median / min / max, whole-process timing with
the child's peak RSS, the commit string, and that the re-stamped NMEA input carries valid
checksums and new dates (so it cannot deduplicate). Slow tests run each script's ``--help``
(every script takes ``--quick`` and ``--runs``) and its ``--quick`` run, which must print a
results block (commit, median (min–max) cells; PASS/FAIL rows for start-up). Measured at
load average ~2: 2-16 s per script, ~70 s for all eight; at load average ~10 the slowest
(ingest, screen, detect) took 50-110 s.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(p for p in BENCH.glob("*.py") if not p.name.startswith("_"))
SHARED_DATA_NEED = "the benchmark inputs are built from the real DMA and NY Harbor samples"


def bench_module(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


def xor(body: bytes) -> int:
    return functools.reduce(lambda a, b: a ^ b, body, 0)


def nmea_checksum_ok(line: bytes) -> bool:
    body, _, tail = line[1:].partition(b"*")
    return xor(body) == int(tail[:2], 16)


def test_runs_report_median_min_max() -> None:
    timing = bench_module("_timing")
    runs = timing.Runs(wall_s=(2.0, 1.0, 4.0), cpu_s=(1.0, 1.0, 1.0))
    assert runs.wall_text() == "2 (1–4)"
    assert runs.rate_text(100) == "50 (25–100)"
    assert runs.rss_text() == "-"
    with pytest.raises(timing.BenchError, match="at least 3"):
        timing.time_call(lambda: 1, runs=2)


def test_table_rows_and_columns() -> None:
    timing = bench_module("_timing")
    runs = timing.Runs(wall_s=(1.0, 2.0, 3.0), cpu_s=(1.0, 1.0, 1.0), peak_rss_mb=(10.0,) * 3)
    with_rate = timing.table([timing.Row("x", runs, 6)], "lines")
    assert with_rate[2] == "| x | 6 | 2 (1–3) | 3 (2–6) | 1 (1–1) | 10 (10–10) |"
    without = timing.table([timing.Row("x", runs)], None)
    assert without[2] == "| x | 2 (1–3) | 1 (1–1) | 10 (10–10) |"


def test_time_command_measures_a_whole_process() -> None:
    timing = bench_module("_timing")
    grow = "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"
    runs = timing.time_command(timing.Command((sys.executable, "-c", grow)), runs=3)
    assert len(runs.wall_s) == 3
    assert min(runs.peak_rss_mb) > 200
    failing = timing.Command((sys.executable, "-c", "import sys; sys.exit('boom')"))
    with pytest.raises(timing.BenchError, match=r"(?s)exited 1.*boom"):
        timing.run_once(failing)


def test_commit_names_the_checkout() -> None:
    assert re.fullmatch(r"[0-9a-f]{7,}(\+dirty)?", bench_module("_timing").commit())


def test_restamped_nmea_has_valid_checksums_and_new_dates() -> None:
    inputs = bench_module("_inputs")
    pghp = b"PGHP,1,2013,11,30,23,59,58,11,219,,2190067,1,62"
    lines = [
        b"$%s*%02X" % (pghp, xor(pghp)),
        b"!BSVDM,1,1,,A,13@:`L001N0ded0O6Fp8wW<00<0t,0*62",
    ]
    blob = b"\n".join(lines) + b"\n"
    assert nmea_checksum_ok(lines[0])
    shifted = inputs._shift_pghp(blob, 1).splitlines()
    assert shifted[0].startswith(b"$PGHP,1,2013,12,1,23,59,58,")
    assert nmea_checksum_ok(shifted[0])
    assert shifted[1] == lines[1]
    assert inputs._shift_pghp(blob, 0) == blob


def test_built_nmea_copies_differ_only_in_pghp_dates(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SETORI_SHARED_DATA", str(shared_data))
    inputs = bench_module("_inputs")
    built = inputs.build_nmea(tmp_path / "x.nmea", 80_247)
    assert built.copies == 2
    lines = built.path.read_bytes().splitlines()
    first, second = lines[: built.lines // 2], lines[built.lines // 2 :]
    changed = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert changed
    assert all(b.startswith(b"$PGHP,1,2013,11,13,") and nmea_checksum_ok(b) for _, b in changed)


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_takes_quick_and_runs(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout
    assert "--runs" in done.stdout


QUICK_RUNS = {
    "bench_decode.py": [
        r"^### Decode raw NMEA lines",
        r"24,688 position reports decoded by each",
        r"setori / pyais, raw lines to decoded positions, wall: \*\*[\d.]+×",
    ],
    "bench_startup.py": [
        r"^### Start-up \(whole process\)",
        r"\| `setori --help` \(console script\) \| [\d.]+ \| (PASS|FAIL) \(≤ 0.3 s\) \|",
        r"\| `setori info --db small.duckdb` \| [\d.]+ \| (PASS|FAIL) \(≤ 0.5 s\) \|",
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("script", [p.name for p in SCRIPTS])
def test_quick_run_prints_a_results_block(script: str, shared_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SETORI_SHARED_DATA": str(shared_data)},
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"^- Commit: `[0-9a-f]{7,}", done.stdout, re.M)
    assert re.search(r"median \(min–max\) of the runs", done.stdout)
    assert re.search(r"^\| .+ \| [\d.e-]+ \([\d.e-]+–[\d.e-]+\) \|", done.stdout, re.M)
    for pattern in QUICK_RUNS.get(script, []):
        assert re.search(pattern, done.stdout, re.M), pattern
