"""Reception quality measured from the positions themselves.

Definition (detection.md §8.4 and §8.9: "recompute reception from our own feed"; after
Welch et al. 2022, *Hot spots of unseen fishing vessels*, Science Advances, whose
reception layer counts positions per vessel-day per cell): for each cell of a
``cell_deg`` grid, the positions received there (thinned to one per vessel-minute)
divided by the *vessel-hours* seen there (distinct pairs of MMSI and epoch hour with at
least one position in the cell). Terrestrial coverage gives tens of positions per
vessel-hour (at most 60 after thinning); satellite-only coverage gives one or two.

Because a vessel-hour is only counted when the vessel was heard, the measure is
conditional on being heard at all: it says how *densely* a vessel in that cell is
received, which is what the "likely disabling" rule needs (a long silence where vessels are
normally heard densely is unlikely to be a coverage hole).

:func:`reception_raster` covers every cell with a position; :func:`reception_raster_of_cells`
gives the same rows for a few cells (the gap detector needs only the cells of its gaps' last
positions) without grouping the positions of all the others.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from numba import njit

from setori.errors import InputError

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

RASTER_SCHEMA = {
    "lat_cell": pl.Int32,
    "lon_cell": pl.Int32,
    "cell_deg": pl.Float64,
    "lat_min_deg": pl.Float64,
    "lon_min_deg": pl.Float64,
    "positions": pl.UInt32,
    "receptions": pl.UInt32,
    "vessel_hours": pl.UInt32,
    "vessels": pl.UInt32,
    "positions_per_vessel_hour": pl.Float64,
}
_MINUTE_MS = 60_000
_EPSILON = 1e-9  # so that 38.6 / 0.1 lands in cell 386, not 385.99999
_MAX_GRID_CELLS = 2**24  # bounding box of the wanted cells looked up in a dense grid


def cell_keys(lat: pl.Expr, lon: pl.Expr, cell_deg: float) -> list[pl.Expr]:
    """``lat_cell`` and ``lon_cell``: the grid indices ``floor(degrees / cell_deg)``."""
    return [
        (lat / cell_deg + _EPSILON).floor().cast(pl.Int32).alias("lat_cell"),
        (lon / cell_deg + _EPSILON).floor().cast(pl.Int32).alias("lon_cell"),
    ]


def reception_raster(positions: pa.Table | pl.DataFrame, cell_deg: float = 0.1) -> pl.DataFrame:
    """Positions per vessel-hour in each ``cell_deg`` cell (see the module docstring).

    ``positions`` needs ``mmsi``, ``ts``, ``lat`` and ``lon``. Positions are thinned to one
    per vessel-minute first (detection.md §8.1, GFW ``messages``), so a report heard by
    several stations counts once: ``positions`` counts vessel-minutes, ``receptions`` the
    rows. Returns one row per cell with at least one position, columns as in
    :data:`RASTER_SCHEMA` (``lat_min_deg`` / ``lon_min_deg``: the cell's south-west corner),
    sorted by cell.
    """
    return _raster(_keyed(positions, cell_deg), cell_deg)


def reception_raster_of_cells(
    positions: pa.Table | pl.DataFrame, cells: pl.DataFrame, cell_deg: float = 0.1
) -> pl.DataFrame:
    """The rows of ``reception_raster(positions, cell_deg)`` for ``cells`` only.

    ``cells``: ``lat_cell`` and ``lon_cell`` of the cells wanted; a cell without a position
    has no row. Every value of a cell (vessel-minutes, rows, vessel-hours, vessels) is
    counted over the positions inside that cell alone, so leaving out the positions of all
    other cells leaves it unchanged: these are the full raster's rows, exactly.

    Method: one pass looks each position's cell up in a grid of cell numbers over the
    wanted cells' bounding box; the positions found are visited by (MMSI, time) (already
    in that order when ``positions`` is sorted so, e.g. :attr:`Track.by_mmsi
    <setori.detect.track.Track.by_mmsi>`), so each cell's distinct (MMSI, minute), (MMSI,
    hour) and MMSI values arrive one after another and are counted by comparing with the
    cell's previous one. Falls back to grouping the positions of the wanted cells when the
    grid would be large (> 2**24 cells) or ``mmsi`` or ``ts`` has nulls.
    """
    df = _checked(positions, cell_deg)
    located = df.select(
        "mmsi",
        pl.col("ts").dt.epoch("ms").alias("ts_ms"),
        pl.col("lat", "lon").cast(pl.Float64),
    ).drop_nulls(["lat", "lon"])
    wanted = cells.select(pl.col("lat_cell", "lon_cell").cast(pl.Int32)).unique()
    wanted = wanted.sort("lat_cell", "lon_cell")
    span = wanted.select(
        pl.col("lat_cell", "lon_cell").max() - pl.col("lat_cell", "lon_cell").min() + 1
    )
    size = math.prod(int(v) for v in span.row(0)) if wanted.height else 0
    nulls = located["mmsi"].null_count() + located["ts_ms"].null_count()
    if not wanted.height or size > _MAX_GRID_CELLS or nulls:
        keyed = _keyed(df, cell_deg)
        inside = _cell_key(pl.col("lat_cell"), pl.col("lon_cell")).is_in(
            wanted.select(_cell_key(pl.col("lat_cell"), pl.col("lon_cell"))).to_series().implode()
        )
        return _raster(keyed.filter(inside), cell_deg)
    counts = _counts_in_cells(located, wanted, cell_deg)
    return _finished(
        pl.concat([wanted, counts], how="horizontal").filter(pl.col("receptions") > 0), cell_deg
    )


def _counts_in_cells(located: pl.DataFrame, wanted: pl.DataFrame, cell_deg: float) -> pl.DataFrame:
    """``positions``, ``receptions``, ``vessel_hours``, ``vessels`` of each wanted cell."""
    lat0, lon0 = (int(v) for v in wanted.select(pl.col("lat_cell", "lon_cell").min()).row(0))
    rows = wanted["lat_cell"].to_numpy().astype(np.int64) - lat0
    cols = wanted["lon_cell"].to_numpy().astype(np.int64) - lon0
    grid = np.full((int(rows.max()) + 1, int(cols.max()) + 1), -1, dtype=np.int32)
    grid[rows, cols] = np.arange(wanted.height, dtype=np.int32)
    lat, lon = located["lat"].to_numpy(), located["lon"].to_numpy()
    found, cell = _cells_found(lat, lon, cell_deg, lat0, lon0, grid)
    mmsi = located["mmsi"].to_numpy()[found].astype(np.int64)
    ts_ms = located["ts_ms"].to_numpy()[found]
    later = (np.diff(mmsi) > 0) | ((np.diff(mmsi) == 0) & (np.diff(ts_ms) >= 0))
    if not later.all():
        order = np.lexsort((ts_ms, mmsi))
        cell, mmsi, ts_ms = cell[order], mmsi[order], ts_ms[order]
    counts = _count_cells(cell, mmsi, ts_ms // _MINUTE_MS, wanted.height)
    names = ("positions", "receptions", "vessel_hours", "vessels")
    return pl.DataFrame({n: counts[:, k] for k, n in enumerate(names)}).cast(pl.UInt32)


@njit(cache=True)
def _cells_found(
    lat: Floats, lon: Floats, cell_deg: float, lat0: int, lon0: int, grid: npt.NDArray[np.int32]
) -> tuple[Ints, npt.NDArray[np.int32]]:  # pragma: no cover - numba
    """The positions inside a wanted cell (row numbers, in order) and that cell's number
    (its ``grid`` entry; -1 marks cells not wanted).

    Same cell keys as :func:`cell_keys` (the same floating-point operations)."""
    rows = np.empty(lat.size, dtype=np.int64)
    cells = np.empty(lat.size, dtype=np.int32)
    n_rows, n_cols = grid.shape
    n = 0
    for i in range(lat.size):
        r = np.floor(lat[i] / cell_deg + _EPSILON) - lat0
        if not 0 <= r < n_rows:
            continue
        c = np.floor(lon[i] / cell_deg + _EPSILON) - lon0
        if 0 <= c < n_cols and grid[int(r), int(c)] >= 0:
            rows[n], cells[n] = i, grid[int(r), int(c)]
            n += 1
    return rows[:n].copy(), cells[:n].copy()


@njit(cache=True)
def _count_cells(
    cell: npt.NDArray[np.int32], mmsi: Ints, minute: Ints, n_cells: int
) -> Ints:  # pragma: no cover - numba
    """Per cell: distinct (MMSI, minute), rows, distinct (MMSI, hour), distinct MMSI.

    Rows come sorted by (MMSI, time), so equal values of a cell are consecutive among
    its rows and a value is new when it differs from the cell's previous one."""
    counts = np.zeros((n_cells, 4), dtype=np.int64)
    last_mmsi = np.full(n_cells, -1, dtype=np.int64)
    last_minute = np.zeros(n_cells, dtype=np.int64)
    last_hour = np.zeros(n_cells, dtype=np.int64)
    for i in range(cell.size):
        c, m, t = cell[i], mmsi[i], minute[i]
        h = t // 60
        new_vessel = counts[c, 1] == 0 or last_mmsi[c] != m
        counts[c, 0] += new_vessel or last_minute[c] != t
        counts[c, 1] += 1
        counts[c, 2] += new_vessel or last_hour[c] != h
        counts[c, 3] += new_vessel
        last_mmsi[c], last_minute[c], last_hour[c] = m, t, h
    return counts


def _checked(positions: pa.Table | pl.DataFrame, cell_deg: float) -> pl.DataFrame:
    """``positions`` as a Polars frame, once ``cell_deg`` and the columns are checked."""
    if not 0 < cell_deg <= 10:
        raise InputError(f"cell_deg is {cell_deg!r}; expected 0 < cell_deg <= 10")
    df = positions if isinstance(positions, pl.DataFrame) else pl.DataFrame(positions)
    missing = [c for c in ("mmsi", "ts", "lat", "lon") if c not in df.columns]
    if missing:
        raise InputError(f"positions lack columns {missing}; expected mmsi, ts, lat, lon")
    return df


def _keyed(positions: pa.Table | pl.DataFrame, cell_deg: float) -> pl.DataFrame:
    """``mmsi``, ``ts``, ``lat_cell``, ``lon_cell`` of the positions with a location."""
    located = _checked(positions, cell_deg).drop_nulls(["lat", "lon"])
    return located.select("mmsi", "ts", *cell_keys(pl.col("lat"), pl.col("lon"), cell_deg))


def _cell_key(lat_cell: pl.Expr, lon_cell: pl.Expr) -> pl.Expr:
    """One Int64 per cell: both Int32 indices side by side, so one membership test finds a
    position's cell among the wanted ones."""
    return (lat_cell.cast(pl.Int64) * 2**32 + lon_cell.cast(pl.Int64)).alias("cell_key")


def _raster(keyed: pl.DataFrame, cell_deg: float) -> pl.DataFrame:
    """The raster of positions that already carry ``lat_cell`` and ``lon_cell``."""
    minute = pl.col("ts").dt.epoch("ms") // _MINUTE_MS
    thinned = (
        keyed.group_by("lat_cell", "lon_cell", "mmsi", minute.alias("minute"))
        .agg(pl.len().alias("receptions"))
        .with_columns(hour=pl.col("minute") // 60)
    )
    counts = thinned.group_by("lat_cell", "lon_cell").agg(
        pl.len().alias("positions"),
        pl.col("receptions").sum(),
        pl.struct("mmsi", "hour").n_unique().alias("vessel_hours"),
        pl.col("mmsi").n_unique().alias("vessels"),
    )
    return _finished(counts, cell_deg)


def _finished(counts: pl.DataFrame, cell_deg: float) -> pl.DataFrame:
    """Per-cell counts with the cell corners and positions per vessel-hour, sorted by cell."""
    return (
        counts.with_columns(
            cell_deg=pl.lit(cell_deg),
            lat_min_deg=pl.col("lat_cell") * cell_deg,
            lon_min_deg=pl.col("lon_cell") * cell_deg,
            positions_per_vessel_hour=pl.col("positions") / pl.col("vessel_hours"),
        )
        .select(pl.col(name).cast(dtype) for name, dtype in RASTER_SCHEMA.items())
        .sort("lat_cell", "lon_cell")
    )


def raster_cell_deg(raster: pl.DataFrame) -> float:
    """The cell size a raster was computed with (all rows agree)."""
    sizes = raster["cell_deg"].unique().to_list()
    if len(sizes) > 1:
        raise InputError(f"reception raster mixes cell sizes {sizes}; expected one")
    return float(sizes[0]) if sizes else 0.1
