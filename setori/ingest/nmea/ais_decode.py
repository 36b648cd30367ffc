"""AIS payload decoding (ITU-R M.1371, https://gpsd.gitlab.io/gpsd/AIVDM.html).

CONTRACT (stable; other modules rely on it):

``decode(payloads, fill_bits) -> Decoded`` takes N armoured payload strings
(the 6th field of a !AIVDM sentence, multipart payloads already concatenated)
and their fill-bit counts, and returns:

* ``positions``: one row per type 1, 2, 3, 18, 19, 27 message; columns
  ``idx`` (int64, index into the input), ``mmsi`` int32, ``lat``/``lon`` float64
  (null when "not available": 91 / 181), ``sog_kn`` float32 (null for 102.3,
  type 27: 63), ``cog_deg`` float32 (null for 360, type 27: 511), ``heading_deg``
  int16 (null for 511), ``nav_status`` int8 (null for 15 and for class B),
  ``msg_type`` int8.
* ``statics``: one row per type 5, 19 and 24 (part A or B) message; columns
  ``idx``, ``mmsi``, ``msg_type``, ``part`` ("A"/"B"/null), ``imo`` int32 (null for 0),
  ``name``, ``call_sign``, ``destination`` (trailing ``@``, leading and trailing spaces stripped,
  empty -> null), ``ship_type`` int16 (null for 0), ``to_bow_m``, ``to_stern_m``,
  ``to_port_m``, ``to_starboard_m`` int16 (null for 0), ``length_m`` / ``beam_m``
  float32 (bow+stern / port+starboard, null unless both > 0), ``draught_m`` float32
  (null for 0), ``eta_month``, ``eta_day``, ``eta_hour``, ``eta_minute`` int8
  (null for 0 / 0 / 24 / 60).
* ``rejects``: ``idx``, ``reason`` for payloads that cannot be decoded (bad
  armour character, too short for their type, empty).
* ``msg_type``: int8 array of length N with each payload's type (0 if empty).

Payloads of other types (4, 21, ...) appear in none of the three tables.

Implementation notes (all relative to the gpsd AIVDM document above):

* Rows of every table are in input order (ascending ``idx``). A type 19 message
  has a row in both ``positions`` and ``statics``.
* The decoder never builds one Python object per message. It reads the Arrow
  data buffer and offsets directly. Compiled loops (numba) do the per-byte
  work: one branch-free pass checks every character against the armour
  alphabet ("AIS Payload Armoring"; the offending payloads are then located),
  and one cuts the bit fields of a table's layouts (one row of
  ``(start, width, signed)`` per field and layout, from the gpsd tables) out of
  every payload with shifts and masks. Sentinels, scaling and text trimming are
  then NumPy over whole columns. This is ~2.4x faster end to end than the same
  design in NumPy alone (gathering a characters x rows matrix, commit 6a7e37d),
  with identical output; ``bench/bench_decode.py`` has the numbers.
* This module is longer than the style guide's ~400 lines because the bit
  layouts, kernels and column rules of one wire format belong together.
* Fill bits are set to zero; bits past the end of a payload read as zero (gpsd
  does the same). A payload is accepted when it holds every field kept here,
  even if it is shorter than the nominal length: e.g. types 1-3 need 137 of
  168 bits, type 24 part A 160 of 168. Type 5 follows gpsd and accepts 420
  bits or more of 424 (many transmitters send 420 or 422). pyais returns the
  available bits of a cut field as a narrower number instead, so the two
  differ only in the last destination character of a 420-423 bit type 5.
* Text ("Six-bit ASCII"): trailing ``@`` and spaces and leading spaces are stripped
  (as pyais does); ``@`` inside the text is kept.
* Type 24 part B of an auxiliary craft (MMSI 98xxxxxxx) carries the
  mothership MMSI where the dimensions would be, so its dimensions are null.
  Type 24 part numbers 2 and 3 are rejected (pyais raises on them too).
* Ship type is the raw code; pyais folds unassigned codes into its enum.
* Type 0 (pyais decodes it as type 1) is not a position report here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit

from setori.errors import InputError

POSITION_TYPES = (1, 2, 3, 18, 19, 27)
STATIC_TYPES = (5, 19, 24)

DECODED_POSITIONS = pa.schema(
    [
        ("idx", pa.int64()),
        ("mmsi", pa.int32()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("sog_kn", pa.float32()),
        ("cog_deg", pa.float32()),
        ("heading_deg", pa.int16()),
        ("nav_status", pa.int8()),
        ("msg_type", pa.int8()),
    ]
)
DECODED_STATICS = pa.schema(
    [
        ("idx", pa.int64()),
        ("mmsi", pa.int32()),
        ("msg_type", pa.int8()),
        ("part", pa.string()),
        ("imo", pa.int32()),
        ("name", pa.string()),
        ("call_sign", pa.string()),
        ("ship_type", pa.int16()),
        ("to_bow_m", pa.int16()),
        ("to_stern_m", pa.int16()),
        ("to_port_m", pa.int16()),
        ("to_starboard_m", pa.int16()),
        ("length_m", pa.float32()),
        ("beam_m", pa.float32()),
        ("draught_m", pa.float32()),
        ("destination", pa.string()),
        ("eta_month", pa.int8()),
        ("eta_day", pa.int8()),
        ("eta_hour", pa.int8()),
        ("eta_minute", pa.int8()),
    ]
)
REJECTS = pa.schema([("idx", pa.int64()), ("reason", pa.string())])

Ints = npt.NDArray[np.int64]
Fields = npt.NDArray[np.int32]
Bytes = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]
Column = tuple[npt.NDArray[np.generic], Mask | None]  # values, valid (None: all valid)


@dataclass(slots=True)
class Decoded:
    """What :func:`decode` returns; see the module docstring."""

    positions: pa.Table
    statics: pa.Table
    rejects: pa.Table
    msg_type: npt.NDArray[np.int8]


#: "AIS Payload Armoring": '0'..'W' -> 0..39, '`'..'w' -> 40..63, anything else -> 255.
_ARMOUR = np.full(256, 255, dtype=np.uint8)
_ARMOUR[48:88] = np.arange(40)
_ARMOUR[96:120] = np.arange(40, 64)
#: "Six-bit ASCII": 0..31 -> '@'..'_', 32..63 -> ' '..'?'.
_SIXBIT_ASCII = np.array([v + 64 if v < 32 else v for v in range(64)], dtype=np.uint8)
_AT, _SPACE = ord("@"), ord(" ")
_AUX_CRAFT_MMSI = (980_000_000, 989_999_999)

# Reject codes, in the order they are checked.
_OK, _EMPTY, _FILL, _CHAR, _SHORT, _PART = range(6)


def _specs(*layouts: list[tuple[int, int]]) -> Ints:
    """layouts x (fields + 1) x (start bit, width, signed) table; width 0 = not in this
    layout, a negative width in ``layouts`` marks a two's-complement field. The extra
    last row holds the number of characters that cover every field of the layout.
    """
    table = np.array(layouts, dtype=np.int64)
    specs = np.stack([table[..., 0], np.abs(table[..., 1]), table[..., 1] < 0], axis=-1)
    n_chars = (specs[..., 0] + specs[..., 1] + 5).max(axis=1) // 6
    last = np.zeros((len(layouts), 1, 3), dtype=np.int64)
    last[:, 0, 0] = n_chars
    return np.concatenate([specs, last], axis=1)


# Position layouts (gpsd AIVDM): "Types 1, 2 and 3: Position Report Class A",
# "Type 18: Standard Class B CS Position Report", "Type 19: Extended Class B CS
# Position Report", "Type 27: Long Range AIS Broadcast message".
# Fields: mmsi, nav_status, sog, lon, lat, cog, heading.
_P_MMSI, _P_STATUS, _P_SOG, _P_LON, _P_LAT, _P_COG, _P_HEADING = range(7)
_CLASS_B = [(8, 30), (0, 0), (46, 10), (57, -28), (85, -27), (112, 12), (124, 9)]
_POSITION_SPECS = _specs(
    [(8, 30), (38, 4), (50, 10), (61, -28), (89, -27), (116, 12), (128, 9)],
    _CLASS_B,
    _CLASS_B,
    [(8, 30), (40, 4), (79, 6), (44, -18), (62, -17), (85, 9), (0, 0)],
)
_LONG_RANGE = 3
#: Per position layout: lat/lon units per degree, SOG units per knot, SOG "not
#: available", COG units per degree, COG "not available".
_PER_DEGREE = np.array([600_000.0, 600_000.0, 600_000.0, 600.0])
_SOG_SCALE, _SOG_NA = (10.0, 1.0), (1023, 63)
_COG_SCALE, _COG_NA = (10.0, 1.0), (3600, 511)

# Static layouts: "Type 5: Static and Voyage Related Data", "Type 19", "Type 24:
# Static Data Report" part A and part B. Fields: mmsi, imo, ship_type, to_bow,
# to_stern, to_port, to_starboard, eta month, day, hour, minute, draught, then one
# six-bit field per character of call_sign (7), name (20), destination (20).
_TEXT_CHARS = {"call_sign": 7, "name": 20, "destination": 20}
_S_TEXT = 12


def _text(start: int | None, n_chars: int) -> list[tuple[int, int]]:
    return [(start + 6 * k, 6) if start is not None else (0, 0) for k in range(n_chars)]


def _dims(start: int | None) -> list[tuple[int, int]]:
    if start is None:
        return [(0, 0)] * 4
    return [(start, 9), (start + 9, 9), (start + 18, 6), (start + 24, 6)]


_NONE = (0, 0)
_STATIC_SPECS = _specs(
    [(8, 30), (40, 30), (232, 8), *_dims(240), (274, 4), (278, 5), (283, 5), (288, 6),
     (294, 8), *_text(70, 7), *_text(112, 20), *_text(302, 20)],
    [(8, 30), _NONE, (263, 8), *_dims(271), *[_NONE] * 5,
     *_text(None, 7), *_text(143, 20), *_text(None, 20)],
    [(8, 30), _NONE, _NONE, *_dims(None), *[_NONE] * 5,
     *_text(None, 7), *_text(40, 20), *_text(None, 20)],
    [(8, 30), _NONE, (40, 8), *_dims(132), *[_NONE] * 5,
     *_text(90, 7), *_text(None, 20), *_text(None, 20)],
)  # fmt: skip
_TYPE5, _TYPE19, _PART_A, _PART_B = range(4)

#: Layout of each message type (-1: none); type 24 is resolved by its part number.
_POSITION_LAYOUT = np.full(64, -1, dtype=np.int64)
_POSITION_LAYOUT[[1, 2, 3, 18, 19, 27]] = [0, 0, 0, 1, 2, 3]
_STATIC_LAYOUT = np.full(64, -1, dtype=np.int64)
_STATIC_LAYOUT[[5, 19, 24]] = [_TYPE5, _TYPE19, _PART_A]
#: Fewest bits holding every field kept (type 5: 420 as gpsd accepts; 24: part A).
_MIN_BITS = np.zeros(64, dtype=np.int64)
_MIN_BITS[[1, 2, 3, 5, 18, 19, 24, 27]] = [137, 137, 137, 420, 133, 301, 160, 94]
_MIN_BITS_PART_B = 162


# --- compiled loops ------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _any_outside_armour(raw: Bytes) -> bool:
    """Whether any byte is outside '0'-'W', '`'-'w' (one branch-free pass over the buffer)."""
    acc: np.bool_ = np.bool_(False)
    for k in range(raw.size):
        c = raw[k]
        acc |= (np.uint8(c - np.uint8(48)) > np.uint8(71)) | (
            np.uint8(c - np.uint8(88)) < np.uint8(8)
        )
    return bool(acc)


@njit(cache=True, nogil=True)
def _first_bad_kernel(raw: Bytes, starts: Ints, lengths: Ints, lut: Bytes, bad: Ints) -> None:
    """bad[i] = offset of payload i's first character outside the armour alphabet, or -1."""
    for i in range(starts.size):
        bad[i] = -1
        for j in range(lengths[i]):
            if lut[raw[starts[i] + j]] == 255:
                bad[i] = j
                break


@njit(cache=True, nogil=True)
def _field_kernel(
    raw: Bytes, lut: Bytes, starts: Ints, n_bits: Ints,
    rows: Ints, layouts: Ints, specs: Ints, out: Fields,
) -> None:  # fmt: skip
    """out[f, r] = field f of payload rows[r] under its layout (all characters valid).

    The payload's bits go into 60-bit words (10 characters each), so that a field
    is one or two shifts; bits at or past the payload's bit length (fill bits,
    missing bits) read as zero.
    """
    words = np.zeros(8, dtype=np.int64)
    n_fields = specs.shape[1] - 1
    for r in range(rows.size):
        i, layout = rows[r], layouts[r]
        layout_chars = specs[layout, n_fields, 0]
        n_chars = min(layout_chars, (n_bits[i] + 5) // 6)
        _load_words(raw, lut, starts[i], n_chars, 6 * n_chars - n_bits[i], words)
        words[(n_chars + 9) // 10 : (layout_chars + 9) // 10] = 0
        for f in range(n_fields):
            start, width = specs[layout, f, 0], specs[layout, f, 1]
            w, end = start // 60, start % 60 + width
            if end <= 60:
                acc = words[w] >> (60 - end)
            else:
                acc = (words[w] << (end - 60)) | (words[w + 1] >> (120 - end))
            acc &= (1 << width) - 1
            if specs[layout, f, 2] and acc >> (width - 1):
                acc -= 1 << width
            out[f, r] = acc


@njit(cache=True, nogil=True, inline="always")
def _load_words(raw: Bytes, lut: Bytes, start: int, n_chars: int, fill: int, words: Ints) -> None:
    """Six-bit values of raw[start:start + n_chars] into 60-bit words, fill bits cleared."""
    c = w = 0
    while c < n_chars:
        acc, stop = 0, min(c + 10, n_chars)
        for k in range(c, stop):
            acc = (acc << 6) | int(lut[raw[start + k]])
        words[w] = acc << (6 * (10 - stop + c))
        c, w = stop, w + 1
    if fill > 0:
        c = n_chars - 1
        words[c // 10] &= ~(((1 << fill) - 1) << (54 - 6 * (c % 10)))


# --- decode --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Payloads:
    """The input bytes: payload i is ``raw[starts[i]:starts[i] + lengths[i]]``."""

    raw: Bytes
    starts: Ints
    lengths: Ints
    fill_bits: Ints

    @property
    def n_bits(self) -> Ints:
        return 6 * self.lengths - self.fill_bits


def decode(payloads: pa.Array, fill_bits: npt.NDArray[np.integer]) -> Decoded:
    """Decode N armoured AIS payloads at once. See the module docstring.

    Raises :class:`setori.errors.InputError` only for unusable arguments
    (not a string array, or ``fill_bits`` of another length); bad payloads
    go to ``rejects``.
    """
    data = _read_payloads(payloads, fill_bits)
    msg_type, code, detail = _classify(data)
    positions = _positions(data, msg_type, code)
    statics = _statics(data, msg_type, _static_layouts(msg_type, code, detail))
    return Decoded(positions, statics, _rejects(data, msg_type, code, detail), msg_type)


def _read_payloads(payloads: pa.Array, fill_bits: npt.NDArray[np.integer]) -> _Payloads:
    """Zero-copy view of the Arrow offsets and data; null payloads become empty."""
    arr = _as_large_binary(payloads)
    fill = np.asarray(fill_bits).astype(np.int64)
    if fill.shape != (len(arr),):
        raise InputError(f"fill_bits has shape {fill.shape}, expected ({len(arr)},)")
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    raw = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    if arr.null_count:
        lengths[arr.is_null().to_numpy(zero_copy_only=False)] = 0
    return _Payloads(raw, offsets[:-1].copy(), lengths, fill)


def _as_large_binary(payloads: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(payloads, pa.ChunkedArray):
        payloads = payloads.combine_chunks()
    if not isinstance(payloads, pa.Array):
        raise InputError(f"payloads is a {type(payloads).__name__}, expected a pyarrow Array")
    try:
        return payloads.cast(pa.large_binary())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        raise InputError(f"payloads has type {payloads.type}, expected string") from err


def _classify(data: _Payloads) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8], Ints]:
    """Type of each payload, its reject code (``_OK`` if kept) and a detail for the
    reason (offset of the bad character, or the type 24 part number)."""
    bad = _first_bad(data)
    first = (
        _ARMOUR[data.raw[np.minimum(data.starts, max(len(data.raw) - 1, 0))]]
        if len(data.raw)
        else 0
    )
    msg_type = np.where((data.lengths > 0) & (bad != 0), first, 0).astype(np.int64)
    part = _part_number(data, msg_type)
    min_bits = np.where((msg_type == 24) & (part == 1), _MIN_BITS_PART_B, _MIN_BITS[msg_type])
    code = np.select(
        [
            data.lengths == 0,
            (data.fill_bits < 0) | (data.fill_bits > 5),
            bad >= 0,
            data.n_bits < min_bits,
            part > 1,
        ],
        [_EMPTY, _FILL, _CHAR, _SHORT, _PART],
        _OK,
    ).astype(np.int8)
    return msg_type.astype(np.int8), code, np.where(code == _CHAR, bad, part)


def _first_bad(data: _Payloads) -> Ints:
    """Offset of each payload's first character outside the armour alphabet, or -1."""
    bad = np.full(len(data.starts), -1, dtype=np.int64)
    used = data.raw[data.starts[0] : data.starts[-1] + data.lengths[-1]] if len(bad) else data.raw
    if _any_outside_armour(used):
        _first_bad_kernel(data.raw, data.starts, data.lengths, _ARMOUR, bad)
    return bad


def _part_number(data: _Payloads, msg_type: Ints) -> Ints:
    """Bits 38-39 of type 24 payloads ("Type 24: Static Data Report"), else 0."""
    part = np.zeros(len(msg_type), dtype=np.int64)
    rows = np.flatnonzero((msg_type == 24) & (data.lengths >= 7))
    part[rows] = _ARMOUR[data.raw[data.starts[rows] + 6]] >> 2 & 0b11
    return part


def _static_layouts(msg_type: npt.NDArray[np.int8], code: npt.NDArray[np.int8], part: Ints) -> Ints:
    """Static layout of each payload (-1: none); part is the type 24 part number of kept rows."""
    layouts = np.where(code == _OK, _STATIC_LAYOUT[msg_type], -1)
    layouts[(layouts == _PART_A) & (part == 1)] = _PART_B
    return layouts


def _fields(data: _Payloads, rows: Ints, layouts: Ints, specs: Ints) -> Fields:
    """fields x rows raw values (every field is at most 30 bits), cut by :func:`_field_kernel`."""
    out = np.empty((specs.shape[1] - 1, len(rows)), dtype=np.int32)
    _field_kernel(data.raw, _ARMOUR, data.starts, data.n_bits, rows, layouts, specs, out)
    return out


# --- positions -----------------------------------------------------------------------------


def _positions(
    data: _Payloads, msg_type: npt.NDArray[np.int8], code: npt.NDArray[np.int8]
) -> pa.Table:
    layouts = np.where(code == _OK, _POSITION_LAYOUT[msg_type], -1)
    rows = np.flatnonzero(layouts >= 0)
    layouts = layouts[rows]
    f = _fields(data, rows, layouts, _POSITION_SPECS)
    long_range = layouts == _LONG_RANGE
    columns = {
        "idx": (rows, None),
        "mmsi": (f[_P_MMSI], None),
        **_lat_lon(f, layouts),
        **_speed_course(f, long_range),
        "heading_deg": (f[_P_HEADING], (f[_P_HEADING] != 511) & ~long_range),
        "nav_status": (f[_P_STATUS], (f[_P_STATUS] != 15) & (layouts != 1) & (layouts != 2)),
        "msg_type": (msg_type[rows], None),
    }
    return _table(DECODED_POSITIONS, columns, len(rows))


def _lat_lon(f: Fields, layouts: Ints) -> dict[str, Column]:
    """Degrees from 1/10000 minute (1/10 minute for type 27); 91 / 181 -> null."""
    per_degree = _PER_DEGREE[layouts] if len(layouts) and layouts.max() == _LONG_RANGE else 6e5
    lat, lon = f[_P_LAT] / per_degree, f[_P_LON] / per_degree
    return {"lat": (lat, lat != 91.0), "lon": (lon, lon != 181.0)}


def _speed_course(f: Fields, long_range: Mask) -> dict[str, Column]:
    """Knots and degrees from 1/10 (type 27: whole) units; "not available" -> null."""
    sog, cog = f[_P_SOG], f[_P_COG]
    if long_range.any():
        sog_kn = np.where(long_range, sog / _SOG_SCALE[1], sog / _SOG_SCALE[0])
        sog_ok = sog != np.where(long_range, _SOG_NA[1], _SOG_NA[0])
        cog_deg = np.where(long_range, cog / _COG_SCALE[1], cog / _COG_SCALE[0])
        cog_ok = cog != np.where(long_range, _COG_NA[1], _COG_NA[0])
        return {"sog_kn": (sog_kn, sog_ok), "cog_deg": (cog_deg, cog_ok)}
    return {
        "sog_kn": (sog / _SOG_SCALE[0], sog != _SOG_NA[0]),
        "cog_deg": (cog / _COG_SCALE[0], cog != _COG_NA[0]),
    }


# --- statics -------------------------------------------------------------------------------


def _statics(data: _Payloads, msg_type: npt.NDArray[np.int8], layouts: Ints) -> pa.Table:
    rows = np.flatnonzero(layouts >= 0)
    layouts = layouts[rows]
    f = _fields(data, rows, layouts, _STATIC_SPECS)
    columns = {
        "idx": (rows, None),
        "mmsi": (f[0], None),
        "msg_type": (msg_type[rows], None),
        "imo": (f[1], f[1] != 0),
        "ship_type": (f[2], f[2] != 0),
        **_dimensions(f[3:7], (layouts != _PART_B) | ~_is_aux_craft(f[0])),
        **_eta(f[7:11], layouts == _TYPE5),
        "draught_m": (f[11] / 10.0, f[11] != 0),
    }
    table = _table(DECODED_STATICS, columns, len(rows))
    return _add_texts(table, f[_S_TEXT:], layouts)


def _is_aux_craft(mmsi: Fields) -> Mask:
    """MMSI 98xxxxxxx: "auxiliary craft associated with a parent ship" (ITU-R M.585)."""
    return (mmsi >= _AUX_CRAFT_MMSI[0]) & (mmsi <= _AUX_CRAFT_MMSI[1])


def _dimensions(dims: Fields, usable: Mask) -> dict[str, Column]:
    """Dimensions to bow/stern/port/starboard; length and beam only when both parts are > 0."""
    bow, stern, port, stbd = dims
    return {
        "to_bow_m": (bow, usable & (bow != 0)),
        "to_stern_m": (stern, usable & (stern != 0)),
        "to_port_m": (port, usable & (port != 0)),
        "to_starboard_m": (stbd, usable & (stbd != 0)),
        "length_m": (bow + stern, usable & (bow > 0) & (stern > 0)),
        "beam_m": (port + stbd, usable & (port > 0) & (stbd > 0)),
    }


def _eta(eta: Fields, has_eta: Mask) -> dict[str, Column]:
    month, day, hour, minute = eta
    return {
        "eta_month": (month, month != 0),
        "eta_day": (day, day != 0),
        "eta_hour": (hour, has_eta & (hour != 24)),
        "eta_minute": (minute, has_eta & (minute != 60)),
    }


def _add_texts(table: pa.Table, codes: Fields, layouts: Ints) -> pa.Table:
    """Fill the part letter and the six-bit text columns."""
    part = np.select([layouts == _PART_A, layouts == _PART_B], [ord("A"), ord("B")], _AT)
    table = table.set_column(3, "part", _strings(part.astype(np.uint8)[:, None]))
    start = 0
    for name, n_chars in _TEXT_CHARS.items():
        chars = _SIXBIT_ASCII[codes[start : start + n_chars].T]
        table = table.set_column(table.schema.get_field_index(name), name, _strings(chars))
        start += n_chars
    return table


def _strings(chars: Bytes) -> pa.Array:
    """One string per row of an ASCII matrix, trailing '@' and ' ' stripped, empty -> null."""
    n, k = chars.shape
    keep = (chars != _AT) & (chars != _SPACE)
    lengths = (keep * np.arange(1, k + 1, dtype=np.uint8)).max(axis=1, initial=0)
    body = chars[np.arange(k)[None, :] < lengths[:, None]]
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    valid = lengths > 0
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    text = pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(body.tobytes()), bitmap, int(n - valid.sum())
    )
    return _without_leading_spaces(text)


def _without_leading_spaces(text: pa.StringArray) -> pa.Array:
    """Leading spaces stripped too (as pyais does): names are compared and screened."""
    trimmed = pc.utf8_ltrim(text, characters=" ")
    return pc.if_else(pc.equal(pc.utf8_length(trimmed), 0), pa.scalar(None, pa.string()), trimmed)


# --- tables --------------------------------------------------------------------------------


def _table(schema: pa.Schema, columns: dict[str, Column], n: int) -> pa.Table:
    """Arrow table of ``schema``; columns not given are all null."""
    arrays = [_array(columns.get(f.name), f.type, n) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _array(column: Column | None, dtype: pa.DataType, n: int) -> pa.Array:
    if column is None:
        return pa.nulls(n, dtype)
    values, valid = column
    values = values.astype(dtype.to_pandas_dtype(), copy=False)
    mask = None if valid is None or valid.all() else ~valid
    return pa.array(values, type=dtype, mask=mask)


def _rejects(
    data: _Payloads, msg_type: npt.NDArray[np.int8], code: npt.NDArray[np.int8], detail: Ints
) -> pa.Table:
    """One row per rejected payload; each distinct reason is formatted once."""
    rows = np.flatnonzero(code != _OK)
    code, msg_type, detail = code[rows], msg_type[rows].astype(np.int64), detail[rows]
    part_b = (msg_type == 24) & (detail == 1)
    has_char = code == _CHAR
    byte = data.raw[np.where(has_char, data.starts[rows] + detail, 0)] if has_char.any() else 0
    keys = np.select(
        [code == _FILL, has_char, code == _SHORT, code == _PART],
        [
            data.fill_bits[rows],
            detail * 256 + byte,
            (msg_type * 2 + part_b) << 32 | data.n_bits[rows],
            detail,
        ],
        0,
    )
    texts: list[str] = []
    index = np.empty(len(rows), dtype=np.int64)
    for c in np.unique(code).tolist():
        sel = code == c
        unique, inverse = np.unique(keys[sel], return_inverse=True)
        index[sel] = len(texts) + inverse
        texts.extend(_reason(c, int(k)) for k in unique)
    reasons = pa.array(texts, pa.string()).take(pa.array(index))
    return pa.Table.from_arrays([pa.array(rows), reasons], schema=REJECTS)


def _reason(code: int, key: int) -> str:
    """Why a payload was rejected, saying what was seen and what was expected."""
    if code == _EMPTY:
        return "empty payload"
    if code == _FILL:
        return f"fill bits {key}, expected 0-5"
    if code == _CHAR:
        offset, byte = divmod(key, 256)
        seen = repr(chr(byte)) if 32 <= byte < 127 else f"byte 0x{byte:02x}"
        return (
            f"character {seen} at offset {offset} is outside the armour alphabet '0'-'W', '`'-'w'"
        )
    if code == _SHORT:
        type_part, n_bits = divmod(key, 1 << 32)
        msg_type, part_b = divmod(type_part, 2)
        min_bits = _MIN_BITS_PART_B if part_b else _MIN_BITS[msg_type]
        return f"type {msg_type} payload has {n_bits} bits, expected >= {min_bits}"
    return f"type 24 part number {key}, expected 0 (A) or 1 (B)"
