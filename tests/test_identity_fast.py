"""The fast paths of the identity rules agree with the exact ones they replace.

* :func:`setori.geo.land.land_cells`: every point in an all-land / all-sea cell gets the
  answer of the exact polygon test, on points scattered around the real 1:50m coastline
  (Natural Earth vertices, offset by up to a few cells) and on the Korean reference spots.
* :func:`setori.detect.identity.inland_points`: the same points and distances as
  :meth:`LandLayer.on_land` / :meth:`LandLayer.distance_to_shore_km` on every point.
* :meth:`LandCells.on_land` (cells, then points grouped along tracks) equals the
  polygon test.
* :func:`setori.geo.land.shore_km_along` equals the KD-tree distance to the shore.
* A :class:`Track` and its table give the same events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
import shapely

from setori.detect.identity import (
    detect_cloning,
    detect_identity,
    detect_kinematic_jumps,
    detect_on_land,
    inland_points,
)
from setori.detect.track import Track
from setori.geo.land import (
    CELL_LAND,
    CELL_MIXED,
    CELL_SEA,
    LandLayer,
    land_cells,
    load_land,
    shore_km_along,
)

T0 = datetime(2024, 3, 1, tzinfo=UTC)
KOREA = [(38.72, 125.22), (38.60, 124.80), (38.7167, 125.4), (35.5, 123.5), (39.0, 126.0)]


def _coastal_points(n: int, spread_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Real coastline vertices (Natural Earth 1:50m), each moved by up to ``spread_deg``."""
    land = load_land()
    xy = shapely.get_coordinates(shapely.boundary(land.land))
    rng = np.random.default_rng(7)
    pick = xy[rng.integers(0, len(xy), n)]
    lat = np.clip(pick[:, 1] + rng.uniform(-spread_deg, spread_deg, n), -89.99, 89.99)
    lon = np.clip(pick[:, 0] + rng.uniform(-spread_deg, spread_deg, n), -180.0, 179.99)
    return lat, lon


@pytest.mark.slow
def test_land_cells_agree_with_polygons_near_coasts() -> None:
    land, cells = load_land(), land_cells(load_land())
    for spread in (0.02, 0.1, 0.3, 1.0):
        lat, lon = _coastal_points(200_000, spread)
        code, exact = cells.classify(lat, lon), land.on_land(lat, lon)
        assert not (exact & (code == CELL_SEA)).any()
        assert not (~exact & (code == CELL_LAND)).any()
    assert (code == CELL_SEA).any() and (code == CELL_LAND).any()  # decided without polygons
    lat, lon = np.array([p[0] for p in KOREA]), np.array([p[1] for p in KOREA])
    decided = cells.classify(lat, lon) != CELL_MIXED
    assert (cells.classify(lat, lon)[decided] == land.on_land(lat, lon)[decided]).all()


@pytest.mark.slow
def test_land_cells_on_land_equals_polygons() -> None:
    """Scattered coastal points, tracks jittering ~100 m at Korean anchorages and ports,
    a walk across the Nampo coast, NaN and off-grid points: the grouped test agrees."""
    land = load_land()
    lat, lon = _coastal_points(100_000, 0.2)
    rng = np.random.default_rng(5)
    tracks_lat, tracks_lon = [lat], [lon]
    for c_lat, c_lon in [*KOREA, (40.67, -74.05), (51.95, 4.05)]:
        tracks_lat.append(c_lat + rng.normal(0.0, 0.001, 2_000))
        tracks_lon.append(c_lon + rng.normal(0.0, 0.001, 2_000))
    walk = np.linspace(-0.3, 0.3, 5_000)
    tracks_lat += [38.72 + walk, np.array([np.nan, 95.0, 38.7])]
    tracks_lon += [125.22 + walk, np.array([125.2, 125.2, np.nan])]
    lat, lon = np.concatenate(tracks_lat), np.concatenate(tracks_lon)
    exact = land.on_land(lat, lon)
    assert (land_cells(land).on_land(lat, lon) == exact).all()
    assert land_cells(land).on_land([], []).size == 0
    # a layer that does not state its shore spacing: the cells build their own coast tree
    unstated = LandLayer(land.land, land.shore)
    assert land_cells(unstated).coast is not land.shore
    assert (land_cells(unstated).on_land(lat, lon) == exact).all()


def test_land_cells_off_grid_points_are_mixed() -> None:
    cells = land_cells(load_land())
    code = cells.classify([np.nan, 95.0, 0.0, 10.0], [0.0, 0.0, 181.0, np.nan])
    assert code.tolist() == [CELL_MIXED] * 4
    assert land_cells(load_land()) is cells  # built once per layer


@pytest.mark.slow
def test_inland_points_equal_exact() -> None:
    land = load_land()
    lat, lon = _coastal_points(100_000, 0.5)
    on_land, inland_km = inland_points(lat, lon, land)
    exact = np.flatnonzero(land.on_land(lat, lon))
    assert np.array_equal(on_land, exact)
    assert np.array_equal(inland_km, land.distance_to_shore_km(lat[exact], lon[exact]))


def test_shore_km_along_equals_kd_tree() -> None:
    """Scattered coastal points (each its own group) and tracks: a 60 km walk inland
    from Nampo and a cluster jittering by ~100 m, with a NaN among them."""
    land = load_land()
    lat, lon = _coastal_points(20_000, 0.5)
    rng = np.random.default_rng(3)
    walk = np.linspace(0.0, 0.6, 3_000)
    jitter = rng.normal(0.0, 0.001, (2, 3_000))
    lat = np.concatenate([lat, 38.72 + walk, 39.0 + jitter[0], [np.nan, 39.0]])
    lon = np.concatenate([lon, 125.22 + walk, 126.0 + jitter[1], [126.0, np.nan]])
    fast, exact = shore_km_along(land, lat, lon), land.distance_to_shore_km(lat, lon)
    assert np.array_equal(fast, exact, equal_nan=True)
    assert shore_km_along(land, [], []).size == 0


def _positions() -> pl.DataFrame:
    """Two vessels: one MMSI on two overlapping segments far apart (a clone, with a
    jump in one segment) and one that drives inland over Korea."""
    rows = []
    for i in range(30):
        ts = T0 + timedelta(minutes=10 * i)
        rows.append((1, 412000001, "a", ts, 35.5, 123.5 + 0.01 * i))
        rows.append((2, 412000001, "b", ts + timedelta(minutes=5), 36.5, 123.5 + 0.01 * i))
        rows.append((3, 445000001, "c", ts, 38.72 + 0.05 * i, 125.22 + 0.05 * i))
    rows.append((4, 412000001, "a", T0 + timedelta(hours=6), 37.5, 123.5))
    return pl.DataFrame(
        [
            {"row_id": 10 * i + k, "mmsi": m, "segment_id": s, "ts": t, "lat": la, "lon": lo}
            for i, (k, m, s, t, la, lo) in enumerate(rows)
        ]
    )


def test_track_and_table_give_the_same_events() -> None:
    df = _positions()
    for rule in (detect_cloning, detect_kinematic_jumps, detect_on_land):
        from_table, from_track = rule(df), rule(Track.of(df))
        assert from_table.num_rows > 0
        assert from_table.to_pylist() == from_track.to_pylist()
    assert detect_identity(df).to_pylist() == detect_identity(Track.of(df)).to_pylist()
