"""Typed values from raw table columns, as Polars expressions (shared by every table reader).

A *raw frame* has one column per canonical field (named as in :mod:`setori.schema`),
holding strings (CSV, .traj) or already typed values (Parquet). :func:`parse_column`
turns one into ``(value, bad)``: the typed value, with AIS "not available" sentinels
and impossible values made null, and a flag for a value that is present but cannot
be parsed at all (a bad number, a bad date).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

UTC = "UTC"
TS_DTYPE = pl.Datetime("ms", UTC)

#: Canonical fields a table may carry, with their kind of value.
FIELD_KINDS: dict[str, str] = {
    "mmsi": "mmsi",
    "ts": "time",
    "lat": "float",
    "lon": "float",
    "sog_kn": "float",
    "cog_deg": "float",
    "heading_deg": "int",
    "nav_status": "int",
    "msg_type": "int",
    "receiver": "text",
    "part": "text",
    "imo": "imo",
    "name": "text",
    "call_sign": "text",
    "ship_type": "int",
    "to_bow_m": "int",
    "to_stern_m": "int",
    "to_port_m": "int",
    "to_starboard_m": "int",
    "length_m": "float",
    "beam_m": "float",
    "draught_m": "float",
    "destination": "text",
    "eta": "eta",
}

#: Valid ranges; a parsed value outside is AIS "not available" (or nonsense) and becomes null.
VALID: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "sog_kn": lambda v: v.is_between(0.0, 102.2),  # 102.3 = not available
    "cog_deg": lambda v: (v >= 0.0) & (v < 360.0),  # 360 = not available
    "heading_deg": lambda v: v.is_between(0, 359),  # 511 = not available
    "nav_status": lambda v: v.is_between(0, 14),  # 15 = not defined
    "msg_type": lambda v: v.is_between(1, 27),
    "imo": lambda v: v.is_between(1, 999_999_999),  # 0 = not available
    "ship_type": lambda v: v.is_between(1, 32_767),  # 0 = not available
    "to_bow_m": lambda v: v.is_between(1, 511),  # 0 = not available
    "to_stern_m": lambda v: v.is_between(1, 511),
    "to_port_m": lambda v: v.is_between(1, 63),
    "to_starboard_m": lambda v: v.is_between(1, 63),
    "length_m": lambda v: (v > 0.0) & (v < 1000.0),
    "beam_m": lambda v: (v > 0.0) & (v < 1000.0),
    "draught_m": lambda v: (v > 0.0) & (v < 100.0),
}

#: Tokens that mean "no value" in numeric and time columns.
NULL_TOKENS = ["", "nan", "NaN", "NAN", "None", "none", "null", "NULL", "NA", "N/A", "n/a"]

_TZ_DIRECTIVES = ("%z", "%#z", "%:z", "%::z")
_ISO_AWARE = "%Y-%m-%dT%H:%M:%S%.f%#z"
_ISO_NAIVE = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d")
_UNIX = {"unix": 1000, "unix_s": 1000, "unix_ms": 1}


def is_text(dtype: pl.DataType) -> bool:
    """Whether a raw column holds text (and so needs parsing)."""
    return dtype == pl.String


def cleaned(name: str, dtype: pl.DataType) -> pl.Expr:
    """The raw column with surrounding spaces stripped and null tokens made null."""
    col = pl.col(name)
    if not is_text(dtype):
        return col
    text = col.str.strip_chars()
    return pl.when(text.is_in(NULL_TOKENS)).then(None).otherwise(text)


def as_float(name: str, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """``(value, bad)`` for a floating-point column; NaN counts as missing, inf as bad."""
    raw = cleaned(name, dtype)
    value = raw.cast(pl.Float64, strict=False)
    bad = raw.is_not_null() & (value.is_null() | value.is_infinite())
    value = pl.when(value.is_finite()).then(value).otherwise(None)
    return value, bad


def as_int(name: str, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """``(value, bad)`` for an integer column written as an integer or a float (``246.0``)."""
    value, bad = as_float(name, dtype)
    return value.round(0).cast(pl.Int64, strict=False), bad


def as_mmsi(name: str, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """``(value, bad)`` for an MMSI: a positive integer of at most 9 digits, nothing else."""
    raw = cleaned(name, dtype)
    value = raw.cast(pl.Int64, strict=False)
    bad = raw.is_not_null() & ~value.is_between(1, 999_999_999).fill_null(False)
    return pl.when(bad).then(None).otherwise(value), bad


def as_imo(name: str, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """``(value, bad)`` for an IMO number, also written ``IMO7702774`` (MarineCadastre)."""
    if not is_text(dtype):
        return as_int(name, dtype)
    stripped = cleaned(name, dtype).str.replace(r"^(?i:imo)\s*", "")
    value = stripped.cast(pl.Float64, strict=False)
    bad = stripped.is_not_null() & value.is_null()
    return value.round(0).cast(pl.Int64, strict=False), bad


def as_time(name: str, dtype: pl.DataType, time_format: str | None) -> tuple[pl.Expr, pl.Expr]:
    """``(value, bad)`` for a time column, as UTC ``Datetime[ms]``.

    ``time_format``: ``None`` = ISO 8601 (naive means UTC; ``Z``/offsets converted)
    or, for a plain number, unix seconds; ``"unix"``/``"unix_s"`` / ``"unix_ms"`` =
    unix seconds / milliseconds; anything else = a strftime format (naive means UTC;
    ``.%f`` reads a fraction of a second of any length).
    """
    raw = cleaned(name, dtype)
    if isinstance(dtype, pl.Datetime):
        aware = raw if dtype.time_zone else raw.dt.replace_time_zone(UTC)
        return aware.dt.convert_time_zone(UTC).dt.cast_time_unit("ms"), pl.lit(False)
    if dtype.is_numeric():
        scale = _UNIX.get(time_format or "unix", 1000)
        return _from_unix(raw, scale), pl.lit(False)
    if time_format in _UNIX:
        value = _from_unix(raw.cast(pl.Float64, strict=False), _UNIX[time_format])
    elif time_format is None:
        value = _iso_or_unix(raw)
    else:
        value = _strptime(raw, time_format)
    return value, raw.is_not_null() & value.is_null()


def as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """A text column: stripped (AIS pads with spaces and ``@``), empty -> null."""
    text = pl.col(name).cast(pl.String).str.strip_chars(" @\t")
    return pl.when(text == "").then(None).otherwise(text)


def _from_unix(number: pl.Expr, scale_to_ms: int) -> pl.Expr:
    millis = (number.cast(pl.Float64) * scale_to_ms).round(0).cast(pl.Int64, strict=False)
    return millis.cast(pl.Datetime("ms")).dt.replace_time_zone(UTC)


def _strptime(raw: pl.Expr, time_format: str) -> pl.Expr:
    chrono_format = time_format.replace(".%f", "%.f")  # Python ".%f" = any fraction of a second
    parsed = raw.str.to_datetime(chrono_format, strict=False, time_unit="ms")
    if any(directive in time_format for directive in _TZ_DIRECTIVES):
        return parsed.dt.convert_time_zone(UTC)
    return parsed.dt.replace_time_zone(UTC)


def _iso_or_unix(raw: pl.Expr) -> pl.Expr:
    iso = raw.str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
    candidates = [iso.str.to_datetime(_ISO_AWARE, strict=False, time_unit="ms")]
    candidates += [
        iso.str.to_datetime(fmt, strict=False, time_unit="ms").dt.replace_time_zone(UTC)
        for fmt in _ISO_NAIVE
    ]
    number = raw.cast(pl.Float64, strict=False)
    candidates.append(_from_unix(pl.when(number.is_finite()).then(number), 1000))
    return pl.coalesce(candidates)
