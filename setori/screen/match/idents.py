"""Identifier canonical forms for the identifier tier (screening.md §3, recommended design §A.4).

IMO: ``rigour.ids.IMO`` (``IMO1234567``; ship and company check digits told apart).
MMSI: the MID of a ship-station MMSI and the flag it stands for (:mod:`setori.geo.mid`).
Call sign: only the DPRK ITU series (``HMA-HMZ``, ``P5A-P9Z``, RR Appendix 42) are known.
Flags: ISO 3166-1 alpha-2 through FollowTheMoney's country type (``North Korea -> KP``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from followthemoney.types import registry
from rigour.ids import IMO

from setori.geo.mid import load_mid_table

MMSI_FORM = re.compile(r"^[2-7]\d{8}$")
DPRK_CALL_SIGN = re.compile(r"^(?:HM[A-Z]|P[5-9][A-Z0-9])")
PARENTHESES = re.compile(r"\s*\(.*?\)")


def canonical_imo(value: str | None) -> str | None:
    """``IMO1234567`` from any written form, or None."""
    return IMO.normalize(value) if value else None


def is_ship_imo(value: str) -> bool:
    """True when a canonical IMO passes the ship check digit."""
    return IMO.is_valid_vessel(value)


def canonical_mmsi(value: str | None) -> str | None:
    """Nine digits, spaces dropped, or None."""
    digits = "".join((value or "").split())
    return digits if len(digits) == 9 and digits.isdigit() else None


def canonical_call_sign(value: str | None) -> str | None:
    """Upper case without spaces or hyphens, or None."""
    text = re.sub(r"[\s-]+", "", (value or "").upper())
    return text or None


def flag_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 (upper case) of a flag or country name, or None."""
    if not value:
        return None
    code = registry.country.clean(value) or registry.country.clean(PARENTHESES.sub("", value))
    return code.upper() if code else None


@lru_cache(maxsize=4096)
def mmsi_country(mmsi: str) -> str | None:
    """The flag (ISO-2) the MID of a ship-station MMSI stands for, or None."""
    if not MMSI_FORM.match(mmsi):
        return None
    return _mid_countries().get(int(mmsi[:3]))


@lru_cache(maxsize=1)
def _mid_countries() -> dict[int, str]:
    table = load_mid_table()
    codes = (flag_code(name) for name in table.allocated_to)
    return {int(mid): code for mid, code in zip(table.mids.tolist(), codes, strict=True) if code}


def call_sign_country(call_sign: str) -> str | None:
    """``KP`` for a call sign in a DPRK ITU series, else None (other series not tabled)."""
    return "KP" if DPRK_CALL_SIGN.match(call_sign) else None
