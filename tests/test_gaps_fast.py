"""The reception raster restricted to a few cells equals the full raster there.

:func:`~setori.detect.reception.reception_raster_of_cells` is what the gap detector uses
for the cells of its gaps' last positions; checked against
:func:`~setori.detect.reception.reception_raster` on a scenario world, in input order and
in (MMSI, time) order, and on its fallback paths (a wanted-cell grid too large, null MMSIs).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import numpy as np
import polars as pl
import pytest
from scenarios import world

from setori.detect.reception import reception_raster, reception_raster_of_cells


@cache
def _positions() -> pl.DataFrame:
    return world(np.random.default_rng(1)).positions.select("mmsi", "ts", "lat", "lon")


def _same_on_sampled_cells(positions: pl.DataFrame, cell_deg: float) -> None:
    full = reception_raster(positions, cell_deg)
    cells = full.sample(min(40, full.height), seed=7).select("lat_cell", "lon_cell")
    missing = pl.DataFrame({"lat_cell": [-899], "lon_cell": [-1799]})  # a cell with no position
    wanted = pl.concat([cells, missing.cast(pl.Int32)])
    expected = full.join(cells, on=["lat_cell", "lon_cell"], how="semi")
    assert reception_raster_of_cells(positions, wanted, cell_deg).equals(expected)


@pytest.mark.parametrize("cell_deg", [0.1, 0.05, 1.0])
def test_restricted_raster_equals_full_raster_in_input_order(cell_deg: float) -> None:
    _same_on_sampled_cells(_positions(), cell_deg)


def test_restricted_raster_equals_full_raster_in_mmsi_time_order() -> None:
    _same_on_sampled_cells(_positions().sort("mmsi", "ts"), 0.1)


def test_restricted_raster_falls_back_on_far_apart_cells_and_null_mmsi() -> None:
    t0 = datetime(2024, 3, 1, tzinfo=UTC)
    far = pl.DataFrame(
        {
            "mmsi": [1, 1, 2, 2, None],
            "ts": [t0 + timedelta(minutes=m) for m in (0, 1, 0, 90, 5)],
            "lat": [38.55, 38.551, -30.0, -30.0, 38.55],
            "lon": [124.85, 124.85, -120.0, -120.0, 124.85],
        }
    )
    _same_on_sampled_cells(far.filter(pl.col("mmsi").is_not_null()), 0.01)  # grid too large
    _same_on_sampled_cells(far, 0.1)  # null MMSI
    _same_on_sampled_cells(far, 10.0)


def test_restricted_raster_of_no_cells_is_empty() -> None:
    none = pl.DataFrame(schema={"lat_cell": pl.Int32, "lon_cell": pl.Int32})
    assert reception_raster_of_cells(_positions(), none).is_empty()
