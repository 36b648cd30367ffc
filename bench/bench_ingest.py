"""Ingest benchmark: wall time, rows/s and peak memory of `setori ingest`.

Builds inputs from REAL data by repetition with shifted times (so nothing dedupes away):

* CSV: tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv (MarineCadastre layout, 8,689 rows)
  repeated with +1 h per copy up to --rows rows (default 10,000,000);
* NMEA: dma-aisabnormal/ais-sample.txt.gz repeated to >= --nmea-lines lines (times are not
  shifted, so repeated copies dedupe: this measures read + decode + dedupe throughput).

Each ingest runs as a subprocess `python -m setori ingest ... -q`; peak RSS is the child's
ru_maxrss. Usage:

    python bench/bench_ingest.py                 # 10 M CSV rows, 1 M NMEA lines
    python bench/bench_ingest.py --rows 1000000  # quicker
"""

from __future__ import annotations

import argparse
import gzip
import platform
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import polars as pl

from setori.demo import shared_data_dir


def build_csv(out: Path, rows: int) -> int:
    data = shared_data_dir()
    assert data is not None, "needs ../shared/data"
    base = pl.read_csv(
        data / "tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv", infer_schema=False
    )
    copies = -(-rows // base.height)
    with out.open("w") as fh:
        fh.write(",".join(base.columns) + "\n")
    written = 0
    ts = pl.col("BaseDateTime").str.to_datetime("%Y-%m-%dT%H:%M:%S")
    for k in range(copies):
        part = base.with_columns(
            (ts + timedelta(hours=k)).dt.strftime("%Y-%m-%dT%H:%M:%S").alias("BaseDateTime")
        ).head(rows - written)
        with out.open("a") as fh:
            part.write_csv(fh, include_header=False)
        written += part.height
    return written


def build_nmea(out: Path, lines: int) -> int:
    data = shared_data_dir()
    assert data is not None
    raw = gzip.decompress((data / "dma-aisabnormal/ais-sample.txt.gz").read_bytes())
    n = raw.count(b"\n")
    copies = -(-lines // n)
    out.write_bytes(raw * copies)
    return n * copies


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run([sys.executable, "-m", "setori", "ingest", sys.argv[1], "--db", sys.argv[2], "-q"],
               check=True, stdout=subprocess.DEVNULL)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_ingest(db: Path, path: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `setori ingest` process, measured in isolation."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(db)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1]) / 1024


def pyais_lines_per_s(path: Path, lines: int) -> float:
    """pyais reading + decoding the first ``lines`` lines of ``path`` (no store): lines/s."""
    from pyais.stream import FileReaderStream

    head = path.with_suffix(".head")
    with path.open("rb") as src, head.open("wb") as dst:
        for _, line in zip(range(lines), src, strict=False):
            dst.write(line)
    start = time.perf_counter()
    for message in FileReaderStream(str(head)):
        try:
            message.decode()
        except Exception:  # pyais raises several types on bad input; go on
            continue
    return lines / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--nmea-lines", type=int, default=1_000_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        nmea = tmpdir / "repeated.nmea"
        n_lines = build_nmea(nmea, args.nmea_lines)
        wall, peak = run_ingest(tmpdir / "nmea.duckdb", nmea)
        rate = n_lines / wall
        print(f"NMEA {n_lines:>11,} lines {wall:7.1f} s {rate:>10,.0f}/s peak {peak:,.0f} MB")
        oracle = pyais_lines_per_s(nmea, 200_000)
        print(f"pyais read+decode, first 200,000 lines: {oracle:,.0f} lines/s (no store)")
        csv = tmpdir / "repeated.csv"
        n_rows = build_csv(csv, args.rows)
        wall, peak = run_ingest(tmpdir / "csv.duckdb", csv)
        print(
            f"CSV  {n_rows:>11,} rows  {wall:7.1f} s {n_rows / wall:>10,.0f}/s peak {peak:,.0f} MB"
        )


if __name__ == "__main__":
    main()
