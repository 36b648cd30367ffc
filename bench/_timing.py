"""Shared timing for every script in ``bench/`` (style rule 36).

Every figure is the median of ``runs`` (>= 3) timings with their min and max; a script
times either a callable in its own process (:func:`time_call`) or a whole command as a
user runs it (:func:`time_command`, which also reads the child's peak RSS from
``wait4``). :func:`markdown_block` prints the result ready to paste into
``bench/RESULTS.md``: the command, the machine, the commit (``+dirty`` when the working
tree has uncommitted changes to tracked files) and one table row per measurement.

Not part of the package: imported as ``_timing`` by the scripts next to it.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parent.parent
MIN_RUNS = 3
#: Load average (1 min) when the script started: the machine may be shared.
START_LOAD = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


class BenchError(Exception):
    """A benchmark could not run as described (missing data, a failed command)."""


@dataclass(frozen=True, slots=True)
class Runs:
    """Wall and CPU seconds (and peak RSS in MB, for commands) of repeated runs."""

    wall_s: tuple[float, ...]
    cpu_s: tuple[float, ...]
    peak_rss_mb: tuple[float, ...] = ()

    @property
    def median_wall_s(self) -> float:
        return statistics.median(self.wall_s)

    @property
    def median_cpu_s(self) -> float:
        return statistics.median(self.cpu_s)

    def wall_text(self) -> str:
        """``median (min–max)`` wall seconds."""
        return _spread(self.wall_s, "{:.3g}")

    def rate_text(self, work: int) -> str:
        """``median (min–max)`` of ``work`` per wall second (min rate from the max time)."""
        return _spread([work / w for w in self.wall_s], "{:,.0f}")

    def cpu_text(self) -> str:
        return _spread(self.cpu_s, "{:.3g}")

    def rss_text(self) -> str:
        return _spread(self.peak_rss_mb, "{:,.0f}") if self.peak_rss_mb else "-"


def _spread(values: Sequence[float], fmt: str) -> str:
    med, lo, hi = statistics.median(values), min(values), max(values)
    return f"{fmt.format(med)} ({fmt.format(lo)}–{fmt.format(hi)})"


def check_runs(runs: int) -> int:
    if runs < MIN_RUNS:
        raise BenchError(f"--runs is {runs}, expected at least {MIN_RUNS} (median of >= 3)")
    return runs


def time_call(run: Callable[[], T], runs: int) -> tuple[Runs, T]:
    """Wall and process-CPU seconds of ``runs`` calls of ``run``; the last call's result."""
    walls, cpus = [], []
    last: list[T] = []  # only the last result is kept: earlier ones would inflate memory
    for _ in range(check_runs(runs)):
        last.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        last.append(run())
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Runs(tuple(walls), tuple(cpus)), last[0]


@dataclass(frozen=True, slots=True)
class Command:
    """One command line, run as a user would run it (optionally before each run: ``prepare``)."""

    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[], None] | None = None

    def text(self) -> str:
        return shlex.join(_short(a) for a in self.argv)


def _short(arg: str) -> str:
    """``sys.executable`` shown as ``python``, temporary paths by their file name."""
    if arg == sys.executable:
        return "python"
    if arg.startswith(tempfile.gettempdir()):
        return Path(arg).name
    return arg


def run_once(command: Command) -> tuple[float, float, float]:
    """Wall s, CPU s (user + system) and peak RSS (MB) of one run of ``command``."""
    if command.prepare is not None:
        command.prepare()
    env = {**os.environ, **command.env}
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command.argv, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise BenchError(f"`{command.text()}` exited {proc.returncode}, expected 0:\n{tail}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def time_command(command: Command, runs: int) -> Runs:
    """``runs`` whole-process runs of ``command`` (its own process each time)."""
    measured = [run_once(command) for _ in range(check_runs(runs))]
    walls, cpus, rss = zip(*measured, strict=True)
    return Runs(tuple(walls), tuple(cpus), tuple(rss))


def commit() -> str:
    """``git rev-parse --short HEAD``, plus ``+dirty`` when tracked files have changes."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + ("+dirty" if dirty else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def machine() -> str:
    """CPU model, cores, RAM, OS, Python and the load average at the start and now."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{_cpu_model()}, {cores} cores usable, {_ram_gib()}, {platform.system()}, "
        f"Python {platform.python_version()}; load average {START_LOAD:.1f} at the start, "
        f"{load:.1f} at the end"
    )


def shared_data_dir() -> Path:
    """``$SETORI_SHARED_DATA`` if set, else ``<repo>/../shared/data`` (the real public data)."""
    env = os.environ.get("SETORI_SHARED_DATA")
    path = Path(env) if env else REPO_ROOT.parent / "shared" / "data"
    if not (path / "SOURCES.md").is_file():
        raise BenchError(
            f"no shared data at {path} (no SOURCES.md there), expected $SETORI_SHARED_DATA "
            "or <repo>/../shared/data"
        )
    return path


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with ``--runs`` and ``--quick`` (small input, 3 runs: a smoke run)."""
    p = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--runs", type=int, default=MIN_RUNS, help="runs per figure (>= 3)")
    p.add_argument("--quick", action="store_true", help="small input and 3 runs (smoke run)")
    return p


@dataclass(frozen=True, slots=True)
class Row:
    """One table row: what was timed, how much work (e.g. lines) and its timings."""

    label: str
    runs: Runs
    work: int | None = None


def table(rows: Sequence[Row], unit: str | None) -> list[str]:
    """A Markdown table: wall, rate (``unit``/s), CPU and peak RSS as median (min–max).

    With ``unit`` None (no work count, e.g. start-up time) the work and rate columns are left
    out.
    """
    if unit is None:
        out = ["| measurement | wall s | CPU s | peak RSS MB |", "|---|---:|---:|---:|"]
    else:
        out = [
            f"| measurement | {unit} | wall s | {unit}/s | CPU s | peak RSS MB |",
            "|---|---:|---:|---:|---:|---:|",
        ]
    for row in rows:
        cells = [row.label]
        if unit is not None:
            cells.append(f"{row.work:,}" if row.work is not None else "-")
        cells.append(row.runs.wall_text())
        if unit is not None:
            cells.append(row.runs.rate_text(row.work) if row.work else "-")
        cells += [row.runs.cpu_text(), row.runs.rss_text()]
        out.append("| " + " | ".join(cells) + " |")
    return out


def markdown_block(title: str, script: str, lines: Sequence[str]) -> str:
    """The block to paste into RESULTS.md: heading, command, commit, machine, then ``lines``."""
    args = shlex.join(sys.argv[1:])
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = [
        f"### {title}",
        "",
        f"- Command: `python bench/{script}{' ' + args if args else ''}`",
        f"- Commit: `{commit()}`, run {when}",
        f"- Machine: {machine()}",
        "- Figures: median (min–max) of the runs stated.",
    ]
    return "\n".join([*head, *lines])
