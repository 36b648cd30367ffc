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


#: Whether each ``IMO1234567`` passes the ship and the company check digit (the Polars
#: form of :func:`setori.ids.imo_check`).
imo_check_digits = ids.imo_column_check
flag_code = ids.normalize_flag
call_sign = ids.normalize_call_sign
call_sign_country = ids.call_sign_country
