"""setori map: a self-contained, offline HTML map of tracks and events."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

import setori
from setori.cli import cli

STOC_MARCIA = "dma-aisabnormal/212123000_drift_1.ais"


@pytest.mark.slow
def test_map_draws_tracks_events_and_land(shared_data: Path, db: Path, tmp_path: Path) -> None:
    setori.ingest([shared_data / STOC_MARCIA, shared_data / "dma-aislib/stream_example.txt"], db=db)
    events = setori.detect(db=db, types=["loitering", "gap"]).events
    target = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["map", "--db", str(db), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    html = target.read_text()
    svg = ElementTree.fromstring(re.search(r"<svg.*</svg>", html, re.S).group(0))  # type: ignore[union-attr]
    ns = "{http://www.w3.org/2000/svg}"
    circles = svg.findall(f"{ns}circle")
    assert len(circles) == events.num_rows > 0
    assert {c.get("data-id") for c in circles} == set(events.column("id").to_pylist())
    assert svg.findall(f"{ns}path[@class='track']")
    assert svg.findall(f"{ns}path[@class='land']")  # Danish waters: the coast is in view
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # works offline
    loitering = [c for c in circles if "loitering" in (c.get("class") or "")]
    assert any("212123000" in (c.findtext(f"{ns}title") or "") for c in loitering)
