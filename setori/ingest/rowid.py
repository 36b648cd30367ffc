"""Stable row ids for positions: a 64-bit mix of (mmsi, ts, lat, lon).

The same report always gets the same id, whichever file or run it came from,
so re-ingesting is idempotent and ids can be cited as evidence. The mixer is
SplitMix64 (Steele et al. 2014), applied column-wise with NumPy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_COORD_SCALE = 1e7  # 1e-7 degree is ~1 cm: finer than any AIS report


def _splitmix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def _as_u64(values: npt.NDArray[np.float64] | npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    return values.astype(np.int64).view(np.uint64)


def position_row_ids(positions: pa.Table) -> pa.Array:
    """Row ids (uint64) for a table with ``mmsi``, ``ts``, ``lat`` and ``lon`` columns."""
    mmsi = positions.column("mmsi").to_numpy().astype(np.int64)
    ts_ms = pc.cast(positions.column("ts"), pa.int64()).to_numpy()
    lat = np.round(positions.column("lat").to_numpy() * _COORD_SCALE)
    lon = np.round(positions.column("lon").to_numpy() * _COORD_SCALE)
    h = _splitmix(_as_u64(mmsi))
    with np.errstate(over="ignore"):
        for part in (ts_ms, lat, lon):
            h = _splitmix(h ^ _as_u64(part))
    return pa.array(h, type=pa.uint64())
