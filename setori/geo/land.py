"""Land: is a point on land, and how far is it from the shore (approximately).

Source: Natural Earth 1:50m land polygons (public domain; shared
``natural-earth/ne_50m_land.geojson``, 1,420 polygons; a gzip copy rounded to 1e-4°
ships as ``setori/data/ne-50m-land.geojson.gz``). At 1:50m the coastline is generalised
by a few hundred metres to ~1-2 km; small islands and narrow river ports (Nampo on the
Taedong, New York piers) may be missing or fall "on land", so on-land rules need a
margin (:mod:`setori.detect.identity`).

* ``on_land``: shapely 2 ``contains_xy`` on the prepared MultiPolygon of all land.
* ``distance_to_shore_km``: great-circle distance to the nearest coastline vertex after
  densifying every ring to vertices at most ``SHORE_SPACING_DEG`` (0.02°, ≤ 2.2 km)
  apart, via scipy's ``cKDTree`` (:func:`nearest_chord`). The nearest vertex is at most half
  a spacing farther than the nearest coastline point, so the result over-estimates the
  distance to the 1:50m coastline by at most ~1.1 km (less at high latitudes).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from numba import njit
from scipy.spatial import cKDTree

from setori.geo.reference import GeoSettings
from setori.geo.sphere import chord_to_m, chord_to_rad, unit_vectors

SHORE_SPACING_DEG = 0.02
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class LandLayer:
    """Prepared land polygons and a KD-tree of densified coastline vertices.

    ``shore_spacing_deg``, when known, bounds the planar lon/lat spacing of the ``shore``
    vertices along every boundary of ``land`` (lets :func:`land_cells` reuse the tree).
    """

    land: Any
    shore: cKDTree
    shore_spacing_deg: float | None = None

    def on_land(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> Bools:
        """Whether each point lies inside a land polygon."""
        return np.asarray(
            shapely.contains_xy(
                self.land, np.asarray(lon, np.float64), np.asarray(lat, np.float64)
            ),
            dtype=np.bool_,
        )

    def distance_to_shore_km(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> Floats:
        """Approximate distance (km) to the nearest coastline, on land or at sea."""
        return chord_to_m(nearest_chord(self.shore, unit_vectors(lat, lon))) / 1000.0


def load_land(settings: GeoSettings | None = None) -> LandLayer:
    """Natural Earth 50m land from ``data_dir`` or the shipped copy (cached)."""
    return _cached_land((settings or GeoSettings()).path("land"))


@lru_cache(maxsize=2)
def _cached_land(path: Path) -> LandLayer:
    text = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    collection = shapely.from_geojson(text)
    polygons = shapely.get_parts(shapely.get_parts(collection))
    land = shapely.multipolygons(polygons[shapely.get_type_id(polygons) == 3])
    shapely.prepare(land)
    coast = shapely.segmentize(shapely.boundary(land), SHORE_SPACING_DEG)
    xy = shapely.get_coordinates(coast)
    return LandLayer(land, cKDTree(unit_vectors(xy[:, 1], xy[:, 0])), SHORE_SPACING_DEG)


#: Side (degrees) of the cells of :func:`land_cells`.
CELL_DEG = 0.05
#: Planar radius (degrees) of the point groups of :meth:`LandCells.on_land`.
GROUP_DEG = 0.002
#: Codes of :meth:`LandCells.classify`.
CELL_SEA, CELL_LAND, CELL_MIXED = 0, 1, 2
#: Grids kept (26 MB each at 0.05°), oldest dropped first.
_CELLS_KEPT = 2
_CELLS: dict[tuple[int, float], tuple[LandLayer, LandCells]] = {}


@dataclass(frozen=True, slots=True)
class LandCells:
    """A land layer on a grid of ``cell_deg`` lon/lat cells: all sea, all land or mixed.

    ``code`` holds one :data:`CELL_SEA` / :data:`CELL_LAND` / :data:`CELL_MIXED` per
    cell, row-major from (-90°, -180°). A cell that is not mixed holds no point of any
    polygon boundary, so every point in it (edges included) is on land exactly when
    :meth:`LandLayer.on_land` says so for any other point of it.
    """

    cell_deg: float
    n_lat: int
    n_lon: int
    code: npt.NDArray[np.int8]
    #: The layer's land polygons (prepared) and a KD-tree of their boundary vertices,
    #: densified to at most ``coast_spacing_deg`` apart (the layer's shore tree when
    #: it states its spacing, else built from the cells' own densified boundary).
    land: Any
    coast: cKDTree
    coast_spacing_deg: float

    def on_land(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> Bools:
        """:meth:`LandLayer.on_land` of the layer, faster for points in track order.

        Points in all-land / all-sea cells take the cell's answer. Points in mixed cells
        are grouped: consecutive points within ``GROUP_DEG`` (planar lon/lat degrees) of
        a group's first point ``c``. The boundary is at least ``a - s / 2`` degrees from
        ``c`` (planar), with ``a`` the great-circle angle to the nearest boundary vertex
        (never more than the planar distance) and ``s`` the vertex spacing; when that
        exceeds ``GROUP_DEG`` no boundary lies between ``c`` and any point of the group,
        which all take ``c``'s answer. Other points get the exact polygon test.
        """
        lat_a = np.ascontiguousarray(lat, np.float64)
        lon_a = np.ascontiguousarray(lon, np.float64)
        code = self.classify(lat_a, lon_a)
        out: Bools = code == CELL_LAND
        mixed = np.flatnonzero(code == CELL_MIXED)
        if mixed.size:
            out[mixed] = self._on_land_grouped(lat_a[mixed], lon_a[mixed])
        return out

    def _on_land_grouped(self, lat: Floats, lon: Floats) -> Bools:
        first = _planar_group_starts(lat, lon, GROUP_DEG)
        chord = nearest_chord(self.coast, unit_vectors(lat[first], lon[first]))
        with np.errstate(invalid="ignore"):
            clear_deg = np.degrees(chord_to_rad(chord))
            safe = clear_deg - self.coast_spacing_deg / 2 > GROUP_DEG * (1 + 1e-6) + 1e-9
        group = np.repeat(np.arange(first.size), np.diff(first, append=lat.size))
        centre: Bools = np.asarray(shapely.contains_xy(self.land, lon[first], lat[first]), np.bool_)
        out = centre[group]
        exact = np.flatnonzero(~safe[group])
        out[exact] = shapely.contains_xy(self.land, lon[exact], lat[exact])
        return out

    def classify(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.int8]:
        """The code of each point's cell; points off the grid (or NaN) are mixed."""
        return _cell_codes(
            np.ascontiguousarray(lat, np.float64),
            np.ascontiguousarray(lon, np.float64),
            self.code,
            self.cell_deg,
            self.n_lat,
            self.n_lon,
        )


@njit(cache=True)
def _cell_codes(
    lat: Floats, lon: Floats, code: npt.NDArray[np.int8], cell_deg: float, n_lat: int, n_lon: int
) -> npt.NDArray[np.int8]:  # pragma: no cover - numba
    out = np.full(lat.size, CELL_MIXED, np.int8)
    for i in range(lat.size):
        row = np.floor((lat[i] + 90.0) / cell_deg)  # float: NaN fails both tests below
        col = np.floor((lon[i] + 180.0) / cell_deg)
        if 0.0 <= row < n_lat and 0.0 <= col < n_lon:
            out[i] = code[int(row) * n_lon + int(col)]
    return out


def land_cells(layer: LandLayer, cell_deg: float = CELL_DEG) -> LandCells:
    """``layer`` on a grid of ``cell_deg`` cells (built once per layer and cell size).

    Method: every polygon boundary is densified to vertices at most ``cell_deg / 2``
    apart (in degrees, per axis), so a boundary segment runs only through the cells of
    its end vertices and their eight neighbours; those 3 x 3 blocks are the mixed cells.
    The other cells hold no boundary, so each run of them along a row of the grid is all
    land or all sea: one :meth:`LandLayer.on_land` test of the run's first cell centre
    classifies the run.
    """
    key = (id(layer), cell_deg)
    cached = _CELLS.get(key)
    if cached is None or cached[0] is not layer:
        cached = (layer, _build_cells(layer, cell_deg))
        while len(_CELLS) >= _CELLS_KEPT:
            del _CELLS[next(iter(_CELLS))]
        _CELLS[key] = cached
    return cached[1]


def _build_cells(layer: LandLayer, cell_deg: float) -> LandCells:
    n_lat, n_lon = round(180.0 / cell_deg), round(360.0 / cell_deg)
    coast = shapely.segmentize(shapely.boundary(layer.land), cell_deg / 2)
    xy = shapely.get_coordinates(coast)
    row = np.clip(np.floor((xy[:, 1] + 90.0) / cell_deg).astype(np.int64), 0, n_lat - 1)
    col = np.clip(np.floor((xy[:, 0] + 180.0) / cell_deg).astype(np.int64), 0, n_lon - 1)
    mixed = np.zeros((n_lat, n_lon), np.bool_)
    for d_row in (-1, 0, 1):
        for d_col in (-1, 0, 1):
            r, c = row + d_row, col + d_col
            ok = (r >= 0) & (r < n_lat) & (c >= 0) & (c < n_lon)
            mixed[r[ok], c[ok]] = True
    first_cell = _run_starts(mixed)
    centre_lat = (first_cell // n_lon + 0.5) * cell_deg - 90.0
    centre_lon = (first_cell % n_lon + 0.5) * cell_deg - 180.0
    code = _fill_runs(mixed, layer.on_land(centre_lat, centre_lon))
    if layer.shore_spacing_deg is not None:
        return LandCells(
            cell_deg, n_lat, n_lon, code, layer.land, layer.shore, layer.shore_spacing_deg
        )
    coast_tree = cKDTree(unit_vectors(xy[:, 1], xy[:, 0]))
    return LandCells(cell_deg, n_lat, n_lon, code, layer.land, coast_tree, cell_deg / 2)


@njit(cache=True)
def _run_starts(mixed: Bools) -> npt.NDArray[np.int64]:  # pragma: no cover - numba
    """Flat index of the first cell of each run of non-mixed cells along a grid row."""
    n_lat, n_lon = mixed.shape
    out = np.empty(n_lat * n_lon, np.int64)
    n = 0
    for r in range(n_lat):
        for c in range(n_lon):
            if not mixed[r, c] and (c == 0 or mixed[r, c - 1]):
                out[n] = r * n_lon + c
                n += 1
    return out[:n].copy()


@njit(cache=True)
def _fill_runs(mixed: Bools, run_land: Bools) -> npt.NDArray[np.int8]:  # pragma: no cover
    """Cell codes, row-major: mixed, or the land flag of the run (in :func:`_run_starts`
    order) that the cell belongs to."""
    n_lat, n_lon = mixed.shape
    code = np.empty(n_lat * n_lon, np.int8)
    run = -1
    for r in range(n_lat):
        for c in range(n_lon):
            if mixed[r, c]:
                code[r * n_lon + c] = CELL_MIXED
                continue
            if c == 0 or mixed[r, c - 1]:
                run += 1
            code[r * n_lon + c] = CELL_LAND if run_land[run] else CELL_SEA
    return code


@njit(cache=True)
def _planar_group_starts(lat: Floats, lon: Floats, max_deg: float) -> npt.NDArray[np.int64]:
    """Index of each group's first point: a group ends before the first point farther
    than ``max_deg`` (planar lon/lat degrees) from its first point (or not finite)."""
    starts = np.empty(lat.size, np.int64)
    n, c = 0, 0
    for i in range(lat.size):
        d2 = (lat[i] - lat[c]) ** 2 + (lon[i] - lon[c]) ** 2
        if i == 0 or not d2 <= max_deg * max_deg:
            starts[n] = i
            n += 1
            c = i
    return starts[:n].copy()


def shore_km_along(layer: LandLayer, lat: npt.ArrayLike, lon: npt.ArrayLike) -> Floats:
    """:meth:`LandLayer.distance_to_shore_km` of points in track order (the same values).

    It used to group nearby points for a range query of setori's own KD-tree; with
    scipy's tree it is the plain nearest-vertex query: 0.25 CPU s per 200,000
    track-ordered points against 0.23 s for the grouped query (``bench/bench_kdtree.py``),
    for the few on-land positions it is asked about.
    """
    return layer.distance_to_shore_km(lat, lon)


def nearest_chord(tree: cKDTree, xyz: Floats) -> Floats:
    """Chord from each unit vector ``xyz[i]`` to its nearest point of ``tree``; ``inf``
    for a vector that is not finite (scipy refuses them) and for an empty tree.

    scipy's tree replaced setori's own here (``bench/bench_kdtree.py``: the same chords
    bit for bit; the 458,714 shore vertices build in 0.08 CPU s instead of 0.77 s, once
    per process; 200,000 scattered queries take 0.75 s instead of 0.32 s, and land is
    asked about few points: event positions, on-land positions, mixed-cell groups).
    """
    chord = np.full(xyz.shape[0], np.inf)
    finite = np.flatnonzero(np.isfinite(xyz).all(axis=1))
    if tree.n and finite.size:
        chord[finite] = tree.query(xyz[finite])[0]
    return chord
