"""Tabular readers and format sniffing, on the real files in ../shared/data.

Every count asserted here is computed independently in the test (pandas or plain
Python over the same file), never copied from the reader's own output.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from setori.errors import MappingError, UnknownFormatError
from setori.ingest.batch import IngestBatch
from setori.ingest.formats import sniff_format
from setori.ingest.tables import read as tables

TABLES_DATA = Path(__file__).parent / "data" / "tables"
DMA_FIXTURE = TABLES_DATA / "dma_aisdk_handmade.csv"
EVERGIVEN = {"mmsi": "ID", "ts": "ais_pos_timestamp", "lon": "longitude", "lat": "latitude"}


@dataclass
class Read:
    """All batches of one input, concatenated."""

    positions: pa.Table
    statics: pa.Table
    quarantine: pa.Table
    counts: Counter[str]
    lines: int
    batches: int


def read_all(batches: Iterable[IngestBatch]) -> Read:
    got = list(batches)
    return Read(
        pa.concat_tables([b.positions for b in got]),
        pa.concat_tables([b.statics for b in got]),
        pa.concat_tables([b.quarantine for b in got]),
        sum((b.counts for b in got), Counter()),
        sum(b.lines for b in got),
        len(got),
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ts_range(table: pa.Table) -> tuple[datetime, datetime]:
    values = table.column("ts").to_pylist()
    return min(values), max(values)


# --- MarineCadastre --------------------------------------------------------------------


def test_marinecadastre_noaa_matches_pandas(shared_data: Path) -> None:
    path = shared_data / "aisdb" / "test_data_noaa_20230101.csv"
    expected = pd.read_csv(path)
    got = read_all(tables.read_csv(path.open("rb"), "noaa", fmt="marinecadastre"))
    assert got.positions.num_rows == len(expected) == got.counts["position"]
    assert pc_unique(got.positions, "mmsi") == expected["MMSI"].nunique()
    times = pd.to_datetime(expected["BaseDateTime"], utc=True)
    assert ts_range(got.positions) == (times.min().to_pydatetime(), times.max().to_pydatetime())
    heading = got.positions.column("heading_deg").to_pandas()
    assert int(heading.isna().sum()) == int((expected["Heading"] == 511).sum())
    sog = got.positions.column("sog_kn").to_pandas()
    assert int(sog.isna().sum()) == int((expected["SOG"] >= 102.3).sum())
    assert got.quarantine.num_rows == 0


def test_marinecadastre_ny_harbor_misspelt_class_and_imo_prefix(shared_data: Path) -> None:
    path = shared_data / "tracktable-noaa" / "NYHarbor_2020_06_30_first_hour.csv"
    expected = pd.read_csv(path)
    assert "TranscieverClass" in expected.columns
    got = read_all(tables.read_marinecadastre(path.open("rb"), "nyh"))
    assert got.positions.num_rows == len(expected) == 8689
    assert pc_unique(got.positions, "mmsi") == expected["MMSI"].nunique() == 295
    assert all(isinstance(v, int) for v in got.statics.column("imo").drop_null().to_pylist())
    statics = got.statics.to_pandas()
    imo_by_mmsi = statics.dropna(subset=["imo"]).groupby("mmsi")["imo"].first()
    expected_imo = (
        expected.dropna(subset=["IMO"])
        .groupby("MMSI")["IMO"]
        .first()
        .str.removeprefix("IMO")
        .astype(int)
    )
    expected_imo = expected_imo[expected_imo > 0]
    assert imo_by_mmsi.to_dict() == expected_imo.to_dict()
    assert imo_by_mmsi[367000140] == 7702774


def test_marinecadastre_negative_cog_is_unwrapped(shared_data: Path) -> None:
    path = shared_data / "tracktable-noaa" / "NYHarbor_2020_06_30_first_hour.csv"
    expected = pd.read_csv(path)
    got = read_all(tables.read_marinecadastre(path.open("rb"), "nyh")).positions.to_pandas()
    cog = got["cog_deg"].to_numpy(dtype=float)
    raw = expected["COG"].to_numpy()
    wrapped = raw < 0
    unwrapped = np.round(raw + 409.6, 1)
    assert np.allclose(
        cog[wrapped & (raw != -49.6)], unwrapped[wrapped & (raw != -49.6)], atol=1e-3
    )
    assert np.isnan(cog[raw == -49.6]).all()  # raw 3600 = "not available"
    assert np.nanmin(cog) >= 0.0
    assert np.nanmax(cog) < 360.0


def test_marinecadastre_statics_keep_first_and_last_of_each_run(shared_data: Path) -> None:
    path = shared_data / "tracktable-noaa" / "NYHarbor_2020_06_30_first_hour.csv"
    expected = pd.read_csv(path)
    got = read_all(tables.read_marinecadastre(path.open("rb"), "nyh")).statics.to_pandas()
    ferry = got[got["mmsi"] == 367000140]
    rows = expected[expected["MMSI"] == 367000140]
    assert len(ferry) == 2  # identical statics all hour: first and last row only
    assert ferry["ts"].min() == pd.Timestamp(rows["BaseDateTime"].min(), tz="UTC")
    assert ferry["ts"].max() == pd.Timestamp(rows["BaseDateTime"].max(), tz="UTC")
    assert len(got) < len(expected) / 10


def test_known_layout_without_position_columns_raises_mapping_error() -> None:
    stream = io.BytesIO(b"MMSI,BaseDateTime,LAT,SOG\n367000140,2020-06-30T00:00:00,40.6,0.0\n")
    with pytest.raises(MappingError, match=r"LON.*columns seen: \['MMSI'"):
        list(tables.read_csv(stream, "x.csv", fmt="marinecadastre"))


# --- DMA (hand-made, format-faithful fixture) ----------------------------------------------


def test_dma_fixture_maps_texts_and_routes_rows() -> None:
    got = read_all(tables.read_dma(DMA_FIXTURE.open("rb"), "dma"))
    lines = DMA_FIXTURE.read_text().splitlines()[1:]
    mobile = Counter(line.split(",")[1] for line in lines)
    assert got.counts == Counter(
        {
            "position": mobile["Class A"] + mobile["Class B"] - 1,
            "position_unavailable": 1,
            "other_mobile:Base Station": mobile["Base Station"],
            "other_mobile:AtoN": mobile["AtoN"],
        }
    )
    assert got.quarantine.column("line_no").to_pylist() == [8]
    positions = got.positions.to_pandas().set_index("line_no")
    assert positions.loc[12, "nav_status"] == 11  # "Reserved for future use [11]"
    assert positions.loc[11, "nav_status"] == 3  # "Restricted maneuverability"
    assert pd.isna(positions.loc[6, "nav_status"])  # "Unknown value"
    assert positions.loc[4, "ts"] == pd.Timestamp("2023-03-01 00:00:01", tz="UTC")
    statics = got.statics.to_pandas()
    cargo = statics[statics["mmsi"] == 257000902]
    assert cargo["destination"].tolist() == ["NL RTM", "NL RTM", "DE HAM", "DE HAM"]
    assert cargo["line_no"].tolist() == [4, 13, 16, 21]
    assert set(cargo["ship_type"]) == {70}
    assert statics.set_index("mmsi").loc[230000903, "ship_type"].tolist() == [80, 80]
    assert statics[statics["mmsi"] == 211000904]["imo"].isna().all()  # IMO "Unknown"


# --- AISdb ------------------------------------------------------------------------------


def test_aisdb_matches_pandas(shared_data: Path) -> None:
    path = shared_data / "aisdb" / "test_data_20210701.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    msg = frame["Message_ID"].astype(int)
    lat = pd.to_numeric(frame["Latitude"], errors="coerce")
    lon = pd.to_numeric(frame["Longitude"], errors="coerce")
    is_position = msg.isin([1, 2, 3, 18, 19, 27])
    has_position = lat.notna() & lon.notna() & (lat != 91) & (lon != 181)
    valid_mmsi = frame["MMSI"].astype(int) > 0
    expected_positions = frame[is_position & has_position & valid_mmsi]

    got = read_all(tables.read_aisdb(path.open("rb"), "aisdb"))
    assert got.lines == len(frame) == sum(got.counts.values())
    assert got.positions.num_rows == len(expected_positions) == got.counts["position"]
    assert pc_unique(got.positions, "mmsi") == expected_positions["MMSI"].nunique()
    assert got.counts["static"] == int(msg.isin([5, 24]).sum())
    for other in sorted(set(msg) - {1, 2, 3, 5, 18, 19, 24, 27}):
        assert got.counts[f"other_type:{other}"] == int((msg == other).sum())
    stamps = pd.to_datetime(
        expected_positions["Time"] + expected_positions["Millisecond"].str.zfill(3),
        format="%Y%m%d_%H%M%S%f",
        utc=True,
    )
    assert ts_range(got.positions) == (stamps.min().to_pydatetime(), stamps.max().to_pydatetime())
    static_rows = frame[msg.isin([5, 19, 24]) & valid_mmsi]
    assert got.statics.num_rows == len(static_rows)
    zonda = got.statics.to_pandas().set_index("mmsi").loc[538007407]
    assert (zonda["imo"], zonda["name"], zonda["draught_m"]) == (
        9436472,
        "GH ZONDA",
        pytest.approx(8.7),
    )
    assert zonda["length_m"] == 182 + 49


# --- tracktable .traj --------------------------------------------------------------------


@pytest.mark.slow
def test_traj_ny_harbor_counts(shared_data: Path) -> None:
    path = shared_data / "tracktable-noaa" / "NYHarbor_2020_12_first_week.traj"
    points, mmsis, stamps = 0, set(), []
    for line in path.read_text().splitlines():
        fields = line.split(",")
        n = int(fields[3])
        points += n
        mmsis.update(fields[11::4][:n])
        stamps.extend(fields[12::4][:n])
    got = read_all(tables.read_traj(path.open("rb"), "ny.traj"))
    assert got.positions.num_rows == points == 172_679
    assert pc_unique(got.positions, "mmsi") == len(mmsis) == 140
    assert ts_range(got.positions) == (utc(min(stamps)), utc(max(stamps)))
    sog = got.positions.column("sog_kn").to_pandas()
    assert sog.notna().mean() > 0.95
    assert sog.median() < 15.0


def test_traj_derives_speed_and_course_per_trajectory() -> None:
    header = "*T*,u1,terrestrial,3,0,*P*,terrestrial,2,1,1,0,"
    points = [
        "1,2020-01-01 00:00:00,10.0,50.00",
        "1,2020-01-01 00:01:00,10.0,50.01",
        "1,2020-01-01 00:02:00,10.0,50.02",
    ]
    second = "*T*,u2,terrestrial,1,0,*P*,terrestrial,2,1,1,0,2,2020-01-01 00:00:00,11.0,51.0"
    broken = "*T*,u3,terrestrial,5,0,*P*,terrestrial,2,1,1,0,3,2020-01-01 00:00:00,11.0,51.0"
    text = f"{header}{','.join(points)}\n{second}\n{broken}\n"
    got = read_all(tables.read_traj(io.BytesIO(text.encode()), "t.traj"))
    sog = got.positions.column("sog_kn").to_pylist()
    cog = got.positions.column("cog_deg").to_pylist()
    nm = 0.01 * 60.0 * 1.0006  # 0.01 degree of latitude, in nautical miles (mean radius)
    assert sog[:3] == pytest.approx([nm * 60] * 3, rel=2e-3)
    assert cog[:3] == pytest.approx([0.0] * 3, abs=1e-6)
    assert sog[3] is None and cog[3] is None  # single-point trajectory: nothing to derive
    assert got.counts == Counter({"position": 4, "bad_trajectory": 1})
    assert got.quarantine.column("line_no").to_pylist() == [3]


# --- generic CSV with a mapping ------------------------------------------------------------


def test_generic_csv_evergiven_with_bom_and_day_first_times(shared_data: Path) -> None:
    path = shared_data / "movingpandas-evergiven" / "boat-positions.csv"
    expected = pd.read_csv(path, encoding="utf-8-sig")
    times = pd.to_datetime(expected["ais_pos_timestamp"], format="%d/%m/%Y %H:%M", utc=True)
    got = read_all(
        tables.read_generic_csv(path.open("rb"), "eg", EVERGIVEN, time_format="%d/%m/%Y %H:%M")
    )
    assert got.positions.num_rows == len(expected) == 22_287
    assert pc_unique(got.positions, "mmsi") == expected["ID"].nunique() == 256
    assert ts_range(got.positions) == (times.min().to_pydatetime(), times.max().to_pydatetime())
    assert got.positions.column("lat").to_pylist() == expected["latitude"].tolist()


def test_generic_csv_space_delimited_without_header(shared_data: Path) -> None:
    path = shared_data / "m3-archimedes-saronic" / "vessels.csv"
    expected = pd.read_csv(path, sep=" ", header=None, names=["id", "lon", "lat", "t"])
    mapping = {"mmsi": "0", "lon": "1", "lat": "2", "ts": "3"}
    got = read_all(
        tables.read_generic_csv(path.open("rb"), "m3", mapping, delimiter=" ", has_header=False)
    )
    per_id = Counter(got.positions.column("mmsi").to_pylist())
    assert per_id == Counter(expected["id"].tolist())
    assert per_id == {1: 9427, 2: 3219, 3: 2249, 4: 2929, 5: 1010}  # SOURCES.md's rows per ID
    first, last = ts_range(got.positions)
    assert (first.timestamp(), last.timestamp()) == (expected["t"].min(), expected["t"].max())
    assert got.positions.column("line_no").to_pylist()[:2] == [1, 2]


def test_mapping_naming_a_missing_column_raises(shared_data: Path) -> None:
    path = shared_data / "movingpandas-evergiven" / "boat-positions.csv"
    mapping = {**EVERGIVEN, "sog_kn": "speed"}
    with pytest.raises(MappingError, match=r"'speed'.*columns seen: \['ID', 'ais_pos_timestamp'"):
        list(tables.read_generic_csv(path.open("rb"), "eg", mapping))


def test_mapping_without_required_columns_raises() -> None:
    with pytest.raises(MappingError, match="lacks \\['lat'\\]"):
        list(
            tables.read_generic_csv(
                io.BytesIO(b"a,b,c\n1,2,3\n"), "x", {"mmsi": "a", "ts": "b", "lon": "c"}
            )
        )


# --- bad rows ----------------------------------------------------------------------------


def _noaa_row(
    mmsi: str = "367752440",
    ts: str = "2023-01-11T00:00:00",
    lat: str = "43.0",
    lon: str = "-70.7",
    sog: str = "0.0",
    name: str = "X",
) -> str:
    return f"{mmsi},{ts},{lat},{lon},{sog},360.0,95.0,{name},,,31,0.0,,,,52.0,A"


BAD_ROWS = {
    "bad_number": _noaa_row(sog="fast"),
    "bad_time": _noaa_row(ts="2023-13-45T99:00:00"),
    "column_count": "367752440,2023-01-11T00:00:00,43.07917,-70.75733,0.0",
    "lat_out_of_range": _noaa_row(lat="95.5"),
    "lon_out_of_range": _noaa_row(lon="-190.5"),
    "position_unavailable": _noaa_row(lat="91", lon="181"),
    "time_out_of_range": _noaa_row(ts="1999-12-31T23:59:59"),
    "bad_mmsi": _noaa_row(mmsi="36775244X"),
    "missing_mmsi": _noaa_row(mmsi=""),
    "unbalanced_quote": _noaa_row(name='"X'),
}


def test_injected_bad_rows_are_quarantined_and_the_rest_kept(shared_data: Path) -> None:
    source = (shared_data / "aisdb" / "test_data_noaa_20230101.csv").read_text().splitlines()
    header, body = source[0], source[1:201]
    future = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")
    bad_rows = {
        **BAD_ROWS,
        "future_time": _noaa_row(ts=future),
    }
    lines, expected_bad = [header], dict[int, str]()
    for i, row in enumerate(body):
        lines.append(row)
        if i % 17 == 5 and len(expected_bad) < len(bad_rows):
            reason, template = list(bad_rows.items())[len(expected_bad)]
            lines.append(template)
            expected_bad[len(lines)] = reason.replace("future_time", "time_out_of_range")
    clean = read_all(
        tables.read_marinecadastre(io.BytesIO(("\n".join([header, *body]) + "\n").encode()), "c")
    )
    got = read_all(tables.read_marinecadastre(io.BytesIO(("\n".join(lines) + "\n").encode()), "d"))

    quarantined = dict(
        zip(
            got.quarantine.column("line_no").to_pylist(),
            got.quarantine.column("reason").to_pylist(),
            strict=True,
        )
    )
    assert {n: r.split(":")[0] for n, r in quarantined.items()} == expected_bad
    assert [got.quarantine.column("raw")[i].as_py() for i in range(3)] == [
        lines[n - 1] for n in sorted(expected_bad)[:3]
    ]
    assert "'fast', expected a number" in quarantined[min(expected_bad)]
    assert got.positions.drop_columns(["line_no", "source"]).equals(
        clean.positions.drop_columns(["line_no", "source"])
    )
    assert got.counts["position"] == len(body)
    assert sum(got.counts.values()) == got.lines == len(lines) - 1


def test_small_chunks_give_the_same_rows(shared_data: Path) -> None:
    path = shared_data / "aisdb" / "test_data_20210701.csv"
    whole = read_all(tables.read_csv(path.open("rb"), "a", fmt="aisdb"))
    chunked = read_all(tables.read_csv(path.open("rb"), "a", fmt="aisdb", chunk_bytes=40_000))
    assert chunked.batches > 10
    assert chunked.positions.equals(whole.positions)
    assert chunked.quarantine.equals(whole.quarantine)
    assert chunked.counts == whole.counts


# --- Parquet / GeoParquet -------------------------------------------------------------------


def _sample_positions(shared_data: Path) -> pa.Table:
    path = shared_data / "movingpandas-evergiven" / "boat-positions.csv"
    batches = tables.read_generic_csv(
        path.open("rb"), "eg", EVERGIVEN, time_format="%d/%m/%Y %H:%M"
    )
    return read_all(batches).positions.select(["mmsi", "ts", "lat", "lon"])


def test_parquet_canonical_columns_stream_in_batches(shared_data: Path, tmp_path: Path) -> None:
    table = _sample_positions(shared_data)
    path = tmp_path / "positions.parquet"
    pq.write_table(table, path, row_group_size=5000)
    got = read_all(tables.read_parquet(path, "p", batch_rows=4000))
    assert got.batches == -(-table.num_rows // 4000)
    assert got.positions.select(["mmsi", "ts", "lat", "lon"]).equals(table)
    assert got.positions.column("line_no").to_pylist()[-1] == table.num_rows


def test_geoparquet_wkb_points_give_lon_lat_with_a_mapping(
    shared_data: Path, tmp_path: Path
) -> None:
    table = _sample_positions(shared_data).slice(0, 500)
    lons, lats = table.column("lon").to_pylist(), table.column("lat").to_pylist()
    wkb = [
        struct.pack("<BIdd", 1, 1, x, y) if i % 2 else struct.pack(">BIdd", 0, 1, x, y)
        for i, (x, y) in enumerate(zip(lons, lats, strict=True))
    ]
    wkb[7] = struct.pack("<BII", 1, 2, 0)  # an empty LINESTRING: not a point
    geo = pa.table(
        {
            "vessel": table.column("mmsi"),
            "time": table.column("ts"),
            "geometry": pa.array(wkb, pa.binary()),
        }
    )
    metadata = json.dumps(
        {
            "version": "1.1.0",
            "primary_column": "geometry",
            "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Point"]}},
        }
    ).encode()
    geo = geo.replace_schema_metadata({b"geo": metadata})
    path = tmp_path / "positions.geoparquet"
    pq.write_table(geo, path)
    assert sniff_format(path.read_bytes()[:65536], path.name) == "parquet"
    got = read_all(tables.read_parquet(path, "g", mapping={"mmsi": "vessel", "ts": "time"}))
    expected_lon = [x for i, x in enumerate(lons) if i != 7]
    assert got.positions.column("lon").to_pylist() == expected_lon
    assert got.positions.column("lat").to_pylist() == [y for i, y in enumerate(lats) if i != 7]
    assert got.counts == Counter({"position": 499, "position_unavailable": 1})
    assert got.quarantine.column("line_no").to_pylist() == [8]


def test_parquet_without_canonical_columns_or_mapping_raises(tmp_path: Path) -> None:
    path = tmp_path / "other.parquet"
    pq.write_table(pa.table({"a": [1], "b": [2.0]}), path)
    with pytest.raises(MappingError, match=r"columns seen: \['a', 'b'\]"):
        list(tables.read_parquet(path, "o"))


# --- sniffing ------------------------------------------------------------------------------


SNIFFED = {
    "aisdb/test_data_20210701.csv": "aisdb",
    "aisdb/test_data_noaa_20230101.csv": "marinecadastre",
    "tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv": "marinecadastre",
    "tracktable-noaa/NYHarbor_2020_12_first_week.traj": "traj",
    "tracktable-noaa/US_coastal_2020_06_30.traj": "traj",
    "tracktable-noaa/VirginiaBeach_2020_06_04_to_06_filtered.traj": "traj",
    "movingpandas-evergiven/boat-positions.csv": "csv",
    "m3-archimedes-saronic/vessels.csv": "csv",
}
NMEA_FILES = [
    "aisdb/test_data_201201.nmea",
    "aisdb/test_data_20211101.nm4",
    "amsa-risky/ais.txt.gz",
    "amsa-risky/exact-earth-augmented.txt",
    "amsa-risky/exact-earth-with-tag-block.txt",
    "amsa-risky/nmea-timestamped.txt",
    "dma-aisabnormal/212123000_drift_1.ais",
    "dma-aisabnormal/219165000_ssc_1.ais",
    "dma-aisabnormal/538004030_drift_1.ais",
    "dma-aisabnormal/ais-sample.txt.gz",
    "dma-aislib/stream_example.txt",
    "gpsd/ais-nmea.log",
    "gpsd/sample.aivdm",
    "libais/test.aivdm",
    "pyais/nmea_data_sample.txt",
    "signalk/gofree-merrimac.log",
    "signalk/nais400-merrimac.log",
]


def _head(path: Path) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as stream:
        return stream.read(64 * 1024)


@pytest.mark.parametrize(
    ("relative", "fmt"), [*SNIFFED.items(), *((n, "nmea") for n in NMEA_FILES)]
)
def test_sniff_every_ais_file(shared_data: Path, relative: str, fmt: str) -> None:
    path = shared_data / relative
    assert sniff_format(_head(path), path.name) == fmt


def test_sniff_dma_fixture() -> None:
    assert sniff_format(DMA_FIXTURE.read_bytes(), DMA_FIXTURE.name) == "dma"


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\n\n  \n",
        bytes(range(256)) * 10,
        np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
        b'{"type": "FeatureCollection", "features": []}\n',
        b"Dear reader,\nthis is prose, with some commas, but not a table at all.\nReally.\n",
    ],
)
def test_sniff_rejects_what_is_not_a_table_or_nmea(head: bytes) -> None:
    with pytest.raises(UnknownFormatError, match=r"^junk\.bin: .*expected NMEA") as caught:
        sniff_format(head, "junk.bin")
    assert "\n" not in str(caught.value)


# --- round trip ------------------------------------------------------------------------------


ROWS = st.lists(
    st.tuples(
        st.integers(1, 999_999_999),
        st.datetimes(datetime(2000, 1, 1), datetime(2025, 12, 31)).map(
            lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
        ),
        st.floats(-90, 90, allow_nan=False).map(lambda v: round(v, 6)),
        st.floats(-180, 180, allow_nan=False).map(lambda v: round(v, 6)),
        st.one_of(st.none(), st.integers(0, 1022).map(lambda v: v / 10)),
        st.one_of(st.none(), st.integers(0, 3599).map(lambda v: v / 10)),
        st.one_of(st.none(), st.integers(0, 359)),
        st.one_of(
            st.none(), st.text("ABCXYZ -.'", min_size=1, max_size=12).map(str.strip).filter(bool)
        ),
    ),
    min_size=1,
    max_size=40,
)
FORMATS = {
    None: lambda d: d.isoformat(timespec="milliseconds"),
    "%d/%m/%Y %H:%M:%S.%f": lambda d: d.strftime("%d/%m/%Y %H:%M:%S.%f"),
}


@settings(max_examples=40, deadline=None)
@given(
    rows=ROWS,
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    time_format=st.sampled_from(list(FORMATS)),
    shuffle=st.randoms(),
)
def test_generic_csv_round_trips_a_random_valid_table(
    rows: list[tuple], delimiter: str, time_format: str | None, shuffle: object
) -> None:
    names = ["boat", "when", "y", "x", "speed", "course", "head", "title"]
    order = list(range(len(names)))
    shuffle.shuffle(order)  # type: ignore[attr-defined]
    cells = [[_cell(row[i], i, time_format) for i in order] for row in rows]
    text = "\n".join(delimiter.join(c) for c in [[names[i] for i in order], *cells]) + "\n"
    mapping = {
        "mmsi": "boat",
        "ts": "when",
        "lat": "y",
        "lon": "x",
        "sog_kn": "speed",
        "cog_deg": "course",
        "heading_deg": "head",
        "name": "title",
    }
    got = read_all(
        tables.read_generic_csv(
            io.BytesIO(text.encode()), "h", mapping, delimiter=delimiter, time_format=time_format
        )
    )
    assert got.counts == Counter({"position": len(rows)})
    positions = got.positions
    assert positions.column("mmsi").to_pylist() == [r[0] for r in rows]
    assert positions.column("ts").to_pylist() == [r[1].replace(tzinfo=UTC) for r in rows]
    assert positions.column("lat").to_pylist() == [r[2] for r in rows]
    assert positions.column("lon").to_pylist() == [r[3] for r in rows]
    assert positions.column("sog_kn").to_pylist() == pytest.approx(
        [_f32(r[4]) for r in rows], nan_ok=True
    )
    assert positions.column("heading_deg").to_pylist() == [r[6] for r in rows]
    named = {(s["mmsi"], s["name"]) for s in got.statics.to_pylist()}
    assert named == {(r[0], r[7]) for r in rows if r[7] is not None}


def _cell(value: object, index: int, time_format: str | None) -> str:
    if value is None:
        return ""
    if index == 1:
        assert isinstance(value, datetime)
        return FORMATS[time_format](value)
    return str(value)


def _f32(value: float | None) -> float | None:
    return None if value is None else float(np.float32(value))


def pc_unique(table: pa.Table, column: str) -> int:
    return len(set(table.column(column).to_pylist()))


def test_wkb_variants_and_geoarrow_points() -> None:
    from setori.ingest.tables.parquet import geometry_lon_lat

    wkb = pa.array(
        [
            struct.pack("<BIdd", 1, 1, 10.5, 55.25),  # ISO 2D, little-endian
            struct.pack(">BIdd", 0, 1, -74.0, 40.7),  # big-endian
            struct.pack("<BIIdd", 1, 0x20000001, 4326, 1.0, 2.0),  # EWKB with SRID
            struct.pack("<BIddd", 1, 1001, 3.0, 4.0, 5.0),  # ISO Z
            struct.pack("<BIIdd", 1, 0x80000001 | 0x20000000, 4326, 6.0, 7.0)[:-16]
            + struct.pack("<ddd", 6.0, 7.0, 9.0),  # EWKB Z with SRID
            struct.pack("<BII", 1, 2, 0),  # empty LINESTRING
            None,
        ],
        pa.binary(),
    )
    lon, lat = geometry_lon_lat(wkb)
    assert lon[:5].tolist() == [10.5, -74.0, 1.0, 3.0, 6.0]
    assert lat[:5].tolist() == [55.25, 40.7, 2.0, 4.0, 7.0]
    assert np.isnan(lon[5:]).all() and np.isnan(lat[5:]).all()
    points = pa.array(
        [{"x": 1.5, "y": 2.5}, None], pa.struct([("x", pa.float64()), ("y", pa.float64())])
    )
    lon, lat = geometry_lon_lat(points)
    assert lon[0] == 1.5 and lat[0] == 2.5 and np.isnan(lon[1])


def test_geoparquet_in_a_projected_crs_is_refused(tmp_path: Path) -> None:
    from setori.errors import UnreadableInputError

    metadata = {
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {"encoding": "WKB", "crs": {"id": {"authority": "EPSG", "code": 3857}}}
        },
    }
    table = pa.table(
        {"mmsi": [1], "ts": [1_600_000_000], "geometry": [struct.pack("<BIdd", 1, 1, 0, 0)]}
    )
    path = tmp_path / "merc.parquet"
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(metadata).encode()}), path)
    with pytest.raises(UnreadableInputError, match=r"EPSG.*3857.*expected lon/lat"):
        list(tables.read_parquet(path, "merc"))


def test_generic_csv_times_with_offsets_and_unix_milliseconds() -> None:
    text = (
        b"id,t,la,lo\n1,2021-03-20T02:00:00+02:00,1,2\n"
        b"2,2021-03-20 00:00:00Z,1,2\n3,1616198400,1,2\n"
    )
    mapping = {"mmsi": "id", "ts": "t", "lat": "la", "lon": "lo"}
    got = read_all(tables.read_generic_csv(io.BytesIO(text), "x", mapping))
    assert set(got.positions.column("ts").to_pylist()) == {utc("2021-03-20T00:00:00")}
    text = b"id,t,la,lo\n1,20/03/2021 02:00 +0200,1,2\n"
    got = read_all(
        tables.read_generic_csv(io.BytesIO(text), "x", mapping, time_format="%d/%m/%Y %H:%M %z")
    )
    assert got.positions.column("ts").to_pylist() == [utc("2021-03-20T00:00:00")]
    text = b"id,t,la,lo\n1,1616198400000,1,2\n"
    got = read_all(tables.read_generic_csv(io.BytesIO(text), "x", mapping, time_format="unix_ms"))
    assert got.positions.column("ts").to_pylist() == [utc("2021-03-20T00:00:00")]


def test_derived_motion_agrees_with_reported_sog_and_cog(shared_data: Path) -> None:
    """The .traj derivation, applied to a MarineCadastre file, matches what the ships reported."""
    from setori.ingest.tables.traj import with_derived_motion

    path = shared_data / "tracktable-noaa" / "NYHarbor_2020_06_30_first_hour.csv"
    reported = read_all(tables.read_marinecadastre(path.open("rb"), "nyh")).positions
    reported = reported.sort_by([("mmsi", "ascending"), ("ts", "ascending")])
    one_line = pa.array(np.ones(reported.num_rows, dtype=np.int64))
    reported = reported.set_column(reported.schema.get_field_index("line_no"), "line_no", one_line)
    derived = with_derived_motion(reported)
    sog = reported.column("sog_kn").to_numpy(zero_copy_only=False)
    sog_derived = derived.column("sog_kn").to_numpy(zero_copy_only=False)
    moving = (sog > 5) & ~np.isnan(sog_derived)
    assert moving.sum() > 1000
    assert np.median(np.abs(sog_derived[moving] - sog[moving]) / sog[moving]) < 0.05
    cog = reported.column("cog_deg").to_numpy(zero_copy_only=False)
    cog_derived = derived.column("cog_deg").to_numpy(zero_copy_only=False)
    both = moving & ~np.isnan(cog) & ~np.isnan(cog_derived)
    assert np.median(np.abs((cog_derived[both] - cog[both] + 180) % 360 - 180)) < 5.0


def test_the_ingest_verb_takes_delimiter_header_and_time_format(
    shared_data: Path, tmp_path: Path
) -> None:
    """The Python verb reads the same generic CSVs as the CLI: the first 500 rows of the
    real Suez file rewritten with ``;``, no header and a day-first time."""
    import setori

    source = shared_data / "movingpandas-evergiven" / "boat-positions.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()[1:501]
    path = tmp_path / "suez.csv"
    path.write_text("\n".join(line.replace(",", ";") for line in lines) + "\n")
    summary = setori.ingest(
        [path],
        db=tmp_path / "s.duckdb",
        fmt="csv",
        mapping={"mmsi": "0", "ts": "1", "lon": "2", "lat": "3"},
        delimiter=";",
        has_header=False,
        time_format="%d/%m/%Y %H:%M",
    )
    assert (summary.lines, summary.counts["position"]) == (500, 500)
    assert summary.new_positions == 490  # 10 rows repeat another's (ID, time, position)
    first = (
        setori.tracks(db=tmp_path / "s.duckdb", mmsi=[1]).to_polars().sort("ts").row(0, named=True)
    )
    assert (first["lat"], first["lon"]) == (31.4386, 32.32925)
    assert first["ts"] == datetime(2021, 3, 20, 0, 22, tzinfo=UTC)
