"""The identifier rules of :mod:`setori.ids`, applied to columns.

:mod:`setori.ids` holds the scalar rules (IMO check digits, screening.md §3.1; MMSI
forms and MID → flag, §3.2; call-sign series, §3.3; flag names). Here they run once
per *distinct* value (:func:`map_unique`), never once per row: a million AIS statics
carry a few thousand distinct IMOs and one MMSI per transmitter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from setori import ids

_NOT_ALNUM = r"[^0-9A-Z]+"
_COMPANY_WEIGHTS = (8, 6, 4, 2, 9, 7)


def map_unique(values: pl.Series, fn: Callable[[Any], Any], dtype: pl.DataType) -> pl.Series:
    """``fn`` applied to each distinct non-null value of ``values``, mapped back to every row."""
    distinct = values.drop_nulls().unique()
    mapped = pl.Series([fn(v) for v in distinct.to_list()], dtype=dtype)
    return values.replace_strict(distinct, mapped, default=None, return_dtype=dtype)


def canonical_imo(text: str) -> str | None:
    """``IMO1234567`` from a written form (``IMO 1234567``, ``1234567``, a remark holding
    ``IMO 1234567``); a number failing both check digits is still a claim."""
    found = ids.normalize_imo(text)
    return found if found is not None else next(iter(ids.find_imos(text)), None)


def imos_from_ais(imo: pl.Series) -> pl.Series:
    """The canonical IMO of each AIS integer field; null for 0 and sentinels (2^30-1)."""
    return map_unique(imo, ids.normalize_imo, pl.String())


def imo_check_digits(imo: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Whether each ``IMO1234567`` passes the ship and the company check digit.

    Column twins of :func:`setori.ids.imo_check` (a test keeps them equal): ship
    ``Σ d_i·(7−i) mod 10 = d_7``; company ``(11 − Σ d_i·w_i mod 11) mod 10 = d_7`` with
    ``w = 8, 6, 4, 2, 9, 7`` (screening.md §3.1). Null where ``imo`` is null.
    """
    digits = [imo.str.slice(3 + i, 1).cast(pl.Int32, strict=False) for i in range(7)]
    ship = pl.sum_horizontal(d * (7 - i) for i, d in enumerate(digits[:6])) % 10
    weighted = pl.sum_horizontal(d * w for d, w in zip(digits, _COMPANY_WEIGHTS, strict=False))
    company = (11 - weighted % 11) % 10
    valid = imo.str.contains(r"^IMO\d{7}$") & (imo != "IMO0000000")
    return (valid & (ship == digits[6])), (valid & (company == digits[6]))


def mmsi_number(text: str) -> int | None:
    """A list's MMSI as a number, when it is 9 digits."""
    mmsi = ids.mmsi_info(text).mmsi
    return None if mmsi is None else int(mmsi)


def mid_flags(mmsi: pl.Series) -> pl.Series:
    """The flag (ISO-2) each MMSI's MID names; null when its form carries none."""
    return map_unique(mmsi, lambda m: ids.mmsi_info(m).country, pl.String())


def name_key(name: pl.Expr) -> pl.Expr:
    """A name folded for comparison: upper case, letters and digits only, no spaces,
    so ``Chon Ma-San`` and ``CHONMASAN`` compare equal."""
    return name.str.to_uppercase().str.replace_all(_NOT_ALNUM, "").replace("", None)


flag_code = ids.normalize_flag
call_sign = ids.normalize_call_sign
call_sign_country = ids.call_sign_country
