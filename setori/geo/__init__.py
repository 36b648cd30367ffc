"""Reference geography: ports and anchorages, zones, land, flags (MIDs), the sun.

Every layer is loaded once from columnar reference files (the shared ``data_dir``
when present, else the small slices shipped in :mod:`setori.data`) and queried for
many points at once (NumPy / shapely 2 vectorised, or a compiled KD-tree). See
``docs/detect-context.md`` for each layer's source and accuracy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from setori.geo.land import LandLayer, load_land
    from setori.geo.mid import MidTable, load_mid_table
    from setori.geo.places import PlaceIndex, load_places
    from setori.geo.reference import GeoSettings
    from setori.geo.solar import solar_elevation_deg
    from setori.geo.sphere import haversine_m
    from setori.geo.zones import ZoneLayer, load_zones

#: Name -> the module that defines it. Loaded on first use (PEP 562), so importing one light
#: module of the package (``setori.geo.reference``) does not load numba, shapely and SciPy.
_HOMES = {
    "LandLayer": "land",
    "load_land": "land",
    "MidTable": "mid",
    "load_mid_table": "mid",
    "PlaceIndex": "places",
    "load_places": "places",
    "GeoSettings": "reference",
    "solar_elevation_deg": "solar",
    "haversine_m": "sphere",
    "ZoneLayer": "zones",
    "load_zones": "zones",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'setori.geo' has no attribute {name!r}")
    return getattr(import_module(f"setori.geo.{_HOMES[name]}"), name)


__all__ = [
    "GeoSettings",
    "LandLayer",
    "MidTable",
    "PlaceIndex",
    "ZoneLayer",
    "haversine_m",
    "load_land",
    "load_mid_table",
    "load_places",
    "load_zones",
    "solar_elevation_deg",
]
