"""Whole-process `setori ingest` into a fresh store: wall time, rate and peak RSS.

Every run is its own process, as a user runs it, into a new store file:
``python -m setori ingest FILE --db fresh.duckdb -q`` (process start, imports, compiled
kernels loading, reading, decoding, deduplication, the DuckDB writes and segmentation).
Peak RSS is the child's ``ru_maxrss`` (``wait4``).

Inputs (``_inputs.py``) are real data repeated so that nothing deduplicates:

* NMEA: ``dma-aisabnormal/ais-sample.txt.gz`` repeated to ``--nmea-lines`` lines, copy ``k``
  with its ``$PGHP`` time stamps ``k`` days on;
* CSV: ``tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv`` repeated to ``--rows`` rows,
  copy ``k`` shifted ``k`` hours.

The script checks that the store holds at least 99 % of the decoded positions (of the CSV
rows): only duplicates within one copy of a sample may deduplicate (the NY Harbor hour
has 2 repeated rows), never one copy against another.

Beside it, the pyais baseline on the same NMEA file, also a whole process
(``FileReaderStream`` + ``decode()`` of every message, nothing stored): it does less work
than the ingest (no store), so the ratio is a lower bound on what the store costs.

    python bench/bench_ingest.py                 # 1 M NMEA lines, 10 M CSV rows, 3 runs
    python bench/bench_ingest.py --quick         # 80,246 lines, 100,000 rows, 3 runs
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

import duckdb
from _inputs import Built, build_csv, build_nmea
from _timing import BenchError, Command, Row, Runs, markdown_block, parser, table, time_command
from bench_decode import setori_positions

PYAIS_DECODE = """
import sys
import pyais
from pyais.stream import FileReaderStream
for message in FileReaderStream(sys.argv[1]):
    try:
        message.decode()
    except pyais.exceptions.AISBaseException:
        pass
"""
#: The share of positions that may deduplicate: within one copy of a sample, the same
#: report heard twice (NMEA) or a repeated row (the NY Harbor hour has 2 in 8,689).
MAX_DUPLICATE_SHARE = 0.01


def ingest_command(path: Path, db: Path) -> Command:
    """``python -m setori ingest path --db db -q`` into a store removed before each run."""

    def fresh() -> None:
        for leftover in (db, db.with_name(db.name + ".wal")):
            leftover.unlink(missing_ok=True)

    argv = (sys.executable, "-m", "setori", "ingest", str(path), "--db", str(db), "-q")
    return Command(argv, prepare=fresh)


def stored_positions(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.sql("SELECT count(*) FROM positions").fetchone()
    assert row is not None
    return int(row[0])


def check_stored(db: Path, expected: int, what: str) -> str:
    """The store must hold nearly every one of ``expected`` positions (input does not dedupe)."""
    stored = stored_positions(db)
    if stored < expected * (1 - MAX_DUPLICATE_SHARE):
        raise BenchError(
            f"store holds {stored:,} of {expected:,} {what}, expected at least "
            f"{1 - MAX_DUPLICATE_SHARE:.0%}: the input deduplicates"
        )
    return f"{stored:,} of {expected:,} {what} stored ({stored / expected:.2%})"


def ratio_text(fast: Runs, slow: Runs) -> str:
    med = statistics.median(slow.wall_s) / statistics.median(fast.wall_s)
    lo, hi = min(slow.wall_s) / max(fast.wall_s), max(slow.wall_s) / min(fast.wall_s)
    return f"{med:.2f}× ({lo:.2f}–{hi:.2f}×)"


def bench_nmea(tmp: Path, lines: int, runs: int) -> tuple[list[Row], list[str]]:
    built = build_nmea(tmp / "lines.nmea", lines)
    db = tmp / "nmea.duckdb"
    t_ingest = time_command(ingest_command(built.path, db), runs)
    stored = check_stored(db, setori_positions(built.path), "decoded positions")
    t_pyais = time_command(Command((sys.executable, "-c", PYAIS_DECODE, str(built.path))), runs)
    rows = [
        Row("NMEA: `setori ingest` (whole process, store written)", t_ingest, built.lines),
        Row("NMEA: pyais decode only (whole process, nothing stored)", t_pyais, built.lines),
    ]
    notes = [
        f"- NMEA input: {built.describe('lines')}; {stored}.",
        "- NMEA lines/s, `setori ingest` ÷ pyais decode-only (both whole processes; pyais "
        f"stores nothing): **{ratio_text(t_ingest, t_pyais)}**.",
    ]
    return rows, notes


def bench_csv(tmp: Path, rows_wanted: int, runs: int) -> tuple[list[Row], list[str]]:
    built: Built = build_csv(tmp / "rows.csv", rows_wanted)
    db = tmp / "csv.duckdb"
    t_ingest = time_command(ingest_command(built.path, db), runs)
    stored = check_stored(db, built.lines, "CSV rows")
    size_mb = built.path.stat().st_size / 2**20
    rows = [Row("CSV: `setori ingest` (whole process, store written)", t_ingest, built.lines)]
    return rows, [f"- CSV input: {built.describe('rows')}, {size_mb:,.0f} MiB; {stored}."]


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--nmea-lines", type=int, default=1_000_000, help="NMEA lines (whole copies)")
    p.add_argument("--rows", type=int, default=10_000_000, help="CSV rows")
    p.add_argument("--tmp", type=Path, default=None, help="folder for inputs and stores")
    args = p.parse_args()
    lines, rows_wanted, runs = (
        (1, 100_000, 3)
        if args.quick
        else (
            args.nmea_lines,
            args.rows,
            args.runs,
        )
    )
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        nmea_rows, nmea_notes = bench_nmea(Path(tmp), lines, runs)
        csv_rows, csv_notes = bench_csv(Path(tmp), rows_wanted, runs)
    body = [
        f"- Runs: {runs} of each command, each into a new store file.",
        *nmea_notes,
        *csv_notes,
        "",
        *table([*nmea_rows, *csv_rows], "lines or rows"),
    ]
    print(markdown_block("Ingest (whole process)", Path(__file__).name, body))


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench_ingest: {exc}")
