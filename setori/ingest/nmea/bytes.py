"""Byte-level helpers for the NMEA line scanner (compiled with numba, no Python objects).

Every helper works on a ``uint8`` buffer and a half-open range ``[lo, hi)`` and
signals "not that" with ``-1`` (or :data:`NO_MS` for times) instead of raising.
Civil dates use Howard Hinnant's ``days_from_civil``
(https://howardhinnant.github.io/date_algorithms.html#days_from_civil).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

#: "No time" in int64 epoch-millisecond columns.
NO_MS = np.iinfo(np.int64).min
#: Above this a unix time is in milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
MS_EPOCH_THRESHOLD = 100_000_000_000

_DOT, _COMMA, _STAR, _ZERO, _NINE = 46, 44, 42, 48, 57


def jit(fn: F) -> F:
    """Compile ``fn`` with numba (nopython, cached on disk, GIL released)."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


@jit
def find_byte(buf: np.ndarray, value: int, lo: int, hi: int) -> int:
    """Index of the first ``value`` in ``buf[lo:hi]``, or -1."""
    for i in range(lo, hi):
        if buf[i] == value:
            return i
    return -1


@jit
def xor_bytes(buf: np.ndarray, lo: int, hi: int) -> int:
    """XOR of ``buf[lo:hi]`` (the NMEA checksum)."""
    x = 0
    for i in range(lo, hi):
        x ^= buf[i]
    return x


@jit
def has_high_byte(buf: np.ndarray, lo: int, hi: int) -> bool:
    """Whether ``buf[lo:hi]`` has a byte >= 0x80 (NMEA 0183 is 7-bit ASCII)."""
    for i in range(lo, hi):  # noqa: SIM110 - numba compiles loops, not any(<generator>)
        if buf[i] >= 0x80:
            return True
    return False


@jit
def hex_digit(c: int) -> int:
    """Value of one hex digit character, or -1."""
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70:
        return c - 55
    if 97 <= c <= 102:
        return c - 87
    return -1


@jit
def checksum_after(buf: np.ndarray, star: int, hi: int) -> int:
    """Value of the two hex digits after ``buf[star] == '*'``, or -1."""
    if star < 0 or star + 3 > hi:
        return -1
    high, low = hex_digit(buf[star + 1]), hex_digit(buf[star + 2])
    if high < 0 or low < 0:
        return -1
    return high * 16 + low


@jit
def uint_value(buf: np.ndarray, lo: int, hi: int) -> int:
    """Decimal digits ``buf[lo:hi]`` -> value; -1 if empty, not all digits or over 17 digits."""
    if hi <= lo or hi - lo > 17:
        return -1
    value = 0
    for i in range(lo, hi):
        c = buf[i]
        if c < _ZERO or c > _NINE:
            return -1
        value = value * 10 + (c - _ZERO)
    return value


@jit
def fraction_ms(buf: np.ndarray, lo: int, hi: int) -> int:
    """Digits after a decimal point -> milliseconds (first three digits); -1 if not digits."""
    ms, scale = 0, 100
    for i in range(lo, hi):
        c = buf[i]
        if c < _ZERO or c > _NINE:
            return -1
        ms += (c - _ZERO) * scale
        scale //= 10
    return ms


@jit
def epoch_ms(buf: np.ndarray, lo: int, hi: int, min_digits: int, max_digits: int) -> int:
    """``<digits>[.<digits>]`` unix time -> ms (seconds, or ms above 1e11); else NO_MS."""
    dot = find_byte(buf, _DOT, lo, hi)
    int_end = hi if dot < 0 else dot
    if int_end - lo < min_digits or int_end - lo > max_digits:
        return NO_MS
    value = uint_value(buf, lo, int_end)
    frac = 0 if dot < 0 else fraction_ms(buf, dot + 1, hi)
    if value < 0 or frac < 0:
        return NO_MS
    return value if value > MS_EPOCH_THRESHOLD else value * 1000 + frac


@jit
def days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


@jit
def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date."""
    y = year - (1 if month <= 2 else 0)
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@jit
def date_ms(year: int, month: int, day: int) -> int:
    """Epoch ms of midnight UTC of a date, or NO_MS if it is not a real date (years 1-9999)."""
    if year < 1 or year > 9999 or month < 1 or month > 12:
        return NO_MS
    if day < 1 or day > days_in_month(year, month):
        return NO_MS
    return days_from_civil(year, month, day) * 86_400_000


@jit
def clock_ms(hour: int, minute: int, second: int, millis: int) -> int:
    """Milliseconds into the day, or -1 (a leap second 60 rolls into the next minute)."""
    if hour < 0 or hour > 23 or minute < 0 or minute > 59:
        return -1
    if second < 0 or second > 60 or millis < 0 or millis > 999:
        return -1
    return ((hour * 60 + minute) * 60 + second) * 1000 + millis


@jit
def hhmmss_ms(buf: np.ndarray, lo: int, hi: int) -> int:
    """``hhmmss[.sss]`` -> milliseconds into the day, or -1."""
    if hi - lo < 6:
        return -1
    frac = 0
    if hi > lo + 6:
        frac = fraction_ms(buf, lo + 7, hi) if buf[lo + 6] == _DOT else -1
    hour, minute = uint_value(buf, lo, lo + 2), uint_value(buf, lo + 2, lo + 4)
    second = uint_value(buf, lo + 4, lo + 6)
    if frac < 0 or hour < 0 or minute < 0 or second < 0:
        return -1
    return clock_ms(hour, minute, second, frac)


@jit
def split_fields(buf: np.ndarray, lo: int, hi: int, bounds: np.ndarray) -> int:
    """Comma-separated fields of ``buf[lo:hi]``; field k is ``bounds[k] + 1 .. bounds[k + 1]``.

    Returns the number of fields, at most ``len(bounds) - 1`` (the rest is not split).
    """
    n = 0
    bounds[0] = lo - 1
    for i in range(lo, hi):
        if buf[i] == _COMMA and n < len(bounds) - 2:
            n += 1
            bounds[n] = i
    bounds[n + 1] = hi
    return n + 1
