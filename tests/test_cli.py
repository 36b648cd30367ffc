"""The command line, driven as a user would (click's runner and real subprocesses)."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from setori.cli import cli

FRIO = "dma-aisabnormal/538004030_drift_1.ais"
COMMANDS = sorted(cli.commands)


def _run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, out, _ = _run(command, "--help")
    assert code == 0
    assert "Example:" in out


def test_ingest_then_info_vessels_tracks(shared_data: Path, db: Path, tmp_path: Path) -> None:
    code, _, err = _run("ingest", str(shared_data / FRIO), "--db", str(db))
    assert code == 0, err
    assert "new positions" in err

    code, out, _ = _run("info", "--db", str(db), "--json")
    info = json.loads(out)
    assert info["vessels"] == 1
    assert info["time_range"][0].startswith("2014-09-28T16:00:04")
    assert info["segments"] >= 1

    code, out, _ = _run("vessels", "--db", str(db), "--format", "json")
    (vessel,) = [json.loads(line) for line in out.splitlines()]
    assert vessel["mmsi"] == 538004030
    assert vessel["names"] == ["FRIO"]
    assert vessel["imos"] == [9596985]

    code, out, _ = _run("tracks", "--db", str(db), "--format", "geojson")
    features = json.loads(out)["features"]
    assert {f["properties"]["mmsi"] for f in features} == {538004030}
    assert sum(f["properties"]["points"] for f in features) <= info["positions"]

    target = tmp_path / "frio.parquet"
    _run("tracks", "--db", str(db), "--mmsi", "538004030", "--format", "parquet", "-o", str(target))
    assert pq.read_table(target).num_rows == info["positions"]

    code, out, _ = _run(
        "tracks", "--db", str(db), "--format", "json", "--since", "2014-09-28T18:00:00"
    )
    first = json.loads(out.splitlines()[0])
    assert first["ts"] >= "2014-09-28T18:00:00" and first["ts"].endswith("Z")


def test_stdin_and_gzip_inputs_match_the_plain_file(shared_data: Path, tmp_path: Path) -> None:
    raw = (shared_data / FRIO).read_bytes()
    gz = tmp_path / "frio.ais.gz"
    gz.write_bytes(gzip.compress(raw))
    counts = []
    for args, stdin in (([str(shared_data / FRIO)], None), ([str(gz)], None), (["-"], raw)):
        db = tmp_path / f"{len(counts)}.duckdb"
        code, _, err = _run("ingest", *args, "--db", str(db), "-q", input=stdin)
        assert code == 0, err
        counts.append(json.loads(_run("info", "--db", str(db), "--json")[1])["positions"])
    # 5,029 position reports, 3,466 distinct (mmsi, ts, lat, lon): several stations hear each
    assert counts[0] == 3466
    assert counts == [counts[0]] * 3


@pytest.mark.slow
def test_unknown_format_is_one_clear_line_and_nonzero_exit(
    shared_data: Path, db: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 10)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "setori",
            "ingest",
            str(junk),
            str(shared_data / FRIO),
            "--db",
            str(db),
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "junk.bin" in errors[0]
    info = json.loads(_run("info", "--db", str(db), "--json")[1])
    assert info["vessels"] == 1  # the good file after the bad one was still ingested


@pytest.mark.slow
def test_missing_file_is_a_clear_error(db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "setori", "ingest", "/nonexistent/ais.nmea", "--db", str(db)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "/nonexistent/ais.nmea" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_quarantine_export(shared_data: Path, db: Path) -> None:
    _run("ingest", str(shared_data / "dma-aislib/stream_example.txt"), "--db", str(db), "-q")
    code, out, _ = _run("quarantine", "--db", str(db), "--format", "csv")
    assert code == 0
    header = io.StringIO(out).readline().strip()
    assert header == "source,line_no,reason,raw"


def test_python_tracks_to_polars_and_geopandas(shared_data: Path, db: Path) -> None:
    import setori

    setori.ingest([shared_data / FRIO], db=db)
    tracks = setori.tracks(db=db, mmsi=[538004030])
    frame = tracks.to_polars()
    assert frame.height == len(tracks) == 3466
    assert frame["segment_id"].null_count() < frame.height
    gdf = tracks.to_geopandas()
    assert str(gdf.crs) == "EPSG:4326"
    assert len(gdf) == 3466
    assert abs(gdf.geometry.x.mean() - frame["lon"].mean()) < 1e-9
