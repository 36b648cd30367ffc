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
  apart, via the KD-tree of :mod:`setori.geo.kdtree`. The nearest vertex is at most half
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

from setori.geo.kdtree import KdTree, build_kdtree, nearest
from setori.geo.reference import GeoSettings
from setori.geo.sphere import chord_to_m, unit_vectors

SHORE_SPACING_DEG = 0.02
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class LandLayer:
    """Prepared land polygons and a KD-tree of densified coastline vertices."""

    land: Any
    shore: KdTree

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
        _, chord = nearest(self.shore, unit_vectors(lat, lon))
        return chord_to_m(chord) / 1000.0


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
    return LandLayer(land, build_kdtree(unit_vectors(xy[:, 1], xy[:, 0])))
