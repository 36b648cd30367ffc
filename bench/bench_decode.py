"""Benchmark setori.ingest.nmea.ais_decode.decode against pyais on real AIS.

Takes the larger (by AIS sentence count) of the two big real NMEA captures in the
shared data folder, keeps its single-part !AIVDM/!AIVDO sentences, and repeats
them to at least 1,000,000 messages. In one run it measures:

* pyais: ``pyais.decode(sentence)`` one message at a time, on a subset (pyais is
  slow); its rate is extrapolated to the full run, and the table says so;
* setori: ``decode(payloads, fill_bits)`` on all messages, and on the position
  reports (types 1, 2, 3, 18, 19, 27) alone. Payload extraction (splitting the
  sentences in Python and building the Arrow array) is timed and reported
  separately, not included in the decode rates.

setori is timed as the best of ``--repeats`` runs after one warm-up call (which
loads or compiles the numba kernels; its time is reported too). Rates are given
per CPU second (process time) and per wall-clock second: the machine is shared,
and CPU time is the steadier of the two. Everything runs on one core (the
kernels are serial).

    python bench/bench_decode.py
    python bench/bench_decode.py --messages 2_000_000 --pyais-subset 200_000
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import platform
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pyais
import pyarrow as pa

from setori.ingest.nmea.ais_decode import POSITION_TYPES, decode

T = TypeVar("T")
SHARED_DATA = Path(os.environ.get("SETORI_SHARED_DATA", "/work/shared/data"))
CANDIDATES = ("dma-aisabnormal/ais-sample.txt.gz", "amsa-risky/ais.txt.gz")


def ais_sentences(path: Path) -> Iterator[str]:
    """Every !..VDM / !..VDO sentence of a file, from '!' to the checksum."""
    with gzip.open(path, "rt", encoding="ascii", errors="replace") as f:
        for line in f:
            start = line.find("!")
            if start >= 0 and line[start + 3 : start + 6] in ("VDM", "VDO"):
                star = line.find("*", start)
                yield line[start : star + 3] if star > 0 else line[start:].rstrip()


def largest_capture() -> tuple[Path, list[str]]:
    counted = [(p, list(ais_sentences(SHARED_DATA / p))) for p in CANDIDATES]
    for name, sentences in counted:
        print(f"  {name}: {len(sentences):,} AIS sentences")
    name, sentences = max(counted, key=lambda c: len(c[1]))
    return SHARED_DATA / name, sentences


def single_part(sentences: list[str]) -> list[str]:
    """Complete (7 fields) sentences of 1-part messages."""
    fields = ((s, s.split(",")) for s in sentences)
    return [s for s, f in fields if len(f) == 7 and f[1:3] == ["1", "1"]]


def extract(sentences: list[str]) -> tuple[pa.Array, npt.NDArray[np.int8]]:
    """Payloads (6th field) as an Arrow string array, and fill bits (7th field)."""
    fields = [s.split(",", 7) for s in sentences]
    payloads = pa.array([f[5] for f in fields], pa.large_string())
    fill = np.array([int(f[6][:1] or 0) for f in fields], dtype=np.int8)
    return payloads, fill


@dataclass(frozen=True, slots=True)
class Timing:
    """Best wall-clock and best CPU (process) time of a few runs, in seconds."""

    wall_s: float
    cpu_s: float


def best_of(repeats: int, run: Callable[[], T]) -> tuple[Timing, T]:
    """Best of ``repeats`` runs; CPU time is reported too because the machine is shared."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert result is not None
    return Timing(min(walls), min(cpus)), result


def pyais_decode_all(sentences: list[str]) -> int:
    """pyais.decode, one sentence at a time; returns how many decoded."""
    decoded = 0
    for sentence in sentences:
        with contextlib.suppress(pyais.exceptions.AISBaseException):
            pyais.decode(sentence)
            decoded += 1
    return decoded


def machine() -> str:
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if "Model name" in ln)
    except (OSError, subprocess.CalledProcessError, StopIteration):
        model = platform.processor()
    return f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--pyais-subset", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print(f"pyais {pyais.__version__}, numpy {np.__version__}, pyarrow {pa.__version__}")
    path, sentences = largest_capture()
    unique = single_part(sentences)
    copies = -(-args.messages // len(unique))
    sentences = unique * copies
    n = len(sentences)
    print(f"using {path.name}: {len(unique):,} single-part sentences x {copies} = {n:,}")

    t_extract, (payloads, fill) = best_of(1, lambda: extract(sentences))
    t_first, _ = best_of(1, lambda: decode(payloads[:1000], fill[:1000]))
    t_all, decoded = best_of(args.repeats, lambda: decode(payloads, fill))
    is_position = np.isin(decoded.msg_type, POSITION_TYPES)
    pos_payloads, pos_fill = payloads.filter(pa.array(is_position)), fill[is_position]
    t_pos, _ = best_of(args.repeats, lambda: decode(pos_payloads, pos_fill))
    subset = sentences[: args.pyais_subset]
    t_pyais, _ = best_of(1, lambda: pyais_decode_all(subset))

    rows = [
        (f"pyais.decode per message (subset {len(subset):,})", len(subset), t_pyais),
        ("setori decode, all messages", n, t_all),
        ("setori decode, position reports only", len(pos_payloads), t_pos),
    ]
    print_table(rows)
    n_pyais_s = n * t_pyais.cpu_s / len(subset)
    print(f"pyais on all {n:,} messages: ~{n_pyais_s:.1f} s CPU (extrapolated from the subset)")
    print(
        f"setori on all messages: {t_all.cpu_s:.3f} s CPU, "
        f"{decoded.positions.num_rows / t_all.cpu_s:,.0f} positions/s within it "
        f"({decoded.positions.num_rows:,} positions, {decoded.statics.num_rows:,} statics, "
        f"{decoded.rejects.num_rows:,} rejects)"
    )
    print(f"setori first call (numba kernels load/compile, 1,000 messages): {t_first.wall_s:.2f} s")
    rate = n / t_extract.wall_s
    print(f"payload extraction (Python split + Arrow array), not in the rates: {rate:,.0f}/s")


def print_table(rows: list[tuple[str, int, Timing]]) -> None:
    """messages/s by CPU time (and by wall time), and the speed-up over pyais (CPU)."""
    base = rows[0][1] / rows[0][2].cpu_s
    print()
    print(
        f"| {'decoder':42} | {'messages':>9} | {'msg/s (CPU)':>11} "
        f"| {'msg/s (wall)':>12} | {'vs pyais':>8} |"
    )
    print(f"|{'-' * 44}|{'-' * 11}|{'-' * 13}|{'-' * 14}|{'-' * 10}|")
    for name, count, t in rows:
        cpu, wall = count / t.cpu_s, count / t.wall_s
        print(f"| {name:42} | {count:>9,} | {cpu:>11,.0f} | {wall:>12,.0f} | {cpu / base:>7.1f}x |")
    print()


if __name__ == "__main__":
    main()
