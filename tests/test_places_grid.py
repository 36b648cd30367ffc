"""PlaceIndex.nearest_within (lat/lon cell grid) agrees with the KD-tree exactly.

Where the nearest place lies within the radius, the grid must give the KD-tree's place
and the very same metres; elsewhere (-1, inf). Checked on the real places (ports,
anchorages, DPRK ports: dense anchorage clusters, duplicated coordinates, a place at the
pole) around real place coordinates, and on made-up places at the antimeridian and poles.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from setori.geo.places import PLACE_SCHEMA, PlaceIndex, index_places, load_places

EXIT_M = 4000.0


def assert_agrees(
    places: PlaceIndex, lat: npt.ArrayLike, lon: npt.ArrayLike, radius_m: float
) -> int:
    """Grid answer == KD-tree answer masked to the radius; returns how many were within."""
    grid = places.nearest_within(lat, lon, radius_m)
    tree = places.nearest(lat, lon)
    within = tree.distance_m <= radius_m
    assert np.array_equal(grid.index, np.where(within, tree.index, -1))
    assert np.array_equal(grid.distance_m, np.where(within, tree.distance_m, np.inf))
    return int(within.sum())


def around_places(places: PlaceIndex, n: int, spread_deg: float, seed: int) -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64]
]:  # fmt: skip
    """``n`` points scattered up to ``spread_deg`` around randomly chosen real places."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, places.table.height, n)
    lat = places.table["lat"].to_numpy()[pick] + rng.uniform(-spread_deg, spread_deg, n)
    lon = places.table["lon"].to_numpy()[pick] + rng.uniform(-spread_deg, spread_deg, n)
    return np.clip(lat, -90, 90), lon


@pytest.mark.parametrize("radius_m", [EXIT_M, 3000.0, 500.0, 25_000.0])
@pytest.mark.slow
def test_grid_matches_kdtree_around_real_places(radius_m: float) -> None:
    places = load_places()
    lat, lon = around_places(places, 200_000, 0.08 * max(1.0, radius_m / EXIT_M), int(radius_m))
    within = assert_agrees(places, lat, lon, radius_m)
    assert 0 < within < lat.size


def test_grid_matches_kdtree_on_real_place_coordinates_and_anywhere() -> None:
    places = load_places()
    lat, lon = places.table["lat"].to_numpy(), places.table["lon"].to_numpy()
    assert assert_agrees(places, lat, lon, EXIT_M) == lat.size  # duplicates: KD-tree's pick
    rng = np.random.default_rng(3)
    assert_agrees(places, rng.uniform(-90, 90, 100_000), rng.uniform(-180, 180, 100_000), EXIT_M)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-90, 90, allow_nan=False), st.floats(-540, 540, allow_nan=False)),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from([EXIT_M, 3000.0, 12_000.0]),
)
@pytest.mark.slow
def test_grid_matches_kdtree_for_any_point(
    points: list[tuple[float, float]], radius: float
) -> None:
    lat, lon = (np.array(v, dtype=np.float64) for v in zip(*points, strict=True))
    assert_agrees(load_places(), lat, lon, radius)


def made_up_places() -> PlaceIndex:
    """Places at the antimeridian, next to the poles, duplicated and tied."""
    coords = [
        (0.0, 179.99), (0.0, -179.99), (10.0, 180.0), (-10.0, -180.0),
        (89.999, 0.0), (-89.99, 120.0), (60.0, 30.0), (60.0, 30.0),  # a duplicate
        (0.0, 0.01), (0.0, -0.01), (75.0, 179.999),
    ]  # fmt: skip
    rows = [
        {"name": f"p{i}", "kind": "port", "iso3": None, "lat": la, "lon": lo, "source": "test"}
        for i, (la, lo) in enumerate(coords)
    ]
    return index_places(pl.DataFrame(rows, schema=PLACE_SCHEMA))


def test_grid_at_antimeridian_poles_and_ties() -> None:
    places = made_up_places()
    rng = np.random.default_rng(11)
    table = places.table
    pick = rng.integers(0, table.height, 50_000)
    lat = np.clip(table["lat"].to_numpy()[pick] + rng.normal(0, 0.03, pick.size), -90, 90)
    lon = table["lon"].to_numpy()[pick] + rng.normal(0, 0.2, pick.size)
    lon = np.where(rng.random(pick.size) < 0.1, lon + 360, lon)  # unwrapped longitudes
    extra_lat = [0.0, 0.0, 90.0, -90.0, 60.0, np.nan, 1.0, 0.0]
    extra_lon = [180.0, -180.0, 45.0, 0.0, 30.0, 0.0, np.nan, 0.0]
    lat, lon = np.append(lat, extra_lat), np.append(lon, extra_lon)
    for radius_m in (EXIT_M, 20_000.0):
        assert 0 < assert_agrees(places, lat, lon, radius_m) < lat.size
    grid = places.nearest_within([0.0, 60.0], [180.0, 30.0], EXIT_M)
    assert grid.index[0] >= 0 and grid.index[1] in (6, 7)


def test_grid_on_empty_input_and_empty_table() -> None:
    places = load_places()
    empty = places.nearest_within(np.zeros(0), np.zeros(0), EXIT_M)
    assert empty.index.size == 0 and empty.distance_m.size == 0
    none = index_places(pl.DataFrame(schema=PLACE_SCHEMA))
    far = none.nearest_within([0.0, 45.0], [0.0, 90.0], EXIT_M)
    assert far.index.tolist() == [-1, -1] and np.isinf(far.distance_m).all()


@pytest.mark.slow
def test_numpy_unit_vector_path_gives_the_same_answers() -> None:
    """Where compiled trigonometry differs from NumPy's, the grid takes NumPy's unit vectors."""
    places = load_places()
    lat, lon = around_places(places, 100_000, 0.08, seed=5)
    compiled = places.nearest_within(lat, lon, EXIT_M)
    grid = places.grids[EXIT_M]
    slow = PlaceIndex(places.table, places.trees, {EXIT_M: replace(grid, same_trig=False)})
    numpy_path = slow.nearest_within(lat, lon, EXIT_M)
    assert np.array_equal(compiled.index, numpy_path.index)
    assert np.array_equal(compiled.distance_m, numpy_path.distance_m)
    assert_agrees(slow, lat, lon, EXIT_M)
