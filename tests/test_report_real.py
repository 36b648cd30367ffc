"""Reports from the full real files of ../shared/data (see its SOURCES.md): the DMA record of
the drifting tanker STOC MARCIA with its static reports (name, IMO 9390305, call sign), and
the NOAA New York Harbor week (172,679 positions, 140 MMSIs), the case built the way an
analyst would: the vessel ranked first by `setori risk`, one of its encounters and a gap.
Each PDF is read back with poppler and Pillow (helpers of tests/test_report.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import setori
from setori.settings import Settings
from tests.test_report import attachments, map_ink, pages, text

SHARED_DATA_NEED = "the full DMA STOC MARCIA record and the NOAA NY Harbor week"
EPOCH = "1767225600"


def _settings(shared_data: Path) -> Settings:
    return Settings().with_overrides(shared_data=shared_data)


def _render(case_id: str, options: dict[str, Any], tmp_path: Path) -> tuple[Path, str]:
    pdf = tmp_path / f"{case_id}.pdf"
    setori.report(case_id, fmt="pdf", output=pdf, **options)
    return pdf, text(pdf)


@pytest.mark.slow
def test_stoc_marcia_report_names_the_vessel_and_its_identifiers(
    shared_data: Path, workspace_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(shared_data)
    db = tmp_path / "dma.duckdb"
    setori.ingest(
        [shared_data / "dma-aisabnormal" / "212123000_drift_1.ais"], db=db, settings=settings
    )
    setori.detect(db=db, profile="dprk", settings=settings)
    options: dict[str, Any] = {"db": db, "workspace": workspace_url, "settings": settings}
    setori.analyst_add("kim", **options)
    events = setori.events(db=db, settings=settings).to_pylist()
    case_id = setori.case_new("STOC MARCIA adrift", analyst="kim", **options)
    setori.case_add(
        case_id, events=[e["id"] for e in events], vessels=["212123000"], analyst="kim", **options
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    pdf, words = _render(case_id, options, tmp_path)
    assert "STOC MARCIA" in words and "9390305" in words and "C4XG2" in words
    assert "IMO:9390305" in words
    assert "2014-10-02 16:" in words
    inks = [map_ink(p) for p in pages(pdf, tmp_path)]
    assert sum(1 for w, d in inks if w > 2000 and d > 300) == len(events)
    assert attachments(pdf).strip().splitlines()[0].startswith("0 embedded")


@pytest.mark.slow
def test_ny_harbor_week_report_of_the_top_ranked_vessel(
    shared_data: Path, workspace_url: str, tmp_path: Path
) -> None:
    settings = _settings(shared_data)
    db = tmp_path / "ny.duckdb"
    week = shared_data / "tracktable-noaa" / "NYHarbor_2020_12_first_week.traj"
    setori.ingest([week], db=db, settings=settings)
    setori.detect(db=db, profile="dprk", settings=settings)
    options: dict[str, Any] = {"db": db, "workspace": workspace_url, "settings": settings}
    setori.analyst_add("kim", **options)
    top = setori.risk(db=db, top=1, settings=settings).to_pylist()[0]
    mmsi = int(top["mmsi"])
    events = setori.events(db=db, mmsi=[mmsi], settings=settings).to_pylist()
    encounter = next(e for e in events if e["type"] == "encounter")
    gap = next(e for e in events if e["type"] == "gap")
    case_id = setori.case_new(f"NY Harbor: MMSI {mmsi}", analyst="kim", **options)
    setori.case_add(
        case_id, events=[encounter["id"], gap["id"]], vessels=[str(mmsi)], analyst="kim", **options
    )
    pdf, words = _render(case_id, options, tmp_path)
    flat = re.sub(r"\s+", " ", words)
    for vessel in encounter["mmsi"]:
        assert str(vessel) in flat
    assert encounter["start"].strftime("%Y-%m-%d %H:%M") in flat
    assert re.search(rf"MMSI {mmsi}: \d+ points", flat)
    assert "Closest approach" in flat and " m " in flat
    inks = [map_ink(p) for p in pages(pdf, tmp_path)]
    drawn = [d for w, d in inks if w > 2000]
    assert len(drawn) == 2 and all(d > 300 for d in drawn), inks
