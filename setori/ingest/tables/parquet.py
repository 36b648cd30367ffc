"""Parquet and GeoParquet positions, streamed batch by batch with ``pyarrow.parquet``.

Columns are taken through a mapping (canonical name -> column), then by canonical
name (``mmsi``, ``ts``, ``lat``, ``lon``, ...) or common alias (``MMSI``, ``timestamp``,
``latitude``, ...; :mod:`setori.ingest.tables.aliases`). In a GeoParquet file
(https://geoparquet.org/releases/v1.1.0/), point geometries of the primary column
give ``lon``/``lat`` unless those are mapped: WKB (2D, Z/M, EWKB with SRID) is decoded
with NumPy, GeoArrow ``point`` structs are read directly. Non-point or empty
geometries give no position (quarantined as ``position_unavailable``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from setori.errors import UnreadableInputError
from setori.ingest.batch import IngestBatch
from setori.ingest.tables.checks import assemble
from setori.ingest.tables.plan import TablePlan, mapping_plan

BATCH_ROWS = 1_000_000
_LONLAT_CRS = {("EPSG", "4326"), ("OGC", "CRS84")}
_EWKB_SRID, _EWKB_Z, _EWKB_M = 0x20000000, 0x80000000, 0x40000000

Floats = npt.NDArray[np.float64]


def read_parquet(
    path: str | Path,
    source: str,
    *,
    mapping: Mapping[str, str] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[IngestBatch]:
    """Yield the rows of a (Geo)Parquet file; ``line_no`` is the 1-based row number."""
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise UnreadableInputError(f"cannot read {source!r} as Parquet: {exc}") from exc
    arrow_schema = parquet.schema_arrow
    geometry = _geometry_column(arrow_schema, source)
    names = list(arrow_schema.names) + (["lon", "lat"] if geometry else [])
    plan = _plan(names, mapping, geometry)
    wanted = [c for c in arrow_schema.names if c in _source_columns(plan, geometry)]
    first_row = 1
    for record_batch in parquet.iter_batches(batch_size=batch_rows, columns=wanted):
        frame = _frame(record_batch, geometry, first_row)
        yield assemble(
            plan.raw_frame(frame, frame.get_column("_line_no")),
            plan.spec,
            source,
            _row_text(frame, [*wanted, "lon", "lat"] if geometry else wanted),
        )
        first_row += record_batch.num_rows


def _plan(names: list[str], mapping: Mapping[str, str] | None, geometry: str | None) -> TablePlan:
    """Mapped columns, then columns named by canonical names or aliases; geometry gives lon/lat."""
    full: dict[str, str | int] = dict(mapping or {})
    if geometry:
        full.setdefault("lon", "lon")
        full.setdefault("lat", "lat")
    return mapping_plan(names, full, None, by_name=True)


def _source_columns(plan: TablePlan, geometry: str | None) -> set[str]:
    used = set(plan.spec.labels.values())
    return used | {geometry} if geometry else used


def _frame(record_batch: pa.RecordBatch, geometry: str | None, first_row: int) -> pl.DataFrame:
    n = record_batch.num_rows
    table = pa.Table.from_batches([record_batch])
    if geometry:
        lon, lat = geometry_lon_lat(record_batch.column(geometry))
        table = table.drop_columns([geometry])
        table = table.append_column("lon", pa.array(lon, from_pandas=True))
        table = table.append_column("lat", pa.array(lat, from_pandas=True))
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(
        _row=pl.int_range(n, dtype=pl.Int64),
        _line_no=pl.int_range(first_row, first_row + n, dtype=pl.Int64),
    )


def _row_text(
    frame: pl.DataFrame, columns: list[str]
) -> Callable[[npt.NDArray[np.int64]], list[str]]:
    present = [c for c in dict.fromkeys(columns) if c in frame.columns]

    def text(rows: npt.NDArray[np.int64]) -> list[str]:
        picked = frame[rows.tolist()].select(
            pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in present], separator=",")
        )
        texts: list[str] = picked.to_series().to_list()
        return texts

    return text


def _geometry_column(arrow_schema: pa.Schema, source: str) -> str | None:
    """The primary geometry column of a GeoParquet file (None for plain Parquet)."""
    raw = (arrow_schema.metadata or {}).get(b"geo")
    if raw is None:
        return None
    geo = json.loads(raw)
    name = str(geo.get("primary_column", "geometry"))
    crs = geo.get("columns", {}).get(name, {}).get("crs")
    if isinstance(crs, dict):
        ident = crs.get("id", {})
        if (str(ident.get("authority")), str(ident.get("code"))) not in _LONLAT_CRS:
            raise UnreadableInputError(
                f"{source}: geometry CRS {ident or crs.get('name')!r}, expected lon/lat "
                "(OGC:CRS84 or EPSG:4326)"
            )
    return name


def geometry_lon_lat(column: pa.Array | pa.ChunkedArray) -> tuple[Floats, Floats]:
    """lon, lat of point geometries (WKB binary or GeoArrow point struct); NaN where not a point."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_struct(column.type):
        return _struct_lon_lat(column)
    return wkb_lon_lat(column.cast(pa.large_binary()))


def _struct_lon_lat(column: pa.StructArray) -> tuple[Floats, Floats]:
    x = column.field("x").to_numpy(zero_copy_only=False).astype(np.float64)
    y = column.field("y").to_numpy(zero_copy_only=False).astype(np.float64)
    valid = column.is_valid().to_numpy(zero_copy_only=False)
    return np.where(valid, x, np.nan), np.where(valid, y, np.nan)


def wkb_lon_lat(column: pa.LargeBinaryArray) -> tuple[Floats, Floats]:
    """Decode WKB / EWKB points with NumPy (little- and big-endian); NaN for anything else."""
    n = len(column)
    buffers = column.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[column.offset : column.offset + n + 1]
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)
        if buffers[2] is not None
        else np.zeros(0, np.uint8)
    )
    start, length = offsets[:-1], np.diff(offsets)
    padded = np.concatenate([data, np.zeros(40, np.uint8)])
    little = padded[start] == 1
    kind = np.where(little, _read(padded, start + 1, "<u4"), _read(padded, start + 1, ">u4"))
    has_srid = (kind & _EWKB_SRID) != 0
    base = (kind & ~np.uint32(_EWKB_SRID | _EWKB_Z | _EWKB_M)) % 1000
    coord_at = start + 5 + 4 * has_srid
    x = np.where(little, _read(padded, coord_at, "<f8"), _read(padded, coord_at, ">f8"))
    y = np.where(little, _read(padded, coord_at + 8, "<f8"), _read(padded, coord_at + 8, ">f8"))
    is_point = (base == 1) & (length >= coord_at - start + 16)
    is_point &= column.is_valid().to_numpy(zero_copy_only=False)
    return np.where(is_point, x, np.nan), np.where(is_point, y, np.nan)


def _read(
    data: npt.NDArray[np.uint8], at: npt.NDArray[np.int64], dtype: str
) -> npt.NDArray[np.generic]:
    """Read one fixed-size value of ``dtype`` at each byte offset ``at``."""
    width = np.dtype(dtype).itemsize
    gathered = data[at[:, None] + np.arange(width)]
    return np.ascontiguousarray(gathered).view(dtype).reshape(-1).astype(dtype[1:])
