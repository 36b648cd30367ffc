"""Ports and anchorages as one table, with a nearest-place query for many points.

Sources (``docs/detect-context.md``; ``shared/data/SOURCES.md`` section 5):

* ports: NGA World Port Index (Pub 150), 3,768 ports (``kind = "port"``);
* anchorages: Global Fishing Watch's named anchorage points (``anchorage_overrides.csv``,
  S2 level-14 cells of ~0.5 km, 60,410 points; ``kind = "anchorage"``);
* DPRK ports: the ``dprk_port`` / ``related_port`` points of ``dprk-areas.geojson``
  (WPI positions; ``kind = "port"``, ``source = "dprk_areas"``), the curated override
  detection.md §8.5 asks for (GFW lists no PRK anchorage).

The index is a KD-tree on unit vectors per kind (:mod:`setori.geo.kdtree`): exact
great-circle nearest distances, ~1 M points per second per core. For questions that only
care about places within a radius (port visits: 4 km), :meth:`PlaceIndex.nearest_within`
answers from a grid of small lat/lon cells (:class:`PlaceGrid`): a point in a cell no
place's radius reaches is answered "none" at once, the others compare the few places
listed for their cell; the answer is the KD-tree's (same place, same metres).
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
from numba import njit

from setori.geo.kdtree import KdTree, build_kdtree, nearest
from setori.geo.reference import PACKAGED_DIR, GeoSettings
from setori.geo.sphere import EARTH_RADIUS_M, chord_to_m, unit_vectors

KINDS = ("port", "anchorage")
PLACE_SCHEMA = {
    "name": pl.String,
    "kind": pl.String,
    "iso3": pl.String,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "source": pl.String,
}
_AREA_ISO3 = {"dprk_port": "PRK"}
_COUNTRY_ISO3 = {"Russia": "RUS", "China": "CHN"}
#: Side of a :class:`PlaceGrid` cell in degrees (~2.2 km of latitude).
GRID_CELL_DEG = 0.02
#: A grid lists each place in every cell its circle may reach, with this much to spare
#: (relative, plus metres) so rounding can never leave a place out.
_GRID_SLACK = 1.01
_GRID_SLACK_M = 50.0
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
#: Grids kept per :class:`PlaceIndex` (one per radius asked).
_MAX_GRIDS = 4


@dataclass(frozen=True, slots=True)
class NearestPlaces:
    """For each query point: row of the nearest place in the table (-1: none) and distance."""

    index: npt.NDArray[np.int64]
    distance_m: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PlaceIndex:
    """The places table and one KD-tree per kind (``port``, ``anchorage``) plus all."""

    table: pl.DataFrame
    trees: dict[str, tuple[KdTree, npt.NDArray[np.int64]]]
    grids: dict[float, PlaceGrid] = field(default_factory=dict, compare=False, repr=False)

    def nearest(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, kind: str | None = None
    ) -> NearestPlaces:
        """Nearest place (of ``kind``, or of any kind) to each point; haversine metres."""
        tree, rows = self.trees[kind or "all"]
        found, chord = nearest(tree, unit_vectors(lat, lon))
        index = np.where(found >= 0, rows[np.maximum(found, 0)], -1) if rows.size else found
        return NearestPlaces(index.astype(np.int64), chord_to_m(chord))

    def nearest_within(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, radius_m: float
    ) -> NearestPlaces:
        """:meth:`nearest` (any kind) where a place lies within ``radius_m``, else (-1, inf).

        Exact: a point whose nearest place is within ``radius_m`` gets the very place and
        metres :meth:`nearest` gives (the grid compares the same unit vectors the KD-tree
        does; a tie between two places, or a coordinate that is not finite, is asked of
        the KD-tree itself). Any other point is more than ``radius_m`` from every place.
        """
        lat_a = np.ascontiguousarray(lat, dtype=np.float64)
        lon_a = np.ascontiguousarray(lon, dtype=np.float64)
        grid = self.grids.get(radius_m)
        if grid is None:
            if len(self.grids) >= _MAX_GRIDS:  # ~40 MB each: keep the latest few radii
                del self.grids[next(iter(self.grids))]
            grid = self.grids[radius_m] = build_place_grid(self.table, radius_m)
        if grid.same_trig:
            index, chord = _nearest_in_cells(
                lat_a, lon_a, grid.keys, grid.coarse, grid.columns, grid.cell_deg,
                grid.start, grid.rows, grid.reach, grid.centre, grid.xyz,
            )  # fmt: skip
        else:
            index, chord = _nearest_in_cells_numpy(lat_a, lon_a, grid)
        distance_m = np.full(lat_a.size, np.inf)
        found = np.flatnonzero(index >= 0)
        distance_m[found] = chord_to_m(chord[found])
        tree = np.flatnonzero(index == _ASK_TREE)
        if tree.size:
            exact = self.nearest(lat_a[tree], lon_a[tree])
            index[tree], distance_m[tree] = exact.index, exact.distance_m
            found = np.union1d(found, tree)
        far = found[~(distance_m[found] <= radius_m)]
        index[far], distance_m[far] = -1, np.inf
        return NearestPlaces(index, distance_m)

    def names(self, index: npt.NDArray[np.int64]) -> list[str | None]:
        """Names of the places at ``index`` (None where the index is -1)."""
        names = self.table["name"].to_numpy()
        return [None if i < 0 else str(names[i]) for i in index.tolist()]


@dataclass(frozen=True, slots=True)
class PlaceGrid:
    """Places listed per lat/lon cell: every place whose ``radius_m`` circle reaches the cell.

    Cell ``(r, c)`` covers latitudes ``[-90 + r*d, -90 + (r+1)*d)`` and longitudes
    ``[-180 + c*d, -180 + (c+1)*d)`` (``d = cell_deg``; the column wraps at the
    antimeridian). A place's circle of angular radius ``a`` lies within latitudes
    ``lat ± a`` and longitudes ``lon ± asin(sin a / cos lat)`` (all longitudes when the
    circle holds a pole), so the place is listed in every cell of that box: a point can
    only be within ``radius_m`` of the places of its own cell. Only cells that list a place
    are kept: ``keys`` (``r * columns + c``, sorted) and CSR ``start`` into ``rows``
    (place table rows) and ``reach`` (their chord from the cell's centre, ``centre``: one
    unit vector per kept cell), each cell's places by increasing reach. ``xyz`` are the
    places' unit vectors by table row. ``same_trig``: the compiled unit vectors
    (:func:`_unit_vector`) equal :func:`~setori.geo.sphere.unit_vectors`' on a sample
    (same libm); when not, points' unit vectors come from NumPy (slower, same answers).
    ``coarse``: per block of :data:`_COARSE` x :data:`_COARSE` cells, whether any is kept
    (most points at sea are answered from it without a search of ``keys``).
    """

    radius_m: float
    cell_deg: float
    columns: int
    keys: Ints
    start: Ints
    rows: Ints
    reach: Floats
    centre: Floats
    xyz: Floats
    same_trig: bool
    coarse: npt.NDArray[np.bool_]


def build_place_grid(
    table: pl.DataFrame, radius_m: float, cell_deg: float = GRID_CELL_DEG
) -> PlaceGrid:
    """The :class:`PlaceGrid` of ``table``'s places (``lat``, ``lon`` columns) for ``radius_m``."""
    lat, lon = table["lat"].to_numpy(), table["lon"].to_numpy()
    rows_n, columns = round(180 / cell_deg), round(360 / cell_deg)
    angle_rad = (radius_m * _GRID_SLACK + _GRID_SLACK_M) / EARTH_RADIUS_M
    place, cell_row, cell_col = _place_cells(lat, lon, angle_rad, cell_deg, rows_n, columns)
    key = cell_row * columns + cell_col
    order = np.argsort(key * max(lat.size, 1) + place)  # by cell, then place row
    key, place = key[order], place[order]
    first = np.flatnonzero(np.diff(key, prepend=-1))
    keys, start = key[first], np.append(first, key.size).astype(np.int64)
    centre = unit_vectors(
        -90 + (keys // columns + 0.5) * cell_deg, -180 + (keys % columns + 0.5) * cell_deg
    )
    xyz = unit_vectors(lat, lon)
    reach = _sort_by_reach(start, place, xyz, centre)
    return PlaceGrid(
        radius_m, cell_deg, columns, keys, start, place, reach, centre, xyz, _same_trig(),
        _coarse_blocks(keys, columns),
    )  # fmt: skip


@njit(cache=True)
def _sort_by_reach(
    start: Ints, place: Ints, xyz: Floats, centre: Floats
) -> Floats:  # pragma: no cover - numba
    """Orders each cell's ``place`` (in place) by increasing chord from the cell's centre
    (ties keep their order) and returns those chords."""
    reach = np.empty(place.size)
    for cell in range(start.size - 1):
        for k in range(start[cell], start[cell + 1]):
            p = place[k]
            r = math.sqrt(
                (xyz[p, 0] - centre[cell, 0]) ** 2
                + (xyz[p, 1] - centre[cell, 1]) ** 2
                + (xyz[p, 2] - centre[cell, 2]) ** 2
            )
            j = k  # insertion sort: cells hold a few places
            while j > start[cell] and reach[j - 1] > r:
                reach[j], place[j] = reach[j - 1], place[j - 1]
                j -= 1
            reach[j], place[j] = r, p
    return reach


#: Side of a block of cells in :attr:`PlaceGrid.coarse`.
_COARSE = 8


def _coarse_blocks(keys: Ints, columns: int) -> npt.NDArray[np.bool_]:
    """Flat (block row, block column) mask of the blocks holding a kept cell."""
    block_columns = -(-columns // _COARSE)
    rows_n = -(-(int(keys.max()) // columns + 1) // _COARSE) if keys.size else 0
    coarse = np.zeros(max(rows_n, 1) * block_columns + block_columns, np.bool_)
    coarse[(keys // columns) // _COARSE * block_columns + (keys % columns) // _COARSE] = True
    return coarse


def _place_cells(
    lat: Floats, lon: Floats, angle_rad: float, cell_deg: float, rows_n: int, columns: int
) -> tuple[Ints, Ints, Ints]:
    """(place, cell row, cell column) for every cell of every place's bounding box."""
    angle_deg = math.degrees(angle_rad)
    row0 = np.clip(np.floor((lat - angle_deg + 90) / cell_deg), 0, rows_n - 1).astype(np.int64)
    row1 = np.clip(np.floor((lat + angle_deg + 90) / cell_deg), 0, rows_n - 1).astype(np.int64)
    polar = np.abs(lat) + angle_deg >= 90.0
    cos_lat = np.cos(np.radians(np.where(polar, 0.0, lat)))
    half_lon_deg = np.degrees(np.arcsin(np.minimum(math.sin(angle_rad) / cos_lat, 1.0)))
    col0 = np.floor((lon - half_lon_deg + 180) / cell_deg).astype(np.int64)
    col1 = np.floor((lon + half_lon_deg + 180) / cell_deg).astype(np.int64)
    whole = polar | (col1 - col0 + 1 >= columns)
    col0, col1 = np.where(whole, 0, col0), np.where(whole, columns - 1, col1)
    n_rows, n_cols = row1 - row0 + 1, col1 - col0 + 1
    place = np.repeat(np.arange(lat.size, dtype=np.int64), n_rows * n_cols)
    within = np.arange(place.size) - np.repeat(
        np.cumsum(n_rows * n_cols) - n_rows * n_cols, n_rows * n_cols
    )
    cell_row = row0[place] + within // n_cols[place]
    cell_col = (col0[place] + within % n_cols[place]) % columns
    return place, cell_row, cell_col


#: Marks in :func:`_cell_slots` / :func:`_grid_nearest` output: no place reaches the
#: point's cell; ask the KD-tree instead.
_NO_PLACE, _ASK_TREE = -1, -2


def _same_trig() -> bool:
    """Whether :func:`_unit_vector` gives NumPy's unit vectors bit for bit on a sample."""
    rng = np.random.default_rng(0)
    lat, lon = rng.uniform(-90, 90, 20_000), rng.uniform(-540, 540, 20_000)
    return bool(np.array_equal(_unit_vectors_compiled(lat, lon), unit_vectors(lat, lon)))


@njit(cache=True, inline="always")
def _unit_vector(
    lat_deg: float, lon_deg: float
) -> tuple[float, float, float]:  # pragma: no cover - numba
    """:func:`setori.geo.sphere.unit_vectors` for one point, operation for operation."""
    lat, lon = lat_deg * (math.pi / 180.0), lon_deg * (math.pi / 180.0)
    cos_lat = math.cos(lat)
    return cos_lat * math.cos(lon), cos_lat * math.sin(lon), math.sin(lat)


@njit(cache=True)
def _unit_vectors_compiled(lat: Floats, lon: Floats) -> Floats:  # pragma: no cover - numba
    out = np.empty((lat.size, 3))
    for i in range(lat.size):
        out[i, 0], out[i, 1], out[i, 2] = _unit_vector(lat[i], lon[i])
    return out


@njit(cache=True, inline="always")
def _cell_key(
    lat: float, lon: float, columns: int, cell_deg: float
) -> int:  # pragma: no cover - numba
    """``row * columns + column`` of the cell holding a (finite) point."""
    row = min(max(math.floor((lat + 90) / cell_deg), 0), round(180 / cell_deg) - 1)
    return int(row * columns + math.floor((lon + 180) / cell_deg) % columns)


@njit(cache=True, inline="always")
def _find_slot(
    key: int, keys: Ints, coarse: npt.NDArray[np.bool_], columns: int
) -> int:  # pragma: no cover - numba
    """Index of ``key`` in ``keys``, or -1; the coarse block mask first."""
    block_columns = -(-columns // _COARSE)
    block = (key // columns) // _COARSE * block_columns + (key % columns) // _COARSE
    if block >= coarse.size or not coarse[block]:
        return _NO_PLACE
    at = np.searchsorted(keys, key)
    return int(at) if at < keys.size and keys[at] == key else _NO_PLACE


@njit(cache=True)
def _cell_slots(
    lat: Floats, lon: Floats, keys: Ints, coarse: npt.NDArray[np.bool_], columns: int,
    cell_deg: float,
) -> Ints:  # fmt: skip  # pragma: no cover - numba
    """Index in ``keys`` of each point's cell; -1 when no place reaches it, -2 if not finite.

    Consecutive points of a track mostly share a cell: the last lookup is reused.
    """
    out = np.empty(lat.size, np.int64)
    last_key, last_slot = -1, _NO_PLACE
    for i in range(lat.size):
        if not (math.isfinite(lat[i]) and math.isfinite(lon[i])):
            out[i] = _ASK_TREE
            continue
        key = _cell_key(lat[i], lon[i], columns, cell_deg)
        if key != last_key:
            last_key, last_slot = key, _find_slot(key, keys, coarse, columns)
        out[i] = last_slot
    return out


#: Rounding allowance (chord units, ~6 micrometres) when pruning by reach.
_PRUNE_EPS = 1e-12


@njit(cache=True, inline="always")
def _scan_cell(
    x: float, y: float, z: float, cell: int,
    start: Ints, rows: Ints, reach: Floats, centre: Floats, place_xyz: Floats,
) -> tuple[int, float]:  # fmt: skip  # pragma: no cover - numba
    """Nearest place listed in ``cell`` to unit vector (x, y, z): table row (-2 on an exact
    tie) and chord.

    The squared chord is computed as in :mod:`setori.geo.kdtree`, so values are identical.
    A cell's places come by increasing chord ``reach`` from the cell's centre; with ``h``
    the point's chord from that centre, a place has chord at least ``reach - h`` from the
    point (triangle inequality), so the scan stops once ``reach - h`` exceeds the best
    chord: no later place can be nearer, nor tie.
    """
    h = math.sqrt(
        (centre[cell, 0] - x) ** 2 + (centre[cell, 1] - y) ** 2 + (centre[cell, 2] - z) ** 2
    )
    best, best_chord, best_row, tie = math.inf, math.inf, -1, False
    for k in range(start[cell], start[cell + 1]):
        if reach[k] - h > best_chord + _PRUNE_EPS:
            break
        p = rows[k]
        d2 = (place_xyz[p, 0] - x) ** 2 + (place_xyz[p, 1] - y) ** 2 + (place_xyz[p, 2] - z) ** 2
        if d2 < best:
            best, best_row, tie = d2, p, False
            best_chord = math.sqrt(d2)
        elif d2 == best:
            tie = True
    return (_ASK_TREE if tie else best_row), best_chord


@njit(cache=True)
def _nearest_in_cells(
    lat: Floats, lon: Floats, keys: Ints, coarse: npt.NDArray[np.bool_], columns: int,
    cell_deg: float,
    start: Ints, rows: Ints, reach: Floats, centre: Floats, place_xyz: Floats,
) -> tuple[Ints, Floats]:  # fmt: skip  # pragma: no cover - numba
    """Per point: nearest place listed in its cell (row; -1 none, -2 ask the KD-tree) and
    chord (inf when none), unit vectors computed here (:func:`_unit_vector`)."""
    slot = _cell_slots(lat, lon, keys, coarse, columns, cell_deg)
    index = np.empty(lat.size, np.int64)
    chord = np.full(lat.size, math.inf)
    for i in range(lat.size):
        if slot[i] < 0:  # _NO_PLACE or _ASK_TREE, as the slot says
            index[i] = slot[i]
            continue
        x, y, z = _unit_vector(lat[i], lon[i])
        index[i], chord[i] = _scan_cell(x, y, z, slot[i], start, rows, reach, centre, place_xyz)
    return index, chord


def _nearest_in_cells_numpy(lat: Floats, lon: Floats, grid: PlaceGrid) -> tuple[Ints, Floats]:
    """:func:`_nearest_in_cells` with the points' unit vectors from NumPy."""
    slot = _cell_slots(lat, lon, grid.keys, grid.coarse, grid.columns, grid.cell_deg)
    index = np.where(slot == _ASK_TREE, _ASK_TREE, _NO_PLACE).astype(np.int64)
    chord = np.full(lat.size, np.inf)
    ask = np.flatnonzero(slot >= 0)
    if ask.size:
        xyz = unit_vectors(lat[ask], lon[ask])
        index[ask], chord[ask] = _scan_cells(
            xyz, slot[ask], grid.start, grid.rows, grid.reach, grid.centre, grid.xyz
        )
    return index, chord


@njit(cache=True)
def _scan_cells(
    xyz: Floats, slot: Ints, start: Ints, rows: Ints, reach: Floats, centre: Floats,
    place_xyz: Floats,
) -> tuple[Ints, Floats]:  # fmt: skip  # pragma: no cover - numba
    """:func:`_scan_cell` for each unit vector ``xyz[q]`` and cell ``slot[q]``."""
    index = np.empty(slot.size, np.int64)
    chord = np.empty(slot.size)
    for q in range(slot.size):
        index[q], chord[q] = _scan_cell(
            xyz[q, 0], xyz[q, 1], xyz[q, 2], slot[q], start, rows, reach, centre, place_xyz
        )
    return index, chord


def load_places(settings: GeoSettings | None = None) -> PlaceIndex:
    """Ports, anchorages and DPRK ports as one indexed table (cached per source files)."""
    settings = settings or GeoSettings()
    return _cached_index(
        settings.path("wpi"), settings.path("anchorages"), settings.path("dprk_areas")
    )


@lru_cache(maxsize=4)
def _cached_index(wpi: Path, anchorages: Path, areas: Path) -> PlaceIndex:
    return index_places(
        pl.concat([read_wpi(wpi), read_anchorages(anchorages), read_area_ports(areas)])
    )


def index_places(table: pl.DataFrame) -> PlaceIndex:
    """A :class:`PlaceIndex` over a places table (:data:`PLACE_SCHEMA` columns)."""
    kinds = table["kind"].to_numpy()
    trees = {}
    for kind in (*KINDS, "all"):
        rows = np.flatnonzero(kinds == kind) if kind != "all" else np.arange(table.height)
        xyz = unit_vectors(table["lat"].to_numpy()[rows], table["lon"].to_numpy()[rows])
        trees[kind] = (build_kdtree(xyz), rows.astype(np.int64))
    return PlaceIndex(table, trees)


def read_wpi(path: Path) -> pl.DataFrame:
    """World Port Index ports; the full Pub 150 CSV or the shipped slice (name, iso3, lat, lon)."""
    raw = pl.read_csv(path, infer_schema_length=0)
    if "Main Port Name" in raw.columns:
        raw = _slim_wpi(raw)
    return raw.select(
        pl.col("name"),
        pl.lit("port").alias("kind"),
        pl.col("iso3"),
        pl.col("lat").cast(pl.String).str.strip_chars().cast(pl.Float64),
        pl.col("lon").cast(pl.String).str.strip_chars().cast(pl.Float64),
        pl.lit("wpi").alias("source"),
    )


def _slim_wpi(raw: pl.DataFrame) -> pl.DataFrame:
    """Pub 150 -> (name, locode, iso3, lat, lon); country names map to ISO 3166 alpha-3."""
    iso3 = pl.read_csv(PACKAGED_DIR / "wpi-country-iso3.csv")
    region = pl.col("Region Name").str.split(" --").list.first().str.replace(" Continued$", "")
    country = pl.col("Country Code").str.strip_chars()
    return (
        raw.select(
            pl.col("Main Port Name").alias("name"),
            pl.col("UN/LOCODE").str.replace_all(" ", "").alias("locode"),
            pl.when(country == "").then(region).otherwise(country).alias("country"),
            pl.col("Latitude").str.strip_chars().cast(pl.Float64).alias("lat"),
            pl.col("Longitude").str.strip_chars().cast(pl.Float64).alias("lon"),
        )
        .join(iso3, on="country", how="left")
        .select("name", "locode", "iso3", "lat", "lon")
    )


def read_anchorages(path: Path) -> pl.DataFrame:
    """GFW named anchorages; the full ``anchorage_overrides.csv`` or the shipped gzip slice."""
    source = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    raw = pl.read_csv(source, infer_schema_length=0)
    lat = "latitude" if "latitude" in raw.columns else "lat"
    lon = "longitude" if "longitude" in raw.columns else "lon"
    return raw.select(
        pl.col("label").alias("name"),
        pl.lit("anchorage").alias("kind"),
        pl.col("iso3"),
        pl.col(lat).str.strip_chars().cast(pl.Float64).alias("lat"),
        pl.col(lon).str.strip_chars().cast(pl.Float64).alias("lon"),
        pl.lit("gfw_anchorages").alias("source"),
    )


def read_area_ports(path: Path) -> pl.DataFrame:
    """The port points of ``dprk-areas.geojson`` (DPRK ports and related ports)."""
    rows = []
    for feature in json.loads(path.read_text())["features"]:
        props, geometry = feature["properties"], feature["geometry"]
        if geometry["type"] != "Point" or not str(props.get("kind", "")).endswith("port"):
            continue
        lon, lat = geometry["coordinates"][:2]
        rows.append({"name": props["name"], "kind": "port", "iso3": _area_iso3(props),
                     "lat": float(lat), "lon": float(lon), "source": "dprk_areas"})  # fmt: skip
    return pl.DataFrame(rows, schema=PLACE_SCHEMA)


def _area_iso3(props: dict[str, object]) -> str | None:
    """PRK for DPRK ports; the country in the name's parentheses for related ports."""
    if props.get("kind") in _AREA_ISO3:
        return _AREA_ISO3[str(props["kind"])]
    name = str(props.get("name", ""))
    country = name[name.find("(") + 1 : name.find(")")] if "(" in name else ""
    return _COUNTRY_ISO3.get(country)
