"""The verbs are the API: real functions, typed for a user's ``mypy --strict``, and every
command prints what its verb returns."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

import setori
from setori.cli import cli

DATA = Path(__file__).parent / "data"
USER_SCRIPT = """
from pathlib import Path

import setori

summary: setori.IngestSummary = setori.ingest([Path("ships.nmea")], db="ships.duckdb")
found: setori.DetectSummary = setori.detect(db="ships.duckdb", profile="dprk")
counts: dict[str, int] = found.counts
events = setori.events(db="ships.duckdb", types=["encounter"])
positions: setori.Tracks = setori.tracks(db="ships.duckdb", mmsi=[538004030])
n: int = len(positions)
info: dict[str, object] = setori.info(db="ships.duckdb")
"""


def test_verbs_are_functions_even_after_their_packages_are_imported() -> None:
    import setori.detect.run
    import setori.ingest.sources
    import setori.screen.match
    import setori.tracks.segment

    for name in ("detect", "tracks", "ingest", "screen", "demo", "events", "vessel"):
        assert isinstance(getattr(setori, name), types.FunctionType), name


@pytest.mark.slow
def test_a_user_script_type_checks_under_mypy_strict(tmp_path: Path) -> None:
    """A user's strict mypy run sees setori's verbs as typed functions. setori is found on
    MYPYPATH because mypy cannot see through editable installs; ``--follow-imports=silent``
    checks setori's signatures as for an installed package without reporting its internals.
    A misuse (a string where the MMSIs go) must be reported, so the check is not vacuous."""
    script = tmp_path / "user.py"
    script.write_text(USER_SCRIPT)
    assert _mypy(script, tmp_path).returncode == 0, _mypy(script, tmp_path).stdout
    wrong = tmp_path / "wrong.py"
    wrong.write_text('import setori\nsetori.tracks(db="s.duckdb", mmsi="538004030", x=1)\n')
    found = _mypy(wrong, tmp_path)
    assert found.returncode == 1
    assert 'Unexpected keyword argument "x"' in found.stdout


def _mypy(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--follow-imports=silent", "--cache-dir=/dev/null", str(script)],
        capture_output=True, text=True, cwd=cwd, env={**os.environ, "MYPYPATH": str(root)},
    )  # fmt: skip


def test_every_verb_has_keyword_only_options_and_a_docstring() -> None:
    for name in setori.__all__:
        verb = getattr(setori, name)
        if not isinstance(verb, types.FunctionType):
            continue
        assert verb.__doc__, name
        params = inspect.signature(verb).parameters.values()
        optional = [p for p in params if p.default is not inspect.Parameter.empty]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in optional), name


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("verbs") / "s.duckdb"
    sample = DATA / "nmea"
    files = sorted(p for p in sample.iterdir() if p.suffix in (".nmea", ".txt", ".ais"))
    files.append(DATA / "tracks" / "dma-212123000-drift-positions.ais")
    setori.ingest(files, db=db)
    setori.detect(db=db, profile="dprk")
    return db


def _cli_json(*args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_each_command_prints_the_rows_of_its_verb(store: Path) -> None:
    db = str(store)
    cli_vessels = _cli_json("vessels", "--db", db, "--format", "json")
    verb_vessels = setori.vessels(db=store).to_pylist()
    assert len(verb_vessels) > 0
    keys = ("mmsi", "positions", "names", "imos", "ship_types", "ship_type_names")
    assert [{k: v[k] for k in keys} for v in cli_vessels] == [
        {k: v[k] for k in keys} for v in verb_vessels
    ]
    cli_events = _cli_json("events", "--db", db)
    verb_events = setori.events(db=store)
    assert [e["id"] for e in cli_events] == verb_events.column("id").to_pylist()
    assert {e["profile"] for e in cli_events} <= {"dprk"}
    cli_tracks = _cli_json("tracks", "--db", db, "--format", "json")
    assert [int(t["row_id"]) for t in cli_tracks] == setori.tracks(db=store).table.column(
        "row_id"
    ).to_pylist()  # 64-bit row ids are JSON strings
    cli_info = json.loads(CliRunner().invoke(cli, ["info", "--db", db, "--json"]).stdout)
    assert cli_info["positions"] == setori.info(db=store)["positions"]


LISTS = DATA / "lists"


@pytest.fixture(scope="module")
def screened_store(store: Path) -> Path:
    setori.load_lists([LISTS / "ofac-sdn-2021-dprk-vessels" / "sdn.csv"], db=store)
    return store


def test_lists_screen_and_vessel_print_what_their_verbs_return(screened_store: Path) -> None:
    db = str(screened_store)
    [ofac] = setori.lists(db=screened_store)
    assert ofac["list_id"] == "ofac" and ofac["counts"]["Vessel"] == 106  # the slice's vessels
    verb_hits = setori.screen(db=screened_store, names=["CHON MA SAN"], imo="8660313")
    cli_hits = _cli_json("screen", "--db", db, "--name", "CHON MA SAN", "--imo", "8660313",
                         "--format", "json")  # fmt: skip
    assert verb_hits.num_rows >= 1
    assert [(h["entity_id"], h["score"]) for h in cli_hits] == [
        (h["entity_id"], h["score"]) for h in verb_hits.to_pylist()
    ]
    mmsi = "212123000"  # STOC MARCIA loiters 12 h in both profiles (tests/data/tracks)
    page = setori.vessel(mmsi, db=screened_store)
    assert page["events"]
    cli_page = json.loads(
        CliRunner().invoke(cli, ["vessel", mmsi, "--db", db, "--format", "json"]).stdout
    )
    assert cli_page == json.loads(json.dumps(page, default=str, ensure_ascii=False))
    assert cli_page["profile"] == "dprk"
    assert {e["profile"] for e in cli_page["events"]} <= {"dprk"}  # one profile, never mixed
    setori.detect(db=screened_store, profile="gfw")
    both = setori.vessel(mmsi, db=screened_store, profile="dprk")["events"]
    assert [e["id"] for e in both] == [e["id"] for e in page["events"]]


def test_quarantine_prints_what_its_verb_returns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nmea"
    lines = (DATA / "nmea" / "dma-pghp.txt").read_text().splitlines()
    bad.write_text("\n".join(line[:-2] + "00" if line.startswith("!") else line for line in lines))
    db = tmp_path / "q.duckdb"
    setori.ingest([bad], db=db)
    verb_rows = setori.quarantine(db=db).to_pylist()
    assert verb_rows  # every sentence has a wrong checksum now
    cli_rows = _cli_json("quarantine", "--db", str(db), "--format", "json")
    assert [(r["line_no"], r["reason"]) for r in cli_rows] == [
        (r["line_no"], r["reason"]) for r in verb_rows
    ]


HEAVY = {"numpy", "duckdb", "polars", "pyarrow", "numba", "followthemoney", "nomenklatura",
         "sklearn", "scipy", "shapely", "rich"}  # fmt: skip
SCREENING = {"followthemoney", "nomenklatura", "sklearn"}


def _loaded_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {name.split(".")[0] for name in done.stdout.split()}


def test_import_setori_and_the_cli_load_nothing_heavy() -> None:
    """``setori --help`` pays for click and setori's light modules only (bench/bench_startup
    times it); the verbs import what they need when called."""
    assert _loaded_after("import setori, setori.cli") & HEAVY == set()


def test_detection_does_not_load_the_screening_stack() -> None:
    loaded = _loaded_after("import setori.pipeline, setori.detect.identity, setori.verbs")
    assert loaded & SCREENING == set()


def test_events_and_map_before_any_detection_are_empty(tmp_path: Path) -> None:
    from setori.demo import PACKAGED_SAMPLE
    from setori.detect.events import EVENTS

    db = tmp_path / "s.duckdb"
    setori.ingest([PACKAGED_SAMPLE], db=db)
    found = setori.events(db=db)
    assert found.num_rows == 0 and found.schema.names == EVENTS.names
    assert "<svg" in setori.map_html(db=db)


def test_the_cli_light_constants_equal_the_modules_they_stand_for() -> None:
    """The CLI builds its choices without importing the heavy modules that define them."""
    from setori import export, export_events
    from setori.cli import investigate, options
    from setori.detect import catalog, run
    from setori.ingest import sources
    from setori.schema import HITS_JSON_COLUMNS
    from setori.screen.match.queries import SCHEMATA
    from setori.workspace import decisions

    assert options.TABLE_FORMATS == export.FORMATS
    assert options.EVENT_FORMATS == export_events.FORMATS
    assert options.INPUT_FORMATS == sources.FORMATS
    assert options.DECISIONS == decisions.DECISIONS
    assert investigate.REASON_CODES == decisions.REASON_CODES
    assert investigate.SCHEMATA == SCHEMATA
    assert investigate.HITS_JSON_COLUMNS == HITS_JSON_COLUMNS
    assert tuple(run.DETECTORS) == catalog.PRIMARY_TYPES
    assert catalog.EVENT_TYPES == run.EVENT_TYPES and catalog.PROFILES == run.PROFILES
