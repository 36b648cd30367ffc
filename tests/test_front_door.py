"""What a new user meets at the front door, through the real ``setori`` process: a mistyped
store, a locked store, Ctrl-C, a failing input among good ones, the profile of what is shown,
plurals and ship-type names. Everything runs on the real slices in ``tests/data`` and the
real DMA sample shipped in the package."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import setori
from setori.demo import PACKAGED_SAMPLE
from setori.errors import InputError
from setori.shiptypes import ship_type_name

pytestmark = pytest.mark.slow  # every test runs the real setori process (~30 s)

DRIFT = Path(__file__).parent / "data" / "tracks" / "dma-212123000-drift-positions.ais"


def setori_cmd(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SETORI_")}
    return subprocess.run(
        [sys.executable, "-m", "setori", *args],
        capture_output=True,
        text=True,
        env=env,
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("front") / "ships.duckdb"
    setori.ingest([DRIFT, PACKAGED_SAMPLE], db=db)
    return db


@pytest.mark.parametrize("command", ["info", "events", "detect", "vessels", "tracks", "map"])
def test_a_mistyped_store_is_an_error_naming_it_and_is_not_created(
    command: str, tmp_path: Path
) -> None:
    typo = tmp_path / "shisp.duckdb"
    done = setori_cmd(command, "--db", str(typo), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: no store at '{typo}' (a mistyped --db?); create one with setori ingest"
    ]
    assert not typo.exists()


def test_a_locked_store_gives_one_line_naming_the_writer(store: Path, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, setori\n"
         "with setori.open_store(db=sys.argv[1], mode='write'):\n"
         "    print('locked', flush=True); time.sleep(60)\n", str(store)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        done = setori_cmd("info", "--db", str(store))
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: another setori process, PID {holder.pid}, is writing {store}; "
        "try again when it ends"
    ]


def test_ctrl_c_ends_a_command_with_one_line_and_status_130(tmp_path: Path) -> None:
    """SIGINT once the first batch is committed (the info log says so), with many to go."""
    big = tmp_path / "big.nmea"
    big.write_text(PACKAGED_SAMPLE.read_text() * 200)  # ~85 MB: 6 batches of 16 MB
    env = {k: v for k, v in os.environ.items() if not k.startswith("SETORI_")}
    run = subprocess.Popen(
        [sys.executable, "-m", "setori", "--log-level", "info", "ingest", str(big),
         "--db", str(tmp_path / "s.duckdb")],
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert run.stderr is not None
    seen = [run.stderr.readline()]
    while "committed batch 0" not in seen[-1] and seen[-1]:
        seen.append(run.stderr.readline())
    run.send_signal(signal.SIGINT)
    rest = run.stderr.read()
    run.wait(timeout=120)
    assert run.returncode == 130, "".join(seen) + rest
    assert "Traceback" not in rest
    assert rest.strip().splitlines()[-1].startswith("interrupted:")
    kept = setori.info(db=tmp_path / "s.duckdb")["positions"]
    assert kept > 0  # the committed batches stay; a re-run completes the file


def test_a_failing_input_does_not_stop_the_good_ones(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    missing = tmp_path / "missing.nmea"
    with pytest.raises(InputError, match=r"missing\.nmea"):
        setori.ingest([DRIFT, missing], db=db)
    info = setori.info(db=db)
    assert info["positions"] > 0 and info["segments"] > 0  # the good file is in, segmented
    summary = setori.ingest([DRIFT, missing], db=tmp_path / "t.duckdb", strict=False)
    assert len(summary.failures) == 1 and summary.segmented_rows == info["positions"]
    done = setori_cmd("ingest", str(DRIFT), str(missing), "--db", str(tmp_path / "u.duckdb"))
    assert done.returncode == 1
    assert f"error: cannot open '{missing}'" in done.stderr
    assert "1 input failed" in done.stderr


def test_a_failed_ingest_prints_no_empty_table(tmp_path: Path) -> None:
    done = setori_cmd("ingest", str(tmp_path / "nothing.nmea"), "--db", str(tmp_path / "s.db"))
    assert done.returncode == 1
    assert "ingest summary" not in done.stderr
    assert "0 lines read" in done.stderr


def test_detect_counts_match_what_events_shows_and_say_the_profile(store: Path) -> None:
    found = setori.detect(db=store, profile="dprk")
    assert found.counts["loitering"] >= 1  # STOC MARCIA drifts 12 h (tests/data/tracks)
    for profile in ("gfw", "dprk"):
        summary = setori.detect(db=store, profile=profile)
        shown = setori.events(db=store, profile=profile)
        for event_type, n in summary.shown.items():
            assert sum(1 for t in shown.column("type").to_pylist() if t == event_type) == n
    last = setori_cmd("events", "--db", str(store))  # dprk ran last
    assert {json.loads(line)["profile"] for line in last.stdout.splitlines()} == {"dprk"}
    events = [json.loads(line) for line in last.stdout.splitlines()]
    assert len({e["id"] for e in events}) == len(events)  # no event twice
    setori.detect(db=store, profile="gfw")
    now_gfw = setori_cmd("events", "--db", str(store))
    assert {json.loads(line)["profile"] for line in now_gfw.stdout.splitlines()} == {"gfw"}
    asked = setori_cmd("events", "--db", str(store), "--profile", "dprk")
    again = [json.loads(line) for line in asked.stdout.splitlines()]
    assert {e["profile"] for e in again} == {"dprk"}
    by_type = {t: sum(1 for e in again if e["type"] == t) for t in summary.shown}
    assert by_type == summary.shown  # what the last dprk run said it stored and shows
    assert [e["id"] for e in again] == [e["id"] for e in events]  # same events, same order
    starts = [e["start"] for e in again]
    assert starts == sorted(starts)


def test_summaries_use_singular_and_plural(tmp_path: Path) -> None:
    one = tmp_path / "one.nmea"
    one.write_text(PACKAGED_SAMPLE.read_text().splitlines(keepends=True)[1])
    done = setori_cmd("ingest", str(one), "--db", str(tmp_path / "s.duckdb"))
    assert "1 line read" in done.stderr
    assert "1 lines" not in done.stderr


def test_vessels_name_their_ship_types(store: Path) -> None:
    """The DMA sample's static reports carry ship types; each code gets its words."""
    rows = [r for r in setori.vessels(db=store).to_pylist() if r["ship_types"]]
    assert len(rows) > 100
    named = {c: n for r in rows for c, n in zip(r["ship_types"], r["ship_type_names"], strict=True)}
    assert named[70] == "cargo" and named[80] == "tanker" and named[52] == "tug"
    assert ship_type_name(71) == "cargo, hazardous category X"
    assert ship_type_name(0) is None and ship_type_name(None) is None
    assert ship_type_name(19) == "reserved (19)"


def test_settings_show_where_each_value_came_from(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SETORI_")}
    env["SETORI_DB"] = str(tmp_path / "x.duckdb")
    done = subprocess.run(
        [sys.executable, "-m", "setori", "settings", "--format", "json"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    rows = {r["name"]: r for r in json.loads(done.stdout)}
    assert rows["db"]["value"] == str(tmp_path / "x.duckdb")
    assert rows["db"]["origin"] == "environment SETORI_DB"
    assert rows["detect_rows"]["origin"] == "default"
    assert rows["shared_data"]["value"] is None


def test_detecting_identity_alone_works(store: Path) -> None:
    """Identity events have no port distance when they have no position: the gfw view,
    which hides only encounters in port, must not ask for one."""
    done = setori_cmd("detect", "--db", str(store), "--types", "identity")
    assert done.returncode == 0, done.stderr
    found = setori.detect(db=store, types=["identity"])
    assert found.counts["identity"] == found.shown["identity"] > 0
