"""tracktable ``.traj`` files: one trajectory per line, positions only.

Line layout (tracktable 1.7, as in ``tracktable-data``)::

    *T*,<uuid>,<domain>,<n_points>,0,*P*,<domain>,2,1,1,0,  then n_points groups of
    <mmsi>,<YYYY-MM-DD HH:MM:SS>,<lon>,<lat>

The file carries no speed or course, so ``sog_kn`` and ``cog_deg`` are **derived**
from consecutive points of the same trajectory (great-circle distance over time and
initial bearing); each point gets the segment that ends at it, the first point the
segment that starts at it. Segments with no time step give null SOG, segments with no
movement null COG; a derived SOG over 102.2 kn (a position jump) is null.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from setori.geo.sphere import METRES_PER_NM, haversine_m
from setori.ingest.batch import IngestBatch
from setori.ingest.tables.checks import RowSpec, assemble, quarantine_table
from setori.ingest.tables.lines import CHUNK_BYTES, Lines, iter_lines

MAX_SOG_KN = 102.2
_HEADER_FIELDS = 11
_POINT_FIELDS = ("mmsi", "ts", "lon", "lat")
_SPEC = RowSpec(labels={"mmsi": "mmsi", "ts": "time", "lon": "lon", "lat": "lat"})

Floats = npt.NDArray[np.float64]


def read_traj(
    stream: BinaryIO, source: str, *, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[IngestBatch]:
    """Yield the positions of a ``.traj`` file (counts are per point; bad lines per line)."""
    for lines in iter_lines(stream, first_line_no=1, chunk_bytes=chunk_bytes):
        yield _read_chunk(lines, source)


def _read_chunk(lines: Lines, source: str) -> IngestBatch:
    text = pl.Series("line", lines.text(np.arange(len(lines), dtype=np.int64)))
    fields = pl.DataFrame({"f": text.str.split(","), "_line_no": lines.line_no})
    fields = fields.with_columns(_ok=_well_formed(), _idx=pl.int_range(pl.len()))
    good = fields.filter(pl.col("_ok")).select("f", "_line_no")
    points = _points(good)
    batch = assemble(points, _SPEC, source, _point_text(points))
    batch.positions = with_derived_motion(batch.positions)
    empty = pl.col("f").list.join(",") == ""
    bad = fields.filter(~pl.col("_ok") & ~empty)
    _add_line_rejects(batch, lines, bad, source)
    batch.counts["empty_line"] += fields.filter(empty).height
    batch.counts = +batch.counts
    batch.lines = len(lines)
    return batch


def _well_formed() -> pl.Expr:
    f = pl.col("f")
    n = f.list.get(3, null_on_oob=True).cast(pl.Int64, strict=False)
    return (
        (f.list.get(0, null_on_oob=True) == "*T*")
        & (f.list.get(5, null_on_oob=True) == "*P*")
        & (f.list.len() == _HEADER_FIELDS + 4 * n)
    ).fill_null(False)


def _points(good: pl.DataFrame) -> pl.DataFrame:
    """One row per point: the four point fields as strings, ``_line_no`` and ``_row``."""
    flat = good.select(pl.col("f").list.slice(_HEADER_FIELDS), pl.col("_line_no")).explode("f")
    values = flat.get_column("f")
    columns = {name: values.gather_every(4, offset=k) for k, name in enumerate(_POINT_FIELDS)}
    frame = pl.DataFrame(columns).with_columns(_line_no=flat.get_column("_line_no").gather_every(4))
    return frame.with_columns(_row=pl.int_range(pl.len(), dtype=pl.Int64))


def _point_text(points: pl.DataFrame) -> Callable[[npt.NDArray[np.int64]], list[str]]:
    def text(rows: npt.NDArray[np.int64]) -> list[str]:
        picked = points[rows.tolist()].select(pl.concat_str(_POINT_FIELDS, separator=","))
        texts: list[str] = picked.to_series().fill_null("").to_list()
        return texts

    return text


def _add_line_rejects(batch: IngestBatch, lines: Lines, bad: pl.DataFrame, source: str) -> None:
    if bad.height == 0:
        return
    line_no = bad.get_column("_line_no").to_list()
    rows = bad.get_column("_idx").to_numpy().astype(np.int64)
    reason = (
        "bad_trajectory: expected *T*,<uuid>,<domain>,<n>,0,*P*,<domain>,2,1,1,0 "
        "then n groups of mmsi,time,lon,lat"
    )
    rejects = quarantine_table(source, line_no, [reason] * len(line_no), lines.text(rows))
    batch.quarantine = pa.concat_tables([batch.quarantine, rejects]).sort_by("line_no")
    batch.counts["bad_trajectory"] += len(line_no)


def with_derived_motion(positions: pa.Table) -> pa.Table:
    """``positions`` with ``sog_kn`` / ``cog_deg`` derived per trajectory (same line, same MMSI)."""
    if positions.num_rows == 0:
        return positions
    lat_deg = positions.column("lat").to_numpy()
    lon_deg = positions.column("lon").to_numpy()
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    t_s = positions.column("ts").cast(pa.int64()).to_numpy() / 1000.0
    line = positions.column("line_no").to_numpy()
    mmsi = positions.column("mmsi").to_numpy()
    same = (line[1:] == line[:-1]) & (mmsi[1:] == mmsi[:-1])
    dist_m = haversine_m(lat_deg[:-1], lon_deg[:-1], lat_deg[1:], lon_deg[1:])
    dt_h = (t_s[1:] - t_s[:-1]) / 3600.0
    with np.errstate(divide="ignore", invalid="ignore"):
        seg_sog = np.where(dt_h > 0, dist_m / METRES_PER_NM / dt_h, np.nan)
    seg_sog[seg_sog > MAX_SOG_KN] = np.nan
    seg_cog = np.where(dist_m > 0, _bearing_deg(lat[:-1], lon[:-1], lat[1:], lon[1:]), np.nan)
    sog = _per_point(seg_sog, same)
    cog = _per_point(seg_cog, same)
    positions = _replace(positions, "sog_kn", sog)
    return _replace(positions, "cog_deg", cog)


def _per_point(segment: Floats, same: npt.NDArray[np.bool_]) -> Floats:
    """Segment values -> point values: the incoming segment (the outgoing one for a first point)."""
    n = len(segment) + 1
    incoming = np.full(n, np.nan)
    incoming[1:] = np.where(same, segment, np.nan)
    outgoing = np.full(n, np.nan)
    outgoing[:-1] = np.where(same, segment, np.nan)
    first = np.ones(n, dtype=bool)
    first[1:] = ~same
    return np.where(first, outgoing, incoming)


def _replace(table: pa.Table, name: str, values: Floats) -> pa.Table:
    field = table.schema.field(name)
    column = pa.array(values, type=pa.float64(), from_pandas=True).cast(field.type)
    return table.set_column(table.schema.get_field_index(name), field, column)


def _bearing_deg(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    y = np.sin(lon2 - lon1) * np.cos(lat2)
    x = np.cos(lat1) * np.sin(lat2) - np.sin(lat1) * np.cos(lat2) * np.cos(lon2 - lon1)
    return np.asarray(np.degrees(np.arctan2(y, x)) % 360.0, np.float64)
