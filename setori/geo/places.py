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
        the KD-tree itself). Any other point is at least ``radius_m`` from every place.
        """
        lat_a = np.ascontiguousarray(lat, dtype=np.float64)
        lon_a = np.ascontiguousarray(lon, dtype=np.float64)
        grid = self.grids.get(radius_m)
        if grid is None:
            grid = self.grids[radius_m] = build_place_grid(self.table, radius_m)
        index = np.full(lat_a.size, -1, np.int64)
        distance_m = np.full(lat_a.size, np.inf)
        slot = _cell_slots(lat_a, lon_a, grid.keys, grid.columns, grid.cell_deg)
        ask = np.flatnonzero(slot >= 0)
        if ask.size:
            xyz = unit_vectors(lat_a[ask], lon_a[ask])
            row, chord = _grid_nearest(xyz, slot[ask], grid.start, grid.rows, grid.xyz)
            index[ask], distance_m[ask] = row, chord_to_m(chord)
        tree_asks = np.flatnonzero((slot == _ASK_TREE) | (index == _ASK_TREE))
        if tree_asks.size:
            exact = self.nearest(lat_a[tree_asks], lon_a[tree_asks])
            index[tree_asks], distance_m[tree_asks] = exact.index, exact.distance_m
        far = ~(distance_m <= radius_m)
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
    (place table rows, ascending per cell). ``xyz`` are the places' unit vectors by row.
    """

    radius_m: float
    cell_deg: float
    columns: int
    keys: Ints
    start: Ints
    rows: Ints
    xyz: Floats


def build_place_grid(
    table: pl.DataFrame, radius_m: float, cell_deg: float = GRID_CELL_DEG
) -> PlaceGrid:
    """The :class:`PlaceGrid` of ``table``'s places (``lat``, ``lon`` columns) for ``radius_m``."""
    lat, lon = table["lat"].to_numpy(), table["lon"].to_numpy()
    rows_n, columns = round(180 / cell_deg), round(360 / cell_deg)
    angle_rad = (radius_m * _GRID_SLACK + _GRID_SLACK_M) / EARTH_RADIUS_M
    place, cell_row, cell_col = _place_cells(lat, lon, angle_rad, cell_deg, rows_n, columns)
    key = cell_row * columns + cell_col
    order = np.lexsort((place, key))
    key, place = key[order], place[order]
    keys, first = np.unique(key, return_index=True)
    start = np.append(first, key.size).astype(np.int64)
    xyz = unit_vectors(lat, lon)
    return PlaceGrid(radius_m, cell_deg, columns, keys.astype(np.int64), start, place, xyz)


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


#: Marks in :func:`_cell_slots` / :func:`_grid_nearest` output: ask the KD-tree instead.
_ASK_TREE = -2


@njit(cache=True)
def _cell_slots(
    lat: Floats, lon: Floats, keys: Ints, columns: int, cell_deg: float
) -> Ints:  # pragma: no cover - numba
    """Index in ``keys`` of each point's cell; -1 when no place reaches it, -2 if not finite.

    Consecutive points of a track mostly share a cell: the last lookup is reused.
    """
    out = np.empty(lat.size, np.int64)
    rows_n = round(180 / cell_deg)
    last_key, last_slot = -1, -1
    for i in range(lat.size):
        if not (math.isfinite(lat[i]) and math.isfinite(lon[i])):
            out[i] = _ASK_TREE
            continue
        row = min(max(math.floor((lat[i] + 90) / cell_deg), 0), rows_n - 1)
        col = math.floor((lon[i] + 180) / cell_deg) % columns
        key = row * columns + col
        if key != last_key:
            at = np.searchsorted(keys, key)
            last_key = key
            last_slot = at if at < keys.size and keys[at] == key else -1
        out[i] = last_slot
    return out


@njit(cache=True)
def _grid_nearest(
    xyz: Floats, slot: Ints, start: Ints, rows: Ints, place_xyz: Floats
) -> tuple[Ints, Floats]:  # pragma: no cover - numba
    """Nearest listed place (table row) and chord for each point; -2 on an exact tie.

    The squared chord is computed as in :mod:`setori.geo.kdtree`, so values are identical.
    """
    n = slot.size
    found = np.empty(n, np.int64)
    chord = np.empty(n)
    for q in range(n):
        x, y, z = xyz[q, 0], xyz[q, 1], xyz[q, 2]
        best, best_row, tie = math.inf, -1, False
        for k in range(start[slot[q]], start[slot[q] + 1]):
            p = rows[k]
            d2 = (
                (place_xyz[p, 0] - x) ** 2 + (place_xyz[p, 1] - y) ** 2 + (place_xyz[p, 2] - z) ** 2
            )
            if d2 < best:
                best, best_row, tie = d2, p, False
            elif d2 == best:
                tie = True
        found[q] = _ASK_TREE if tie else best_row
        chord[q] = math.sqrt(best)
    return found, chord


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
