"""Identifier helpers the identity layer needs, applied to columns.

The scalar rules (IMO check digits, MID -> flag, call-sign series, flag names) belong to
:mod:`setori.ids`; until it lands they are taken from ``rigour.ids.IMO`` (the ship and
company check digits, screening.md §3.1), :mod:`setori.geo.mid` (the ITU MID table,
§3.2) and the ITU Appendix 42 DPRK series ``HMA–HMZ`` / ``P5A–P9Z`` (§3.3). This module
is the one place to switch.

Scalar functions run once per *distinct* value (:func:`map_unique`), never once per row:
a million AIS statics carry a few thousand distinct IMOs and a few hundred MIDs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import polars as pl
from followthemoney.types import registry
from rigour.ids import IMO
from rigour.territories import lookup_territory

from setori.geo.mid import load_mid_table, mid_of

_IMO_DIGITS = re.compile(r"(?<!\d)(\d{7})(?!\d)")
_DPRK_CALL_SIGN = re.compile(r"^(HM[A-Z]|P[5-9][A-Z0-9])[A-Z0-9]{0,5}$")
_NOT_ALNUM = r"[^0-9A-Z]+"
MAX_IMO = 9_999_999


def map_unique(values: pl.Series, fn: Callable[[Any], Any], dtype: pl.DataType) -> pl.Series:
    """``fn`` applied to each distinct non-null value of ``values``, mapped back to every row."""
    distinct = values.drop_nulls().unique()
    mapped = pl.Series([fn(v) for v in distinct.to_list()], dtype=dtype)
    return values.replace_strict(distinct, mapped, default=None, return_dtype=dtype)


def canonical_imo(text: str) -> str | None:
    """``IMO1234567`` from any written form; a 7-digit number failing both check digits
    is kept (it is still a claim), anything else is None."""
    found = IMO.normalize(text)
    if found is not None:
        return found
    digits = _IMO_DIGITS.search(text)
    return None if digits is None or int(digits.group(1)) == 0 else f"IMO{digits.group(1)}"


def imo_from_ais(imo: pl.Expr) -> pl.Expr:
    """The canonical IMO of an AIS integer field (1..9999999, else null: e.g. 2^30-1)."""
    in_range = imo.is_between(1, MAX_IMO)
    return pl.when(in_range).then(pl.format("IMO{}", imo.cast(pl.String).str.zfill(7)))


def imo_valid_ship(imo: str) -> bool:
    """The ship check digit holds (IMO Res. A.1117(30))."""
    return IMO.is_valid_vessel(imo)


def imo_valid_company(imo: str) -> bool:
    """The company / registered-owner check digit holds."""
    return IMO.is_valid_company(imo)


def flag_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 (upper case) of a country name or code, or None."""
    code = registry.country.clean(text)
    return code.upper() if code else None


def mid_flags(mmsi: pl.Series) -> pl.Series:
    """The flag (ISO-2) each MMSI's MID names, null when its form carries no MID."""
    mids = pl.Series(mid_of(mmsi.fill_null(0).to_numpy()))
    return map_unique(mids, _mid_country, pl.String())


@lru_cache(maxsize=1024)
def _mid_country(mid: int) -> str | None:
    table = load_mid_table()
    allocated = table.flags([mid])[0]
    if allocated is None:
        return None
    for text in (allocated, allocated.split(" (")[0], allocated.split(" - ")[0]):
        territory = lookup_territory(text)
        if territory is not None:
            return territory.code.split("-")[0].upper()
    return None


def call_sign_country(call_sign: str) -> str | None:
    """ISO-2 of the call-sign series; only the DPRK series is known here."""
    return "KP" if _DPRK_CALL_SIGN.match(call_sign) else None


def name_key(name: pl.Expr) -> pl.Expr:
    """A name folded for comparison: upper case, letters and digits only, no spaces,
    so ``Chon Ma-San`` and ``CHONMASAN`` compare equal."""
    return name.str.to_uppercase().str.replace_all(_NOT_ALNUM, "").replace("", None)
