"""CSV recognition without a mapping: canonical names, common aliases, bad rows.

Fixture strategy: the two real NY Harbor slices in ``tests/data/tables`` (renamed headers,
two rows damaged on purpose; see its README) run in a plain clone; the full real files of
``../shared/data`` (``shared_data`` fixture) are renamed or damaged in the test and
compared with what the known-layout reader or an explicit mapping gives for the original.
Expected values are read from the files with the ``csv`` module, never from the reader.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from setori.errors import MappingError, UnknownFormatError
from setori.ingest.batch import IngestBatch
from setori.ingest.formats import sniff_format
from setori.ingest.sources import ReadOptions, read_source
from setori.ingest.tables import read as tables
from setori.ingest.tables.aliases import COLUMN_ALIASES, alias_mapping, header_key
from setori.ingest.tables.parquet import read_parquet
from setori.ingest.tables.values import FIELD_KINDS

SHARED_DATA_NEED = "the full NY Harbor, Ever Given and Saronic files are renamed or damaged"
TABLES_DATA = Path(__file__).parent / "data" / "tables"
CANONICAL_SLICE = TABLES_DATA / "nyharbor_canonical_names.csv"
BAD_ROWS_SLICE = TABLES_DATA / "nyharbor_common_names_bad_rows.csv"
FORMATS_DOC = Path(__file__).parent.parent / "docs" / "formats.md"
NY_HARBOR = "tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv"
POSITION_COLUMNS = ["mmsi", "ts", "lat", "lon", "sog_kn", "heading_deg", "nav_status"]


def read_all(batches: Iterable[IngestBatch]) -> IngestBatch:
    got = list(batches)
    whole = IngestBatch(
        pa.concat_tables([b.positions for b in got]),
        pa.concat_tables([b.statics for b in got]),
        pa.concat_tables([b.quarantine for b in got]),
    )
    whole.counts = sum((b.counts for b in got), Counter())
    whole.lines = sum(b.lines for b in got)
    return whole


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the alias table ------------------------------------------------------------------------


def test_alias_table_names_canonical_roles_and_no_name_twice() -> None:
    assert set(COLUMN_ALIASES) <= set(FIELD_KINDS)
    pairs = [(header_key(c), c) for c in FIELD_KINDS]
    pairs += [(header_key(a), role) for role, names in COLUMN_ALIASES.items() for a in names]
    roles_of_key: dict[str, set[str]] = {}
    for key, role in pairs:
        roles_of_key.setdefault(key, set()).add(role)
    assert {k: r for k, r in roles_of_key.items() if len(r) > 1} == {}
    assert len(pairs) == len(roles_of_key)  # no alias repeats another name's key


def test_every_alias_and_canonical_name_is_documented() -> None:
    section = FORMATS_DOC.read_text().split("### Header names", 1)[1].split("\n## ", 1)[0]
    documented = {header_key(n) for n in re.findall(r"`([^`]+)`", section)}
    names = [*FIELD_KINDS, *(a for aliases in COLUMN_ALIASES.values() for a in aliases)]
    assert [n for n in names if header_key(n) not in documented] == []


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("LATITUDE", "lat"),
        ("Lng", "lon"),
        ("LONG", "lon"),
        ("# Timestamp", "ts"),
        ("Base Date Time", "ts"),
        ("base_date_time", "ts"),
        ("Date-Time", "ts"),
        ("UserID", "mmsi"),
        ("Vessel Name", "name"),
        ("SOG_KN", "sog_kn"),
        ("Navigational status", "nav_status"),
    ],
)
def test_names_are_compared_without_case_or_punctuation(name: str, role: str) -> None:
    assert alias_mapping([name]) == {role: name}


# --- sniffing + reading the committed real slices ----------------------------------------------


def test_setori_own_names_are_sniffed_and_read_without_a_mapping() -> None:
    """The issue's header ``mmsi,ts,lat,lon,sog_kn,...`` used to fail "mapping lacks"."""
    assert sniff_format(CANONICAL_SLICE.read_bytes(), CANONICAL_SLICE.name) == "csv"
    got = read_all(read_source(CANONICAL_SLICE))
    rows = list(csv.DictReader(CANONICAL_SLICE.open(newline="")))
    assert got.counts == Counter({"position": len(rows)})
    positions = got.positions
    assert positions.column("mmsi").to_pylist() == [int(r["mmsi"]) for r in rows]
    assert positions.column("ts").to_pylist() == [utc(r["ts"]) for r in rows]
    assert positions.column("lat").to_pylist() == [float(r["lat"]) for r in rows]
    assert positions.column("sog_kn").to_pylist() == pytest.approx(
        [float(r["sog_kn"]) for r in rows]
    )
    heading = [None if r["heading_deg"] == "511.0" else int(float(r["heading_deg"])) for r in rows]
    assert positions.column("heading_deg").to_pylist() == heading
    assert {s["name"] for s in got.statics.to_pylist()} == {r["name"] for r in rows if r["name"]}


def test_common_names_with_bad_rows_keep_every_good_row() -> None:
    """Two damaged rows are quarantined with their line numbers; nothing else is lost."""
    assert sniff_format(BAD_ROWS_SLICE.read_bytes(), BAD_ROWS_SLICE.name) == "csv"
    got = read_all(read_source(BAD_ROWS_SLICE))
    lines = BAD_ROWS_SLICE.read_text().splitlines()
    bad = {5: "column_count", 12: "unbalanced_quote"}
    rows = [next(csv.reader([line])) for line in lines]  # one record per line, as the reader
    good = [row for no, row in enumerate(rows, 1) if no > 1 and no not in bad]
    assert got.counts == Counter({"position": len(good), "column_count": 1, "unbalanced_quote": 1})
    quarantine = got.quarantine.to_pylist()
    assert [q["line_no"] for q in quarantine] == list(bad)
    assert [q["reason"].split(":")[0] for q in quarantine] == list(bad.values())
    assert [q["raw"] for q in quarantine] == [lines[no - 1] for no in bad]
    assert got.positions.column("mmsi").to_pylist() == [int(r[1]) for r in good]
    assert got.positions.column("line_no").to_pylist() == [
        no for no in range(2, len(lines) + 1) if no not in bad
    ]


def test_a_named_header_wins_over_nmea_in_its_rows() -> None:
    sentence = b'"!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26"'
    head = b"mmsi,ts,lat,lon,raw\n1,2021-01-01T00:00:00,1,2," + sentence + b"\n"
    assert sniff_format(head, "t.csv") == "csv"


# --- mapping rules ----------------------------------------------------------------------------


def _read(text: str, mapping: dict[str, str | int] | None = None) -> IngestBatch:
    return read_all(tables.read_generic_csv(io.BytesIO(text.encode()), "t", mapping or {}))


def test_two_alias_columns_for_one_role_are_an_error_naming_both() -> None:
    text = "mmsi,timestamp,time,lat,lon\n1,2021-01-01T00:00:00,2022-01-01T00:00:00,1,2\n"
    with pytest.raises(MappingError, match=r"\['timestamp', 'time'\] all name 'ts'"):
        _read(text)
    got = _read(text, {"ts": "time"})
    assert got.positions.column("ts").to_pylist() == [utc("2022-01-01T00:00:00")]


def test_the_canonical_name_wins_over_an_alias() -> None:
    text = "mmsi,time,ts,lat,lon\n1,2022-01-01T00:00:00,2021-01-01T00:00:00,1,2\n"
    assert _read(text).positions.column("ts").to_pylist() == [utc("2021-01-01T00:00:00")]


def test_the_explicit_mapping_wins_and_its_columns_are_not_reused() -> None:
    text = "MMSI,LAT,LON,timestamp,lat2\n7,1,2,2021-01-01T00:00:00,3\n"
    got = _read(text, {"lat": "lat2", "mmsi": "LAT"})
    assert got.positions.select(["mmsi", "lat", "lon"]).to_pylist() == [
        {"mmsi": 1, "lat": 3.0, "lon": 2.0}
    ]


def test_a_header_naming_too_little_still_says_what_is_missing() -> None:
    with pytest.raises(MappingError, match=r"mapping lacks \['mmsi', 'ts'\] and no column"):
        _read("id,when,latitude,longitude\n1,2021-01-01T00:00:00,1,2\n")


def test_a_header_split_on_another_delimiter_names_it() -> None:
    text = b"MMSI;timestamp;latitude;longitude\n1;2021-01-01T00:00:00;1;2\n"
    assert sniff_format(text, "semi.csv") == "csv"
    with pytest.raises(MappingError, match=r"one column with delimiter ','.*--delimiter ';'"):
        list(tables.read_generic_csv(io.BytesIO(text), "semi.csv", {}))
    got = read_all(tables.read_generic_csv(io.BytesIO(text), "semi.csv", {}, delimiter=";"))
    assert got.positions.select(["mmsi", "lat", "lon"]).to_pylist() == [
        {"mmsi": 1, "lat": 1.0, "lon": 2.0}
    ]


def test_parquet_columns_are_taken_by_alias(tmp_path: Path) -> None:
    path = tmp_path / "aliased.parquet"
    when = datetime(2021, 3, 23, 5, 40, tzinfo=UTC)
    table = pa.table(
        {"MMSI": [353136000], "Timestamp": [when], "Latitude": [30.0], "Lng": [32.5], "SOG": [0.5]}
    )
    pq.write_table(table, path)
    got = read_all(read_parquet(path, "p")).positions
    assert got.select(["mmsi", "ts", "lat", "lon"]).to_pylist() == [
        {"mmsi": 353136000, "ts": when, "lat": 30.0, "lon": 32.5}
    ]
    assert got.column("sog_kn").to_pylist() == [0.5]


# --- the full real files -------------------------------------------------------------------------

RENAMED = {
    "canonical": {
        "BaseDateTime": "ts",
        "LON": "lon",
        "LAT": "lat",
        "MMSI": "mmsi",
        "SOG": "sog_kn",
        "Heading": "heading_deg",
        "Status": "nav_status",
    },
    "aliases": {
        "BaseDateTime": "timestamp",
        "LON": "Longitude",
        "LAT": "Latitude",
        "MMSI": "mmsi",
        "SOG": "speed",
        "Heading": "HEADING",
        "Status": "navigational_status",
    },
}


@pytest.mark.parametrize("naming", sorted(RENAMED))
def test_ny_harbor_renamed_reads_as_the_marinecadastre_reader(
    shared_data: Path, tmp_path: Path, naming: str
) -> None:
    original = shared_data / NY_HARBOR
    lines = original.read_text().splitlines(keepends=True)
    header = [RENAMED[naming].get(name, name) for name in lines[0].strip().split(",")]
    path = tmp_path / "renamed.csv"
    path.write_text(",".join(header) + "\n" + "".join(lines[1:]))
    assert sniff_format(path.read_bytes()[: 64 * 1024], path.name) == "csv"
    got = read_all(read_source(path))
    known = read_all(tables.read_csv(original.open("rb"), "ny", fmt="marinecadastre"))
    assert got.positions.select(POSITION_COLUMNS).equals(known.positions.select(POSITION_COLUMNS))
    assert got.counts == known.counts
    assert got.counts["position"] == len(lines) - 1


def test_ever_given_needs_only_the_columns_no_alias_names(shared_data: Path) -> None:
    path = shared_data / "movingpandas-evergiven" / "boat-positions.csv"
    full = {"mmsi": "ID", "ts": "ais_pos_timestamp", "lon": "longitude", "lat": "latitude"}
    partial = {"mmsi": "ID", "ts": "ais_pos_timestamp"}
    fmt = "%d/%m/%Y %H:%M"
    got = read_all(tables.read_generic_csv(path.open("rb"), "eg", partial, time_format=fmt))
    want = read_all(tables.read_generic_csv(path.open("rb"), "eg", full, time_format=fmt))
    assert got.positions.equals(want.positions)
    assert got.counts == Counter({"position": 22287})  # SOURCES.md: 22,287 rows


def test_one_bad_row_no_longer_hides_a_headerless_table(shared_data: Path, tmp_path: Path) -> None:
    """Saronic Gulf (space-delimited, no header) with one row cut short at line 10."""
    lines = (shared_data / "m3-archimedes-saronic" / "vessels.csv").read_text().splitlines()[:2000]
    damaged = [*lines[:9], "5 23.48402", *lines[9:]]
    path = tmp_path / "saronic.csv"
    path.write_text("\n".join(damaged) + "\n")
    with pytest.raises(UnknownFormatError):  # half the lines agree: not enough for a table
        sniff_format("\n".join([*lines[:3], "5", "5", "5"]).encode(), "few.csv")
    assert sniff_format(path.read_bytes()[: 64 * 1024], path.name) == "csv"
    mapping = {"mmsi": "0", "lon": "1", "lat": "2", "ts": "3"}
    options = ReadOptions(mapping=mapping, delimiter=" ", has_header=False)
    got = read_all(read_source(path, options))
    assert got.counts == Counter({"position": 2000, "column_count": 1})
    assert got.quarantine.select(["line_no", "raw"]).to_pylist() == [
        {"line_no": 10, "raw": "5 23.48402"}
    ]


def test_the_ingest_verb_reads_a_named_header_with_bad_rows(tmp_path: Path) -> None:
    """The front door, no format or mapping given: 18 rows stored, 2 quarantined by line."""
    import setori

    db = tmp_path / "s.duckdb"
    summary = setori.ingest([BAD_ROWS_SLICE], db=db)
    assert (summary.lines, summary.new_positions, summary.quarantined) == (20, 18, 2)
    assert summary.failures == []
    quarantine = setori.quarantine(db=db).to_pylist()
    assert sorted((q["line_no"], q["reason"].split(":")[0]) for q in quarantine) == [
        (5, "column_count"),
        (12, "unbalanced_quote"),
    ]
