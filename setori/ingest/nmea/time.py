"""Whole-column time helpers (NumPy): ETA composition and forward filling of stamps.

Times are int64 epoch milliseconds, UTC. Where the times in a file come from is
read by :mod:`setori.ingest.nmea.scan` (see ``docs/nmea.md``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

MS_PER_DAY = 86_400_000
#: An ETA more than this before the report time is read as next year's.
ETA_PAST_LIMIT_MS = 183 * MS_PER_DAY


def _days_from_civil(year: I64, month: I64, day: I64) -> I64:
    months = (year - 1970) * 12 + (month - 1)
    first: I64 = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + day - 1


def _days_in_month(year: I64, month: I64) -> I64:
    start = _days_from_civil(year, month, np.ones_like(month))
    nxt = _days_from_civil(year + (month == 12), month % 12 + 1, np.ones_like(month))
    return nxt - start


def civil_ms(
    year: I64, month: I64, day: I64, hour: I64, minute: I64, second: I64, millis: I64
) -> tuple[I64, Mask]:
    """Compose UTC epoch ms from civil parts; returns (ms, valid). Invalid rows hold 0.

    Valid means year 1..9999, a real calendar day, hour 0-23, minute 0-59,
    second 0-60 (a leap second rolls into the next minute) and ms 0-999.
    """
    valid = (year >= 1) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1)
    valid &= (hour >= 0) & (hour <= 23) & (minute >= 0) & (minute <= 59)
    valid &= (second >= 0) & (second <= 60) & (millis >= 0) & (millis <= 999)
    y, m = np.where(valid, year, 1970), np.where(valid, month, 1)
    valid &= day <= _days_in_month(y, m)
    d = np.where(valid, day, 1)
    ms = _days_from_civil(y, m, d) * MS_PER_DAY
    ms += ((hour * 60 + minute) * 60 + second) * 1000 + millis
    return np.where(valid, ms, 0), valid


def year_of(ms: I64) -> I64:
    """Calendar year (UTC) of epoch milliseconds."""
    years: I64 = ms.astype("datetime64[ms]").astype("datetime64[Y]").astype(np.int64)
    return years + 1970


def eta_ms(month: I64, day: I64, hour: I64, minute: I64, report_ms: I64) -> tuple[I64, Mask]:
    """ETA parts (-1 = not available) placed in the report's year, or the next one.

    The next year is used when the ETA would lie more than :data:`ETA_PAST_LIMIT_MS`
    before the report. Any part not available, or no real date -> invalid.
    """
    zero = np.zeros_like(month)
    year = year_of(report_ms)
    this, ok_this = civil_ms(year, month, day, hour, minute, zero, zero)
    following, ok_next = civil_ms(year + 1, month, day, hour, minute, zero, zero)
    use_next = ok_this & (this < report_ms - ETA_PAST_LIMIT_MS)
    use_next |= ~ok_this & ok_next & (month == 2) & (day == 29)
    return np.where(use_next, following, this), np.where(use_next, ok_next, ok_this)


def forward_fill(values: I64, present: Mask, carry: int | None) -> tuple[I64, Mask]:
    """Last present value at or before each row (``carry`` before the first); (values, known)."""
    index = np.where(present, np.arange(len(values)), -1)
    np.maximum.accumulate(index, out=index)
    known = index >= 0
    filled = values[np.maximum(index, 0)] if len(values) else values.copy()
    if carry is not None:
        filled = np.where(known, filled, carry)
        known = np.ones_like(known)
    return filled, known
