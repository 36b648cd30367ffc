"""The positions behind an event as GeoParquet 1.1 (WKB points in CRS84, ``geo`` metadata).

Written with pyarrow alone: a ``geometry`` column of WKB points (little-endian, type 1)
beside plain columns ``mmsi`` (text: 64-bit ids are text in setori's JSON), ``time`` (UTC
microseconds), ``lat``, ``lon``, ``sog_kn`` and ``cog_deg``. GeoPandas, GDAL/OGR, DuckDB
spatial and QGIS read it (https://geoparquet.org/releases/v1.1.0/).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["positions_geoparquet"]

_WKB_POINT = np.dtype([("order", "u1"), ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")])


def _wkb_points(lon: np.ndarray, lat: np.ndarray) -> pa.Array:
    """WKB points (ISO/OGC, little-endian) for the coordinate columns, without a Python loop."""
    packed = np.empty(len(lon), dtype=_WKB_POINT)
    packed["order"], packed["kind"], packed["x"], packed["y"] = 1, 1, lon, lat
    size = _WKB_POINT.itemsize
    offsets = pa.array(np.arange(0, (len(lon) + 1) * size, size, dtype=np.int32))
    return pa.BinaryArray.from_buffers(
        pa.binary(), len(lon), [None, offsets.buffers()[1], pa.py_buffer(packed.tobytes())]
    )


def _times(values: Sequence[Any]) -> pa.Array:
    parsed = [datetime.fromisoformat(str(v).replace("Z", "+00:00")) for v in values]
    return pa.array(parsed, type=pa.timestamp("us", tz="UTC"))


def _column(rows: Sequence[Mapping[str, Any]], name: str) -> list[Any]:
    return [row.get(name) for row in rows]


def positions_geoparquet(positions: Sequence[Mapping[str, Any]]) -> bytes:
    """GeoParquet bytes of an event snapshot's positions (``{mmsi, time, lat, lon, sog_kn,
    cog_deg}`` each)."""
    lon = np.array(_column(positions, "lon"), dtype=np.float64)
    lat = np.array(_column(positions, "lat"), dtype=np.float64)
    table = pa.table(
        {
            "mmsi": pa.array(
                [None if m is None else str(m) for m in _column(positions, "mmsi")], pa.string()
            ),
            "time": _times(_column(positions, "time")),
            "lat": pa.array(lat),
            "lon": pa.array(lon),
            "sog_kn": pa.array(_column(positions, "sog_kn"), pa.float64()),
            "cog_deg": pa.array(_column(positions, "cog_deg"), pa.float64()),
            "geometry": _wkb_points(lon, lat),
        }
    )
    bbox = (
        [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())] if len(lon) else []
    )
    geo = {
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": ["Point"],
                **({"bbox": bbox} if bbox else {}),
            }
        },
    }
    table = table.replace_schema_metadata({b"geo": json.dumps(geo).encode("utf-8")})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()
