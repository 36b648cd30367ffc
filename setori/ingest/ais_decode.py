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
  ``name``, ``call_sign``, ``destination`` (trailing ``@`` and spaces stripped,
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
* The decoder never builds one Python object per message: the Arrow data
  buffer is mapped to 6-bit values with a lookup table ("AIS Payload
  Armoring"), payloads are grouped by field layout, and each field is cut out
  of a chars x rows matrix with shifts and masks.
* Fill bits are set to zero; bits past the end of a payload read as zero (gpsd
  does the same). A payload is accepted when it holds every field kept here,
  even if it is shorter than the nominal length: e.g. types 1-3 need 137 of
  168 bits, type 24 part A 160 of 168. Type 5 follows gpsd and accepts 420
  bits or more of 424 (many transmitters send 420 or 422). pyais returns the
  available bits of a cut field as a narrower number instead, so the two
  differ only in the last destination character of a 420-423 bit type 5.
* Text ("Six-bit ASCII"): trailing ``@`` and spaces are stripped; ``@`` inside
  the text is kept. pyais additionally strips leading spaces.
* Type 24 part B of an auxiliary craft (MMSI 98xxxxxxx) carries the
  mothership MMSI where the dimensions would be, so its dimensions are null.
  Type 24 part numbers 2 and 3 are rejected (pyais raises on them too).
* Type 0 (pyais decodes it as type 1) is not a position report here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

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

Bits = npt.NDArray[np.int64]
Chars = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]

#: "AIS Payload Armoring": '0'..'W' -> 0..39, '`'..'w' -> 40..63, anything else -> 255.
_ARMOUR = np.full(256, 255, dtype=np.uint8)
_ARMOUR[48:88] = np.arange(40)
_ARMOUR[96:120] = np.arange(40, 64)
_BAD = 255
#: "Six-bit ASCII": 0..31 -> '@'..'_', 32..63 -> ' '..'?'.
_SIXBIT_ASCII = np.array([v + 64 if v < 32 else v for v in range(64)], dtype=np.uint8)
_AT, _SPACE = ord("@"), ord(" ")
_PAD_CHARS = 72  # > the longest read: 71 characters of type 5
_AUX_CRAFT_MMSI = (980_000_000, 989_999_999)


@dataclass(slots=True)
class Decoded:
    """What :func:`decode` returns; see the module docstring."""

    positions: pa.Table
    statics: pa.Table
    rejects: pa.Table
    msg_type: npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True)
class _PositionLayout:
    """Bit offsets (start, width) of one position report layout (gpsd AIVDM tables)."""

    types: tuple[int, ...]
    min_bits: int
    sog: tuple[int, int]
    lon: tuple[int, int]
    lat: tuple[int, int]
    cog: tuple[int, int]
    heading: tuple[int, int] | None
    status: tuple[int, int] | None
    minutes_scale: float  # raw lat/lon units per minute of arc
    sog_scale: float  # raw units per knot
    sog_na: int
    cog_scale: float  # raw units per degree
    cog_na: int


#: "Types 1, 2 and 3: Position Report Class A", "Type 18/19: Class B CS Position
#: Report", "Type 27: Long Range AIS Broadcast message".
_POSITION_LAYOUTS = (
    _PositionLayout(
        (1, 2, 3), 137, (50, 10), (61, 28), (89, 27), (116, 12), (128, 9), (38, 4),
        10_000.0, 10.0, 1023, 10.0, 3600,
    ),
    _PositionLayout(
        (18,), 133, (46, 10), (57, 28), (85, 27), (112, 12), (124, 9), None,
        10_000.0, 10.0, 1023, 10.0, 3600,
    ),
    _PositionLayout(
        (19,), 301, (46, 10), (57, 28), (85, 27), (112, 12), (124, 9), None,
        10_000.0, 10.0, 1023, 10.0, 3600,
    ),
    _PositionLayout(
        (27,), 94, (79, 6), (44, 18), (62, 17), (85, 9), None, (40, 4),
        10.0, 1.0, 63, 1.0, 511,
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _StaticLayout:
    """Bit offsets of one static report layout; text fields are (start, n_chars)."""

    msg_type: int
    part: int  # 0: none, 1: "A", 2: "B"
    min_bits: int
    imo: int | None = None
    call_sign: tuple[int, int] | None = None
    name: tuple[int, int] | None = None
    ship_type: int | None = None
    dims: int | None = None  # start of to_bow(9) to_stern(9) to_port(6) to_starboard(6)
    eta: int | None = None  # start of month(4) day(5) hour(5) minute(6)
    draught: int | None = None
    destination: tuple[int, int] | None = None


#: "Type 5: Static and Voyage Related Data", "Type 19", "Type 24: Static Data Report".
_STATIC_LAYOUTS = (
    _StaticLayout(5, 0, 420, 40, (70, 7), (112, 20), 232, 240, 274, 294, (302, 20)),
    _StaticLayout(19, 0, 301, name=(143, 20), ship_type=263, dims=271),
    _StaticLayout(24, 1, 160, name=(40, 20)),
    _StaticLayout(24, 2, 162, call_sign=(90, 7), ship_type=40, dims=132),
)
#: Characters to read per layout: type 5 reads its nominal 424 bits (min is 420).
_STATIC_CHARS = {(5, 0): 71, (19, 0): 51, (24, 1): 27, (24, 2): 27}
_TEXT_COLUMNS = {"name": 20, "call_sign": 7, "destination": 20}
_POSITION_VALUES = DECODED_POSITIONS.names[1:-1]


@dataclass(slots=True)
class _Payloads:
    """The input as flat 6-bit values: row i is ``values[starts[i]:starts[i] + lengths[i]]``.

    ``values`` ends with ``_PAD_CHARS`` zeros so that fixed-width reads never run off.
    """

    raw: Chars
    values: Chars
    starts: Bits
    lengths: Bits
    fill_bits: Bits

    @property
    def bits(self) -> Bits:
        return 6 * self.lengths - self.fill_bits


def decode(payloads: pa.Array, fill_bits: npt.NDArray[np.integer]) -> Decoded:
    """Decode N armoured AIS payloads at once. See the module docstring.

    Raises :class:`setori.errors.InputError` only for unusable arguments
    (not a string array, or ``fill_bits`` of another length); bad payloads
    go to ``rejects``.
    """
    data = _payload_values(payloads, fill_bits)
    msg_type, rejects, part = _classify(data)
    positions = _positions(data, msg_type, rejects)
    statics = _statics(data, msg_type, rejects, part)
    return Decoded(positions, statics, _rejects_table(rejects), msg_type)


# --- input -------------------------------------------------------------------------------


def _payload_values(payloads: pa.Array, fill_bits: npt.NDArray[np.integer]) -> _Payloads:
    """Map the Arrow data buffer through the armour table; null payloads become empty."""
    arr = _as_large_binary(payloads)
    fill = np.asarray(fill_bits, dtype=np.int64)
    if fill.shape != (len(arr),):
        raise InputError(f"fill_bits has shape {fill.shape}, expected ({len(arr)},)")
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    raw = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    if arr.null_count:
        lengths = np.where(arr.is_null().to_numpy(zero_copy_only=False), 0, lengths)
    raw = raw[offsets[0] : offsets[-1]]
    values = np.zeros(len(raw) + _PAD_CHARS, dtype=np.uint8)
    np.take(_ARMOUR, raw, out=values[: len(raw)])
    return _Payloads(raw, values, offsets[:-1] - offsets[0], lengths, fill)


def _as_large_binary(payloads: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(payloads, pa.ChunkedArray):
        payloads = payloads.combine_chunks()
    if not isinstance(payloads, pa.Array):
        raise InputError(f"payloads is a {type(payloads).__name__}, expected a pyarrow Array")
    try:
        return payloads.cast(pa.large_binary())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        raise InputError(f"payloads has type {payloads.type}, expected string") from err


# --- classification ----------------------------------------------------------------------


def _classify(data: _Payloads) -> tuple[npt.NDArray[np.int8], dict[int, str], Bits]:
    """Message type per row, reasons for rejected rows, type 24 part (1=A, 2=B, else 0)."""
    nonempty = data.lengths > 0
    first = np.where(nonempty, data.values[data.starts], 0)
    msg_type = np.where(first == _BAD, 0, first).astype(np.int8)
    rejects: dict[int, str] = {}
    for i in np.flatnonzero(~nonempty):
        rejects[int(i)] = "empty payload"
    for i in np.flatnonzero(nonempty & ((data.fill_bits < 0) | (data.fill_bits > 5))):
        rejects[int(i)] = f"fill bits {data.fill_bits[i]}, expected 0-5"
    _reject_bad_chars(data, rejects)
    part = _type24_part(data, msg_type)
    _reject_short(data, msg_type, part, rejects)
    return msg_type, rejects, part


def _reject_bad_chars(data: _Payloads, rejects: dict[int, str]) -> None:
    bad_at = np.flatnonzero(data.values[: len(data.raw)] == _BAD)
    if not len(bad_at):
        return
    owner = np.searchsorted(data.starts, bad_at, side="right") - 1
    owner_first, first_at = np.unique(owner, return_index=True)
    for row, at in zip(owner_first.tolist(), bad_at[first_at].tolist(), strict=True):
        rejects.setdefault(row, _bad_char_reason(int(data.raw[at]), at - int(data.starts[row])))


def _bad_char_reason(byte: int, offset: int) -> str:
    seen = repr(chr(byte)) if 32 <= byte < 127 else f"byte 0x{byte:02x}"
    return (
        f"character {seen} at offset {offset} is outside the AIS armour alphabet '0'-'W', '`'-'w'"
    )


def _type24_part(data: _Payloads, msg_type: npt.NDArray[np.int8]) -> Bits:
    """1 for part A, 2 for part B, 0 otherwise (bits 38-39, "Type 24: Static Data Report")."""
    part = np.zeros(len(msg_type), dtype=np.int64)
    rows = np.flatnonzero((msg_type == 24) & (data.bits >= 40))
    if len(rows):
        number = (data.values[data.starts[rows] + 6] >> 2 & 0b11).astype(np.int64)
        part[rows] = np.where(number < 2, number + 1, -number)
    return part


def _reject_short(
    data: _Payloads, msg_type: npt.NDArray[np.int8], part: Bits, rejects: dict[int, str]
) -> None:
    min_bits = np.zeros(len(msg_type), dtype=np.int64)
    for layout in _POSITION_LAYOUTS:
        min_bits[np.isin(msg_type, layout.types)] = layout.min_bits
    min_bits[msg_type == 5] = 420
    min_bits[msg_type == 24] = np.where(part[msg_type == 24] == 2, 162, 160)
    bits = data.bits
    for i in np.flatnonzero((bits < min_bits) & (data.lengths > 0)).tolist():
        rejects.setdefault(
            i, f"type {msg_type[i]} payload has {bits[i]} bits, expected >= {min_bits[i]}"
        )
    for i in np.flatnonzero(part < 0).tolist():
        rejects.setdefault(i, f"type 24 part number {-part[i]}, expected 0 (A) or 1 (B)")


def _accepted(
    msg_type: npt.NDArray[np.int8], rejects: dict[int, str], types: tuple[int, ...]
) -> Bits:
    ok = np.isin(msg_type, types)
    if rejects:
        ok[np.fromiter(rejects, dtype=np.int64, count=len(rejects))] = False
    return np.flatnonzero(ok).astype(np.int64)


# --- bit fields --------------------------------------------------------------------------


def _char_matrix(data: _Payloads, rows: Bits, n_chars: int) -> Chars:
    """n_chars x len(rows) 6-bit values; past a payload's end (and fill bits) read as 0."""
    index = data.starts[rows][None, :] + np.arange(n_chars)[:, None]
    m: Chars = data.values[index]
    lengths = data.lengths[rows]
    m[np.arange(n_chars)[:, None] >= lengths[None, :]] = 0
    last = lengths - 1
    inside = last < n_chars
    cols = np.flatnonzero(inside)
    m[last[inside], cols] &= (0x3F << data.fill_bits[rows][inside]).astype(np.uint8) & 0x3F
    return m


def _uint(m: Chars, start: int, width: int) -> Bits:
    """Unsigned field of ``width`` bits at bit ``start`` for every column of ``m``."""
    c0, c1 = start // 6, (start + width - 1) // 6
    acc: Bits = m[c0].astype(np.int64)
    for c in range(c0 + 1, c1 + 1):
        acc = (acc << 6) | m[c]
    return (acc >> (6 * (c1 + 1) - start - width)) & ((1 << width) - 1)


def _int(m: Chars, start: int, width: int) -> Bits:
    """Two's-complement signed field."""
    u = _uint(m, start, width)
    return u - ((u >> (width - 1)) << width)


def _text(m: Chars, start: int, n_chars: int) -> Chars:
    """len(rows) x n_chars ASCII of a six-bit text field."""
    codes = np.stack([_uint(m, start + 6 * k, 6) for k in range(n_chars)], axis=1)
    return _SIXBIT_ASCII[codes]


# --- positions ---------------------------------------------------------------------------


def _positions(
    data: _Payloads, msg_type: npt.NDArray[np.int8], rejects: dict[int, str]
) -> pa.Table:
    rows = _accepted(msg_type, rejects, POSITION_TYPES)
    cols = _empty_position_columns(len(rows))
    for layout in _POSITION_LAYOUTS:
        sel = np.flatnonzero(np.isin(msg_type[rows], layout.types))
        if len(sel):
            m = _char_matrix(data, rows[sel], (layout.min_bits + 5) // 6)
            for name, (values, valid) in _position_fields(m, layout).items():
                cols[name][0][sel] = values
                cols[name][1][sel] = valid
    arrays = [
        pa.array(rows),
        *(
            _masked(*cols[name]).cast(DECODED_POSITIONS.field(name).type)
            for name in _POSITION_VALUES
        ),
    ]
    arrays.append(pa.array(msg_type[rows]))
    return pa.Table.from_arrays(arrays, schema=DECODED_POSITIONS)


def _empty_position_columns(n: int) -> dict[str, tuple[np.ndarray, Mask]]:
    return {
        name: (
            np.zeros(n, dtype=DECODED_POSITIONS.field(name).type.to_pandas_dtype()),
            np.zeros(n, dtype=bool),
        )
        for name in _POSITION_VALUES
    }


def _position_fields(m: Chars, layout: _PositionLayout) -> dict[str, tuple[np.ndarray, Mask]]:
    """Raw fields -> values in the output units, with "not available" -> invalid."""
    lon, lat = _int(m, *layout.lon), _int(m, *layout.lat)
    sog, cog = _uint(m, *layout.sog), _uint(m, *layout.cog)
    per_deg = layout.minutes_scale * 60.0
    out = {
        "mmsi": (_uint(m, 8, 30), np.ones(len(lon), dtype=bool)),
        "lat": (lat / per_deg, lat != round(91 * per_deg)),
        "lon": (lon / per_deg, lon != round(181 * per_deg)),
        "sog_kn": (sog / layout.sog_scale, sog != layout.sog_na),
        "cog_deg": (cog / layout.cog_scale, cog != layout.cog_na),
    }
    if layout.heading is not None:
        heading = _uint(m, *layout.heading)
        out["heading_deg"] = (heading, heading != 511)
    if layout.status is not None:
        status = _uint(m, *layout.status)
        out["nav_status"] = (status, status != 15)
    return out


def _masked(values: np.ndarray, valid: Mask) -> pa.Array:
    return pa.array(values, mask=~valid)


# --- statics -----------------------------------------------------------------------------


def _statics(
    data: _Payloads, msg_type: npt.NDArray[np.int8], rejects: dict[int, str], part: Bits
) -> pa.Table:
    rows = _accepted(msg_type, rejects, STATIC_TYPES)
    n = len(rows)
    nums = {
        f.name: (np.zeros(n, f.type.to_pandas_dtype()), np.zeros(n, bool)) for f in DECODED_STATICS
    }
    texts = {name: np.full((n, k), _AT, dtype=np.uint8) for name, k in _TEXT_COLUMNS.items()}
    part_chars = np.full((n, 1), _AT, dtype=np.uint8)
    for layout in _STATIC_LAYOUTS:
        sel = np.flatnonzero((msg_type[rows] == layout.msg_type) & (part[rows] == layout.part))
        if not len(sel):
            continue
        m = _char_matrix(data, rows[sel], _STATIC_CHARS[layout.msg_type, layout.part])
        if layout.part:
            part_chars[sel, 0] = ord("A") + layout.part - 1
        for name, (values, valid) in _static_numbers(m, layout).items():
            nums[name][0][sel] = values
            nums[name][1][sel] = valid
        for name, chars in _static_texts(m, layout).items():
            texts[name][sel] = chars
    return _statics_table(rows, msg_type, nums, texts, part_chars)


def _static_numbers(m: Chars, layout: _StaticLayout) -> dict[str, tuple[np.ndarray, Mask]]:
    mmsi = _uint(m, 8, 30)
    out: dict[str, tuple[np.ndarray, Mask]] = {"mmsi": (mmsi, np.ones(len(mmsi), bool))}
    if layout.imo is not None:
        imo = _uint(m, layout.imo, 30)
        out["imo"] = (imo, imo != 0)
    if layout.ship_type is not None:
        ship_type = _uint(m, layout.ship_type, 8)
        out["ship_type"] = (ship_type, ship_type != 0)
    if layout.dims is not None:
        aux = (mmsi >= _AUX_CRAFT_MMSI[0]) & (mmsi <= _AUX_CRAFT_MMSI[1]) & (layout.msg_type == 24)
        out.update(_dimensions(m, layout.dims, ~aux))
    if layout.draught is not None:
        draught = _uint(m, layout.draught, 8)
        out["draught_m"] = (draught / 10.0, draught != 0)
    if layout.eta is not None:
        out.update(_eta(m, layout.eta))
    return out


def _dimensions(m: Chars, start: int, usable: Mask) -> dict[str, tuple[np.ndarray, Mask]]:
    """ "Type 5" dimension fields; length/beam are the sums, valid only when both parts are."""
    bow, stern = _uint(m, start, 9), _uint(m, start + 9, 9)
    port, stbd = _uint(m, start + 18, 6), _uint(m, start + 24, 6)
    return {
        "to_bow_m": (bow, usable & (bow != 0)),
        "to_stern_m": (stern, usable & (stern != 0)),
        "to_port_m": (port, usable & (port != 0)),
        "to_starboard_m": (stbd, usable & (stbd != 0)),
        "length_m": (bow + stern, usable & (bow > 0) & (stern > 0)),
        "beam_m": (port + stbd, usable & (port > 0) & (stbd > 0)),
    }


def _eta(m: Chars, start: int) -> dict[str, tuple[np.ndarray, Mask]]:
    month, day = _uint(m, start, 4), _uint(m, start + 4, 5)
    hour, minute = _uint(m, start + 9, 5), _uint(m, start + 14, 6)
    return {
        "eta_month": (month, month != 0),
        "eta_day": (day, day != 0),
        "eta_hour": (hour, hour != 24),
        "eta_minute": (minute, minute != 60),
    }


def _static_texts(m: Chars, layout: _StaticLayout) -> dict[str, Chars]:
    fields = {"name": layout.name, "call_sign": layout.call_sign, "destination": layout.destination}
    return {name: _text(m, *spec) for name, spec in fields.items() if spec is not None}


def _statics_table(
    rows: Bits,
    msg_type: npt.NDArray[np.int8],
    nums: dict[str, tuple[np.ndarray, Mask]],
    texts: dict[str, Chars],
    part_chars: Chars,
) -> pa.Table:
    arrays: list[pa.Array] = []
    for f in DECODED_STATICS:
        if f.name == "idx":
            arrays.append(pa.array(rows))
        elif f.name == "msg_type":
            arrays.append(pa.array(msg_type[rows]))
        elif f.name == "part":
            arrays.append(_strings(part_chars))
        elif f.name in texts:
            arrays.append(_strings(texts[f.name]))
        else:
            arrays.append(_masked(*nums[f.name]).cast(f.type))
    return pa.Table.from_arrays(arrays, schema=DECODED_STATICS)


def _strings(chars: Chars) -> pa.Array:
    """One string per row of an ASCII matrix, trailing '@' and ' ' stripped, empty -> null."""
    n, k = chars.shape
    keep = (chars != _AT) & (chars != _SPACE)
    lengths = np.where(keep.any(axis=1), k - np.argmax(keep[:, ::-1], axis=1), 0)
    body = chars[np.arange(k)[None, :] < lengths[:, None]]
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    valid = lengths > 0
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(body.tobytes()), bitmap, int(n - valid.sum())
    )


# --- rejects -----------------------------------------------------------------------------


def _rejects_table(rejects: dict[int, str]) -> pa.Table:
    idx = sorted(rejects)
    return pa.Table.from_arrays(
        [pa.array(idx, pa.int64()), pa.array([rejects[i] for i in idx], pa.string())],
        schema=REJECTS,
    )
