"""Ports and anchorages as one table, with a nearest-place query for many points.

Sources (``docs/detect-context.md``; ``shared/data/SOURCES.md`` section 5):

* ports: NGA World Port Index (Pub 150), 3,768 ports (``kind = "port"``);
* anchorages: Global Fishing Watch's named anchorage points (``anchorage_overrides.csv``,
  S2 level-14 cells of ~0.5 km, 60,410 points; ``kind = "anchorage"``);
* DPRK ports: the ``dprk_port`` / ``related_port`` points of ``dprk-areas.geojson``
  (WPI positions; ``kind = "port"``, ``source = "dprk_areas"``), the curated override
  detection.md §8.5 asks for (GFW lists no PRK anchorage).

The index is a KD-tree on unit vectors per kind (:mod:`setori.geo.kdtree`): exact
great-circle nearest distances, ~1 M points per second per core.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from setori.geo.kdtree import KdTree, build_kdtree, nearest
from setori.geo.reference import PACKAGED_DIR, GeoSettings
from setori.geo.sphere import chord_to_m, unit_vectors

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

    def nearest(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, kind: str | None = None
    ) -> NearestPlaces:
        """Nearest place (of ``kind``, or of any kind) to each point; haversine metres."""
        tree, rows = self.trees[kind or "all"]
        found, chord = nearest(tree, unit_vectors(lat, lon))
        index = np.where(found >= 0, rows[np.maximum(found, 0)], -1) if rows.size else found
        return NearestPlaces(index.astype(np.int64), chord_to_m(chord))

    def names(self, index: npt.NDArray[np.int64]) -> list[str | None]:
        """Names of the places at ``index`` (None where the index is -1)."""
        names = self.table["name"].to_numpy()
        return [None if i < 0 else str(names[i]) for i in index.tolist()]


def load_places(settings: GeoSettings | None = None) -> PlaceIndex:
    """Ports, anchorages and DPRK ports as one indexed table (cached per source files)."""
    settings = settings or GeoSettings()
    return _cached_index(
        settings.path("wpi"), settings.path("anchorages"), settings.path("dprk_areas")
    )


@lru_cache(maxsize=4)
def _cached_index(wpi: Path, anchorages: Path, areas: Path) -> PlaceIndex:
    table = pl.concat([read_wpi(wpi), read_anchorages(anchorages), read_area_ports(areas)])
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
