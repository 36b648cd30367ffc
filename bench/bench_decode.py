"""Decode raw NMEA lines: setori's ingest reader against pyais, equal work on both sides.

Both sides read the same file of raw NMEA lines (``_inputs.build_nmea``: the real DMA
capture ``dma-aisabnormal/ais-sample.txt.gz`` repeated to ``--lines`` lines, copy ``k``
re-stamped ``k`` days on; decoding does not deduplicate, the re-stamping only keeps the
input identical to ``bench_ingest.py``'s) and turn every line into decoded messages:

* setori: ``setori.ingest.sources.read_source(path, ReadOptions(fmt="nmea"))``, the
  reader ``setori ingest`` runs: sentence parsing, checksums, tag blocks, ``$PGHP`` time
  stamps, two-part messages, the bulk decoder, canonical position / static / quarantine
  columns (Arrow) with times and receivers. Nothing is written.
* pyais: ``pyais.stream.FileReaderStream(path)`` and ``.decode()`` of every message it
  yields: sentence parsing, checksums, ``$PGHP`` wrappers, multipart assembly, one decoded
  message object each.

The script checks that both decode the same number of position reports (types 1, 2, 3,
18, 19, 27) and stops otherwise. Each side runs ``--runs`` times in this process; setori
first reads the sample once to load its compiled kernels (timed and reported apart: a
fresh process pays it once, see ``bench_ingest.py`` and ``bench_startup.py``).

    python bench/bench_decode.py                 # 1,000,000 lines, 3 runs
    python bench/bench_decode.py --quick         # one copy (80,246 lines), 3 runs
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyais
from _inputs import build_nmea
from _timing import BenchError, Row, markdown_block, parser, table, time_call
from pyais.stream import FileReaderStream

from setori.ingest.sources import ReadOptions, read_source

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})


def setori_positions(path: Path) -> int:
    """Read every line of ``path`` through setori's NMEA reader; positions decoded."""
    return sum(
        batch.positions.num_rows for batch in read_source(str(path), ReadOptions(fmt="nmea"))
    )


def pyais_positions(path: Path) -> int:
    """pyais: every message of ``path`` decoded; position reports among them."""
    positions = 0
    for message in FileReaderStream(str(path)):
        with contextlib.suppress(pyais.exceptions.AISBaseException):
            if message.decode().msg_type in POSITION_TYPES:
                positions += 1
    return positions


def ratio_text(fast: tuple[float, ...], slow: tuple[float, ...]) -> str:
    """How many times faster ``fast`` is: median (min–max, from the extremes of both)."""
    med = statistics.median(slow) / statistics.median(fast)
    lo, hi = min(slow) / max(fast), max(slow) / min(fast)
    return f"{med:.1f}× ({lo:.1f}–{hi:.1f}×)"


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--lines", type=int, default=1_000_000, help="NMEA lines (whole copies)")
    args = p.parse_args()
    lines, runs = (1, 3) if args.quick else (args.lines, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        sample = build_nmea(Path(tmp) / "sample.nmea", 1)
        built = build_nmea(Path(tmp) / "lines.nmea", lines)
        start = time.perf_counter()
        setori_positions(sample.path)
        first_s = time.perf_counter() - start
        t_setori, n_setori = time_call(lambda: setori_positions(built.path), runs)
        t_pyais, n_pyais = time_call(lambda: pyais_positions(built.path), runs)
    if n_setori != n_pyais:
        raise BenchError(
            f"setori decoded {n_setori:,} positions and pyais {n_pyais:,}: not equal work"
        )
    rows = [
        Row("setori `read_source` (fmt nmea), lines → position columns", t_setori, built.lines),
        Row(f"pyais {pyais.__version__} `FileReaderStream` + `decode()`", t_pyais, built.lines),
    ]
    body = [
        f"- Input: {built.describe('lines')}, {n_setori:,} position reports decoded by each.",
        f"- Runs: {runs} per side, in one process; setori's first read of the sample "
        f"(compiled kernels loading) took {first_s:.2f} s and is not in its row.",
        "",
        *table(rows, "lines"),
        "",
        "- Lines/s counts every line; in this capture two lines in three are tag blocks and "
        "`$PGHP` stamps.",
        "- setori / pyais, raw lines to decoded positions, wall: "
        f"**{ratio_text(t_setori.wall_s, t_pyais.wall_s)}**; "
        f"CPU: {ratio_text(t_setori.cpu_s, t_pyais.cpu_s)}.",
    ]
    print(markdown_block("Decode raw NMEA lines", Path(__file__).name, body))


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench_decode: {exc}")
