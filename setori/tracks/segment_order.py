"""Put positions in the segmenter's canonical order: (mmsi, ts, row_id, lat, lon).

Sorting is most of the cost of segmenting unordered input, so:

* rows already in order are recognised in one compiled pass and not sorted;
* otherwise ``(mmsi, ts)`` is packed into one uint64 key when both ranges fit in
  64 bits together (a day of worldwide AIS needs about 57), a single-column
  arg-sort orders the rows, and a compiled pass orders the rare ties in
  ``(mmsi, ts)`` by ``(row_id, lat, lon)``;
* if the ranges do not fit, polars sorts by all five columns.

Any of the three gives the same order for the same set of rows (up to rows
identical in all five columns, which are interchangeable).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
from numba import njit

SORT_KEYS = ["mmsi", "ts", "row_id", "lat", "lon"]

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
UInt64Array = npt.NDArray[np.uint64]
Float64Array = npt.NDArray[np.float64]


def canonical_order(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` (columns ``row_id, mmsi, ts`` as int64 ms, ``lat, lon``) in canonical order."""
    mmsi, ts_ms, row_id = df["mmsi"].to_numpy(), df["ts"].to_numpy(), df["row_id"].to_numpy()
    if _is_sorted(mmsi, ts_ms, row_id):
        return df
    key = _packed_key(mmsi, ts_ms)
    if key is None:
        return df.sort(SORT_KEYS)
    order = pl.Series(key).arg_sort().to_numpy()
    cols = {name: df[name].to_numpy()[order] for name in df.columns}
    _break_ties(cols["mmsi"], cols["ts"], cols["row_id"], cols["lat"], cols["lon"])
    return pl.DataFrame(cols, schema=df.schema)


def _packed_key(mmsi: Int32Array, ts_ms: Int64Array) -> UInt64Array | None:
    """``(mmsi - min) << bits(ts span) | (ts - min)``, or None if that needs > 64 bits."""
    mmsi_min, ts_min = int(mmsi.min()), int(ts_ms.min())
    ts_bits = (int(ts_ms.max()) - ts_min).bit_length()
    if (int(mmsi.max()) - mmsi_min).bit_length() + ts_bits > 64:
        return None
    key: UInt64Array = _pack(mmsi, ts_ms, mmsi_min, np.uint64(ts_min % 2**64), ts_bits)
    return key


@njit(cache=True)
def _pack(
    mmsi: Int32Array, ts_ms: Int64Array, mmsi_min: int, ts_min: np.uint64, ts_bits: int
) -> UInt64Array:
    """The packed key; unsigned wrap-around keeps ``ts - min`` exact for spans < 2**64."""
    key = np.empty(mmsi.shape[0], dtype=np.uint64)
    shift = np.uint64(ts_bits)
    for i in range(mmsi.shape[0]):
        high = np.uint64(np.int64(mmsi[i]) - mmsi_min)
        key[i] = (high << shift) | (np.uint64(ts_ms[i]) - ts_min)
    return key


@njit(cache=True)
def _is_sorted(mmsi: Int32Array, ts_ms: Int64Array, row_id: UInt64Array) -> bool:
    """Strictly increasing by (mmsi, ts, row_id)?"""
    for i in range(1, mmsi.shape[0]):
        if mmsi[i] != mmsi[i - 1]:
            if mmsi[i] < mmsi[i - 1]:
                return False
        elif ts_ms[i] != ts_ms[i - 1]:
            if ts_ms[i] < ts_ms[i - 1]:
                return False
        elif row_id[i] <= row_id[i - 1]:
            return False
    return True


@njit(cache=True)
def _float_less(a: float, b: float) -> bool:
    """Total order on floats with NaN last (as polars sorts)."""
    if a != a:
        return False
    return b != b or a < b


@njit(cache=True)
def _tie_less(i: int, j: int, row_id: UInt64Array, lat: Float64Array, lon: Float64Array) -> bool:
    """Row i before row j among rows of equal (mmsi, ts)?"""
    if row_id[i] != row_id[j]:
        by_id: bool = row_id[i] < row_id[j]
        return by_id
    if lat[i] != lat[j] and (lat[i] == lat[i] or lat[j] == lat[j]):
        return _float_less(lat[i], lat[j])
    return _float_less(lon[i], lon[j])


@njit(cache=True)
def _swap_rows(i: int, row_id: UInt64Array, lat: Float64Array, lon: Float64Array) -> None:
    """Swap rows i and i + 1 (mmsi and ts are equal within a run)."""
    row_id[i], row_id[i + 1] = row_id[i + 1], row_id[i]
    lat[i], lat[i + 1] = lat[i + 1], lat[i]
    lon[i], lon[i + 1] = lon[i + 1], lon[i]


@njit(cache=True)
def _break_ties(
    mmsi: Int32Array, ts_ms: Int64Array, row_id: UInt64Array, lat: Float64Array, lon: Float64Array
) -> None:
    """Sort each run of equal (mmsi, ts) by (row_id, lat, lon), in place (insertion sort)."""
    start = 0
    for end in range(1, mmsi.shape[0] + 1):
        if end < mmsi.shape[0] and mmsi[end] == mmsi[end - 1] and ts_ms[end] == ts_ms[end - 1]:
            continue
        for i in range(start + 1, end):
            j = i - 1
            while j >= start and _tie_less(j + 1, j, row_id, lat, lon):
                _swap_rows(j, row_id, lat, lon)
                j -= 1
        start = end
