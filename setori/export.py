"""Write Arrow tables as CSV, JSON lines, GeoJSON or Parquet (``--format``).

In JSON and GeoJSON, 64-bit row ids (``row_id``) are strings; CSV and Parquet keep them as
numbers (exact in both).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from setori.errors import InputError
from setori.export_events import is_id_key

FORMATS = ("csv", "json", "geojson", "parquet")
_ISO_Z = "%Y-%m-%dT%H:%M:%S%.3fZ"


def _frame(table: pa.Table) -> pl.DataFrame:
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    return df


def _iso_times(df: pl.DataFrame) -> pl.DataFrame:
    """Datetime columns as ISO 8601 UTC strings ending in ``Z``."""
    return df.with_columns(
        pl.col(name).dt.convert_time_zone("UTC").dt.strftime(_ISO_Z)
        for name, dtype in df.schema.items()
        if isinstance(dtype, pl.Datetime)
    )


def _string_ids(df: pl.DataFrame) -> pl.DataFrame:
    """Integer id columns (``row_id``…, :func:`is_id_key`) as strings: JSON numbers above
    2^53 lose digits in most readers."""
    return df.with_columns(
        pl.col(name).cast(pl.String)
        for name, dtype in df.schema.items()
        if is_id_key(name) and dtype.is_integer()
    )


def _flat_lists(df: pl.DataFrame) -> pl.DataFrame:
    """List columns joined with ``;`` (CSV has no lists)."""
    return df.with_columns(
        pl.col(name).cast(pl.List(pl.String)).list.join(";")
        for name, dtype in df.schema.items()
        if isinstance(dtype, pl.List)
    )


def track_features(df: pl.DataFrame) -> Iterator[dict[str, Any]]:
    """One GeoJSON feature per segment: a LineString (a Point for one position)."""
    kept = df.filter(pl.col("segment_id").is_not_null()).sort("mmsi", "ts")
    for (mmsi, segment_id), part in kept.group_by("mmsi", "segment_id", maintain_order=True):
        coords = [[x, y] for x, y in zip(part["lon"], part["lat"], strict=True)]
        times = _iso_times(part.select("ts"))["ts"]
        geometry = (
            {"type": "Point", "coordinates": coords[0]}
            if len(coords) == 1
            else {"type": "LineString", "coordinates": coords}
        )
        yield {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "mmsi": mmsi,
                "segment_id": segment_id,
                "start": times[0],
                "end": times[-1],
                "points": len(coords),
                "times": times.to_list(),
            },
        }


def point_features(df: pl.DataFrame) -> Iterator[dict[str, Any]]:
    """One GeoJSON Point feature per row with ``lat``/``lon``."""
    for row in _string_ids(_iso_times(df)).iter_rows(named=True):
        yield {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
        }


def write_table(table: pa.Table, out: BinaryIO, fmt: str, *, kind: str = "rows") -> None:
    """Write ``table`` to ``out`` in ``fmt``; ``kind="tracks"`` makes GeoJSON lines per segment."""
    if fmt not in FORMATS:
        raise InputError(f"unknown output format {fmt!r}, expected one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        pq.write_table(table, out)
        return
    df = _frame(table)
    text = io.StringIO()
    if fmt == "csv":
        _flat_lists(_iso_times(df)).write_csv(text)
    elif fmt == "json":
        _string_ids(_iso_times(df)).write_ndjson(text)
    else:
        features = track_features(df) if kind == "tracks" else point_features(df)
        json.dump({"type": "FeatureCollection", "features": list(features)}, text, default=str)
        text.write("\n")
    out.write(text.getvalue().encode())
