"""How long ``setori case export`` and ``setori case verify`` take, whole process, on a
case built from the NY Harbor week.

Input: the case of ``bench_report.py`` (``tracktable-noaa/NYHarbor_2020_12_first_week.traj``
ingested and detected with ``dprk``; the vessel ``setori risk`` ranks first, one of its
encounters, one of its gaps, and the vessel), built once, untimed, in a child process.
Timed, each its own process after one untimed warm-up run:

* ``setori case export CASE -o case.zip --key bench.key`` (BagIt bag, GeoParquet positions,
  signed Merkle checkpoint, in-toto Statement in a DSSE envelope; appends one log record)
* ``setori case verify case.zip --key bench.pub`` (offline: every hash, proof, signature)

    python bench/bench_case_export.py             # 3 runs each
    python bench/bench_case_export.py --runs 5
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _timing import BenchError, Command, Row, markdown_block, parser, run_once, time_command
from _timing import table as timing_table
from bench_report import WEEK, build_case_apart


def _setori(*args: str) -> tuple[str, ...]:
    return (sys.executable, "-m", "setori", *args)


def main() -> None:
    args = parser(__doc__).parse_args()
    runs = 3 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ny-week.duckdb"
        case_id, holds = build_case_apart(db)
        key = Path(tmp) / "bench"
        run_once(Command(_setori("keys", "new", "-o", str(key))))
        bundle = Path(tmp) / "case.zip"
        export = Command(
            _setori("case", "export", case_id, "-o", str(bundle), "--key", f"{key}.key",
                    "--db", str(db), "--analyst", "bench")
        )  # fmt: skip
        verify = Command(_setori("case", "verify", str(bundle), "--key", f"{key}.pub"))
        rows = []
        for label, command in (("case export", export), ("case verify BUNDLE", verify)):
            run_once(command)  # warm-up, not timed
            timed = time_command(command, runs)
            rows.append(Row(f"`setori {label}` ({bundle.stat().st_size:,} B bundle)", timed))
    lines = [
        f"- Input: `{WEEK}` ingested and detected (`dprk`), untimed; case: {holds}.",
        f"- Runs: {runs} per command, each its own process, after one untimed warm-up run.",
        "",
        *timing_table(rows, None),
    ]
    print(markdown_block("Case export and verify (whole process)", Path(__file__).name, lines))


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench_case_export: {exc}")
