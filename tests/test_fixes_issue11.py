"""Three fixes of issue 11: static report ids that keep nulls in place, 64-bit ids written as
JSON strings, and ISO codes in ``tags.flags``."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import setori
from setori import schema
from setori.cli import cli
from setori.export_events import MAX_SAFE_INT, json_ids
from setori.store import db as store_db
from setori.store.writes import LEGACY_STATIC_ID_SQL, write_batch

T0 = datetime(2014, 10, 2, 16, 30, tzinfo=UTC)
DRIFT = Path(__file__).parent / "data" / "tracks" / "dma-212123000-drift-positions.ais"

# --- static_id -----------------------------------------------------------------------------


def _statics(*rows: dict[str, Any]) -> pa.Table:
    base = {name: None for name in schema.STATICS.names}
    full = [
        base | {"mmsi": 212123000, "ts": T0, "source": "t", "line_no": i} | r
        for i, r in enumerate(rows, 1)
    ]
    return pa.Table.from_pylist(full, schema=schema.STATICS)


def _write(con: Any, statics: pa.Table, batch_no: int = 0) -> int:
    added = write_batch(
        con,
        source="t",
        batch_no=batch_no,
        positions=schema.empty(schema.STORED_POSITIONS),
        statics=statics,
        quarantine=schema.empty(schema.QUARANTINE),
        counts=Counter(static=statics.num_rows),
        lines=statics.num_rows,
    )
    return added.new_statics


@pytest.mark.parametrize(
    "a, b",
    [
        ({"to_bow_m": 10}, {"to_stern_m": 10}),  # the same number in another field
        ({"name": "STOC MARCIA"}, {"call_sign": "STOC MARCIA"}),
        ({"name": "A|B"}, {"name": "A", "call_sign": "B"}),  # a separator inside a value
        ({"imo": 9390305, "name": None}, {"imo": None, "name": "9390305"}),
    ],
)
def test_static_reports_differing_only_in_where_a_null_sits_are_both_kept(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    con = store_db.connect(":memory:")
    assert _write(con, _statics(a, b)) == 2
    assert con.sql("SELECT count(DISTINCT static_id) FROM statics").fetchall() == [(2,)]
    assert _write(con, _statics(a, b), batch_no=1) == 0  # still idempotent


def test_a_store_with_legacy_ids_gets_nothing_twice_on_a_re_read() -> None:
    con = store_db.connect(":memory:")
    reports = _statics({"name": "STOC MARCIA", "imo": 9390305}, {"to_bow_m": 10})
    assert _write(con, reports) == 2
    con.sql(f"UPDATE statics SET static_id = {LEGACY_STATIC_ID_SQL}")  # as an old store holds
    assert _write(con, reports, batch_no=1) == 0
    # ... while a report whose legacy id collides with a stored one is still added
    assert _write(con, _statics({"to_stern_m": 10}), batch_no=2) == 1
    assert con.sql("SELECT count(*) FROM statics").fetchall() == [(3,)]


# --- 64-bit ids in JSON --------------------------------------------------------------------


@pytest.fixture(scope="module")
def drift_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("ids") / "ships.duckdb"
    setori.ingest([DRIFT], db=db)
    setori.detect(db=db, profile="dprk")
    return db


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _stored_row_ids(db: Path) -> tuple[set[int], dict[str, int]]:
    with store_db.open_store(db) as con:
        row_ids = {int(r[0]) for r in con.sql("SELECT row_id FROM positions").fetchall()}
        evidence = json.loads(con.sql("SELECT evidence FROM events").fetchall()[0][0])
    return row_ids, {k: v for k, v in evidence.items() if k.endswith("row_id")}


def test_event_row_ids_round_trip_exactly_through_format_json(drift_db: Path) -> None:
    row_ids, cited = _stored_row_ids(drift_db)
    assert cited and max(cited.values()) > MAX_SAFE_INT  # the real ids need 64 bits
    for fmt in ("json", "geojson"):
        text = _run("events", "--db", str(drift_db), "--all", "--format", fmt)
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
        if fmt == "geojson":
            records = [f["properties"] for f in records[0]["features"]]
        evidence = records[0]["evidence"]
        assert {k: evidence[k] for k in cited} == {k: str(v) for k, v in cited.items()}
        assert {int(evidence[k]) for k in cited} <= row_ids


def test_position_row_ids_round_trip_exactly_through_format_json(drift_db: Path) -> None:
    row_ids, _ = _stored_row_ids(drift_db)
    text = _run("tracks", "--db", str(drift_db), "--format", "json")
    rows = [json.loads(line) for line in text.splitlines()]
    assert all(isinstance(r["row_id"], str) for r in rows)
    assert {int(r["row_id"]) for r in rows} == row_ids
    assert any(int(r["row_id"]) > MAX_SAFE_INT for r in rows)


def _big_ints(text: str) -> list[int]:
    seen: list[int] = []

    def parse_int(digits: str) -> int:
        seen.append(int(digits))
        return seen[-1]

    json.loads(text, parse_int=parse_int)
    return [n for n in seen if abs(n) > MAX_SAFE_INT]


@pytest.mark.parametrize(
    "args",
    [
        ("events", "--all", "--format", "json"),
        ("events", "--all", "--format", "geojson"),
        ("tracks", "--format", "geojson"),
        ("vessel", "212123000", "--format", "json"),
    ],
)
def test_no_json_output_holds_an_integer_beyond_2_53(drift_db: Path, args: tuple[str, ...]) -> None:
    text = _run(*args, "--db", str(drift_db))
    lines = [text] if args[-1] != "json" or args[0] == "vessel" else text.splitlines()
    assert lines and all(_big_ints(line) == [] for line in lines if line.strip())


@given(st.integers(min_value=-(2**64), max_value=2**64))
def test_json_ids_keeps_every_integer_exact(value: int) -> None:
    record = {"evidence": {"first_row_id": value, "count": value, "nested": [{"row_id": value}]}}
    back = json.loads(json.dumps(json_ids(record)))["evidence"]
    assert back["first_row_id"] == str(value) and back["nested"][0]["row_id"] == str(value)
    assert back["count"] == (value if abs(value) <= MAX_SAFE_INT else str(value))


# --- tags.flags carries ISO codes ----------------------------------------------------------


def test_event_flags_are_iso_codes_with_the_itu_names_beside_them(drift_db: Path) -> None:
    with store_db.open_store(drift_db) as con:
        tags = json.loads(con.sql("SELECT tags FROM events").fetchall()[0][0])
    assert tags["mids"] == [212]  # STOC MARCIA, MMSI 212123000
    assert tags["flags"] == ["CY"]
    assert tags["flag_names"] == ["Cyprus (Republic of)"]


def test_the_shipped_mid_codes_equal_the_ids_module() -> None:
    from setori.detect.context import mid_iso2
    from setori.geo.mid import load_mid_table
    from setori.ids import mid_country

    table = load_mid_table()
    expected = {int(m): mid_country(int(m))[1] for m in table.mids.tolist()}
    assert mid_iso2() == {m: c for m, c in expected.items() if c is not None}
    assert mid_iso2()[445] == "KP" and 306 not in mid_iso2()
