"""One compiled pass over a chunk's bytes: what each line is, its fields, its time.

For each line the kernel writes one row of :data:`COLUMNS` (int64): the line's
:class:`~setori.ingest.nmea.lines.Kind`, a line-level quarantine reason (index into
:data:`REASONS`, 0 = none), the time the line carries (``ms``; :data:`NO_MS` if none)
and byte spans of its receiver and payload. Only structure is read here; payloads
are decoded later in bulk. An AIS sentence (IEC 61162-1, see
https://gpsd.gitlab.io/gpsd/AIVDM.html#_aivdmaivdo_sentence_layout)::

    [\\tag block*hh\\]!AIVDM,<count>,<number>,<seq id>,<channel>,<payload>,<fill bits>*hh[,trailing]

The Navico GoFree gateway adds one numeric field before ``*hh``; it is accepted.
Checks run in the order of :data:`REASONS`; the first failing one is the reason.
"""

from __future__ import annotations

import numpy as np

from setori.ingest.nmea.bytes import (
    NO_MS,
    checksum_after,
    clock_ms,
    date_ms,
    epoch_ms,
    find_byte,
    has_high_byte,
    hhmmss_ms,
    jit,
    split_fields,
    uint_value,
    xor_bytes,
)
from setori.ingest.nmea.lines import Kind

#: Line-level quarantine reasons (index 0: none), in the order they are checked.
REASONS = (
    "",
    "non_ascii",  # a byte >= 0x80: NMEA 0183 is 7-bit ASCII
    "missing_checksum",  # no ``*hh`` (two hex digits) after the fields: truncated
    "bad_checksum",  # XOR of the characters between ``!`` and ``*`` is not ``hh``
    "trailing_garbage",  # something other than ``,fields`` after ``*hh``
    "bad_tag_block",  # tag block without a valid ``*hh`` (``00`` is tolerated)
    "bad_field_count",  # not 7 fields (8 with the GoFree numeric extra field)
    "bad_fragment_number",  # fragment count / number not 1-9, or number > count
    "bad_sequence_id",  # sequence id neither empty nor one digit
    "bad_channel",  # channel longer than one character
    "bad_fill_bits",  # fill bits not 0-5
    "garbled_sentence",  # mentions VDM/VDO but is not shaped like an AIS sentence
    "bad_stamp_checksum",  # a $PGHP / RMC / ZDA or tag-block line whose checksum fails
    "bad_stamp_time",  # a $PGHP / RMC (status A) / ZDA whose date or time is not real
)
(
    _NON_ASCII, _MISSING_CS, _BAD_CS, _TRAILING, _BAD_TAG, _FIELD_COUNT, _FRAGMENT,
    _SEQ, _CHANNEL, _FILL, _GARBLED, _STAMP_CS, _STAMP_TIME,
) = range(1, len(REASONS))  # fmt: skip

COLUMNS = (
    "kind", "reason", "ms", "recv_lo", "recv_hi", "group", "stream",
    "count", "number", "seq_id", "channel", "pay_lo", "pay_hi", "fill_bits", "end",
)  # fmt: skip
(
    KIND, REASON, MS, RECV_LO, RECV_HI, GROUP, STREAM,
    COUNT, NUMBER, SEQ_ID, CHANNEL, PAY_LO, PAY_HI, FILL_BITS, END,
) = range(len(COLUMNS))  # fmt: skip

_BACKSLASH, _BANG, _DOLLAR, _HASH, _STAR, _COMMA, _COLON, _DASH = 92, 33, 36, 35, 42, 44, 58, 45
_TAG_NONE, _TAG_OK, _TAG_BAD = 0, 1, 2
_K_OTHER, _K_AIS, _K_GARBLED = int(Kind.OTHER), int(Kind.AIS), int(Kind.GARBLED)
_K_PGHP, _K_RMC, _K_ZDA = int(Kind.PGHP), int(Kind.RMC), int(Kind.ZDA)
_K_TAG_ONLY = int(Kind.TAG_ONLY)


@jit
def _group_id(buf: np.ndarray, lo: int, hi: int) -> int:
    """``<n>-<count>-<id>`` (tag ``g:`` value) -> id, or -1."""
    first = find_byte(buf, _DASH, lo, hi)
    second = find_byte(buf, _DASH, first + 1, hi) if first >= 0 else -1
    return uint_value(buf, second + 1, hi) if second >= 0 else -1


@jit
def _tag_block(buf: np.ndarray, lo: int, hi: int, row: np.ndarray) -> int:
    """Check ``buf[lo:hi]`` (``key:value,...*hh``); record ``c:``, ``s:``, ``g:``. Returns state."""
    star = find_byte(buf, _STAR, lo, hi)
    given = checksum_after(buf, star, hi)
    if given < 0 or star + 3 != hi:
        return _TAG_BAD
    if given != xor_bytes(buf, lo, star) and not (buf[star + 1] == 48 and buf[star + 2] == 48):
        return _TAG_BAD
    a = lo
    while a < star:
        b = find_byte(buf, _COMMA, a, star)
        b = star if b < 0 else b
        if b - a > 2 and buf[a + 1] == _COLON:
            key = buf[a]
            if key == 99 and row[MS] == NO_MS:  # c:
                row[MS] = epoch_ms(buf, a + 2, b, 1, 16)
            elif key == 115 and row[RECV_LO] < 0:  # s:
                row[RECV_LO], row[RECV_HI] = a + 2, b
            elif key == 103:  # g:
                row[GROUP] = _group_id(buf, a + 2, b)
        a = b + 1
    return _TAG_OK


@jit
def _trailing(buf: np.ndarray, lo: int, hi: int, row: np.ndarray) -> None:
    """Fields after ``*hh``: the first 9-13 digit unix time, the first ``r…``/``b…`` station."""
    a = lo + 1
    while a <= hi:
        b = find_byte(buf, _COMMA, a, hi)
        b = hi if b < 0 else b
        if row[MS] == NO_MS:
            row[MS] = epoch_ms(buf, a, b, 9, 13)
        if row[RECV_LO] < 0 and b - a >= 2 and (buf[a] == 114 or buf[a] == 98):
            row[RECV_LO], row[RECV_HI] = a, b
        a = b + 1


@jit
def _sentence_checksum(buf: np.ndarray, body: int, hi: int) -> int:
    """0 when ``$…*hh`` / ``!…*hh`` checks out (``,…`` may follow), else a reason."""
    star = find_byte(buf, _STAR, body, hi)
    given = checksum_after(buf, star, hi)
    if given < 0:
        return _MISSING_CS
    if given != xor_bytes(buf, body + 1, star):
        return _BAD_CS
    if star + 3 < hi and buf[star + 3] != _COMMA:
        return _TRAILING
    return 0


@jit
def _digit(buf: np.ndarray, lo: int, hi: int, low: int, high: int) -> int:
    """A field of exactly one digit in ``low..high`` -> its value, else -1."""
    if hi - lo != 1 or buf[lo] < 48 + low or buf[lo] > 48 + high:
        return -1
    return int(buf[lo]) - 48


@jit
def _ais_fields(buf: np.ndarray, body: int, star: int, bounds: np.ndarray, row: np.ndarray) -> int:
    """Split and check the fields of a checksummed AIS sentence; 0 or a reason."""
    n = split_fields(buf, body, star, bounds)
    if n == 8:
        if bounds[8] - bounds[7] > 1 and uint_value(buf, bounds[7] + 1, bounds[8]) < 0:
            return _FIELD_COUNT
    elif n != 7:
        return _FIELD_COUNT
    row[COUNT] = _digit(buf, bounds[1] + 1, bounds[2], 1, 9)
    row[NUMBER] = _digit(buf, bounds[2] + 1, bounds[3], 1, 9)
    if row[COUNT] < 0 or row[NUMBER] < 0 or row[NUMBER] > row[COUNT]:
        return _FRAGMENT
    row[SEQ_ID] = _digit(buf, bounds[3] + 1, bounds[4], 0, 9)
    if row[SEQ_ID] < 0 and bounds[4] - bounds[3] > 1:
        return _SEQ
    if bounds[5] - bounds[4] > 2:
        return _CHANNEL
    row[CHANNEL] = buf[bounds[4] + 1] if bounds[5] - bounds[4] == 2 else -1
    row[PAY_LO], row[PAY_HI] = bounds[5] + 1, bounds[6]
    row[FILL_BITS] = _digit(buf, bounds[6] + 1, bounds[7], 0, 5)
    return _FILL if row[FILL_BITS] < 0 else 0


@jit
def _ais(
    buf: np.ndarray, lo: int, body: int, hi: int, tag: int, bounds: np.ndarray, row: np.ndarray
) -> int:
    """Check an AIS line; record its fields and own time/receiver. Returns 0 or a reason."""
    if has_high_byte(buf, lo, hi):
        return _NON_ASCII
    reason = _sentence_checksum(buf, body, hi)
    if reason:
        return reason
    if tag == _TAG_BAD:
        return _BAD_TAG
    star = find_byte(buf, _STAR, body, hi)
    reason = _ais_fields(buf, body, star, bounds, row)
    row[STREAM] = (int(buf[body + 1]) << 16) | (int(buf[body + 2]) << 8) | int(buf[body + 5])
    _trailing(buf, star + 3, hi, row)
    return reason


@jit
def _formatter(buf: np.ndarray, body: int, hi: int, a: int, b: int, c: int) -> bool:
    """Whether ``buf[body:]`` is ``<lead><talker 2><a b c>,``."""
    if hi - body < 7 or buf[body + 6] != _COMMA:
        return False
    return bool(buf[body + 3] == a and buf[body + 4] == b and buf[body + 5] == c)


@jit
def _is_pghp(buf: np.ndarray, body: int) -> bool:
    """Whether ``buf[body:]`` starts ``$PGHP,`` (the caller checked 7 bytes are there)."""
    return bool(
        buf[body + 1] == 80 and buf[body + 2] == 71 and buf[body + 3] == 72
        and buf[body + 4] == 80 and buf[body + 5] == _COMMA
    )  # fmt: skip


@jit
def _mentions_vdm(buf: np.ndarray, lo: int, hi: int) -> bool:
    """Whether ``VDM,`` or ``VDO,`` occurs in ``buf[lo:hi]``."""
    for i in range(lo, hi - 3):
        if buf[i] == 86 and buf[i + 1] == 68 and buf[i + 2] in (77, 79) and buf[i + 3] == _COMMA:
            return True
    return False


@jit
def _field(buf: np.ndarray, bounds: np.ndarray, k: int) -> int:
    """Field ``k`` as an unsigned integer, or -1."""
    return uint_value(buf, bounds[k] + 1, bounds[k + 1])


@jit
def _stamp_time(buf: np.ndarray, kind: int, f: np.ndarray, n: int) -> int:
    """Time of a PGHP / RMC / ZDA sentence with fields ``f``: ms, -1 (none meant), NO_MS (bad)."""
    if kind == _K_PGHP:
        if n < 9 or f[2] - f[1] != 2 or buf[f[1] + 1] != 49:
            return -1
        day = date_ms(_field(buf, f, 2), _field(buf, f, 3), _field(buf, f, 4))
        clock = clock_ms(_field(buf, f, 5), _field(buf, f, 6), _field(buf, f, 7), _field(buf, f, 8))
        return NO_MS if day == NO_MS or clock < 0 else day + clock
    if kind == _K_RMC:
        if n < 10 or f[3] - f[2] != 2 or buf[f[2] + 1] != 65:
            return -1
        d = f[9] + 1
        year = uint_value(buf, d + 4, d + 6) if f[10] - d == 6 else -1
        month, mday = uint_value(buf, d + 2, d + 4), uint_value(buf, d, d + 2)
        day = date_ms(year + 2000, month, mday) if year >= 0 else NO_MS
    else:
        if n < 5 or f[2] - f[1] == 1:
            return -1 if n >= 2 and f[2] - f[1] == 1 else NO_MS
        year = uint_value(buf, f[4] + 1, f[5])
        year = year + 2000 if 0 <= year < 100 else year
        day = date_ms(year, uint_value(buf, f[3] + 1, f[4]), uint_value(buf, f[2] + 1, f[3]))
    clock = hhmmss_ms(buf, f[1] + 1, f[2])
    return NO_MS if day == NO_MS or clock < 0 else day + clock


@jit
def _stamp(
    buf: np.ndarray, kind: int, body: int, hi: int, tag: int, bounds: np.ndarray, row: np.ndarray
) -> int:
    """Check a PGHP / RMC / ZDA line and record its time (and PGHP station). 0 or a reason."""
    if tag == _TAG_BAD or _sentence_checksum(buf, body, hi):
        return _STAMP_CS
    n = split_fields(buf, body, find_byte(buf, _STAR, body, hi), bounds)
    ms = _stamp_time(buf, kind, bounds, n)
    if ms == NO_MS:
        return _STAMP_TIME
    if ms >= 0:
        row[MS] = ms
    if kind == _K_PGHP and n >= 12 and bounds[12] - bounds[11] > 1:
        row[RECV_LO], row[RECV_HI] = bounds[11] + 1, bounds[12]
    return 0


@jit
def _classify(buf: np.ndarray, lo: int, body: int, hi: int, tag: int) -> int:
    if hi - body >= 7 and buf[body] == _BANG and _formatter(buf, body, hi, 86, 68, 77):
        return _K_AIS
    if hi - body >= 7 and buf[body] == _BANG and _formatter(buf, body, hi, 86, 68, 79):
        return _K_AIS
    if _mentions_vdm(buf, lo, hi):
        return _K_GARBLED
    if hi - body >= 7 and buf[body] == _DOLLAR:
        if _is_pghp(buf, body):
            return _K_PGHP
        if _formatter(buf, body, hi, 82, 77, 67):
            return _K_RMC
        if _formatter(buf, body, hi, 90, 68, 65):
            return _K_ZDA
    return _K_TAG_ONLY if tag != _TAG_NONE and body == hi else _K_OTHER


@jit
def _line(buf: np.ndarray, lo: int, hi: int, bounds: np.ndarray, row: np.ndarray) -> None:
    """Fill ``row`` for the line ``buf[lo:hi]`` (line end already stripped)."""
    if hi == lo or buf[lo] == _HASH:
        return
    body, tag = lo, _TAG_NONE
    if buf[lo] == _BACKSLASH:
        close = find_byte(buf, _BACKSLASH, lo + 1, hi)
        if close >= 0:
            body, tag = close + 1, _tag_block(buf, lo + 1, close, row)
    kind = _classify(buf, lo, body, hi, tag)
    row[KIND] = kind
    if kind == _K_AIS:
        row[REASON] = _ais(buf, lo, body, hi, tag, bounds, row)
    elif kind == _K_GARBLED:
        row[REASON] = _GARBLED
    elif kind in (_K_PGHP, _K_RMC, _K_ZDA):
        row[REASON] = _stamp(buf, kind, body, hi, tag, bounds, row)
    elif tag == _TAG_BAD:
        row[REASON] = _STAMP_CS
    if row[REASON]:
        row[MS], row[RECV_LO], row[RECV_HI] = NO_MS, -1, -1


@jit
def scan_kernel(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, out: np.ndarray) -> None:
    """Fill ``out`` (n x len(COLUMNS)) for the lines ``buf[starts[i]:ends[i]]``."""
    bounds = np.empty(24, np.int64)
    for i in range(len(starts)):
        lo, hi = starts[i], ends[i]
        while hi > lo and buf[hi - 1] in (9, 10, 13, 32):
            hi -= 1
        row = out[i]
        row[:] = -1
        row[KIND], row[REASON], row[MS], row[END] = _K_OTHER, 0, NO_MS, hi
        _line(buf, lo, hi, bounds, row)


def scan_lines(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Run :func:`scan_kernel`; returns the n x len(COLUMNS) int64 table."""
    out = np.empty((len(starts), len(COLUMNS)), np.int64)
    scan_kernel(buf, starts, ends, out)
    return out
