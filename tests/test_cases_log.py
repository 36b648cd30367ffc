"""The case log's hash chain (setori.cases.log) and sightings matched to AIS
(setori.cases.sightings), as pure functions."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from setori.cases.log import next_record, verify_chain
from setori.cases.model import GENESIS_HASH, LogRecord, json_evidence
from setori.cases.sighting_match import EVENT_COLUMNS, match_sightings, sighting_records
from setori.cases.sightings import SightingParams, read_sightings, require_valid
from setori.errors import InputError
from tests.conftest import TESTS_DATA

SIGHTINGS = TESTS_DATA / "sightings" / "stoc-marcia-2014-10.csv"
ACTIONS = ("created", "note_added", "evidence_added", "status_changed")


def _chain(n: int) -> list[LogRecord]:
    records: list[LogRecord] = []
    for i in range(n):
        previous = records[-1] if records else None
        at = f"2026-01-01T00:00:{i:02d}.000000Z"
        payload = {"i": i, "text": f"record {i}"}
        records.append(
            next_record(previous, at=at, analyst="kim", action=ACTIONS[i % 4], payload=payload)
        )
    return records


def test_a_fresh_chain_verifies_and_starts_at_genesis() -> None:
    records = _chain(5)
    assert records[0].prev_hash == GENESIS_HASH
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert verify_chain(records, head_seq=5) == []


def test_an_edited_payload_names_its_record() -> None:
    records = _chain(5)
    records[2] = dataclasses.replace(records[2], payload={"i": 2, "text": "rewritten"})
    assert verify_chain(records) == [
        f"record 3 ({records[2].action}): content does not match its hash "
        f"{records[2].record_hash[:12]}… (edited)"
    ]


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link() -> None:
    records = _chain(5)
    forged = next_record(records[1], at=records[2].at, analyst="kim", action="x", payload={})
    records[2] = forged
    problems = verify_chain(records)
    assert len(problems) == 1 and problems[0].startswith("record 4: prev_hash")


def test_a_deleted_record_in_the_middle_and_at_the_end() -> None:
    records = _chain(6)
    middle = records[:2] + records[3:]
    assert verify_chain(middle)[0] == "record 3 missing before record 4 (deleted)"
    assert "record 4: prev_hash" in verify_chain(middle)[1]
    assert verify_chain(records[:4], head_seq=6) == [
        "records 5..6 missing at the end of the log (the case's head is record 6)"
    ]


def test_reordered_records_are_named() -> None:
    records = _chain(5)
    swapped = [records[0], records[2], records[1], records[3], records[4]]
    assert verify_chain(swapped) == ["records out of order: stored as 1, 3, 2, 4, 5 (reordered)"]
    # Swapping the contents of two records (each keeps its place and seq) breaks both hashes.
    moved = [
        records[0],
        dataclasses.replace(records[2], seq=2),
        dataclasses.replace(records[1], seq=3),
        *records[3:],
    ]
    problems = verify_chain(moved)
    assert problems[0].startswith("record 2 (") and problems[0].endswith("(edited)")
    assert any(p.startswith("record 3 (") and p.endswith("(edited)") for p in problems)


def test_evidence_altered_or_missing_is_named() -> None:
    note = json_evidence(
        {"schema": "setori.note/1", "text": "adrift"},
        kind="note",
        name="note.json",
        added_at="t",
        added_by="kim",
    )
    first = next_record(None, at="t", analyst="kim", action="created", payload={})
    added = next_record(
        first,
        at="t",
        analyst="kim",
        action="note_added",
        payload={"evidence_id": note.evidence_id, "sha256": note.sha256},
    )
    assert verify_chain([first, added], evidence=[note]) == []
    altered = dataclasses.replace(note, content=note.content.replace(b"adrift", b"moored"))
    problems = verify_chain([first, added], evidence=[altered])
    assert len(problems) == 2
    assert all(p.startswith(f"evidence {note.evidence_id} (note 'note.json')") for p in problems)
    assert "not its stored sha256" in problems[0] and "that record 2 logged" in problems[1]
    assert verify_chain([first, added], evidence=[]) == [
        f"evidence {note.evidence_id} (added in record 2) is missing"
    ]


@given(st.integers(min_value=2, max_value=12), st.data())
def test_any_single_edit_delete_or_swap_is_detected(n: int, data: st.DataObject) -> None:
    records = _chain(n)
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    kind = data.draw(st.sampled_from(["edit", "delete", "swap"]))
    if kind == "edit":
        records[i] = dataclasses.replace(records[i], at="2030-01-01T00:00:00.000000Z")
    elif kind == "delete":
        del records[i]
    else:
        j = data.draw(st.integers(min_value=0, max_value=n - 1).filter(lambda j: j != i))
        records[i], records[j] = records[j], records[i]
    assert verify_chain(records, head_seq=n) != []


# --- sightings ---------------------------------------------------------------------------


def _track() -> pl.DataFrame:
    """Six real positions of STOC MARCIA (MMSI 212123000), DMA 2014-10-02/03."""
    rows = [
        ("2014-10-02T17:59:45.746", 55.596241666666664, 15.359823333333333),
        ("2014-10-02T18:02:45.851", 55.59676, 15.360516666666667),
        ("2014-10-02T22:14:46.441", 55.63731333333333, 15.393463333333333),
        ("2014-10-02T22:17:45.741", 55.63775166666667, 15.39394),
        ("2014-10-03T01:59:46.056", 55.66813666666667, 15.431996666666667),
        ("2014-10-03T02:02:46.094", 55.66843166666666, 15.432601666666667),
    ]
    return pl.DataFrame(
        {
            "mmsi": [212123000] * len(rows),
            "ts": [datetime.fromisoformat(t).replace(tzinfo=UTC) for t, _, _ in rows],
            "lat": [r[1] for r in rows],
            "lon": [r[2] for r in rows],
        }
    )


def _events() -> pl.DataFrame:
    """The drifting event setori detects on that track (gfw profile)."""
    return pl.DataFrame(
        {
            "id": ["280d724ddeb451609240"],
            "type": ["loitering"],
            "subtype": ["drifting"],
            "mmsi": [[212123000]],
            "start": [datetime(2014, 10, 2, 16, 59, 45, tzinfo=UTC)],
            "end": [datetime(2014, 10, 3, 4, 59, 46, tzinfo=UTC)],
            "lat": [55.641494069400174],
            "lon": [15.403877411950937],
        }
    ).cast(EVENT_COLUMNS)  # type: ignore[arg-type]


def test_bad_rows_are_numbered_and_the_good_ones_kept() -> None:
    sightings = read_sightings(SIGHTINGS)
    assert sightings.table["row"].to_list() == [2, 3, 4, 5]
    assert sightings.errors == (
        "line 6: time '2014-10-02T25:00:00Z' is not ISO 8601 (e.g. 2014-10-02T18:00:00Z); "
        "length_m '-20' is not a positive number",
    )
    with pytest.raises(InputError, match=r"1 bad row\(s\); nothing was added") as exc:
        require_valid(sightings, skip_bad_rows=False)
    assert "line 6: time" in str(exc.value)
    require_valid(sightings, skip_bad_rows=True)


def test_sightings_on_the_track_are_explained_and_the_far_one_is_dark() -> None:
    sightings = read_sightings(SIGHTINGS)
    params = SightingParams()
    matched = match_sightings(sightings.table, _track(), _events(), params=params)
    records = sighting_records(matched, params=params, source_file=SIGHTINGS.name)
    by_row = {r["sighting"]["row"]: r for r in records}
    for row in (2, 3):
        explained = by_row[row]["match"]["explained_by"]
        assert [v["mmsi"] for v in explained] == ["212123000"]
        assert explained[0]["distance_m"] < 50 and explained[0]["method"] == "interpolated"
    # Row 4 is at 05:31: no position of this six-row track within 30 min, so nothing.
    assert by_row[4]["dark_vessel"] and by_row[4]["match"]["nearest"] is None
    dark = by_row[5]
    assert dark["dark_vessel"] is True and dark["match"]["explained_by"] == []
    assert 9_000 < dark["match"]["nearest"]["distance_m"] < 10_000
    assert [e["event_id"] for e in dark["near_events"]] == ["280d724ddeb451609240"]
    assert dark["match"]["parameters"]["radius_m"] == 1000.0
    json.dumps(records, allow_nan=False)  # every value is plain JSON


def test_the_radius_and_window_are_what_decides() -> None:
    sightings = read_sightings(SIGHTINGS)
    wide = SightingParams(radius_m=10_000.0)
    matched = match_sightings(sightings.table, _track(), _events(), params=wide)
    assert matched.filter(pl.col("row") == 5)["dark_vessel"].to_list() == [False]
    short = SightingParams(window=timedelta(seconds=30))
    matched = match_sightings(sightings.table, _track(), _events(), params=short)
    assert matched["dark_vessel"].to_list() == [True, True, True, True]


def test_geojson_sightings_read_like_csv(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [15.3602, 55.5965]},
            "properties": {"timestamp": "2014-10-02T20:01:00+02:00", "length": 183, "source": "P"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [15.36, 155.0]},
            "properties": {"time": "yesterday"},
        },
    ]
    path = tmp_path / "s.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    sightings = read_sightings(path)
    assert sightings.table["length_m"].to_list() == [183.0]
    assert sightings.table["time"].to_list() == [datetime(2014, 10, 2, 18, 1, tzinfo=UTC)]
    assert sightings.errors[0].startswith("feature 2: time 'yesterday' is not ISO 8601")
    assert "lat 155.0 is not a number from -90 to 90" in sightings.errors[0]


def test_a_missing_photo_is_a_row_error(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("time,lat,lon,photo\n2014-10-02T18:01:00,55.5,15.3,gone.jpg\n")
    assert read_sightings(path).errors == (
        "line 2: photo 'gone.jpg' is not a file beside the sightings file",
    )


@given(
    st.floats(min_value=-60, max_value=60),
    st.floats(min_value=-179, max_value=179),
    st.floats(min_value=-0.05, max_value=0.05),
    st.floats(min_value=-0.05, max_value=0.05),
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=60, max_value=1800),
)
def test_a_sighting_on_the_interpolated_track_is_explained(
    lat: float, lon: float, dlat: float, dlon: float, fraction: float, gap_s: int
) -> None:
    t0 = datetime(2014, 10, 2, 18, tzinfo=UTC)
    track = pl.DataFrame(
        {
            "mmsi": [212123000, 212123000],
            "ts": [t0, t0 + timedelta(seconds=gap_s)],
            "lat": [lat, lat + dlat],
            "lon": [lon, lon + dlon],
        }
    )
    at = t0 + timedelta(seconds=round(gap_s * fraction))
    share = (at - t0).total_seconds() / gap_s
    sighting = pl.DataFrame(
        {
            "row": [2],
            "time": [at],
            "lat": [lat + share * dlat],
            "lon": [lon + share * dlon],
            **{name: [None] for name in ("length_m", "heading_deg")},
            **{name: [None] for name in ("photo", "source", "ref", "kind", "note")},
        },
        schema_overrides={"length_m": pl.Float64, "heading_deg": pl.Float64},
    ).with_columns(pl.col("time").cast(pl.Datetime("us", "UTC")))
    empty = pl.DataFrame(schema=EVENT_COLUMNS)
    matched = match_sightings(sighting, track, empty, params=SightingParams(radius_m=1.0))
    assert matched["dark_vessel"].to_list() == [False]
    assert matched["vessels"][0][0]["distance_m"] <= 0.5
