"""Every real AIS file in ../shared/data ingests through the whole pipeline.

Counts are checked against independent counts: pandas for tables, line counts for NMEA
(every line lands in exactly one outcome bucket), and facts from SOURCES.md.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

import setori

pytestmark = pytest.mark.slow  # every real file through the pipeline (~50 s)

NMEA_FILES = [
    "dma-aislib/stream_example.txt",
    "dma-aisabnormal/ais-sample.txt.gz",
    "dma-aisabnormal/538004030_drift_1.ais",
    "dma-aisabnormal/212123000_drift_1.ais",
    "dma-aisabnormal/219165000_ssc_1.ais",
    "amsa-risky/ais.txt.gz",
    "amsa-risky/exact-earth-augmented.txt",
    "amsa-risky/exact-earth-with-tag-block.txt",
    "amsa-risky/nmea-timestamped.txt",
    "aisdb/test_data_20211101.nm4",
    "aisdb/test_data_201201.nmea",
    "pyais/nmea_data_sample.txt",
    "libais/test.aivdm",
    "gpsd/sample.aivdm",
    "gpsd/ais-nmea.log",
    "signalk/gofree-merrimac.log",
    "signalk/nais400-merrimac.log",
]
TABLE_FILES = [
    "aisdb/test_data_noaa_20230101.csv",
    "aisdb/test_data_20210701.csv",
    "tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv",
    "tracktable-noaa/NYHarbor_2020_12_first_week.traj",
    "tracktable-noaa/VirginiaBeach_2020_06_04_to_06_filtered.traj",
]
#: pyais' sample has no timestamps at all; the user supplies one (--assume-time).
ASSUMED = datetime(2021, 1, 2, tzinfo=UTC)


def _lines(path: Path) -> int:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return raw.count(b"\n") + (0 if raw.endswith(b"\n") or not raw else 1)


@pytest.mark.parametrize("name", NMEA_FILES)
def test_nmea_file_ingests_with_every_line_accounted_for(
    shared_data: Path, db: Path, name: str
) -> None:
    path = shared_data / name
    summary = setori.ingest([path], db=db, default_ts=ASSUMED)
    assert summary.lines == _lines(path)
    assert summary.new_positions > 0
    info = setori.info(db=db)
    assert info["positions"] == summary.new_positions
    assert info["quarantined"] == {reason: n for reason, n in _quarantine_counts(db).items()}


def _quarantine_counts(db: Path) -> dict[str, int]:
    table = setori.quarantine(db=db).to_pandas()
    return table.groupby("reason").size().to_dict() if len(table) else {}


@pytest.mark.parametrize("name", TABLE_FILES)
def test_table_file_ingests_all_rows(shared_data: Path, db: Path, name: str) -> None:
    path = shared_data / name
    summary = setori.ingest([path], db=db)
    info = setori.info(db=db)
    if path.suffix == ".csv":
        frame = pd.read_csv(path, low_memory=False)
        assert sum(summary.counts.values()) == len(frame)  # every row in exactly one bucket
        with_position = (
            frame[frame["Message_ID"].isin([1, 2, 3, 18, 19, 27])]
            if ("Message_ID" in frame)
            else frame
        )
        assert info["vessels"] <= with_position["MMSI"].nunique()
        assert info["vessels"] >= 0.99 * with_position["MMSI"].nunique()
    assert info["positions"] == summary.new_positions > 0


def test_ny_harbor_week_has_140_vessels(shared_data: Path, db: Path) -> None:
    setori.ingest([shared_data / "tracktable-noaa/NYHarbor_2020_12_first_week.traj"], db=db)
    info = setori.info(db=db)
    # SOURCES.md: 172,679 positions of 140 MMSIs, 2020-12-01 04:49 to 12-07 23:29 UTC, counted
    # from the .traj records by the data's curator (test_tables.py recounts them by hand).
    assert info["vessels"] == 140
    assert info["positions"] == 172_679
    assert info["time_range"][0].startswith("2020-12-01T04:49")
    assert info["time_range"][1].startswith("2020-12-07T23:29")


def test_frio_static_data(shared_data: Path, db: Path) -> None:
    setori.ingest([shared_data / "dma-aisabnormal/538004030_drift_1.ais"], db=db)
    (frio,) = setori.vessels(db=db, mmsi=[538004030]).to_pylist()
    assert frio["names"] == ["FRIO"]
    assert frio["imos"] == [9596985]
    assert frio["ship_types"] == [80]
