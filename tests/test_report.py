"""Reports on real AIS: the drifting tanker STOC MARCIA (MMSI 212123000, DMA 2014-10-02/03,
the slice in tests/data) ingested, detected, cited in a case with a vessel, a note in
Hangul and Japanese and real-looking sightings with a photo, then rendered as HTML and as
PDF/A and read back with poppler (pdftoppm, pdftotext, pdffonts, pdfdetach) and Pillow.

The helpers at the top (pages, text, fonts, attachments, map_ink) are shared with
tests/test_report_real.py.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

import setori
from setori.reports import sources as src
from setori.reports.drawing import nice_step, viridis
from setori.reports.eventmap import EventMark, VesselTrack, event_map_svg
from setori.reports.timeline import coverage
from setori.settings import Settings
from tests.conftest import TESTS_DATA

DRIFT = TESTS_DATA / "tracks" / "dma-212123000-drift-positions.ais"
SIGHTINGS = TESTS_DATA / "sightings" / "stoc-marcia-2014-10.csv"
OFAC_DPRK_VESSELS = TESTS_DATA / "lists" / "ofac-sdn-2021-dprk-vessels" / "sdn.csv"
SETTINGS = Settings()  # defaults: nothing from the environment
NOTE = "김정은 / 北朝鮮: the names a Korean and a Japanese partner would search"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
#: The water colour of the report's maps (setori.reports.eventmap).
WATER = (0xD7, 0xE6, 0xF2)


# --- reading a PDF back ------------------------------------------------------------------
def pages(pdf: Path, out_dir: Path, dpi: int = 50) -> list[Path]:
    """One PNG per page (pdftoppm), in page order."""
    prefix = out_dir / f"{pdf.stem}-page"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    return sorted(out_dir.glob(f"{pdf.stem}-page-*.png"))


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def text(pdf: Path) -> str:
    """The PDF's text (pdftotext)."""
    return _run("pdftotext", str(pdf), "-")


def fonts(pdf: Path) -> str:
    """pdffonts' table of the fonts used, embedded or not."""
    return _run("pdffonts", str(pdf))


def attachments(pdf: Path) -> str:
    """pdfdetach -list: the files embedded in the PDF."""
    return _run("pdfdetach", "-list", str(pdf))


def _near(pixel: Any, colour: tuple[int, int, int], tolerance: int = 6) -> bool:
    return all(abs(int(a) - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def map_ink(png: Path) -> tuple[int, int]:
    """(water pixels, drawn pixels inside the water's bounding box) of a page image: a map
    has many of both; a blank map has water only. Drawn = neither water nor white."""
    rgb = np.asarray(Image.open(png).convert("RGB")).astype(int)
    water = (np.abs(rgb - np.array(WATER)) <= 6).all(axis=2)
    if not water.any():
        return 0, 0
    ys, xs = np.nonzero(water)
    box = rgb[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    box_water = water[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    white = (box >= 243).all(axis=2)
    return int(water.sum()), int((~box_water & ~white).sum())


# --- the pieces, without a store ---------------------------------------------------------
def test_viridis_runs_from_violet_to_yellow() -> None:
    assert viridis(0) == "#440154"
    assert viridis(1) == "#fde725"
    assert viridis(-3) == viridis(0) and viridis(7) == viridis(1)


@given(st.floats(min_value=1e-3, max_value=1e7, allow_nan=False))
def test_a_scale_step_is_round_and_gives_a_few_steps(span: float) -> None:
    step = nice_step(span, 5)
    mantissa = step / 10 ** np.floor(np.log10(step))
    assert round(mantissa, 6) in (1, 2, 5, 10)
    assert 2 <= span / step <= 10 + 1e-9


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), max_size=60))
def test_coverage_bars_hold_every_report_and_never_overlap(times: list[float]) -> None:
    bars = coverage(times, join_s=3600)
    assert sum(1 for t in times if not any(a <= t <= b for a, b in bars)) == 0
    assert all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(bars))
    assert all(a2 - b1 > 3600 for (_, b1), (a2, _) in itertools.pairwise(bars))


def test_a_finding_on_one_kind_of_source_is_single_sourced() -> None:
    one = src.Finding("Incident", "x", src.ordered([src.AIS, src.AIS]))
    two = src.Finding("Incident", "x", src.ordered([src.SIGHTING, src.AIS]))
    assert one.single_sourced and one.corroboration == "single-sourced"
    assert two.sources == (src.AIS, src.SIGHTING) and not two.single_sourced
    assert src.sighting_kind("partner: JCG patrol report") == src.PARTNER
    assert src.sighting_kind("Sentinel-1A SAR") == src.SIGHTING
    with pytest.raises(ValueError, match="rumour"):
        src.ordered(["rumour"])


def test_a_map_draws_coast_tracks_event_scale_and_north() -> None:
    t = np.arange(0.0, 7200.0, 60.0)
    track = VesselTrack(212123000, "A", 1.4e9 + t, 55.6 + t / 1e5, 15.3 + t / 5e4)
    svg = event_map_svg([track], EventMark("e1", "loitering", 55.63, 15.36, 1.4e9, 1.4e9 + 3600))
    assert svg.startswith("<svg") and svg.count("<path") > 10
    assert "km (" in svg and ">N<" in svg  # scale bar and north arrow
    assert viridis(0.5 / 24) in svg and viridis(23.5 / 24) in svg  # early and late colours
    far_inland = VesselTrack(
        1, "A", np.array([0.0, 60.0]), np.array([48.85, 48.86]), np.array([2.35, 2.36])
    )
    paris = event_map_svg([far_inland], EventMark("e2", "gap", 48.85, 2.35, 0, 60))
    assert 'fill="#efe9d8"' in paris  # land drawn from Natural Earth


def test_a_pdf_never_fetches_from_the_network() -> None:
    from datetime import UTC, datetime

    from setori.errors import InputError
    from setori.reports import render_pdf

    page = '<html><body><img src="http://example.invalid/ship.png"></body></html>'
    with pytest.raises(InputError, match=r"example\.invalid.*only data: URIs"):
        render_pdf(page, created=datetime(2026, 1, 1, tzinfo=UTC))


# --- a real case -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("report") / "drift.duckdb"
    setori.ingest([DRIFT], db=db, settings=SETTINGS)
    setori.detect(db=db, profile="dprk", settings=SETTINGS)
    setori.load_lists([OFAC_DPRK_VESSELS], db=db, settings=SETTINGS)
    return db


def _case(store: Path, workspace_url: str) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    options: dict[str, Any] = {"db": store, "workspace": workspace_url, "settings": SETTINGS}
    setori.analyst_add("kim", **options)
    hits = setori.screen(names=["CHON MA SAN"], schema="Vessel", **options).to_pylist()
    events = setori.events(db=store, settings=SETTINGS).to_pylist()
    case_id = setori.case_new("STOC MARCIA adrift east of Bornholm", analyst="kim", **options)
    setori.case_add(
        case_id,
        events=[e["id"] for e in events],
        vessels=["212123000"],
        notes=[NOTE],
        sightings=[SIGHTINGS],
        hits=[hits[0]["hit_id"]],
        skip_bad_rows=True,
        analyst="kim",
        **options,
    )
    return case_id, options, events


def test_html_report_of_a_real_case(store: Path, workspace_url: str, tmp_path: Path) -> None:
    case_id, options, events = _case(store, workspace_url)
    out = tmp_path / "case.html"
    html = setori.report(case_id, output=out, **options).decode()
    assert out.read_text() == html
    for heading in (
        "Summary",
        "1. Vessels and identifiers",
        "2. Incidents",
        "3. Evidence",
        "4. Assessment",
    ):
        assert f">{heading}</h2>" in html
    assert html.count('class="map"') == len(events) >= 1
    assert html.count('class="timeline"') == 1
    assert "212123000" in html and "2014-10-02" in html and NOTE in html
    assert "data:image/png;base64," in html  # the patrol photo, inline
    assert "dark vessel" in html and "single-sourced" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    case = setori.case_show(case_id, **options)
    for item in case["evidence"]:
        assert item["sha256"] in html
    assert re.search(r"Risk score</th><td><b>\d+</b> points", html)
    # the real OFAC entry behind the stored hit, with its list version and reasons
    assert "CHON MA SAN" in html and "DPRK4" in html and "IMO 8660313; flag KP" in html
    assert "name_exact (+1.00)" in html and "setori-match/1" in html
    assert re.search(r"ofac, version \S+", html)


@pytest.mark.slow
def test_pdf_report_of_a_real_case(
    store: Path, workspace_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id, options, events = _case(store, workspace_url)
    key = setori.keys_new(tmp_path / "author")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    pdf = tmp_path / "case.pdf"
    data = setori.report(case_id, fmt="pdf", output=pdf, key=key["private_key"], **options)
    assert data.startswith(b"%PDF-") and pdf.read_bytes() == data
    xmp = _run("pdfinfo", "-meta", str(pdf))
    assert 'pdfaid:part="3" pdfaid:conformance="B"' in xmp
    assert "<xmp:CreateDate>2026-01-01T00:00:00Z</xmp:CreateDate>" in xmp
    again = setori.report(case_id, fmt="pdf", key=key["private_key"], **options)
    assert again == data  # reproducible: same case, same SOURCE_DATE_EPOCH, same bytes

    images = pages(pdf, tmp_path)
    assert len(images) >= 5
    inks = [map_ink(p) for p in images]
    with_map = [(w, d) for w, d in inks if w > 2000]
    assert len(with_map) == len(events)
    assert all(drawn > 300 for _, drawn in with_map), with_map  # tracks, not blank water

    words = text(pdf)
    assert "212123000" in words and "2014-10-02 16:" in words
    score = re.search(r"(\d+) points", words)
    assert score is not None and int(score.group(1)) > 0
    assert key["fingerprint"] in words.replace("\n", "")
    assert "김정은" in words and "北朝鮮" in words
    assert re.search(r"Noto-?Sans-?CJK-?\w*\s.*yes", fonts(pdf))
    listed = attachments(pdf)
    assert "bundle.dsse.json" in listed and "tagmanifest-sha256.txt" in listed


@pytest.mark.slow
def test_report_command(store: Path, workspace_url: str, tmp_path: Path) -> None:
    case_id, _, _ = _case(store, workspace_url)
    out = tmp_path / "cli.pdf"
    args = [
        sys.executable,
        "-m",
        "setori",
        "report",
        case_id,
        "--format",
        "pdf",
        "-o",
        str(out),
        "--db",
        str(store),
        "--workspace",
        workspace_url,
    ]
    done = subprocess.run(
        args,
        capture_output=True,
        text=True,
        env={"SOURCE_DATE_EPOCH": EPOCH, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-") and "wrote" in done.stderr
    bad_epoch = subprocess.run(
        args,
        capture_output=True,
        text=True,
        env={"SOURCE_DATE_EPOCH": "yesterday", "PATH": "/usr/bin:/bin"},
    )
    assert bad_epoch.returncode == 1 and "SOURCE_DATE_EPOCH='yesterday'" in bad_epoch.stderr
    missing = subprocess.run(
        [*args[:4], "C-NOSUCHCAS", "--db", str(store), "--workspace", workspace_url],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1 and "C-NOSUCHCAS" in missing.stderr


def test_cases_without_events_still_report(store: Path, workspace_url: str) -> None:
    options: dict[str, Any] = {"db": store, "workspace": workspace_url, "settings": SETTINGS}
    setori.analyst_add("kim", **options)
    noted = setori.case_new("a note only", analyst="kim", **options)
    setori.case_add(noted, notes=["nothing cited yet"], analyst="kim", **options)
    html = setori.report(noted, **options).decode()
    assert "The case cites no event." in html and "The case cites no vessel." in html
    assert "nothing cited yet" in html and 'class="map"' not in html
    vessel = setori.case_new("the vessel only", analyst="kim", **options)
    setori.case_add(vessel, vessels=["212123000"], analyst="kim", **options)
    html = setori.report(vessel, **options).decode()
    assert "MMSI:212123000" in html and 'class="map"' not in html


def test_an_event_detection_no_longer_finds_is_marked_gone(
    store: Path, workspace_url: str, tmp_path: Path
) -> None:
    case_id, options, events = _case(store, workspace_url)
    rerun = tmp_path / "rerun.duckdb"
    shutil.copy(store, rerun)
    with duckdb.connect(str(rerun)) as con:
        con.execute("DELETE FROM events")
        con.execute("DELETE FROM positions")
    html = setori.report(case_id, **{**options, "db": rerun}).decode()
    assert html.count('<span class="badge gone">gone</span>') == len(events)
    # the tracks now come from the positions frozen in the snapshots
    maps = re.findall(r'<svg[^>]*class="map".*?</svg>', html, re.S)
    assert len(maps) == len(events)
    assert all(
        re.search(r'<path d="M[^"]+" stroke="#[0-9a-f]{6}" stroke-width="4', m) for m in maps
    )


def test_an_identity_change_shows_what_changed() -> None:
    from setori.reports.formats import facts_of

    # the real destination change of STOC MARCIA (DMA, 2014-10-03 05:28:39 UTC)
    event = {
        "evidence": {
            "from": "SE GOT SE NYN",
            "to": "SE GOT SE LAA",
            "mid_voyage": True,
            "sog_kn": 2.700000047683716,
            "distance_to_port_km": 44.6,
        }
    }
    facts = dict(facts_of(event))
    assert facts["Changed from"] == "SE GOT SE NYN" and facts["Changed to"] == "SE GOT SE LAA"
    assert facts["Mid-voyage"] == "yes" and facts["Speed over ground"] == "2.70 kn"
