"""Risk triage (setori.risk): the weights table, each rule on hand-built events, vessel
scores, and the invariant that a breakdown always sums to its score (Hypothesis)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from setori.detect.events import event_row, make_events
from setori.errors import InputError
from setori.risk.attributes import ListHit, hit_from_row, vessel_facts
from setori.risk.events import score_events
from setori.risk.vessels import score_vessels
from setori.risk.weights import default_weights, load_weights, override
from setori.schema import STATICS

T0 = datetime(2024, 3, 1, 18, tzinfo=UTC)
DPRK = 445_123_456  # MID 445
TANKER = 412_123_001
OTHER = 413_123_002


def event(
    kind: str,
    mmsi: list[int],
    start: datetime,
    hours: float,
    *,
    subtype: str | None = None,
    tags: dict[str, Any] | None = None,
    evidence: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return event_row(
        kind,
        subtype=subtype,
        mmsi=mmsi,
        start=start,
        end=start + timedelta(hours=hours),
        lat=33.5,
        lon=123.5,
        duration_h=hours,
        profile="dprk",
        detector_version="test/1",
        id_params={"k": kind, "h": hours},
        segment_ids=None,
        tags=tags or {},
        evidence=evidence or {},
    )


def meeting(mmsi: list[int], **tags: Any) -> dict[str, Any]:
    evidence = {
        "median_distance_m": 45.0,
        "vessels": [{"mmsi": m, "median_speed_kn": 0.3} for m in mmsi],
    }
    return event("encounter", mmsi, T0, 3.0, subtype="alongside", tags=tags, evidence=evidence)


def statics(rows: list[dict[str, Any]]) -> pa.Table:
    full = [{"msg_type": 5, "source": "test", "line_no": k, **r} for k, r in enumerate(rows)]
    return pa.Table.from_pylist(full, schema=STATICS)


# --- the weights table ---------------------------------------------------------------------


def test_default_table_has_the_8_7_points() -> None:
    w = default_weights()
    assert (w.pts("proximity"), w.pts("duration"), w.pts("both_slow"), w.pts("night")) == (
        25,
        15,
        15,
        10,
    )
    assert (w.pts("dprk_vessel"), w.pts("hotspot_or_dprk_waters"), w.pts("dark_period")) == (
        30,
        15,
        15,
    )
    assert (w.pts("draught_change"), w.pts("identity_finding")) == (20, 15)
    assert w.limit("proximity_m") == 100.0 and w.limit("dark_gap_h") == 6.0


def test_user_file_overrides_a_subset(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text("[points]\nproximity = 40\n[thresholds]\nproximity_m = 200\n")
    w = load_weights(path)
    assert w.pts("proximity") == 40 and w.limit("proximity_m") == 200.0
    assert w.pts("duration") == 15 and w.source == str(path)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[points]\nproximty = 40\n", "points.'proximty'"),
        ("[thresholds]\nproximity_km = 1\n", "thresholds.'proximity_km'"),
        ("[weights]\nproximity = 1\n", "'weights'"),
        ("[points]\nproximity = 2.5\n", "points.proximity is 2.5"),
        ("[points]\nproximity = true\n", "points.proximity is True"),
        ("[thresholds]\nduration_h = -1\n", "thresholds.duration_h is -1"),
        ("points = 3\n", "[points] is 3"),
        ("[points\n", "not valid TOML"),
    ],
)
def test_bad_user_file_is_an_input_error_naming_the_key(
    tmp_path: Path, text: str, named: str
) -> None:
    path = tmp_path / "w.toml"
    path.write_text(text)
    with pytest.raises(InputError, match="risk weights") as err:
        load_weights(path)
    assert named in str(err.value)


def test_missing_user_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_weights(tmp_path / "absent.toml")


# --- the rules -----------------------------------------------------------------------------


def test_a_dark_night_meeting_with_a_dprk_vessel_scores_every_rule() -> None:
    """An encounter 45 m apart for 3 h, both slow, at night, in a hotspot, with a MID 445
    vessel whose partner went dark 7 h the day before and changed draught by 2.5 m."""
    sts = meeting([DPRK, TANKER], night_share=0.8, in_hotspot="Cho-do")
    gap = event("gap", [TANKER], T0 - timedelta(hours=20), 7.0, subtype="notable")
    churn = event("identity", [TANKER], T0 - timedelta(days=2), 1.0, subtype="name_churn")
    drafts = statics(
        [
            {"mmsi": TANKER, "ts": T0 - timedelta(hours=5), "draught_m": 6.0},
            {"mmsi": TANKER, "ts": T0 + timedelta(hours=6), "draught_m": 8.5},
        ]
    )
    events = make_events([sts, gap, churn])
    facts = vessel_facts([DPRK, TANKER], drafts)
    scored = {e.event_id: e for e in score_events(events, statics=drafts, facts=facts)}
    rules = {r.rule: r.points for r in scored[sts["id"]].breakdown}
    assert rules == {
        "encounter": 10,
        "proximity": 25,
        "duration": 15,
        "both_slow": 15,
        "night": 10,
        "hotspot_or_dprk_waters": 15,
        "dprk_vessel": 30,
        "dark_period": 15,
        "draught_change": 20,
        "identity_finding": 15,
    }
    assert scored[sts["id"]].score == 170
    draught = next(r for r in scored[sts["id"]].breakdown if r.rule == "draught_change")
    assert draught.reason == f"vessel {TANKER} draught 6.0 m -> 8.5 m across it"
    assert all(r.event_id == sts["id"] for r in scored[sts["id"]].breakdown)


def test_a_crossing_scores_nothing_of_a_meeting() -> None:
    """Far apart, fast, short, by day: only what it is."""
    far = event(
        "encounter",
        [TANKER, OTHER],
        T0,
        1.2,
        subtype="slow",
        tags={"night_share": 0.2},
        evidence={
            "median_distance_m": 420.0,
            "vessels": [{"median_speed_kn": 1.8}, {"median_speed_kn": 0.4}],
        },
    )
    (scored,) = score_events(make_events([far]))
    assert [(r.rule, r.points) for r in scored.breakdown] == [("encounter", 10)]


def test_in_port_lowers_and_dprk_waters_cancels_it() -> None:
    harbour = meeting([TANKER, OTHER], in_port=True, nearest_port="Newark")
    nampo = meeting([OTHER, DPRK], in_port=True, in_dprk_waters=True, nearest_port="Nampo")
    scored = {e.event_id: e for e in score_events(make_events([harbour, nampo]))}
    assert ("in_port", -10) in [(r.rule, r.points) for r in scored[harbour["id"]].breakdown]
    assert "in_port" not in [r.rule for r in scored[nampo["id"]].breakdown]
    assert "hotspot_or_dprk_waters" in [r.rule for r in scored[nampo["id"]].breakdown]


def test_gaps_too_short_or_too_far_do_not_count() -> None:
    sts = meeting([TANKER, OTHER])
    short = event("gap", [TANKER], T0 - timedelta(hours=10), 3.0, subtype="raw")
    old = event("gap", [OTHER], T0 - timedelta(hours=40), 8.0, subtype="notable")
    scored = {e.event_id: e for e in score_events(make_events([sts, short, old]))}
    assert "dark_period" not in [r.rule for r in scored[sts["id"]].breakdown]


def test_a_dprk_port_call_and_a_disabling_gap() -> None:
    call = event("port_visit", [OTHER], T0, 12.0, subtype="confidence_2", tags={
        "port_iso3": "PRK", "port_name": "Nampo"})  # fmt: skip
    dark = event("gap", [OTHER], T0 + timedelta(days=1), 14.0, subtype="likely_disabling")
    scored = {e.event_id: e for e in score_events(make_events([call, dark]))}
    assert [(r.rule, r.points) for r in scored[call["id"]].breakdown] == [("dprk_port_call", 30)]
    assert [(r.rule, r.points) for r in scored[dark["id"]].breakdown] == [
        ("gap_likely_disabling", 30)
    ]


def test_a_weight_set_to_zero_leaves_no_reason() -> None:
    w = override(default_weights(), {"points": {"encounter": 0, "proximity": 0}}, source="t")
    (scored,) = score_events(make_events([meeting([TANKER, OTHER])]), weights=w)
    assert {r.rule for r in scored.breakdown} == {"duration", "both_slow"}


# --- vessel attributes and scores ----------------------------------------------------------


def test_vessel_attributes_from_static_reports() -> None:
    reports = statics(
        [
            {"mmsi": TANKER, "ts": T0, "ship_type": 80, "length_m": 180.0, "name": "SEA STAR"},
            {"mmsi": OTHER, "ts": T0, "call_sign": "HMYU", "imo": 9596985, "ship_type": 80},
            {"mmsi": DPRK, "ts": T0, "imo": 8405311, "ship_type": 70, "length_m": 90.0},
        ]
    )
    facts = vessel_facts([TANKER, OTHER, DPRK], reports)
    assert facts[TANKER].missing_imo is not None and facts[TANKER].dprk == ()
    assert facts[TANKER].name == "SEA STAR"
    assert facts[OTHER].dprk == ("call sign HMYU (DPRK series)",)
    assert facts[DPRK].dprk == ("MID 445 (DPRK flag)",) and facts[DPRK].missing_imo is None
    scores = {v.mmsi: v for v in score_vessels([], facts)}
    assert [(r.rule, r.attribute, r.points) for r in scores[TANKER].breakdown] == [
        ("missing_imo", "imo", 5)
    ]
    assert [(r.rule, r.points) for r in scores[OTHER].breakdown] == [("dprk_identity", 30)]


def test_a_strong_hit_counts_once_and_marks_the_partners_events() -> None:
    hit = ListHit("h1", TANKER, "strong", "KUM UN SAN 3", "ofac-sdn", 0.97)
    review = ListHit("h2", TANKER, "review", "KUM SAN", "unsc", 0.71)
    facts = vessel_facts([TANKER, OTHER], None, [review, hit])
    sts = meeting([TANKER, OTHER])
    events = score_events(make_events([sts]), facts=facts)
    assert "dprk_vessel" in [r.rule for r in events[0].breakdown]
    scores = {v.mmsi: v for v in score_vessels(events, facts)}
    tanker = [(r.rule, r.hit_id) for r in scores[TANKER].breakdown]
    assert ("list_hit_strong", "h1") in tanker and ("list_hit_review", "h2") not in tanker
    assert "dprk_vessel" not in [r for r, _ in tanker]  # its own hit counts once
    assert "dprk_vessel" in [r.rule for r in scores[OTHER].breakdown]  # the partner's does
    assert scores[TANKER].score == scores[OTHER].score  # 30 for the hit, 30 for meeting it


def test_only_the_best_events_count_for_a_vessel() -> None:
    """Six encounters count once (one per type), then up to three types."""
    busy = [event("encounter", [TANKER, OTHER + k], T0 + timedelta(hours=k), 1.0) for k in range(6)]
    busy += [
        event("loitering", [TANKER], T0 + timedelta(hours=2), 5.0, subtype="drifting"),
        event("zone_entry", [TANKER], T0, 5.0),
        event("dark_approach", [TANKER], T0, 8.0),
    ]
    scores = {v.mmsi: v for v in score_vessels(score_events(make_events(busy)), {})}
    assert scores[TANKER].events == 9
    assert [r.rule for r in scores[TANKER].breakdown] == [
        "dark_approach",
        "encounter",
        "zone_entry",
    ]
    loose = override(default_weights(), {"thresholds": {"vessel_max_per_type": 6}}, source="t")
    again = {v.mmsi: v for v in score_vessels(score_events(make_events(busy)), {}, weights=loose)}
    assert [r.rule for r in again[TANKER].breakdown] == ["dark_approach"] + ["encounter"] * 2


def test_a_candidate_meeting_does_not_lend_the_partners_reasons() -> None:
    """A dark rendezvous pairs a vessel that went dark with one loitering kilometres away:
    the loitering vessel does not inherit its partner's dark period; in an encounter, seen
    side by side, both vessels share it."""
    gap = event("gap", [TANKER], T0 - timedelta(hours=10), 8.0, subtype="likely_disabling")
    candidate = event("dark_rendezvous", [TANKER, OTHER], T0, 2.0, subtype="gap_start")
    met = meeting([TANKER, OTHER])
    for kind, shown, expected in (
        ("dark_rendezvous", [gap, candidate], False),
        ("encounter", [gap, met], True),
    ):
        scored = score_events(make_events(shown))
        rules = {r.rule: r.mmsi for e in scored if e.type == kind for r in e.breakdown}
        assert rules["dark_period"] == TANKER  # the event itself carries it, about TANKER
        scores = {v.mmsi: v for v in score_vessels(scored, {})}
        partner = {r.rule for r in scores[OTHER].breakdown}
        assert ("dark_period" in partner) is expected, kind
        assert "dark_period" in {r.rule for r in scores[TANKER].breakdown}


def test_hit_rows_from_the_workspace() -> None:
    row = {
        "hit_id": "abc",
        "query": json.dumps({"schema": "Vessel", "mmsi": "412123001", "names": ["X"]}),
        "entity": json.dumps({"caption": "CHON MA SAN"}),
        "entity_id": "ofac-1",
        "band": "strong",
        "list_id": "ofac",
        "score": 0.93,
    }
    assert hit_from_row(row) == ListHit("abc", TANKER, "strong", "CHON MA SAN", "ofac", 0.93)
    assert hit_from_row({**row, "query": json.dumps({"names": ["KIM"]})}) is None


# --- the invariant -------------------------------------------------------------------------

TYPES = [
    ("encounter", "alongside"),
    ("encounter", "slow"),
    ("loitering", "drifting"),
    ("gap", "likely_disabling"),
    ("gap", "raw"),
    ("dark_rendezvous", "gap_start"),
    ("dark_approach", "inbound"),
    ("identity", "mmsi_cloning"),
    ("identity", "position_on_land"),
    ("port_visit", "confidence_2"),
    ("zone_entry", "dprk_waters"),
]
MMSIS = [DPRK, TANKER, OTHER, 636_123_004]


@st.composite
def random_event(draw: st.DrawFn) -> dict[str, Any]:
    kind, sub = draw(st.sampled_from(TYPES))
    pair = kind in ("encounter", "dark_rendezvous")
    mmsi = sorted(draw(st.lists(st.sampled_from(MMSIS), min_size=2 if pair else 1,
                                max_size=2 if pair else 1, unique=True)))  # fmt: skip
    start = T0 + timedelta(hours=draw(st.integers(-72, 72)))
    tags = {
        "night_share": draw(st.none() | st.floats(0, 1)),
        "in_hotspot": draw(st.sampled_from([None, "Cho-do"])),
        "in_dprk_waters": draw(st.booleans()),
        "in_port": draw(st.booleans()),
        "port_iso3": draw(st.sampled_from([None, "PRK", "USA"])),
    }
    evidence = {
        "median_distance_m": draw(st.none() | st.floats(0, 1000)),
        "vessels": [{"median_speed_kn": draw(st.floats(0, 5))} for _ in mmsi],
        "draught_change_m": draw(st.none() | st.floats(-5, 5)),
    }
    hours = draw(st.floats(0, 30))
    row = event(kind, mmsi, start, hours, subtype=sub, tags=tags, evidence=evidence)
    row["id"] = f"e{draw(st.integers(0, 10**9))}"
    return row


points = st.dictionaries(
    st.sampled_from(sorted(default_weights().points)), st.integers(-50, 50), max_size=12
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(random_event(), max_size=25, unique_by=lambda r: r["id"]),
    changed=points,
    keep=st.integers(0, 5),
    hit_band=st.sampled_from([None, "strong", "review"]),
)
def test_every_breakdown_sums_to_its_score(
    rows: list[dict[str, Any]], changed: dict[str, int], keep: int, hit_band: str | None
) -> None:
    table = {"points": changed, "thresholds": {"vessel_max_events": keep}}
    w = override(default_weights(), table, source="hypothesis")
    reports = statics(
        [{"mmsi": m, "ts": T0, "ship_type": 80, "length_m": 100.0, "draught_m": 5.0}
         for m in MMSIS]
        + [{"mmsi": TANKER, "ts": T0 + timedelta(hours=30), "draught_m": 9.0}]
    )  # fmt: skip
    hits = [ListHit("h", OTHER, hit_band, "X", "l", 0.9)] if hit_band else []
    facts = vessel_facts(MMSIS, reports, hits)
    events = score_events(make_events(rows), statics=reports, facts=facts, weights=w)
    for e in events:
        out = e.as_dict()
        assert out["score"] == sum(r["points"] for r in out["breakdown"])
        assert all(r["event_id"] == e.event_id for r in out["breakdown"])
    by_id = {e.event_id: {r for r in e.breakdown} for e in events}
    for v in score_vessels(events, facts, weights=w):
        out = v.as_dict()
        assert out["score"] == sum(r["points"] for r in out["breakdown"])
        counted = {r.event_id for r in v.breakdown if r.event_id}
        assert len(counted) <= keep
        for r in v.breakdown:
            assert (r.event_id is None) + (r.hit_id is None) + (r.attribute is None) == 2
            assert r.event_id is None or r in by_id[r.event_id]
