"""setori.ids: identifiers normalised at the door (screening.md §3, docs/lists.md)."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rigour.ids import IMO

from setori.ids import (
    call_sign_country,
    find_imos,
    imo_check,
    imo_column_check,
    imo_numbers_check,
    mid_country,
    mmsi_info,
    normalize_call_sign,
    normalize_flag,
    normalize_imo,
)

SERIES = Path(__file__).parent.parent / "setori" / "data" / "itu-callsign-series.csv"
#: DPRK tankers of the OFAC/State/USCG advisory of 23 Feb 2018 (screening.md §2.2).
ADVISORY_IMOS = (
    "7408873", "8122347", "8405311", "8660313", "8712362", "8720436", "8705539", "9066978",
    "7389704", "8610461", "8106496", "8604917", "8605026", "8691702", "8898740", "7303803",
    "8665131", "8966535", "8848276", "8613360", "8977900", "8151415",
)  # fmt: skip


def _ship_digit_ok(digits: str) -> bool:
    """IMO Res. A.600(15): (d1·7 + d2·6 + … + d6·2) mod 10 = d7."""
    return sum(int(d) * (7 - i) for i, d in enumerate(digits[:6])) % 10 == int(digits[6])


def _company_digit_ok(digits: str) -> bool:
    """Company / registered owner: (11 − Σ dᵢ·(8,6,4,2,9,7) mod 11) mod 10 = d7."""
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 9, 7), strict=False))
    return (11 - total % 11) % 10 == int(digits[6])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("IMO 1234567", "IMO1234567"),
        ("1234567", "IMO1234567"),
        (1234567, "IMO1234567"),
        ("IMO7702774", "IMO7702774"),
        ("imo: 8660313", "IMO8660313"),
        (" IMO-8660313 ", "IMO8660313"),
        ("IMO 12345678", None),
        ("123456", None),
        ("0000000", None),
        ("IMO 86603l3", None),
        ("", None),
        (None, None),
        (True, None),
        (1, None),  # an AIS integer is not zero-padded: "IMO0000001" would pass the company digit
        (123456, None),
    ],
)
def test_normalize_imo(value: str | int | None, expected: str | None) -> None:
    assert normalize_imo(value) == expected


@given(st.one_of(st.text(max_size=20), st.integers(), st.none()))
def test_normalize_imo_is_idempotent(value: str | int | None) -> None:
    once = normalize_imo(value)
    assert once is None or normalize_imo(once) == once


@given(st.integers(min_value=1, max_value=9_999_999))
def test_check_digits_agree_with_rigour_and_the_formulas(number: int) -> None:
    digits = str(number).zfill(7)
    check = imo_check(digits)
    assert check.imo == f"IMO{digits}"
    assert check.valid_ship == _ship_digit_ok(digits) == IMO.is_valid_vessel(digits)
    assert check.valid_company == _company_digit_ok(digits) == IMO.is_valid_company(digits)
    assert IMO.normalize(digits) == (check.imo if check.valid else None)
    assert bool(check.problems) != check.valid


@given(st.lists(st.integers(min_value=0, max_value=2**30 - 1), min_size=1, max_size=100))
def test_scalar_numpy_and_polars_check_digits_agree(numbers: list[int]) -> None:
    """AIS integers (30 bits) through the NumPy form, and each one's zero-padded canonical
    form through the Polars form, against :func:`imo_check` of the same value."""
    ship, company = imo_numbers_check(np.array(numbers, dtype=np.int64))
    assert list(zip(ship.tolist(), company.tolist(), strict=True)) == [
        (imo_check(n).valid_ship, imo_check(n).valid_company) for n in numbers
    ]
    texts = [f"IMO{n % 10_000_000:07d}" for n in numbers]
    ship_col, company_col = imo_column_check(pl.col("imo"))
    got = pl.DataFrame({"imo": [*texts, None, "IMO 1234567"]}).select(s=ship_col, c=company_col)
    assert list(got.iter_rows()) == [
        *((imo_check(t).valid_ship, imo_check(t).valid_company) for t in texts),
        (None, None),
        (False, False),  # not canonical: normalise first
    ]


def test_imo_examples_of_both_schemes() -> None:
    assert imo_check("IMO 9074729").valid_ship  # screening.md §3.1 worked example
    assert imo_check("2041999").valid_company and not imo_check("2041999").valid_ship
    omm = imo_check("IMO 1790183")  # Ocean Maritime Management (UN KPe.020)
    assert omm.valid_company and omm.valid_ship
    assert all(imo_check(imo).valid_ship for imo in ADVISORY_IMOS)
    bad = imo_check("1234568")
    assert bad.imo == "IMO1234568" and not bad.valid and "check digit" in bad.problems[0]
    assert imo_check("947115").imo is None and "not 7 digits" in imo_check("947115").problems[0]


def test_find_imos_in_list_remarks() -> None:
    text = (
        "Vessel Registration Identification IMO 7937317; International Maritime Organization "
        "(IMO) Number: 1790183. IMO number: 5342883. Company Number IMO 5434358; IMO 12345678"
    )
    assert find_imos(text) == ("IMO7937317", "IMO1790183", "IMO5342883", "IMO5434358")


@pytest.mark.parametrize(
    ("value", "mmsi", "kind", "mid", "country"),
    [
        ("445539000", "445539000", "ship", 445, "KP"),
        ("445 539 000", "445539000", "ship", 445, "KP"),
        (441234000, "441234000", "ship", 441, "KR"),
        ("412000001", "412000001", "ship", 412, "CN"),
        ("477123456", "477123456", "ship", 477, "HK"),
        ("457000123", "457000123", "ship", 457, "MN"),
        ("MMSI 572469210", "572469210", "ship", 572, "TV"),
        ("044512345", "044512345", "group", 445, "KP"),
        (2442000, "002442000", "coast", 244, "NL"),
        ("111445123", "111445123", "sar_aircraft", 445, "KP"),
        ("992441234", "992441234", "aton", 244, "NL"),
        ("982441234", "982441234", "craft_associated", 244, "NL"),
        ("844512345", "844512345", "handheld", 445, "KP"),
        ("970123456", "970123456", "emergency", None, None),
    ],
)
def test_mmsi_kinds(
    value: str | int, mmsi: str, kind: str, mid: int | None, country: str | None
) -> None:
    info = mmsi_info(value)
    assert (info.mmsi, info.kind, info.mid, info.country, info.valid) == (
        mmsi, kind, mid, country, True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "kind", "reason"),
    [
        ("123456789", "test", "test or default"),
        ("000000000", "test", "test or default"),
        ("100000000", "invalid", "no ITU-R M.585 form"),
        ("200123456", "ship", "not allocated"),
        ("4455390", "invalid", "not 9 digits"),
        ("44553900X", "invalid", "not 9 digits"),
        (None, "invalid", "not 9 digits"),
    ],
)
def test_invalid_mmsi_are_flagged_not_dropped(value: str | None, kind: str, reason: str) -> None:
    info = mmsi_info(value)
    assert not info.valid and info.kind == kind and reason in info.problems[0]
    if value is not None and value.isdigit() and len(value) == 9:
        assert info.mmsi == value  # the claim is kept


@given(st.one_of(st.text(alphabet="0123456789 -", max_size=14), st.integers(-5, 10**10)))
def test_mmsi_normalisation_is_idempotent(value: str | int) -> None:
    once = mmsi_info(value)
    if once.mmsi is not None:
        again = mmsi_info(once.mmsi)
        assert (again.mmsi, again.kind, again.mid, again.valid) == (
            once.mmsi, once.kind, once.mid, once.valid,
        )  # fmt: skip


def test_every_allocated_mid_names_a_country_but_the_shared_one() -> None:
    countries = {mid: mid_country(mid) for mid in range(200, 800)}
    allocated = {mid: c for mid, (ok, c) in countries.items() if ok}
    assert len(allocated) > 280
    assert [mid for mid, c in allocated.items() if c is None] == [306]  # BQ / CW / SX
    assert {allocated[m] for m in (555, 745, 445, 440, 441)} == {"PN", "GF", "KP", "KR"}


@pytest.mark.parametrize(
    ("sign", "country"),
    [
        ("HMYD", "KP"), ("hm yd", "KP"), ("P5AB", "KP"), ("P7XY", "KP"), ("P9ZZ", "KP"),
        ("3FAB7", "PA"), ("HO2345", "PA"), ("H3RC", "PA"), ("A8KL9", "LR"), ("D5AB2", "LR"),
        ("ELZZ3", "LR"), ("V7AB2", "MH"), ("9HDQ9", "MT"), ("C6AB3", "BS"), ("5BAB2", "CY"),
        ("P3QG3", "CY"), ("9LY2123", "SL"), ("5VAB2", "TG"), ("XUAB3", "KH"), ("JVAB3", "MN"),
        ("D6AB2", "KM"), ("T2EU4", "TV"), ("T8A2235", "PW"), ("V3AB2", "BZ"), ("5IM 592", "TZ"),
        ("V4AB2", "KN"), ("J8AB2", "VC"), ("ERAB2", "MD"), ("E5AB2", "CK"), ("VRAB3", "HK"),
        ("3EAB2", "PA"), ("BPCN", "CN"), ("DSAB", "KR"), ("JAAB", "JP"), ("UBAB", "RU"),
        ("EQKF", "IR"), ("K7XY", "US"), ("3D2AB", None), ("Q1AB", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_call_sign_country(sign: str | None, country: str | None) -> None:
    assert call_sign_country(sign) == country


def test_call_sign_series_table_is_sound() -> None:
    with SERIES.open(newline="", encoding="utf-8") as fh:
        rows = sorted((r["series_from"], r["series_to"], r["iso2"]) for r in csv.DictReader(fh))
    assert all(len(a) == len(b) == 3 and a <= b for a, b, _ in rows)
    assert all(prev[1] < row[0] for prev, row in itertools.pairwise(rows))
    assert all(normalize_flag(iso) == iso for _, _, iso in rows)
    assert [(a, b) for a, b, iso in rows if iso == "KP"] == [("HMA", "HMZ"), ("P5A", "P9Z")]


@given(st.text(max_size=12))
def test_call_sign_normalisation_is_idempotent(value: str) -> None:
    once = normalize_call_sign(value)
    assert once is None or normalize_call_sign(once) == once


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("Korea, North", "KP"), ("North Korea", "KP"), ("PRK", "KP"), ("kp", "KP"), ("KP", "KP"),
        ("Democratic People's Republic of Korea", "KP"), ("Korea, South", "KR"),
        ("Panama (Republic of)", "PA"), ("St. Kitts & Nevis", "KN"), ("Sierra Leone", "SL"),
        ("Hong Kong", "HK"), ("Tanzania", "TZ"), ("None Identified", None), ("Atlantis", None),
        ("", None), (None, None),
    ],
)  # fmt: skip
def test_normalize_flag(value: str | None, iso: str | None) -> None:
    assert normalize_flag(value) == iso


@given(st.sampled_from(["Korea, North", "PRK", "Panama", "Liberia", "Togo", "Mongolia", "vn"]))
def test_normalize_flag_is_idempotent(value: str) -> None:
    once = normalize_flag(value)
    assert once is not None and normalize_flag(once) == once
