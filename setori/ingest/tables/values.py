"""Typed values from raw table columns (shared by every table reader).

A *raw frame* has one column per canonical field (named as in :mod:`setori.schema`),
holding strings (CSV, .traj) or already typed values (Parquet). Parsing runs in three
stages so that each column is cleaned and converted once:

1. :func:`cleaned`: ``<name>__raw``, text stripped, null tokens (``""``, ``NaN``,
   ``None``, ...) made null;
2. :func:`converted`: ``<name>__num``, a number (Float64 / Int64) or, via
   :func:`parse_times`, a UTC ``Datetime[ms]``;
3. :func:`value_and_flag`: the typed value, with AIS "not available" sentinels and
   impossible values made null, and a flag for a value present but unparsable.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

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
_ISO_NAIVE = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)
_UNIX = {"unix": 1000, "unix_s": 1000, "unix_ms": 1}


def raw_name(name: str) -> str:
    """Column holding the cleaned raw value of ``name``."""
    return f"{name}__raw"


def num_name(name: str) -> str:
    """Column holding the converted (number or time) value of ``name``."""
    return f"{name}__num"


def cleaned(name: str, dtype: pl.DataType) -> pl.Expr:
    """Stage 1: the raw column, text stripped and null tokens made null (typed columns as is)."""
    col = pl.col(name)
    if dtype != pl.String:
        return col
    text = col.str.strip_chars()
    return pl.when(text.is_in(NULL_TOKENS)).then(None).otherwise(text)


def converted(name: str, kind: str, dtype: pl.DataType) -> pl.Expr:
    """Stage 2 for numbers: ``<name>__raw`` as Float64 (``mmsi``: Int64, integers only)."""
    raw = pl.col(raw_name(name))
    if kind == "mmsi":
        return raw.cast(pl.Int64, strict=False)
    if kind == "imo" and dtype == pl.String:
        raw = raw.str.replace(r"^(?i:imo)\s*", "")
    return raw.cast(pl.Float64, strict=False)


def value_and_flag(name: str, kind: str) -> tuple[pl.Expr, pl.Expr]:
    """Stage 3: ``(value, bad)`` from ``<name>__num`` and ``<name>__raw``."""
    raw, num = pl.col(raw_name(name)), pl.col(num_name(name))
    if kind == "mmsi":
        ok = usable = num.is_between(1, 999_999_999)
    elif kind == "time":
        ok = usable = num.is_not_null()
    else:  # NaN is a missing value, infinity a bad one
        ok = num.is_not_null() & ~num.is_infinite()
        usable = ok & ~num.is_nan()
    bad = raw.is_not_null() & ~ok.fill_null(False)
    value: pl.Expr = pl.when(usable).then(num)
    if kind in ("int", "imo"):
        value = value.round(0).cast(pl.Int64, strict=False)
    if name in VALID:
        value = pl.when(VALID[name](value)).then(value)
    return value, bad


def as_text(name: str) -> pl.Expr:
    """A text column: stripped (AIS pads with spaces and ``@``), empty -> null."""
    text = pl.col(name).cast(pl.String).str.strip_chars(" @\t")
    return pl.when(text == "").then(None).otherwise(text)


def parse_times(raw: pl.Series, time_format: str | None) -> pl.Series:
    """Stage 2 for times: a cleaned column as UTC ``Datetime[ms]`` (null where unparsable).

    ``time_format``: ``None`` = ISO 8601 (naive means UTC; ``Z``/offsets converted)
    or, for a plain number, unix seconds; ``"unix"``/``"unix_s"`` / ``"unix_ms"`` =
    unix seconds / milliseconds; anything else = a strftime format (naive means UTC;
    ``.%f`` reads a fraction of a second of any length). Candidates are tried in turn
    on the rows still unparsed only, so the common case costs one pass.
    """
    if isinstance(raw.dtype, pl.Datetime):
        aware = raw if raw.dtype.time_zone else raw.dt.replace_time_zone(UTC)
        return aware.dt.convert_time_zone(UTC).dt.cast_time_unit("ms")
    if raw.dtype.is_numeric():
        return _from_unix(raw.cast(pl.Float64), _UNIX.get(time_format or "unix", 1000))
    result = pl.Series(raw.name, dtype=TS_DTYPE).extend_constant(None, len(raw))
    for candidate in _time_candidates(time_format):
        todo = result.is_null() & raw.is_not_null()
        if not todo.any():
            break
        result = result.scatter(todo.arg_true(), candidate(raw.filter(todo)))
    return result


def _time_candidates(time_format: str | None) -> list[Callable[[pl.Series], pl.Series]]:
    if time_format in _UNIX:
        return [partial(_unix_text, scale_to_ms=_UNIX[time_format])]
    if time_format is not None:
        return [partial(_strptime, time_format=time_format)]
    t_separated, space_separated, *others = (partial(_naive, fmt=fmt) for fmt in _ISO_NAIVE)
    return [t_separated, space_separated, _aware, *others, partial(_unix_text, scale_to_ms=1000)]


def _aware(text: pl.Series) -> pl.Series:
    return _iso(text).str.to_datetime(_ISO_AWARE, strict=False, time_unit="ms")


def _iso(text: pl.Series) -> pl.Series:
    return text.str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")


def _naive(text: pl.Series, fmt: str) -> pl.Series:
    parsed = text.str.to_datetime(fmt, strict=False, time_unit="ms")
    return parsed.dt.replace_time_zone(UTC)


def _unix_text(text: pl.Series, scale_to_ms: int) -> pl.Series:
    number = text.cast(pl.Float64, strict=False)
    finite = number.is_finite().fill_null(False)
    return _from_unix(pl.select(pl.when(finite).then(number)).to_series(), scale_to_ms)


def _from_unix(number: pl.Series, scale_to_ms: int) -> pl.Series:
    millis = (number * scale_to_ms).round(0).cast(pl.Int64, strict=False)
    return millis.cast(pl.Datetime("ms")).dt.replace_time_zone(UTC)


def _strptime(text: pl.Series, time_format: str) -> pl.Series:
    chrono_format = time_format.replace(".%f", "%.f")  # Python ".%f" = any fraction of a second
    parsed = text.str.to_datetime(chrono_format, strict=False, time_unit="ms")
    if any(directive in time_format for directive in _TZ_DIRECTIVES):
        return parsed.dt.convert_time_zone(UTC)
    return parsed.dt.replace_time_zone(UTC)
