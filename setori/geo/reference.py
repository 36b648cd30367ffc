"""Where the reference layers come from: the ``data_dir`` setting, else the shipped slices.

``data_dir`` defaults to the ``shared/data`` folder :func:`setori.demo.shared_data_dir`
finds (``$SETORI_SHARED_DATA`` first). When a full source file is missing there, the
small slice shipped in ``setori/data/`` is used instead (``setori/data/README.md`` says
where each came from), so the package works on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from setori.demo import shared_data_dir
from setori.errors import InputError

PACKAGED_DIR = Path(__file__).resolve().parent.parent / "data"

#: Layer name -> (path under ``data_dir``, shipped file under ``setori/data``).
SOURCES: dict[str, tuple[str, str]] = {
    "wpi": ("nga-wpi/UpdatedPub150.csv", "wpi-ports.csv"),
    "anchorages": ("gfw-anchorages/anchorage_overrides.csv", "gfw-anchorages.csv.gz"),
    "land": ("natural-earth/ne_50m_land.geojson", "ne-50m-land.geojson.gz"),
    "mid": ("itu-mid/MaritimeIdentificationDigits.csv", "itu-mid.csv"),
    "dprk_eez": ("gfw-dprk-boundary/eez_prk.json", "gfw-dprk-eez-east-sea.json"),
    "dprk_areas": ("../reference/dprk-areas.geojson", "dprk-areas.geojson"),
    "dprk_west_sea": ("", "dprk-west-sea-approx.geojson"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class GeoSettings:
    """Settings of the reference layers.

    Attributes:
        data_dir: Folder laid out like ``shared/data`` (see its SOURCES.md); ``None``
            uses only the slices shipped in ``setori/data``. Default: ``$SETORI_SHARED_DATA``,
            else the first ``shared/data`` above the working directory or the package.
        zone_files: Extra GeoJSON files of zones (FeatureCollections of Polygons /
            MultiPolygons; ``properties.name`` and ``properties.kind`` are used).
    """

    data_dir: Path | None = field(default_factory=shared_data_dir)
    zone_files: tuple[Path, ...] = ()

    def path(self, layer: str) -> Path:
        """The file of ``layer``: under ``data_dir`` when there, else the shipped slice."""
        if layer not in SOURCES:
            raise InputError(
                f"unknown reference layer {layer!r}; expected one of {sorted(SOURCES)}"
            )
        shared, packaged = SOURCES[layer]
        if self.data_dir is not None and shared and (self.data_dir / shared).is_file():
            return self.data_dir / shared
        return PACKAGED_DIR / packaged

    def is_shared(self, layer: str) -> bool:
        """Whether ``layer`` is read from ``data_dir`` (the full source) rather than a slice."""
        return not self.path(layer).is_relative_to(PACKAGED_DIR)


def packaged_only() -> GeoSettings:
    """Settings that ignore any ``shared/data`` and use the shipped slices only."""
    return GeoSettings(data_dir=None)
