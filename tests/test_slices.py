"""Detection and screening on the real slices in tests/data: they run in a plain clone.

Expectations come from the slices themselves, read with independent readers (pyais for the
NMEA, the csv module and lxml for the lists), or from the full source files in
../shared/data when present (``shared_data``): a slice must behave as its source does.
Decoding of the NMEA slices against pyais is in tests/test_ais_decode.py.

* ``tracks/dma-212123000-drift-positions.ais``: DMA's "drift" tanker STOC MARCIA; it loiters
  (drifting) for 12 h in both profiles, as in the full file (tests/test_detect_real.py).
* ``lists/ofac-sdn-2021-dprk-vessels/``: the 106 DPRK-program vessels of OFAC's 2021 CSV set.
* ``lists/un_consolidated_dprk.xml``: the DPRK records of the UN consolidated list.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyais
import pytest
from lxml import etree

import setori
from setori.detect.loitering import LoiteringParams, detect_loitering
from setori.screen.lists import load_list
from setori.screen.match import Screener
from setori.screen.model import Query

SHARED_DATA_NEED = "the full source files the slices were cut from"
DATA = Path(__file__).resolve().parent / "data"
DRIFT = DATA / "tracks" / "dma-212123000-drift-positions.ais"
DRIFT_SOURCE = "dma-aisabnormal/212123000_drift_1.ais"
OFAC = DATA / "lists" / "ofac-sdn-2021-dprk-vessels" / "sdn.csv"
UN = DATA / "lists" / "un_consolidated_dprk.xml"
IMO_REMARK = re.compile(r"IMO (\d{7})")


# --- detection: the DMA drifting tanker ------------------------------------------------------


def pyais_positions(path: Path) -> list[tuple[datetime, float]]:
    """(time of the preceding $PGHP, reported SOG) of every position report, read with pyais."""
    out, ts = [], None
    for line in path.read_text(encoding="ascii").splitlines():
        fields = line.split(",")
        if line.startswith("$PGHP"):
            y, mo, d, h, mi, s, ms = (int(f) for f in fields[2:9])
            ts = datetime(y, mo, d, h, mi, s, ms * 1000, tzinfo=UTC)
        elif line.startswith("!") and ts is not None:
            message: Any = pyais.decode(line)  # a position report: the slice keeps no other
            out.append((ts, float(message.speed)))
    return out


@pytest.fixture(scope="module")
def drift_track(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    db = tmp_path_factory.mktemp("drift") / "drift.duckdb"
    summary = setori.ingest([DRIFT], db=db)
    assert summary.new_positions == len(pyais_positions(DRIFT))
    return setori.tracks(db=db).to_polars()


@pytest.mark.parametrize("params", [LoiteringParams.gfw(), LoiteringParams.dprk()])
def test_the_drifting_tanker_loiters_for_twelve_hours(
    drift_track: pl.DataFrame, params: LoiteringParams
) -> None:
    [event] = detect_loitering(drift_track, params).to_pylist()
    assert (event["mmsi"], event["subtype"]) == ([212123000], "drifting")
    assert event["duration_h"] == pytest.approx(12.0, abs=0.1)
    # The reported SOG inside the event, decoded by pyais: what the evidence summarises.
    start, end = event["start"], event["end"]
    sog = [kn for ts, kn in pyais_positions(DRIFT) if start <= ts <= end]
    evidence = json.loads(event["evidence"])
    assert evidence["median_sog_kn"] == pytest.approx(statistics.median(sog), abs=0.05)
    assert evidence["avg_speed_kn"] < params.max_speed_kn


def test_the_slice_keeps_one_reception_of_every_position_of_the_source(
    drift_track: pl.DataFrame, shared_data: Path, tmp_path: Path
) -> None:
    """The full file hears most reports at several base stations; the slice keeps the first
    reception of each (in file order), so every report of the source is in it once, at one
    of the times the source has for it."""
    db = tmp_path / "full.duckdb"
    setori.ingest([shared_data / DRIFT_SOURCE], db=db)
    full = setori.tracks(db=db).to_polars()
    report = ["mmsi", "lat", "lon", "sog_kn", "cog_deg"]
    assert set(drift_track.select(report).iter_rows()) == set(full.select(report).iter_rows())
    assert drift_track.height == full.select(report).n_unique()
    timed = [*report, "ts"]
    assert set(drift_track.select(timed).iter_rows()) <= set(full.select(timed).iter_rows())


# --- screening: OFAC DPRK vessels and UN DPRK records --------------------------------------


def ofac_rows() -> list[list[str]]:
    with OFAC.open(encoding="latin-1", newline="") as f:
        return [row for row in csv.reader(f) if len(row) >= 12]


@pytest.fixture(scope="module")
def screener() -> Screener:
    entities = [*load_list(OFAC).entities(), *load_list(UN).entities()]
    return Screener(entities)


def test_the_ofac_slice_loads_every_vessel_row() -> None:
    rows = ofac_rows()
    loaded = load_list(OFAC)
    assert loaded.problems == ()
    assert loaded.counts["Vessel"] == sum(row[2] == "vessel" for row in rows) > 100
    imos = {f"IMO{m}" for row in rows for m in IMO_REMARK.findall(row[11])}
    vessels = [e for e in loaded.entities() if e.schema.name == "Vessel"]
    assert {imo for e in vessels for imo in e.get("imoNumber")} == imos


def test_the_un_slice_loads_every_dprk_record() -> None:
    root = etree.parse(str(UN)).getroot()
    loaded = load_list(UN)
    assert loaded.problems == ()
    assert loaded.counts["Person"] == len(root.findall("INDIVIDUALS/INDIVIDUAL"))
    assert loaded.counts["Organization"] == len(root.findall("ENTITIES/ENTITY"))
    listed = {(rec.findtext("UN_LIST_TYPE") or "").strip() for rec in root.iter("INDIVIDUAL")}
    assert listed == {"DPRK"}


def test_each_listed_imo_finds_its_vessel(screener: Screener) -> None:
    holders: dict[str, set[str]] = {}
    for row in ofac_rows():
        for imo in IMO_REMARK.findall(row[11]):
            holders.setdefault(imo, set()).add(f"ofac-{row[0]}")
    for imo, entity_ids in sorted(holders.items())[:25]:
        [best, *_] = screener.screen(Query(imo=imo))
        assert best.entity_id in entity_ids and best.band == "strong", imo


def test_a_collapsed_vessel_name_is_found(screener: Screener) -> None:
    [best, *_] = screener.screen(Query(names=("CHONMASAN",)))
    assert (best.caption, best.band) == ("CHON MA SAN", "strong")


def test_an_unlisted_tanker_finds_nothing(screener: Screener) -> None:
    """FRIO, IMO 9596985 (the other DMA drift track, SOURCES.md): on no list."""
    assert screener.screen(Query(names=("FRIO",), imo="9596985")) == []


def test_a_un_company_is_found_by_its_short_name(screener: Screener) -> None:
    root = etree.parse(str(UN)).getroot()
    omm = next(e for e in root.iter("ENTITY") if e.findtext("REFERENCE_NUMBER") == "KPe.020")
    [best, *_] = screener.screen(Query(schema="Organization", names=("Ocean Maritime Management",)))
    assert best.caption == omm.findtext("FIRST_NAME")
    assert best.band in ("review", "strong")
