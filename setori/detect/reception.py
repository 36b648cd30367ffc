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

import polars as pl
import pyarrow as pa

from setori.errors import InputError

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

    ``cells``: ``lat_cell`` and ``lon_cell`` (Int32) of the cells wanted; cells without a
    position have no row. Every value of a cell (vessel-minutes, rows, vessel-hours,
    vessels) is counted over the positions inside that cell alone, so dropping the
    positions of all other cells first leaves it unchanged: the same rows as the full
    raster, at the cost of one pass of integer cell keys over the positions plus a raster
    of the (usually few) positions in the wanted cells.
    """
    keyed = _keyed(positions, cell_deg)
    wanted = cells.select(_cell_key(pl.col("lat_cell"), pl.col("lon_cell")))
    inside = _cell_key(pl.col("lat_cell"), pl.col("lon_cell")).is_in(wanted.to_series().implode())
    return _raster(keyed.filter(inside), cell_deg)


def _keyed(positions: pa.Table | pl.DataFrame, cell_deg: float) -> pl.DataFrame:
    """``mmsi``, ``ts``, ``lat_cell``, ``lon_cell`` of the positions with a location."""
    if not 0 < cell_deg <= 10:
        raise InputError(f"cell_deg is {cell_deg!r}; expected 0 < cell_deg <= 10")
    df = positions if isinstance(positions, pl.DataFrame) else pl.DataFrame(positions)
    missing = [c for c in ("mmsi", "ts", "lat", "lon") if c not in df.columns]
    if missing:
        raise InputError(f"positions lack columns {missing}; expected mmsi, ts, lat, lon")
    located = df.drop_nulls(["lat", "lon"])
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
    return (
        thinned.group_by("lat_cell", "lon_cell")
        .agg(
            pl.len().alias("positions"),
            pl.col("receptions").sum(),
            pl.struct("mmsi", "hour").n_unique().alias("vessel_hours"),
            pl.col("mmsi").n_unique().alias("vessels"),
        )
        .with_columns(
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
