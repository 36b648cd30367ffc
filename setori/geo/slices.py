"""Rebuild the reference slices shipped in ``setori/data`` from a full ``data_dir``.

``python -m setori.geo.slices [DATA_DIR]`` rewrites ``wpi-ports.csv``,
``gfw-anchorages.csv.gz`` and ``ne-50m-land.geojson.gz`` (and copies the small files
as they are); ``setori/data/README.md`` documents each file.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import polars as pl
import shapely

from setori.geo.places import _slim_wpi
from setori.geo.reference import PACKAGED_DIR, SOURCES, GeoSettings

COORD_DECIMALS = 4  # ~11 m
_COPIED = ("mid", "dprk_eez", "dprk_areas")


def write_slices(data_dir: Path, out_dir: Path = PACKAGED_DIR) -> list[Path]:
    """Write every derived slice from the full sources under ``data_dir``; return the paths."""
    settings = GeoSettings(data_dir=data_dir)
    written = [_wpi(settings, out_dir), _anchorages(settings, out_dir), _land(settings, out_dir)]
    for layer in _COPIED:
        target = out_dir / SOURCES[layer][1]
        target.write_bytes(settings.path(layer).read_bytes())
        written.append(target)
    return written


def _wpi(settings: GeoSettings, out_dir: Path) -> Path:
    raw = pl.read_csv(settings.path("wpi"), infer_schema_length=0)
    target = out_dir / SOURCES["wpi"][1]
    _slim_wpi(raw).with_columns(pl.col("lat", "lon").round(COORD_DECIMALS)).write_csv(target)
    return target


def _anchorages(settings: GeoSettings, out_dir: Path) -> Path:
    raw = pl.read_csv(settings.path("anchorages"), infer_schema_length=0)
    coords = [pl.col(c).str.strip_chars().cast(pl.Float64).round(COORD_DECIMALS).alias(c[:3])
              for c in ("latitude", "longitude")]  # fmt: skip
    target = out_dir / SOURCES["anchorages"][1]
    target.write_bytes(
        gzip.compress(raw.select("label", "iso3", *coords).write_csv().encode(), mtime=0)
    )
    return target


def _land(settings: GeoSettings, out_dir: Path) -> Path:
    land = shapely.from_geojson(settings.path("land").read_bytes())
    rounded = shapely.set_precision(land, 10.0**-COORD_DECIMALS, mode="keep_collapsed")
    target = out_dir / SOURCES["land"][1]
    target.write_bytes(gzip.compress(shapely.to_geojson(rounded).encode(), mtime=0))
    return target


if __name__ == "__main__":
    for path in write_slices(
        Path(sys.argv[1]) if len(sys.argv) > 1 else GeoSettings().data_dir or Path(".")
    ):
        sys.stderr.write(f"wrote {path}\n")
