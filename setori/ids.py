"""Vessel identifiers normalised at the door (CONTRACT: lists, matching and AIS code call these).

One canonical form per identifier, for list data and queries alike (docs/lists.md
"Identifier rules"; screening.md §1.1 shows that ``IMO 8660313`` and ``8660313``
otherwise fail to match):

* IMO number: ``IMO`` + 7 digits. The ship check digit (IMO Res. A.600(15);
  SOLAS XI-1/3) and the company / registered-owner check digit (IMO Res.
  MSC.160(78)) are defined once here (:func:`imo_check_digits`, the same arithmetic as
  :class:`rigour.ids.IMO`, which the tests use as the oracle) and applied to one value
  (:func:`imo_check`), to AIS integer arrays (:func:`imo_numbers_check`, NumPy) and to
  canonical ``IMO1234567`` columns (:func:`imo_column_check`, Polars). A number may pass
  either, both or neither, and a number that passes neither is still a claim worth keeping.
* MMSI: 9 digits; the station kind and the Maritime Identification Digits (MID)
  follow ITU-R M.585-9 Annex 1, the MID's administration the ITU MID table
  (``setori/data/itu-mid.csv``, read through :func:`setori.geo.load_mid_table`).
* Call sign: upper case without spaces; its series names the administration
  (ITU Radio Regulations Appendix 42, ``setori/data/itu-callsign-series.csv``).
* Flag: ISO 3166-1 alpha-2, upper case, through followthemoney's country type.

Nothing here raises on a bad value: the result says what is wrong, so callers keep
the claim and flag it rather than drop it.
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

from setori.errors import InputError

MmsiKind = Literal[
    "ship",
    "group",
    "coast",
    "sar_aircraft",
    "aton",
    "craft_associated",
    "handheld",
    "emergency",
    "test",
    "invalid",
]

_DATA = Path(__file__).resolve().parent / "data"
_IMO_SEPARATORS = re.compile(r"[\s:.#\-]")
_IMO_IN_TEXT = re.compile(
    r"\bIMO\)?[\s:.#-]*(?:(?:No|Number)\.?:?\s*)?(\d{7})(?!\d)", re.IGNORECASE
)
_SPACES = re.compile(r"[\s\-./]")
#: MIDs whose ITU row names the wrong territory for name matching, or several.
_MID_ISO_OVERRIDES: dict[int, str | None] = {555: "PN", 745: "GF", 306: None}
_TEST_MMSIS = frozenset({"123456789", "987654321", "012345678"} | {str(d) * 9 for d in range(10)})
#: Weights of the first six digits in the ship check digit, IMO Res. A.600(15):
#: (d1·7 + d2·6 + … + d6·2) mod 10 = d7.
SHIP_WEIGHTS = (7, 6, 5, 4, 3, 2)
#: ... and in the company / registered-owner check digit, IMO Res. MSC.160(78):
#: (11 − (d1·8 + d2·6 + d3·4 + d4·2 + d5·9 + d6·7) mod 11) mod 10 = d7.
COMPANY_WEIGHTS = (8, 6, 4, 2, 9, 7)
#: One digit: a Python int, a NumPy integer array or a Polars integer expression.
Digit = TypeVar("Digit", int, npt.NDArray[np.int64], pl.Expr)


def normalize_imo(value: str | int | None) -> str | None:
    """``IMO1234567`` from ``"IMO 1234567"``, ``"imo:1234567"``, ``1234567`` ...; else None.

    The check digit is not tested here (see :func:`imo_check`): an invalid number
    is still the claim a list or a transponder made. All zeros means "no number".
    """
    if value is None or isinstance(value, bool):
        return None
    text = _IMO_SEPARATORS.sub("", str(value)).upper()
    text = text.removeprefix("IMO")
    if len(text) != 7 or not text.isascii() or not text.isdigit() or text == "0000000":
        return None
    return f"IMO{text}"


def find_imos(text: str) -> tuple[str, ...]:
    """Every ``IMO 1234567``-style number in free text (list remarks), normalised, in order."""
    found = (normalize_imo(m.group(1)) for m in _IMO_IN_TEXT.finditer(text))
    return tuple(dict.fromkeys(imo for imo in found if imo is not None))


@dataclass(frozen=True, slots=True)
class ImoCheck:
    """An IMO number and which check digits it passes."""

    imo: str | None  # "IMO1234567", or None when the value is not 7 digits
    valid_ship: bool  # ship identification number check digit
    valid_company: bool  # company and registered-owner number check digit
    problems: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """Passes at least one of the two check-digit schemes."""
        return self.valid_ship or self.valid_company


def imo_check_digits(digits: list[Digit]) -> tuple[Digit, Digit]:
    """The ship and the company check digit of an IMO number's first six ``digits``.

    The one definition of both schemes (see :data:`SHIP_WEIGHTS`, :data:`COMPANY_WEIGHTS`);
    the digits may be ints, NumPy arrays or Polars expressions, computed element-wise.
    """
    ship, company = _weighted(digits, SHIP_WEIGHTS), _weighted(digits, COMPANY_WEIGHTS)
    return ship % 10, (11 - company % 11) % 10


def _weighted(digits: list[Digit], weights: tuple[int, ...]) -> Digit:
    """Σ dᵢ·wᵢ over six digits (no ``sum()``: its int start would widen the type)."""
    if len(digits) != len(weights):
        raise InputError(f"{len(digits)} digits; expected the first {len(weights)} of an IMO")
    total = digits[0] * weights[0]
    for digit, weight in zip(digits[1:], weights[1:], strict=True):
        total = total + digit * weight
    return total


def imo_check(value: str | int | None) -> ImoCheck:
    """Normalise ``value`` and test it against the ship and the company check digits."""
    imo = normalize_imo(value)
    if imo is None:
        return ImoCheck(None, False, False, (f"IMO {value!r} is not 7 digits",))
    digits = [int(d) for d in imo[3:]]
    expected_ship, expected_company = imo_check_digits(digits[:6])
    ship, company = expected_ship == digits[6], expected_company == digits[6]
    problems = (
        () if ship or company else (f"{imo} fails both the ship and the company check digit",)
    )
    return ImoCheck(imo, ship, company, problems)


def imo_numbers_check(
    numbers: npt.ArrayLike,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Whether each AIS IMO integer passes the ship and the company check digit.

    The NumPy form of :func:`imo_check` for integers: a number is an IMO only with seven
    digits (1,000,000 to 9,999,999; an AIS integer is not zero-padded), else it passes
    neither check.
    """
    n = np.asarray(numbers, dtype=np.int64)
    digits = [(n // 10 ** (6 - i)) % 10 for i in range(7)]
    ship, company = imo_check_digits(digits[:6])
    seven = (n >= 1_000_000) & (n <= 9_999_999)
    return seven & (ship == digits[6]), seven & (company == digits[6])


def imo_column_check(imo: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Whether each canonical ``IMO1234567`` passes the ship and the company check digit.

    The Polars form of :func:`imo_check` for the values :func:`normalize_imo` returns;
    anything else (including ``IMO0000000``) passes neither, and null stays null.
    """
    digits = [imo.str.slice(3 + i, 1).cast(pl.Int64, strict=False) for i in range(7)]
    ship, company = imo_check_digits(digits[:6])
    valid = imo.str.contains(r"^IMO\d{7}$") & (imo != "IMO0000000")
    return valid & (ship == digits[6]), valid & (company == digits[6])


@dataclass(frozen=True, slots=True)
class MmsiInfo:
    """What an MMSI says about its station (ITU-R M.585-9 Annex 1)."""

    mmsi: str | None  # 9 digits, or None when the value cannot be one
    valid: bool
    kind: MmsiKind
    mid: int | None  # Maritime Identification Digits, when the form carries them
    country: str | None  # ISO 3166-1 alpha-2 of the MID's administration
    problems: tuple[str, ...] = ()


def _mmsi_digits(value: str | int | None) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value).zfill(9) if 0 <= value <= 999_999_999 else None
    text = _SPACES.sub("", value).upper().removeprefix("MMSI").lstrip(":")
    return text if len(text) == 9 and text.isascii() and text.isdigit() else None


def _mmsi_form(mmsi: str) -> tuple[MmsiKind, int | None]:
    """The station kind and the position of its MID, from the leading digits."""
    if mmsi in _TEST_MMSIS:
        return "test", None
    forms: tuple[tuple[str, MmsiKind, int], ...] = (
        ("00", "coast", 2), ("0", "group", 1), ("111", "sar_aircraft", 3),
        ("970", "emergency", -1), ("972", "emergency", -1), ("974", "emergency", -1),
        ("98", "craft_associated", 2), ("99", "aton", 2), ("8", "handheld", 1),
    )  # fmt: skip
    for prefix, kind, at in forms:
        if mmsi.startswith(prefix):
            return kind, (int(mmsi[at : at + 3]) if at >= 0 else None)
    if mmsi[0] in "234567":
        return "ship", int(mmsi[:3])
    return "invalid", None


def mmsi_info(value: str | int | None) -> MmsiInfo:
    """Normalise an MMSI and read its station kind, MID and flag country."""
    mmsi = _mmsi_digits(value)
    if mmsi is None:
        return MmsiInfo(None, False, "invalid", None, None, (f"MMSI {value!r} is not 9 digits",))
    kind, mid = _mmsi_form(mmsi)
    if kind in ("invalid", "test"):
        reason = "a test or default number" if kind == "test" else "no ITU-R M.585 form"
        return MmsiInfo(mmsi, False, kind, None, None, (f"MMSI {mmsi} is {reason}",))
    if mid is None:
        return MmsiInfo(mmsi, True, kind, None, None)
    allocated, country = mid_country(mid)
    if not allocated:
        problem = f"MMSI {mmsi}: MID {mid} is not allocated in the ITU MID table"
        return MmsiInfo(mmsi, False, kind, mid, None, (problem,))
    return MmsiInfo(mmsi, True, kind, mid, country)


def mid_country(mid: int) -> tuple[bool, str | None]:
    """Whether ``mid`` is allocated, and the ISO-2 code of its administration (if one)."""
    return _mid_countries().get(mid, (False, None))


@lru_cache(maxsize=1)
def _mid_countries() -> dict[int, tuple[bool, str | None]]:
    from setori.geo.mid import load_mid_table

    table = load_mid_table()
    names = table.flags(table.mids)
    mids = [int(m) for m in table.mids.tolist()]
    return {
        mid: (True, _MID_ISO_OVERRIDES[mid] if mid in _MID_ISO_OVERRIDES else _itu_iso(name))
        for mid, name in zip(mids, names, strict=True)
    }


def _itu_iso(name: str | None) -> str | None:
    """ISO-2 of an ITU administration name such as ``"France - Reunion (French Department of)"``."""
    parts = [p.strip() for p in (name or "").split(" - ")]
    for part in reversed(parts):  # the territory after " - " before its parent state
        for candidate in (part, re.sub(r"\s*\(.*?\)", "", part)):
            code = normalize_flag(candidate)
            if code is not None:
                return code
    return None


@lru_cache(maxsize=4096)
def normalize_flag(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 (upper case) of a flag given as a name, ISO-3 or ISO-2; None if unknown.

    ``"Korea, North"``, ``"Democratic People's Republic of Korea"``, ``"PRK"`` and
    ``"kp"`` all give ``"KP"``. No fuzzy matching: a wrong flag is worse than none.
    """
    from followthemoney import registry  # imported here: detection needs no screening stack

    if not value or not value.strip():
        return None
    for candidate in (value, re.sub(r"\s*\(.*?\)", "", value)):
        code = registry.country.clean(candidate.strip())
        if code is not None and len(code) == 2 and code != "zz":
            return code.upper()
    return None


def normalize_call_sign(value: str | None) -> str | None:
    """Upper case, no spaces or hyphens (``"5im 592"`` → ``"5IM592"``); None unless alphanumeric."""
    if value is None:
        return None
    text = _SPACES.sub("", value).upper()
    return text if text.isascii() and text.isalnum() else None


def call_sign_country(value: str | None) -> str | None:
    """ISO-2 of the administration a call sign's series is allocated to (RR Appendix 42).

    ``HMxx`` and ``P5``–``P9`` give ``"KP"``. A third character that is a digit
    (``HO2345``) or a second character that is one (``K7XY``) is read against the whole
    two- or one-character block, and gives None when that block is split between states.
    """
    sign = normalize_call_sign(value)
    if sign is None or len(sign) < 2:
        return None
    return _head_country(sign[:3])


@lru_cache(maxsize=8192)
def _head_country(head: str) -> str | None:
    """The country of a call sign's first two or three characters (all the answer depends on)."""
    direct = _series_country(head) if len(head) == 3 and head[2].isalpha() else None
    if direct is not None:
        return direct
    whole = _series_country(head[:2] + "A"), _series_country(head[:2] + "Z")
    if whole[0] is not None and whole[0] == whole[1]:
        return whole[0]
    first = _series_country(head[0] + "AA"), _series_country(head[0] + "ZZ")
    return first[0] if first[0] is not None and first[0] == first[1] else None


def _series_country(series: str) -> str | None:
    """Bisect the sorted, disjoint series table for the range holding ``series``."""
    lows, highs, countries = _call_sign_series()
    i = bisect.bisect_right(lows, series) - 1
    return countries[i] if i >= 0 and series <= highs[i] else None


@lru_cache(maxsize=1)
def _call_sign_series() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Lows, highs and ISO-2 codes of the series, sorted by low (the ranges are disjoint)."""
    with (_DATA / "itu-callsign-series.csv").open(newline="", encoding="utf-8") as fh:
        rows = sorted((r["series_from"], r["series_to"], r["iso2"]) for r in csv.DictReader(fh))
    lows, highs, countries = zip(*rows, strict=True)
    return lows, highs, countries
