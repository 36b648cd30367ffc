"""Hulls and identities: observations, hull linking and conflict findings.

Real data: AIS statics of ../shared/data (exactEarth via AMSA, DMA aislib, DMA FRIO) and
the 2021 OFAC SDN CSV, turned into FollowTheMoney Vessel entities by a small, fast helper
(``ofac_vessels``: sdn.csv only). Hand-built cases: a few AIS static rows
(``statics``) and Vessel entities (``vessel``) per finding kind, each with its negative.
One test checks the helper against the real loader (:func:`setori.screen.lists.load_list`).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
from followthemoney import model
from followthemoney.proxy import EntityProxy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from setori import ids
from setori.errors import InputError
from setori.ingest.nmea.read import read_nmea
from setori.schema import STATICS
from setori.screen.identity import (
    OBSERVATIONS,
    ConflictParams,
    Finding,
    broadcast_findings,
    codes,
    concat_observations,
    find_conflicts,
    findings_frame,
    hull_summary,
    link_hulls,
    observations_from_entities,
    observations_from_statics,
)
from setori.screen.lists import load_list

T0 = datetime(2019, 5, 1, tzinfo=UTC)
AIS_FILES = {
    "exact_earth": "amsa-risky/exact-earth-augmented.txt",
    "dma": "dma-aislib/stream_example.txt",
    "frio": "dma-aisabnormal/538004030_drift_1.ais",
}


# --- helpers -------------------------------------------------------------------------


def read_statics(path: Path) -> pa.Table:
    with path.open("rb") as stream:
        return pa.concat_tables(b.statics for b in read_nmea(stream, path.name))


def statics(*rows: dict[str, Any]) -> pa.Table:
    """AIS static rows (type 5 unless said), minutes after T0 in ``at``, line = position."""
    base = {f.name: None for f in STATICS}
    full = [
        {
            **base,
            "msg_type": 5,
            "source": "hand.nmea",
            "line_no": i + 1,
            **{k: v for k, v in row.items() if k != "at"},
            "ts": T0 + timedelta(minutes=row.get("at", 0)),
        }
        for i, row in enumerate(rows)
    ]
    return pa.Table.from_pylist(full, schema=STATICS)


def vessel(entity_id: str, context: dict[str, Any] | None = None, **props: Any) -> EntityProxy:
    entity = model.make_entity("Vessel")
    entity.id = entity_id
    for prop, values in props.items():
        entity.add(prop, values, quiet=True)
    entity.context.update(context or {})
    return entity


def ofac_vessels(path: Path) -> Iterator[EntityProxy]:
    """Vessel entities from the legacy SDN CSV (no header, ``-0-`` nulls, IDs in remarks)."""
    with path.open(encoding="latin-1", newline="") as stream:
        for row in csv.reader(stream):
            if len(row) < 12 or row[2].strip() != "vessel":
                continue
            cell = [None if c.strip() == "-0-" else c.strip() for c in row]
            remarks = cell[11] or ""
            yield vessel(
                f"ofac-{cell[0]}",
                name=cell[1],
                callSign=cell[5],
                flag=cell[9],
                program=cell[3],
                imoNumber=re.findall(r"IMO (\d{7})", remarks),
                mmsi=re.findall(r"MMSI (\d{9})", remarks),
                previousName=re.findall(r"f\.k\.a\. '([^']+)'", remarks),
                pastFlags=re.findall(r"Former Vessel Flag ([^;.]+)", remarks),
                alias=re.findall(r"a\.k\.a\. '([^']+)'", remarks),
            )


def linked(*frames: pl.DataFrame) -> pl.DataFrame:
    return link_hulls(concat_observations(frames))


def conflicts(*frames: pl.DataFrame, kind: str, **params: Any) -> list[Finding]:
    chosen = ConflictParams(**params)
    return find_conflicts(linked(*frames), chosen, kinds=(kind,))  # type: ignore[arg-type]


def listed(*entities: EntityProxy) -> pl.DataFrame:
    return observations_from_entities(entities, "us_ofac_sdn", listed_at=T0)


# --- real AIS --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ais(shared_data: Path) -> dict[str, pl.DataFrame]:
    return {
        k: observations_from_statics(read_statics(shared_data / p)) for k, p in AIS_FILES.items()
    }


@pytest.fixture(scope="module")
def ofac(shared_data: Path) -> pl.DataFrame:
    entities = list(ofac_vessels(shared_data / "ofac-sdn-2021/sdn.csv"))
    assert len(entities) == 406
    return observations_from_entities(entities, "us_ofac_sdn")


@pytest.mark.slow
def test_observation_table_has_the_arrow_schema(ais: dict[str, pl.DataFrame]) -> None:
    table = ais["exact_earth"].to_arrow()
    assert table.schema.names == OBSERVATIONS.names
    assert table.cast(OBSERVATIONS).num_rows == ais["exact_earth"].height


@pytest.mark.slow
def test_exact_earth_statics_collapse_into_runs(ais: dict[str, pl.DataFrame]) -> None:
    obs = ais["exact_earth"]
    # 914 statics (912 type 5, 2 type 24B) of 831 MMSIs; 3 MMSIs change identity once
    assert obs.height == 834
    assert obs["n_reports"].sum() == 914
    assert obs["mmsi"].n_unique() == 831
    assert set(obs["kind"]) == {"broadcast"}
    assert obs["flag"].null_count() == obs.height  # AIS has no flag; the MID's is separate
    # no flag from the MID: test numbers (0, 12345678, 999999999), unallocated MIDs
    # (504, 509, 526, 777, ...) and 306 (the former Netherlands Antilles, now three)
    assert obs["mid_flag"].null_count() == 10
    assert obs["observation_id"].is_unique().all()


@pytest.mark.slow
def test_ais_imo_sentinel_is_no_claim_but_stays_in_raw(ais: dict[str, pl.DataFrame]) -> None:
    obs = ais["exact_earth"]
    sentinel = obs.filter(pl.col("raw").str.contains('"imo":1073741823'))
    assert sentinel["mmsi"].n_unique() == 14  # 2^30-1: 14 MMSIs, no shared identity
    assert sentinel["imo"].null_count() == sentinel.height
    assert find_conflicts(link_hulls(obs), kinds=("imo_on_two_mmsis",)) == []


@pytest.mark.slow
def test_garbled_names_continue_their_run(ais: dict[str, pl.DataFrame]) -> None:
    hulls = link_hulls(ais["exact_earth"])
    # 563615000 sends no name, then '@B@CUN@B@E@B@GER', same invalid IMO and call sign
    found = hulls.filter(pl.col("mmsi") == 563615000)
    assert found.height == 2
    assert found["hull_id"].n_unique() == 1
    assert hull_summary(hulls).height == 831


@pytest.mark.slow
def test_class_b_parts_make_one_claim(ais: dict[str, pl.DataFrame]) -> None:
    obs = ais["dma"]
    assert obs.height == 486  # 498 statics of 486 MMSIs: type 24 A and B merged
    raan = obs.filter(pl.col("mmsi") == 211453630).row(0, named=True)
    assert (raan["name"], raan["call_sign"], raan["length_m"], raan["n_reports"]) == (
        "RAAN",
        "DH3468",
        12.0,
        2,
    )
    assert raan["mid_flag"] == "DE"


@pytest.mark.slow
def test_frio_identity(ais: dict[str, pl.DataFrame]) -> None:
    frio = ais["frio"]
    assert frio.height == 1
    row = frio.row(0, named=True)
    assert (row["mmsi"], row["imo"], row["call_sign"], row["name"]) == (
        538004030,
        "IMO9596985",
        "V7UU3",
        "FRIO",
    )
    assert (row["length_m"], row["beam_m"], row["n_reports"]) == (274.0, 48.0, 223)
    assert row["mid_flag"] == "MH" and row["imo_valid_ship"] and not row["imo_valid_company"]
    assert row["observed_from"] == datetime(2014, 9, 28, 16, 2, 19, 346000, tzinfo=UTC)
    assert row["observed_to"] == datetime(2014, 9, 28, 18, 26, 23, tzinfo=UTC)
    assert row["source"] == "ais:538004030_drift_1.ais"
    assert json.loads(row["raw"])["ship_type"] == 80


@pytest.mark.slow
def test_one_hull_across_two_feeds(ais: dict[str, pl.DataFrame]) -> None:
    hulls = linked(*ais.values())
    summary = hull_summary(hulls)
    assert summary.height == 1317  # 1321 observations; 4 hulls of two
    multi = summary.filter(pl.col("n_observations") > 1)
    assert multi.height == 4
    hokuetsu = hulls.filter(pl.col("imo") == "IMO9287211").sort("observed_from")
    assert hokuetsu["hull_id"].n_unique() == 1
    assert hokuetsu["source"].to_list() == [
        "ais:stream_example.txt",
        "ais:exact-earth-augmented.txt",
    ]
    assert set(hokuetsu["name"]) == {"HOKUETSU ACE II"}


@pytest.mark.slow
def test_real_ais_findings(ais: dict[str, pl.DataFrame]) -> None:
    found = find_conflicts(linked(*ais.values()))
    kinds = sorted(f.kind for f in found)
    assert kinds == ["company_imo_on_vessel", "dprk_call_sign_foreign_flag"]
    call_sign = next(f for f in found if f.kind == "dprk_call_sign_foreign_flag")
    # HMAS ARMIDALE (Australian MID 503) broadcasts 'P83VKCV': P8 is a DPRK series
    assert call_sign.evidence["call_sign"] == "P83VKCV"
    assert call_sign.evidence["mid_flag"] == "AU"
    assert "P83VKCV" in call_sign.explanation and "AU" in call_sign.explanation
    company = next(f for f in found if f.kind == "company_imo_on_vessel")
    assert company.evidence["imo"] == "IMO5528566"


# --- real list entities ----------------------------------------------------------------


@pytest.mark.slow
def test_ofac_vessels_become_claims(ofac: pl.DataFrame) -> None:
    counts = dict(ofac.group_by("kind").len().iter_rows())
    assert counts == {"listed": 406, "former": 125}
    listed_imos = ofac.filter(pl.col("kind") == "listed", pl.col("imo").is_not_null())
    assert listed_imos.height == 399
    assert listed_imos["imo_valid_ship"].all()
    chong = ofac.filter(pl.col("imo") == "IMO7937317").row(0, named=True)
    assert (chong["name"], chong["flag"], chong["source_record_id"]) == (
        "CHONG CHON GANG",
        "KP",
        "ofac-17069",
    )
    assert json.loads(chong["raw"])["imoNumber"] == "IMO7937317"  # as FtM stored it


@pytest.mark.slow
def test_listed_vessel_identity_history(ofac: pl.DataFrame) -> None:
    hulls = link_hulls(ofac)
    star = hulls.filter(pl.col("source_record_id") == "ofac-28716")
    assert star["hull_id"].n_unique() == 1
    names = dict(star.select("name", "kind").iter_rows())
    assert names == {"STAR 18": "listed", "SAM 5": "former", "THINH CUONG": "former"}
    assert star.filter(pl.col("kind") == "listed")["flag"].to_list() == ["VN"]


@pytest.mark.slow
def test_ofac_mmsi_against_flag(ofac: pl.DataFrame) -> None:
    found = find_conflicts(link_hulls(ofac), kinds=("mid_flag_mismatch",))
    assert len(found) == 36  # listed MMSIs whose MID names another flag than the listing
    apama = next(f for f in found if f.evidence["name"] == "APAMA")
    assert (apama.evidence["mid_flag"], apama.evidence["flag"]) == ("MT", "IR")
    assert "MID 256" in apama.explanation


@pytest.mark.slow
def test_the_ofac_loader_gives_the_same_hulls(shared_data: Path, ofac: pl.DataFrame) -> None:
    loaded = load_list(shared_data / "ofac-sdn-2021/sdn.csv")
    obs = observations_from_entities(loaded.entities(), "us_ofac_sdn")
    hulls = link_hulls(obs)
    assert hulls["hull_id"].n_unique() == link_hulls(ofac)["hull_id"].n_unique() == 406
    imos = pl.col("kind") == "listed"
    assert set(obs.filter(imos)["imo"].drop_nulls()) == set(ofac.filter(imos)["imo"].drop_nulls())
    assert obs.filter(pl.col("kind") == "former").height >= 125  # the loader reads alt.csv too
    assert len(find_conflicts(hulls, kinds=("mid_flag_mismatch",))) == 36


@pytest.mark.slow
def test_list_and_broadcast_join_on_imo(ofac: pl.DataFrame) -> None:
    ais = observations_from_statics(
        statics(dict(mmsi=574001234, imo=9020015, name="THINH CUONG", call_sign="3WAB"))
    )
    hulls = linked(ofac, ais)
    star = hulls.filter(pl.col("source_record_id").is_in(["ofac-28716", "574001234:1"]))
    assert star["hull_id"].n_unique() == 1
    assert find_conflicts(hulls, kinds=("listed_imo_other_name",)) == []  # a former name


# --- observations from entities ----------------------------------------------------------


def test_entity_claims_by_kind() -> None:
    entity = vessel(
        "kp-1",
        {"fraudImoNumber": ["8712362"], "fraudFlag": ["Tanzania"], "fraudNote": ["x"]},
        name=["CHON MA SAN", "CHONMASAN"],
        alias="HUA FU",
        imoNumber="IMO 8660313",
        mmsi="445539000",
        callSign="hm-yd",
        flag="North Korea",
        previousName="XIN HAI",
        pastFlags="Mongolia",
    )
    company = model.make_entity("Company")
    company.id = "c-1"
    company.add("name", "OCEAN MARITIME MANAGEMENT")
    obs = listed(entity, company)
    assert set(obs["source_record_id"]) == {"kp-1"}
    first = obs.filter(pl.col("kind") == "listed", pl.col("imo").is_not_null()).row(0, named=True)
    assert (first["name"], first["imo"], first["mmsi"], first["call_sign"], first["flag"]) == (
        "CHON MA SAN",
        "IMO8660313",
        445539000,
        "HMYD",
        "KP",
    )
    assert first["observed_from"] == T0 and first["mid_flag"] == "KP"
    by_kind = obs.group_by("kind").agg(pl.col("name"), pl.col("imo"), pl.col("flag"))
    claims = {
        k: (sorted(filter(None, n)), sorted(filter(None, i)), sorted(filter(None, f)))
        for k, n, i, f in by_kind.iter_rows()
    }
    assert claims["listed"] == (["CHON MA SAN", "CHONMASAN", "HUA FU"], ["IMO8660313"], ["KP"])
    assert claims["former"] == (["XIN HAI"], [], ["MN"])
    assert claims["fraudulent"] == ([], ["IMO8712362"], ["TZ"])
    assert link_hulls(obs)["hull_id"].n_unique() == 1


def test_statics_without_identity_columns_are_refused() -> None:
    with pytest.raises(InputError, match=r"statics lack columns \['imo'"):
        observations_from_statics(statics(dict(mmsi=1)).drop_columns(["imo"]))


def test_empty_inputs() -> None:
    assert observations_from_entities([], "x").height == 0
    assert observations_from_statics(statics()).height == 0
    assert link_hulls(observations_from_statics(statics())).height == 0


# --- hull linking ----------------------------------------------------------------------


def test_imo_links_a_reflagged_hull_and_mmsi_name_links_a_renamed_one() -> None:
    ais = observations_from_statics(
        statics(
            dict(mmsi=445000001, imo=8660313, name="CHON MA SAN", at=0),
            dict(mmsi=667000002, imo=8660313, name="HUA FU", at=600),  # reflagged, renamed
            dict(mmsi=667000002, name="HUA FU", source="other.nmea", at=900),  # IMO dropped
            dict(mmsi=445000003, name="SAM MA 2", at=0),
            dict(mmsi=445000003, name="SAM MA 3", at=10),  # renamed, nothing links it
        )
    )
    hulls = link_hulls(ais)
    assert hulls["hull_id"].n_unique() == 3
    chon = hulls.filter(pl.col("name").is_in(["CHON MA SAN", "HUA FU"]))
    assert chon["hull_id"].n_unique() == 1


def test_company_invalid_and_fraudulent_imos_link_nothing() -> None:
    ais = observations_from_statics(
        statics(
            dict(mmsi=445000001, imo=2041999, name="A"),  # company check digit only
            dict(mmsi=445000002, imo=2041999, name="B"),
            dict(mmsi=445000003, imo=1234568, name="C"),  # no check digit holds
            dict(mmsi=445000004, imo=1234568, name="D"),
        )
    )
    fraud = listed(vessel("r-1", {"fraudImoNumber": ["8660313"]}, name="X", imoNumber="8712362"))
    real = listed(vessel("r-2", name="CHON MA SAN", imoNumber="8660313"))
    hulls = linked(ais, fraud, real)
    assert hulls["hull_id"].n_unique() == 6


def test_hull_ids_are_deterministic() -> None:
    ais = observations_from_statics(statics(dict(mmsi=538004030, imo=9596985, name="FRIO")))
    assert link_hulls(ais)["hull_id"][0] == link_hulls(ais.clone())["hull_id"][0]
    assert link_hulls(ais)["hull_id"][0].startswith("hull-")


# --- conflicts: one IMO on two MMSIs ---------------------------------------------------


def test_imo_on_two_mmsis_at_once_is_contested() -> None:
    ais = observations_from_statics(
        statics(
            dict(mmsi=538004030, imo=9596985, name="FRIO", at=0),
            dict(mmsi=538004030, imo=9596985, name="FRIO", at=120),
            dict(mmsi=667000001, imo=9596985, name="FRIO", at=60),
        )
    )
    hulls = link_hulls(ais)
    assert hulls["hull_id"].n_unique() == 2  # not merged: two transmitters
    (finding,) = find_conflicts(hulls, kinds=("imo_on_two_mmsis",))
    assert finding.evidence["imo"] == "IMO9596985"
    assert (finding.evidence["a"]["mmsi"], finding.evidence["b"]["mmsi"]) == (538004030, 667000001)
    assert len(finding.hull_ids) == 2 and len(finding.observation_ids) == 2
    assert "two transmitters at the same time" in finding.explanation
    assert "MMSI 538004030" in finding.explanation and "MMSI 667000001" in finding.explanation


def test_imo_on_two_mmsis_one_after_the_other_is_a_reflag() -> None:
    ais = observations_from_statics(
        statics(
            dict(mmsi=538004030, imo=9596985, name="FRIO", at=0),
            dict(mmsi=667000001, imo=9596985, name="FRIO", at=60),
        )
    )
    assert link_hulls(ais)["hull_id"].n_unique() == 1
    assert conflicts(ais, kind="imo_on_two_mmsis") == []
    assert len(conflicts(ais, kind="imo_on_two_mmsis", simultaneity=timedelta(hours=2))) == 1


# --- conflicts: MID against flag -------------------------------------------------------


def test_mid_flag_mismatch_within_a_listing() -> None:
    wrong = listed(vessel("v-1", name="SUN", mmsi="445111000", flag="Sierra Leone"))
    (finding,) = conflicts(wrong, kind="mid_flag_mismatch")
    assert finding.evidence["scope"] == "claim"
    assert "MID 445, allocated to KP" in finding.explanation and "flag SL" in finding.explanation
    right = listed(vessel("v-2", name="SUN", mmsi="445111000", flag="North Korea"))
    assert conflicts(right, kind="mid_flag_mismatch") == []


def test_mid_flag_mismatch_between_list_and_broadcast() -> None:
    entity = vessel("v-1", name="YU JONG 2", imoNumber="8604917", flag="North Korea")
    foreign = observations_from_statics(
        statics(dict(mmsi=667001234, imo=8604917, name="YU JONG 2"))
    )
    (finding,) = conflicts(listed(entity), foreign, kind="mid_flag_mismatch")
    assert finding.evidence["scope"] == "hull" and finding.evidence["hull_flags"] == ["KP"]
    assert "MID 667, allocated to SL" in finding.explanation
    home = observations_from_statics(statics(dict(mmsi=445001234, imo=8604917, name="YU JONG 2")))
    assert conflicts(listed(entity), home, kind="mid_flag_mismatch") == []


# --- conflicts: DPRK call sign ---------------------------------------------------------


@pytest.mark.parametrize(
    ("mmsi", "call_sign", "expected"),
    [
        (667001234, "HMYN", 1),  # DPRK series, Sierra Leone MID
        (511012345, "P5AB", 1),  # P5: DPRK, Palau MID
        (445001234, "HMYN", 0),  # DPRK series, DPRK MID
        (667001234, "9LY2411", 0),  # Sierra Leone series
        (376001234, "P4AB", 0),  # P4: Aruba
    ],
)
def test_dprk_call_sign_foreign_flag(mmsi: int, call_sign: str, expected: int) -> None:
    ais = observations_from_statics(statics(dict(mmsi=mmsi, name="X", call_sign=call_sign)))
    found = conflicts(ais, kind="dprk_call_sign_foreign_flag")
    assert len(found) == expected
    if found:
        assert found[0].evidence["flag_from"] == "MMSI MID"


def test_dprk_call_sign_against_a_claimed_flag() -> None:
    entity = vessel("v-1", name="WISE HONEST", callSign="HMYV", flag="Sierra Leone")
    (finding,) = conflicts(listed(entity), kind="dprk_call_sign_foreign_flag")
    assert "claimed flag says SL" in finding.explanation


# --- conflicts: listed IMO under another name ------------------------------------------


def test_listed_imo_broadcast_under_another_name() -> None:
    entity = vessel("v-1", name="CHON MA SAN", imoNumber="8660313", previousName="XIN HAI")
    ais = observations_from_statics(
        statics(
            dict(mmsi=667000001, imo=8660313, name="HUA FU", at=0),
            dict(mmsi=667000001, imo=8660313, name="HUA FU", call_sign="9LAB", at=30),
            dict(mmsi=667000002, imo=8660313, name="Chon Ma-San", at=60),  # folded: same
            dict(mmsi=667000003, imo=8660313, name="CHONMASAN", at=90),
            dict(mmsi=667000004, imo=8660313, name="XIN HAI", at=120),  # a former name
        )
    )
    (finding,) = conflicts(listed(entity), ais, kind="listed_imo_other_name")
    assert finding.evidence["broadcast_name"] == "HUA FU"
    assert len(finding.observation_ids) == 2  # both runs of HUA FU on one MMSI
    assert "'CHON MA SAN'" in finding.explanation and "'HUA FU'" in finding.explanation


def test_unlisted_imo_under_another_name_is_no_finding() -> None:
    ais = observations_from_statics(statics(dict(mmsi=667000001, imo=8660313, name="HUA FU", at=0)))
    assert conflicts(ais, kind="listed_imo_other_name") == []


# --- conflicts: dimensions of a listed hull --------------------------------------------


def _lookalike_case(length_m: float, name: str, imo: int | None = None) -> list[Finding]:
    entity = vessel("v-1", name="RYE SONG GANG 1", imoNumber="7389704")
    ais = observations_from_statics(
        statics(
            dict(mmsi=445000001, imo=7389704, name="RYE SONG GANG 1", length_m=104, beam_m=16),
            dict(mmsi=667000009, imo=imo, name=name, length_m=length_m, beam_m=15.5, at=600),
        )
    )
    return conflicts(listed(entity), ais, kind="dimensions_match_listed")


def test_dimensions_match_a_listed_hull() -> None:
    (finding,) = _lookalike_case(105, "AN SAN 7")
    assert finding.evidence["listed_dimensions_m"] == [104.0, 16.0]
    assert finding.evidence["broadcast"]["name"] == "AN SAN 7"
    assert "not a match" in finding.explanation and "'RYE SONG GANG 1'" in finding.explanation


@pytest.mark.parametrize(
    ("length_m", "name", "imo"),
    [
        (110, "AN SAN 7", None),  # 6 m longer
        (105, "RYE SONG GANG 1", None),  # the listed name
        (105, "AN SAN 7", 7389704),  # the listed IMO (same hull)
    ],
)
def test_dimensions_negatives(length_m: float, name: str, imo: int | None) -> None:
    assert _lookalike_case(length_m, name, imo) == []


def test_small_craft_dimensions_are_no_lead() -> None:
    entity = vessel("v-1", name="SMALL", imoNumber="7389704")
    ais = observations_from_statics(
        statics(
            dict(mmsi=445000001, imo=7389704, name="SMALL", length_m=20, beam_m=5),
            dict(mmsi=667000009, name="OTHER", length_m=20, beam_m=5, at=10),
        )
    )
    assert conflicts(listed(entity), ais, kind="dimensions_match_listed") == []


# --- conflicts: company IMO, fraudulent identifiers ------------------------------------


def test_company_imo_on_vessel() -> None:
    ais = observations_from_statics(
        statics(
            dict(mmsi=445000001, imo=2041999, name="A", at=0),
            dict(mmsi=445000001, imo=2041999, name="A", call_sign="HMAB", at=10),
            dict(mmsi=445000002, imo=9596985, name="B"),  # ship check digit
            dict(mmsi=445000003, imo=1234568, name="C"),  # neither
            dict(mmsi=445000004, imo=1790183, name="D"),  # both: a valid ship number
        )
    )
    (finding,) = conflicts(ais, kind="company_imo_on_vessel")
    assert finding.evidence["imo"] == "IMO2041999" and finding.evidence["claims"] == 2
    assert "company and registered-owner" in finding.explanation


def test_fraudulent_identifier_in_use() -> None:
    fraud = vessel("v-1", {"fraudImoNumber": ["9596985"], "fraudMmsi": ["538004030"]}, name="X")
    ais = observations_from_statics(
        statics(dict(mmsi=538004030, imo=9596985, name="FRIO", call_sign="V7UU3"))
    )
    found = conflicts(listed(fraud), ais, kind="fraudulent_identifier_in_use")
    assert sorted(f.evidence["identifier"] for f in found) == ["imo", "mmsi"]
    assert all("fraudulently used" in f.explanation and len(f.hull_ids) == 2 for f in found)
    assert conflicts(listed(fraud), kind="fraudulent_identifier_in_use") == []


# --- conflicts: identity churn ---------------------------------------------------------


def _churn_rows(names: list[str], step_days: float, **fields: Any) -> pa.Table:
    minutes = step_days * 24 * 60
    return statics(
        *(dict(mmsi=445000001, name=n, at=i * minutes, **fields) for i, n in enumerate(names))
    )


def _churn_case(names: list[str], step_days: float) -> list[Finding]:
    return broadcast_findings(_churn_rows(names, step_days), kinds=("name_churn",))


def test_name_churn_on_one_mmsi_is_one_finding() -> None:
    rows = _churn_rows(["A", "B", "A", "C"], step_days=5)
    (finding,) = broadcast_findings(rows)
    assert (finding.kind, finding.mmsi) == ("name_churn", 445000001)
    assert [n["name"] for n in finding.evidence["names"]] == ["A", "B", "C"]
    assert (finding.start, finding.end) == (T0, T0 + timedelta(days=15))
    assert "3 names within 30 days" in finding.explanation
    assert conflicts(observations_from_statics(rows), kind="identity_churn") == []


def test_one_imo_renamed_on_one_mmsi_is_name_churn_only() -> None:
    rows = _churn_rows(["A", "B", "C"], step_days=1, imo=9596985)
    assert [f.kind for f in broadcast_findings(rows)] == ["name_churn"]
    assert conflicts(observations_from_statics(rows), kind="identity_churn") == []


def test_slow_renames_and_two_names_are_no_churn() -> None:
    assert _churn_case(["A", "B", "C"], step_days=20) == []
    assert _churn_case(["A", "B", "A", "B"], step_days=1) == []


def test_identity_churn_on_one_imo() -> None:
    rows = [
        dict(mmsi=m, imo=9596985, name=n, at=i * 1440)
        for i, (m, n) in enumerate([(538004030, "FRIO"), (667000001, "FRIO"), (667000001, "ORFI")])
    ]
    found = conflicts(observations_from_statics(statics(*rows)), kind="identity_churn")
    assert [f.evidence.get("imo") for f in found] == ["IMO9596985"]


def test_invalid_and_missing_imo_findings() -> None:
    rows = statics(
        dict(mmsi=445000001, imo=9596986, name="A", at=0),  # FRIO's IMO, one digit off
        dict(mmsi=445000001, imo=9596986, name="A", at=60),
        dict(mmsi=445000002, imo=9596985, name="B"),
        dict(mmsi=445000003, name="C", ship_type=80, length_m=120.0),
        dict(mmsi=445000004, name="D", ship_type=80, length_m=30.0),  # too small
    )
    invalid, missing = broadcast_findings(rows, kinds=("invalid_imo", "missing_imo"))
    assert (invalid.mmsi, invalid.evidence["imo"], invalid.evidence["n_reports"]) == (
        445000001,
        9596986,
        2,
    )
    assert invalid.end == T0 + timedelta(hours=1)
    assert (missing.mmsi, missing.evidence["ship_type"]) == (445000003, 80)
    assert invalid.finding_id != missing.finding_id


# --- findings --------------------------------------------------------------------------


def test_every_finding_explains_itself() -> None:
    entity = vessel("v-1", name="CHON MA SAN", imoNumber="8660313", flag="North Korea")
    ais = observations_from_statics(
        statics(
            dict(mmsi=667000001, imo=8660313, name="HUA FU", call_sign="HMAB", at=0),
            dict(mmsi=667000002, imo=8660313, name="HUA FU", at=5),
            dict(mmsi=667000001, imo=8660313, name="HUA FU", call_sign="HMAB", at=10),
        )
    )
    found = find_conflicts(linked(listed(entity), ais))
    assert {f.kind for f in found} >= {"imo_on_two_mmsis", "dprk_call_sign_foreign_flag"}
    for f in found:
        assert f.explanation.endswith(".") and len(f.explanation) > 60
        assert f.observation_ids and f.hull_ids
        json.dumps(dict(f.evidence))  # evidence is JSON-friendly
    table = findings_frame(found)
    assert table.height == len(found) and table["finding_id"].is_unique().all()


# --- properties ------------------------------------------------------------------------

ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "mmsi": st.sampled_from([445000001, 667000002, 538004030]),
            "imo": st.sampled_from([None, 9596985, 8660313, 2041999]),
            "name": st.sampled_from([None, "FRIO", "HUA FU", "CHON MA SAN"]),
            "call_sign": st.sampled_from([None, "V7UU3", "HMAB"]),
            "at": st.integers(0, 240),
        }
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, data=st.data())
def test_observation_ids_do_not_depend_on_row_order(rows: list[dict[str, Any]], data: Any) -> None:
    numbered = [{**r, "line_no": i + 1} for i, r in enumerate(rows)]
    shuffled = data.draw(st.permutations(numbered))
    first = observations_from_statics(statics(*numbered))
    again = observations_from_statics(statics(*shuffled))
    assert first.equals(again)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, data=st.data())
@pytest.mark.slow
def test_hull_linking_does_not_depend_on_row_order(rows: list[dict[str, Any]], data: Any) -> None:
    entity = vessel("v-1", {"fraudMmsi": ["667000002"]}, name="CHON MA SAN", imoNumber="8660313")
    numbered = [{**r, "line_no": i + 1} for i, r in enumerate(rows)]
    obs = concat_observations([observations_from_statics(statics(*numbered)), listed(entity)])
    order = data.draw(st.permutations(range(obs.height)))
    first = link_hulls(obs)
    again = link_hulls(obs[list(order)])
    assert first.equals(again)
    assert find_conflicts(first) == find_conflicts(again)


@settings(max_examples=30, deadline=None)
@given(numbers=st.lists(st.integers(0, 9_999_999), min_size=1, max_size=200))
def test_column_check_digits_agree_with_setori_ids(numbers: list[int]) -> None:
    imos = [f"IMO{n:07d}" for n in numbers]
    ship, company = codes.imo_check_digits(pl.col("imo"))
    got = pl.DataFrame({"imo": imos}).select(ship=ship, company=company)
    expected = [(ids.imo_check(i).valid_ship, ids.imo_check(i).valid_company) for i in imos]
    assert list(got.iter_rows()) == expected
