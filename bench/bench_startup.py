"""Start-up time of the command line, whole process, against the targets of issue 8.

Targets: ``setori --help`` <= 0.3 s and ``setori info`` on a small store <= 0.5 s wall,
median of 5 runs. Timed (each its own process, one untimed warm-up run first so the
file cache and byte-code are warm, as for a user's second command):

* ``python -c pass``: the interpreter alone, the floor under every row;
* ``python -m setori --help``;
* ``setori --help``: the console script installed next to this Python;
* ``setori --help`` as found on ``PATH``, when that is another file (e.g. a pyenv shim);
* ``setori info --db small.duckdb``: a store holding one real file,
  ``tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv`` (8,689 rows), ingested first.

    python bench/bench_startup.py                # 5 runs each
    python bench/bench_startup.py --quick        # 3 runs each
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _inputs import CSV_SAMPLE
from _timing import (
    BenchError,
    Command,
    Row,
    markdown_block,
    parser,
    run_once,
    shared_data_dir,
    table,
    time_command,
)

HELP_TARGET_S = 0.3
INFO_TARGET_S = 0.5


def console_script() -> Path:
    """The ``setori`` script installed beside this interpreter."""
    script = Path(sys.executable).parent / "setori"
    if not script.is_file():
        raise BenchError(f"no console script at {script}, expected `pip install -e .` first")
    return script


def small_store(db: Path) -> None:
    """``setori ingest`` of one small real CSV into ``db``."""
    argv = [sys.executable, "-m", "setori", "ingest", str(shared_data_dir() / CSV_SAMPLE)]
    done = subprocess.run([*argv, "--db", str(db), "-q"], capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(
            f"`setori ingest` of {CSV_SAMPLE} exited {done.returncode}:\n{done.stderr[-2000:]}"
        )


def commands(db: Path) -> list[tuple[str, Command, float | None]]:
    """(label, command, target seconds or None) for every row."""
    script = console_script()
    rows: list[tuple[str, Command, float | None]] = [
        ("`python -c pass` (interpreter alone)", Command((sys.executable, "-c", "pass")), None),
        (
            "`python -m setori --help`",
            Command((sys.executable, "-m", "setori", "--help")),
            HELP_TARGET_S,
        ),
        ("`setori --help` (console script)", Command((str(script), "--help")), HELP_TARGET_S),
    ]
    on_path = shutil.which("setori")
    if on_path is not None and Path(on_path).resolve() != script.resolve():
        rows.append(
            (f"`setori --help` via PATH ({on_path})", Command((on_path, "--help")), HELP_TARGET_S)
        )
    info = Command((str(script), "info", "--db", str(db)))
    rows.append(("`setori info --db small.duckdb`", info, INFO_TARGET_S))
    return rows


def verdict(median_s: float, target_s: float | None) -> str:
    if target_s is None:
        return "-"
    return f"{'PASS' if median_s <= target_s else 'FAIL'} (≤ {target_s} s)"


def main() -> None:
    p = parser(__doc__)
    p.set_defaults(runs=5)
    args = p.parse_args()
    runs = 3 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "small.duckdb"
        small_store(db)
        measured = []
        for label, command, target in commands(db):
            run_once(command)  # warm-up, not timed
            measured.append((Row(label, time_command(command, runs)), target))
    lines = [
        f"- Runs: {runs} per command after one untimed warm-up run; small store: "
        f"`{CSV_SAMPLE}` ingested.",
        "",
        *table([row for row, _ in measured], None),
        "",
        "| command | median wall s | target |",
        "|---|---:|---|",
    ]
    for row, target in measured:
        median_s = statistics.median(row.runs.wall_s)
        lines.append(f"| {row.label} | {median_s:.3f} | {verdict(median_s, target)} |")
    print(markdown_block("Start-up (whole process)", Path(__file__).name, lines))


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench_startup: {exc}")
