"""Where the reference layers come from: the ``data_dir`` setting, else the shipped slices.

``data_dir`` defaults to the folder set for the current context by :func:`reference_data`
(the verbs set it from the ``shared_data`` setting, ``$SETORI_SHARED_DATA``), else none:
the small slices shipped in ``setori/data/`` (``setori/data/README.md`` says where each
came from), so the package works on its own and results never depend on the working
directory. When a full source file is missing from ``data_dir``, its slice is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

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

_DATA_DIR: ContextVar[Path | None] = ContextVar("setori_reference_data_dir", default=None)


@contextmanager
def reference_data(data_dir: Path | None) -> Iterator[None]:
    """Within the block, :class:`GeoSettings` default to ``data_dir`` (``None``: slices)."""
    token = _DATA_DIR.set(data_dir)
    try:
        yield
    finally:
        _DATA_DIR.reset(token)


def current_data_dir() -> Path | None:
    """The folder :func:`reference_data` set for this context, if any."""
    return _DATA_DIR.get()


@dataclass(frozen=True, slots=True, kw_only=True)
class GeoSettings:
    """Settings of the reference layers.

    Attributes:
        data_dir: Folder laid out like ``shared/data`` (see its SOURCES.md); ``None``
            uses only the slices shipped in ``setori/data``. Default: the folder set by
            :func:`reference_data` for this context, else ``None``.
        zone_files: Extra GeoJSON files of zones (FeatureCollections of Polygons /
            MultiPolygons; ``properties.name`` and ``properties.kind`` are used).
    """

    data_dir: Path | None = field(default_factory=current_data_dir)
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
