"""Spherical-Earth helpers over NumPy arrays (degrees in, metres out).

The Earth is a sphere of mean radius 6,371,008.8 m (IUGG R1), as in the segmenter
(:mod:`setori.tracks.segment_kernels`); the error against WGS84 is below 0.5 %.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_NM = 1852.0
MPS_PER_KN = METRES_PER_NM / 3600.0

Floats = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike


def haversine_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> Floats:
    """Great-circle distance in metres (haversine formula, element-wise, broadcasting)."""
    p1, l1 = np.radians(np.asarray(lat1, np.float64)), np.radians(np.asarray(lon1, np.float64))
    p2, l2 = np.radians(np.asarray(lat2, np.float64)), np.radians(np.asarray(lon2, np.float64))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), np.float64)


def unit_vectors(lat_deg: ArrayLike, lon_deg: ArrayLike) -> Floats:
    """Points as 3-D unit vectors, shape ``(n, 3)`` (chord length is monotone in distance)."""
    lat = np.radians(np.asarray(lat_deg, np.float64))
    lon = np.radians(np.asarray(lon_deg, np.float64))
    cos_lat = np.cos(lat)
    return np.ascontiguousarray(
        np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)
    )


def chord_to_m(chord: Floats) -> Floats:
    """Great-circle distance (m) of a chord between unit vectors."""
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0.0, 1.0)), np.float64)
