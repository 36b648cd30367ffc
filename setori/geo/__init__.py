"""Reference geography: ports and anchorages, zones, land, flags (MIDs), the sun.

Every layer is loaded once from columnar reference files (the shared ``data_dir``
when present, else the small slices shipped in :mod:`setori.data`) and queried for
many points at once (NumPy / shapely 2 vectorised, or a compiled KD-tree). See
``docs/detect-context.md`` for each layer's source and accuracy.
"""

from __future__ import annotations

from setori.geo.land import LandLayer, load_land
from setori.geo.mid import MidTable, load_mid_table
from setori.geo.places import PlaceIndex, load_places
from setori.geo.reference import GeoSettings
from setori.geo.solar import solar_elevation_deg
from setori.geo.sphere import haversine_m
from setori.geo.zones import ZoneLayer, load_zones

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
