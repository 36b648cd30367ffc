"""How long ``setori report`` takes, whole process, on a case built from the NY Harbor week.

Input: ``tracktable-noaa/NYHarbor_2020_12_first_week.traj`` (172,679 real NOAA positions,
140 MMSIs) ingested and detected (``dprk`` profile) once, untimed; the case is the one an
analyst would open first: the vessel ``setori risk`` ranks first, one of its encounters
and one of its gaps (both frozen with their positions and vessels) and the vessel itself.
Timed, each its own process after one untimed warm-up run (file cache and byte-code warm):

* ``setori report CASE --format html -o case.html``
* ``setori report CASE --format pdf -o case.pdf`` (PDF/A-3b, fonts subset and embedded)

Both read the case from the workspace and the tracks, timelines and risk from the store.

    python bench/bench_report.py              # 3 runs each
    python bench/bench_report.py --runs 5
    python bench/bench_report.py --quick      # 3 runs (the same input: it is one week)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import (
    BenchError,
    Command,
    Row,
    markdown_block,
    parser,
    run_once,
    shared_data_dir,
    time_command,
)
from _timing import table as timing_table

WEEK = "tracktable-noaa/NYHarbor_2020_12_first_week.traj"


def build_case(db: Path) -> tuple[str, str]:
    """Ingest and detect the week into ``db``; open the case. Returns (case id, what it holds)."""
    import setori
    from setori.settings import Settings

    settings = Settings().with_overrides(shared_data=shared_data_dir())
    setori.ingest([shared_data_dir() / WEEK], db=db, settings=settings)
    setori.detect(db=db, profile="dprk", settings=settings)
    setori.analyst_add("bench", db=db, settings=settings)
    top = setori.risk(db=db, top=1, settings=settings).to_pylist()
    if not top:
        raise BenchError(f"setori risk ranked no vessel on {WEEK}, expected at least one")
    mmsi = int(top[0]["mmsi"])
    events = setori.events(db=db, mmsi=[mmsi], settings=settings).to_pylist()
    chosen = [
        next(e for e in events if e["type"] == kind)
        for kind in ("encounter", "gap")
        if any(e["type"] == kind for e in events)
    ]
    case_id = setori.case_new(f"NY Harbor: MMSI {mmsi}", analyst="bench", db=db, settings=settings)
    setori.case_add(
        case_id,
        events=[e["id"] for e in chosen],
        vessels=[str(mmsi)],
        analyst="bench",
        db=db,
        settings=settings,
    )
    kinds = ", ".join(str(e["type"]) for e in chosen)
    return case_id, f"MMSI {mmsi} (risk score {top[0]['score']}), events: {kinds}, the vessel"


def build_case_apart(db: Path) -> tuple[str, str]:
    """:func:`build_case` in a child process, so that this process stays small: a timed
    command forked from a large parent would report the parent's peak RSS as its own."""
    done = subprocess.run(
        [sys.executable, __file__, "--build", str(db)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BenchError(f"building the case failed:\n{done.stderr[-2000:]}")
    built = json.loads(done.stdout.strip().splitlines()[-1])
    return str(built["case_id"]), str(built["holds"])


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--build", metavar="DB", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.build:
        case_id, holds = build_case(Path(args.build))
        print(json.dumps({"case_id": case_id, "holds": holds}))
        return
    runs = 3 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ny-week.duckdb"
        case_id, holds = build_case_apart(db)
        rows = []
        for fmt in ("html", "pdf"):
            out = Path(tmp) / f"case.{fmt}"
            argv = (
                sys.executable,
                "-m",
                "setori",
                "report",
                case_id,
                "--format",
                fmt,
                "-o",
                str(out),
                "--db",
                str(db),
            )
            command = Command(argv, env={"SOURCE_DATE_EPOCH": "1767225600"})
            run_once(command)  # warm-up, not timed
            timed = time_command(command, runs)
            rows.append(
                Row(f"`setori report CASE --format {fmt}` ({out.stat().st_size:,} B)", timed)
            )
    lines = [
        f"- Input: `{WEEK}` ingested and detected (`dprk`), untimed; case: {holds}.",
        f"- Runs: {runs} per format, each its own process, after one untimed warm-up run.",
        "",
        *timing_table(rows, None),
    ]
    print(markdown_block("Report (whole process)", Path(__file__).name, lines))


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench_report: {exc}")
