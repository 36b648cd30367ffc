"""Hanja (Chinese characters in Korean names) to their Hangul reading.

The readings come from the ``hanja`` package's table (PyPI ``hanja``, 27,497 characters,
simplified forms such as 铁 included), read directly so that the South Korean initial-sound
rule (두음법칙, 李 -> 이) is *not* applied: DPRK spellings keep the ㄹ (李 -> 리, Ri).
One surname reading differs from the character's usual one and is fixed here: 金 as the
first character of a name is 김 (Kim), not 금 (gold).

``hanja`` is optional: without it :func:`hanja_to_hangul` returns None and Hanja queries
are only matched as written (the gap is documented in docs/screening.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import lru_cache
from typing import cast

SURNAME_READINGS = {"金": "김"}


def is_han(ch: str) -> bool:
    """True for a CJK unified or compatibility ideograph."""
    if not ch:
        return False
    code = ord(ch)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def has_han(text: str) -> bool:
    """True when the text holds at least one Han character."""
    return any(is_han(ch) for ch in text)


@lru_cache(maxsize=1)
def reading_table() -> Mapping[str, str] | None:
    """The Hanja -> Hangul table of the ``hanja`` package, or None when it is not installed."""
    try:
        module = importlib.import_module("hanja.table")
    except ImportError:
        return None
    return cast("Mapping[str, str]", module.hanja_table)


def hanja_to_hangul(text: str, *, person: bool = True) -> str | None:
    """The Hangul reading of every Han character (others kept), or None without a table.

    ``person`` reads 金 at the start of a run of Han characters as the surname 김.
    """
    table = reading_table()
    if table is None:
        return None
    out: list[str] = []
    previous = ""
    for ch in text:
        first_of_run = not is_han(previous)
        surname = SURNAME_READINGS.get(ch) if person and first_of_run else None
        out.append(surname or table.get(ch, ch))
        previous = ch
    return "".join(out)
