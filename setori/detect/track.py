"""The positions every detector reads: sorted once, stepped once, shared.

Detectors used to convert, sort and step their input each on its own (five sorts of a
string key and a dozen ``shift().over(group)`` passes per run). :class:`Track` does it
once: positions sorted by (segment, time, row id), an integer segment code, and, on first
use, the step from the previous position of the same segment (or, in :attr:`Track.by_mmsi`,
of the same MMSI). Each detector accepts a ``Track`` wherever it accepts positions, and
:func:`setori.detect.run.detect` builds one and hands it to all of them.

Steps use a plain ``shift`` masked where the group changes, on rows sorted by group: the
same values as ``shift().over(group)`` at a twentieth of the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from numba import njit, prange

from setori.errors import InputError
from setori.geo.sphere import haversine_m_jit

#: Columns a track needs (``sog_kn`` is optional).
TRACK_COLUMNS = ("row_id", "mmsi", "segment_id", "ts", "lat", "lon")
#: Columns of :attr:`Track.frame`, in order.
FRAME_COLUMNS = (
    "row_id", "mmsi", "segment_id", "seg", "ts_ms", "lat", "lon", "sog_kn", "cog_deg", "heading_deg"
)  # fmt: skip

_TS_BITS = 37
Positions: TypeAlias = pa.Table | pl.DataFrame
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def params_evidence(params: object) -> dict[str, Any]:
    """A dataclass's parameters as JSON-ready values; durations become ``<name>_h`` hours."""
    out: dict[str, Any] = {}
    for name, value in asdict(params).items():  # type: ignore[call-overload]
        if isinstance(value, timedelta):
            out[f"{name}_h"] = value / timedelta(hours=1)
        elif isinstance(value, tuple):
            out[name] = list(value)
        else:
            out[name] = value if value is None or isinstance(value, int | float) else str(value)
    return out


def require_param(ok: bool, expected: str, seen: object) -> None:
    """Raise :class:`InputError` naming the parameter value seen and what was expected."""
    if not ok:
        raise InputError(f"invalid detector parameters: expected {expected}, got {seen!r}")


def utc_from_ms(ms: int) -> datetime:
    """Epoch milliseconds as an aware UTC datetime."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def shifted_within(group: str, columns: Sequence[str], prefix: str = "prev_") -> list[pl.Expr]:
    """``<prefix><c>``: each column's value on the previous row of the same ``group``.

    Rows must be sorted by ``group`` (then time); null on a group's first row. Equal to
    ``pl.col(c).shift(1).over(group)``, without the per-group windows.
    """
    same = pl.col(group) == pl.col(group).shift(1)
    return [pl.when(same).then(pl.col(c).shift(1)).alias(f"{prefix}{c}") for c in columns]


def with_steps(frame: pl.DataFrame, group: str, carry: Sequence[str] = ()) -> pl.DataFrame:
    """Adds the step from the previous row of the same ``group`` (rows sorted by group, time).

    New columns: ``prev_<c>`` for ``ts_ms``, ``lat``, ``lon``, ``row_id`` and each column
    in ``carry`` (null on a group's first row), ``dt_s`` and ``step_m`` (great-circle; null
    on a group's first row).
    """
    shifted = dict.fromkeys(("ts_ms", "lat", "lon", "row_id", *carry))
    first = (pl.col(group) != pl.col(group).shift(1)).fill_null(True)
    step_m = _step_m(
        frame["lat"].to_numpy(), frame["lon"].to_numpy(), frame[group].to_numpy().astype(np.int64)
    )
    return frame.with_columns(
        *shifted_within(group, list(shifted)),
        pl.Series("step_m", step_m, dtype=pl.Float64),
    ).with_columns(
        dt_s=(pl.col("ts_ms") - pl.col("prev_ts_ms")) / 1000.0,
        step_m=pl.when(first).then(None).otherwise(pl.col("step_m")),
    )


@njit(cache=True, parallel=True)
def _step_m(lat: Floats, lon: Floats, group: Ints) -> Floats:  # pragma: no cover - numba
    """Great-circle metres from the previous row of the same group (NaN on a first row)."""
    out = np.empty(lat.size)
    for i in prange(lat.size):
        if i == 0 or group[i] != group[i - 1]:
            out[i] = np.nan
            continue
        out[i] = haversine_m_jit(lat[i - 1], lon[i - 1], lat[i], lon[i])
    return out


@njit(cache=True)
def _runs_ordered(
    seg: Ints, ts_ms: Ints, row_id: npt.NDArray[np.uint64]
) -> bool:  # pragma: no cover
    """Whether (ts_ms, row_id) strictly increase within each run of equal ``seg``."""
    for i in range(1, seg.size):
        if seg[i] != seg[i - 1]:
            continue
        if ts_ms[i] < ts_ms[i - 1] or (ts_ms[i] == ts_ms[i - 1] and row_id[i] <= row_id[i - 1]):
            return False
    return True


def _with_codes_if_sorted(frame: pl.DataFrame) -> pl.DataFrame | None:
    """``frame`` with its ``seg`` code when sorted by (segment_id, ts_ms, row_id), else None.

    The code is the run number of equal ``segment_id`` (``rle_id``); the frame is sorted
    when time and row id increase within each run and the runs' ids strictly increase
    (so no segment comes back later): strings are compared once per segment, not per row.
    """
    if frame.height == 0:
        return frame.with_columns(seg=pl.lit(0, pl.Int32))
    seg = frame["segment_id"].rle_id().cast(pl.Int32)
    codes = seg.to_numpy().astype(np.int64)
    ts_ms, row_id = frame["ts_ms"].to_numpy(), frame["row_id"].to_numpy()
    if not _runs_ordered(codes, ts_ms, row_id):
        return None
    starts = np.flatnonzero(np.diff(codes, prepend=-1))
    ids = frame["segment_id"].gather(starts)
    if not bool((ids.slice(1) > ids.slice(0, ids.len() - 1)).all()):
        return None
    return frame.with_columns(seg.alias("seg"))


def source_of(positions: Positions | Track) -> Positions:
    """The positions table behind ``positions`` (a Track's input, or the table itself)."""
    return positions.source if isinstance(positions, Track) else positions


def is_sorted_by(frame: pl.DataFrame, keys: Sequence[str]) -> bool:
    """Whether rows are strictly increasing in the tuple ``keys`` (no two rows equal)."""
    later: pl.Expr | None = None
    for key in reversed(keys):
        col, prev = pl.col(key), pl.col(key).shift(1)
        later = col > prev if later is None else (col > prev) | ((col == prev) & later)
    assert later is not None
    return bool(frame.select(later.fill_null(True).all()).item())


class Track:
    """Positions sorted by (segment, time, row id), with per-segment and per-MMSI steps.

    :attr:`frame` columns: ``row_id`` (UInt64), ``mmsi`` (Int32), ``segment_id`` (String),
    ``seg`` (Int32, 0-based, in sort order), ``ts_ms`` (Int64 epoch ms), ``lat``, ``lon``,
    ``sog_kn``, ``cog_deg``, ``heading_deg`` (Float64, null when unknown). Rows without a
    segment, time or position are left out (the segmenter dropped them); a row given twice
    (same ``row_id`` and segment, e.g. overlapping windows) counts once. :attr:`source`
    keeps the input as a Polars frame for rules that look at every row.
    """

    def __init__(self, source: pl.DataFrame) -> None:
        self.source = source

    @classmethod
    def of(cls, positions: Positions | Track) -> Track:
        """``positions`` as a Track (returned as is when it already is one)."""
        if isinstance(positions, Track):
            return positions
        return cls(positions if isinstance(positions, pl.DataFrame) else pl.DataFrame(positions))

    @cached_property
    def frame(self) -> pl.DataFrame:
        """The sorted track columns (built on first use; :class:`InputError` when the
        input lacks a column)."""
        return _frame(self.source)

    @cached_property
    def steps(self) -> pl.DataFrame:
        """:attr:`frame` with the step from the previous position of the same segment."""
        return with_steps(self.frame, "seg")

    @cached_property
    def by_mmsi(self) -> pl.DataFrame:
        """:attr:`frame` sorted by (mmsi, ts_ms, row_id), with the step from the previous
        position of the same MMSI (``prev_segment_id``, ``prev_seg``, ``prev_sog_kn``)."""
        keys = ["mmsi", "ts_ms", "row_id"]
        ordered = self.frame
        if not is_sorted_by(ordered, keys):
            ordered = ordered.sort(keys, maintain_order=True)
        return with_steps(ordered, "mmsi", carry=("segment_id", "seg", "sog_kn"))


def _frame(source: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in TRACK_COLUMNS if c not in source.columns]
    if missing:
        raise InputError(f"positions lack columns {missing}; expected {list(TRACK_COLUMNS)}")
    if not isinstance(source.schema["ts"], pl.Datetime):
        raise InputError(f"column ts has type {source.schema['ts']}; expected a timestamp")
    optional = [
        (pl.col(c) if c in source.columns else pl.lit(None)).cast(pl.Float64).alias(c)
        for c in ("sog_kn", "cog_deg", "heading_deg")
    ]
    ts = pl.col("ts")
    if not source.schema["ts"].time_zone:
        ts = ts.dt.replace_time_zone("UTC")
    frame = source.select(
        pl.col("row_id").cast(pl.UInt64),
        pl.col("mmsi").cast(pl.Int32),
        pl.col("segment_id").cast(pl.String),
        ts.dt.epoch("ms").alias("ts_ms"),
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
        *optional,
    ).drop_nulls(["segment_id", "ts_ms", "lat", "lon"])
    coded = _with_codes_if_sorted(frame)
    if coded is None:
        frame = frame[_sort_order(frame)]
        repeated = (pl.col("row_id") == pl.col("row_id").shift(1)) & (
            pl.col("segment_id") == pl.col("segment_id").shift(1)
        )
        frame = frame.filter(~repeated.fill_null(False))
        coded = frame.with_columns(frame["segment_id"].rle_id().cast(pl.Int32).alias("seg"))
    return coded.select(FRAME_COLUMNS)


def _sort_order(frame: pl.DataFrame) -> Ints:
    """Row order by (segment_id, ts_ms, row_id).

    Sorting 10 M rows in random order by a string key takes Polars 15-20 s; here each
    segment id becomes its rank among the sorted distinct ids, packed with the time into
    one 64-bit key (rank above 37 bits of milliseconds: 4.3 years) whose argsort takes
    ~2 s; rows tied on the key are then ordered by row id. Longer spans or more than 2**26
    segments fall back to a three-key sort.
    """
    ids = frame["segment_id"].unique().sort()
    code = frame["segment_id"].cast(pl.Enum(ids)).to_physical().to_numpy().astype(np.int64)
    ts_ms, row_id = frame["ts_ms"].to_numpy(), frame["row_id"].to_numpy()
    if frame.height == 0:
        return np.arange(0, dtype=np.int64)
    t0 = int(ts_ms.min())
    if int(ts_ms.max()) - t0 >= 1 << _TS_BITS or len(ids) >= 1 << (62 - _TS_BITS):
        return np.lexsort((row_id, ts_ms, code)).astype(np.int64)
    key = (code << _TS_BITS) | (ts_ms - t0)
    order = pl.Series(key).arg_sort().to_numpy().astype(np.int64)
    key_sorted = key[order]
    tied = np.flatnonzero(key_sorted[1:] == key_sorted[:-1])
    if len(tied):
        at = np.unique(np.concatenate([tied, tied + 1]))  # positions inside tie blocks
        rows = order[at]
        order[at] = rows[np.lexsort((row_id[rows], key[rows]))]
    return order
