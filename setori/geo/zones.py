"""Zone polygons (DPRK waters, STS hotspots, user areas) and point-in-zone tests for many points.

Layers (``docs/detect-context.md``):

* ``dprk_waters``: the DPRK claimed EEZ on the East Sea side from Global Fishing Watch's
  Park et al. 2020 repository (Marine Regions MRGID 49057 / 8328; ``eez_prk.json``), plus
  an approximate, hand-drawn West Sea polygon shipped in ``setori/data`` (the GFW file has
  no West Sea side);
* ``sts_hotspot``: the polygons of ``dprk-areas.geojson`` (approximate boxes from public
  reporting: MOFA/MOD sightings, UN Panel of Experts);
* any user GeoJSON (``GeoSettings.zone_files``): ``properties.kind`` (default ``"user"``).

Tests use shapely 2's vectorised ``contains_xy`` on prepared geometries after a
bounding-box pre-filter: no Python object per point.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import shapely
from numba import njit

from setori.errors import InputError
from setori.geo.reference import GeoSettings

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
NO_ZONE = -1
#: The GFW file calls its polygon "North Korean 12 NM"; it is the claimed EEZ (MRGID 8328).
EAST_SEA_NAME = "DPRK claimed EEZ, East Sea (GFW / Marine Regions)"
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True, slots=True)
class ZoneLayer:
    """Zones as a table (name, kind, source, approximate) and their prepared geometries."""

    table: pl.DataFrame
    geometries: tuple[Any, ...]

    def contains(self, zone: int, lat: npt.ArrayLike, lon: npt.ArrayLike) -> Bools:
        """Whether each point lies inside zone number ``zone`` (boundary excluded)."""
        lat_a, lon_a = np.asarray(lat, np.float64), np.asarray(lon, np.float64)
        geometry = self.geometries[zone]
        x0, y0, x1, y1 = shapely.bounds(geometry)
        inside = (lon_a >= x0) & (lon_a <= x1) & (lat_a >= y0) & (lat_a <= y1)
        if inside.any():
            inside[inside] = shapely.contains_xy(geometry, lon_a[inside], lat_a[inside])
        return np.asarray(inside, dtype=np.bool_)

    def inside_rows(self, zones: list[int], lat: npt.ArrayLike, lon: npt.ArrayLike) -> list[Ints]:
        """For each zone of ``zones``, the (ascending) numbers of the points inside it.

        The same points as :meth:`contains`, found faster for many zones: one compiled pass
        over the points keeps, per zone, those inside its bounding box (most points are in
        none), and only those take the exact polygon test.
        """
        lat_a = np.ascontiguousarray(lat, dtype=np.float64)
        lon_a = np.ascontiguousarray(lon, dtype=np.float64)
        boxes = np.array([shapely.bounds(self.geometries[z]) for z in zones], np.float64)
        start, rows = _rows_in_boxes(lat_a, lon_a, boxes.reshape(len(zones), 4))
        out = []
        for k, zone in enumerate(zones):
            near = rows[start[k] : start[k + 1]]
            out.append(near[shapely.contains_xy(self.geometries[zone], lon_a[near], lat_a[near])])
        return out

    def zones_of(self, kinds: tuple[str, ...] | None = None) -> list[int]:
        """Numbers of the zones of ``kinds`` (all zones when None)."""
        zone_kinds = self.table["kind"].to_list()
        return [i for i, kind in enumerate(zone_kinds) if kinds is None or kind in kinds]

    def first_zone(self, lat: npt.ArrayLike, lon: npt.ArrayLike, kinds: tuple[str, ...]) -> Ints:
        """For each point, the first zone of ``kinds`` containing it, else -1."""
        found = np.full(np.shape(lat), NO_ZONE, dtype=np.int64)
        for zone in self.zones_of(kinds):
            hit = (found == NO_ZONE) & self.contains(zone, lat, lon)
            found[hit] = zone
        return found

    def names(self, zones: Ints) -> list[str | None]:
        """Names of zone numbers (None for -1)."""
        names = self.table["name"].to_list()
        return [None if z < 0 else names[z] for z in zones.tolist()]


#: Side (degrees) of the cells that list the boxes reaching them in :func:`_rows_in_boxes`.
_BOX_CELL_DEG = 0.5


def _rows_in_boxes(lat: Floats, lon: Floats, boxes: Floats) -> tuple[Ints, Ints]:
    """Points inside each box (``x0, y0, x1, y1`` = lon/lat bounds, inclusive): CSR
    ``start`` per box into ``rows`` (ascending point numbers per box).

    The boxes' union is cut into cells of :data:`_BOX_CELL_DEG` listing the boxes that
    reach them; a point tests only the boxes of its cell (most cells list none).
    """
    if not boxes.shape[0]:
        return np.zeros(1, np.int64), np.zeros(0, np.int64)
    origin, union = boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)
    shape = np.floor((union - origin) / _BOX_CELL_DEG).astype(np.int64) + 1
    first = np.floor((boxes[:, :2] - origin) / _BOX_CELL_DEG).astype(np.int64)
    last = np.floor((boxes[:, 2:] - origin) / _BOX_CELL_DEG).astype(np.int64)
    cell_boxes: list[list[int]] = [[] for _ in range(int(shape[0] * shape[1]))]
    for box in range(boxes.shape[0]):
        for cx in range(first[box, 0], last[box, 0] + 1):
            for cy in range(first[box, 1], last[box, 1] + 1):
                cell_boxes[cx * int(shape[1]) + cy].append(box)
    cell_start = np.cumsum([0, *map(len, cell_boxes)]).astype(np.int64)
    listed = np.array([b for cell in cell_boxes for b in cell], np.int64)
    return _rows_in_boxes_kernel(lat, lon, boxes, origin, union, shape, cell_start, listed)


@njit(cache=True)
def _rows_in_boxes_kernel(
    lat: Floats, lon: Floats, boxes: Floats, origin: Floats, union: Floats, shape: Ints,
    cell_start: Ints, listed: Ints,
) -> tuple[Ints, Ints]:  # fmt: skip  # pragma: no cover - numba
    """:func:`_rows_in_boxes` over the cells: candidates first, then per box."""
    k = boxes.shape[0]
    count = np.zeros(k + 1, np.int64)
    candidates = np.empty(lat.size, np.int64)
    n_candidates = 0
    for i in range(lat.size):
        if not (origin[0] <= lon[i] <= union[0] and origin[1] <= lat[i] <= union[1]):
            continue  # also NaN
        cx = min(math.floor((lon[i] - origin[0]) / _BOX_CELL_DEG), shape[0] - 1)
        cy = min(math.floor((lat[i] - origin[1]) / _BOX_CELL_DEG), shape[1] - 1)
        cell = cx * shape[1] + cy
        hit = False
        for j in range(cell_start[cell], cell_start[cell + 1]):
            b = listed[j]
            if boxes[b, 0] <= lon[i] <= boxes[b, 2] and boxes[b, 1] <= lat[i] <= boxes[b, 3]:
                count[b + 1] += 1
                hit = True
        if hit:
            candidates[n_candidates] = i
            n_candidates += 1
    start = np.cumsum(count)
    rows = np.empty(start[k], np.int64)
    fill = start[:k].copy()
    for c in range(n_candidates):
        i = candidates[c]
        cx = min(math.floor((lon[i] - origin[0]) / _BOX_CELL_DEG), shape[0] - 1)
        cy = min(math.floor((lat[i] - origin[1]) / _BOX_CELL_DEG), shape[1] - 1)
        cell = cx * shape[1] + cy
        for j in range(cell_start[cell], cell_start[cell + 1]):
            b = listed[j]
            if boxes[b, 0] <= lon[i] <= boxes[b, 2] and boxes[b, 1] <= lat[i] <= boxes[b, 3]:
                rows[fill[b]] = i
                fill[b] += 1
    return start, rows


def load_zones(settings: GeoSettings | None = None) -> ZoneLayer:
    """DPRK waters, STS hotspots and the user's zone files (cached per set of files)."""
    settings = settings or GeoSettings()
    files = (
        (settings.path("dprk_eez"), "dprk_waters", EAST_SEA_NAME),
        (settings.path("dprk_west_sea"), "dprk_waters", ""),
        (settings.path("dprk_areas"), "sts_hotspot", ""),
        *((Path(path), "user", "") for path in settings.zone_files),
    )
    return _cached_layer(files)


@lru_cache(maxsize=8)
def _cached_layer(files: tuple[tuple[Path, str, str], ...]) -> ZoneLayer:
    rows: list[dict[str, Any]] = []
    geometries: list[Any] = []
    for path, default_kind, name in files:
        for row, geometry in read_zone_file(path, default_kind=default_kind, name=name):
            rows.append(row)
            geometries.append(geometry)
    schema = {"name": pl.String, "kind": pl.String, "source": pl.String, "approximate": pl.Boolean}
    return ZoneLayer(pl.DataFrame(rows, schema=schema), tuple(geometries))


def read_zone_file(
    path: Path, *, default_kind: str, name: str = ""
) -> list[tuple[dict[str, Any], Any]]:
    """The polygonal features of a GeoJSON file as (row, prepared geometry) pairs.

    A feature's ``kind`` / ``name`` properties win over ``default_kind``; ``name``, when
    given, replaces every feature's name (for files whose own names mislead).
    """
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise InputError(f"zone file {str(path)!r} is not readable GeoJSON: {error}") from error
    out = []
    for number, feature in enumerate(document.get("features", [])):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in POLYGONAL:
            continue
        props = feature.get("properties") or {}
        shape = shapely.geometry.shape(geometry)
        shapely.prepare(shape)
        row = _zone_row(props, path, number, default_kind)
        out.append(({**row, "name": name or row["name"]}, shape))
    return out


def _zone_row(props: dict[str, Any], path: Path, number: int, default_kind: str) -> dict[str, Any]:
    name = props.get("name") or props.get("geoname") or f"{path.stem}#{number}"
    return {
        "name": str(name),
        "kind": str(props.get("kind") or default_kind),
        "source": str(props.get("source") or path.name),
        "approximate": bool(props.get("approximate", False)),
    }
