"""Spherical-Earth distances, the one home of the haversine formula in setori.

The Earth is a sphere of mean radius 6,371,008.8 m (IUGG R1); the error against WGS84 is
below 0.5 %. Degrees in, metres out. The same formula comes in three forms, for the three
kinds of code that need it, all in the same operation order:

* :func:`haversine_m` over NumPy arrays (element-wise, broadcasting);
* :func:`haversine_m_expr` as a Polars expression;
* :func:`haversine_m_jit` (and :func:`haversine_cos_m_jit`, :func:`haversine_term_jit`,
  given the cosines of the latitudes) for two points, compiled by numba and callable from
  other numba code.

The order: each half-angle is the difference in degrees, then converted
(``radians(lat2 - lat1) * 0.5``), the term is ``s_lat * s_lat + cos1 * cos2 * s_lon *
s_lon`` evaluated left to right, and ``2 R asin(sqrt(term clipped to [0, 1]))``. The
forms differ only where NumPy's, Polars' and the compiled sine, cosine and arcsine
differ in the last bit (``tests/test_sphere.py`` checks that they agree). It is the
order of the two hottest callers (the segmenter and :class:`~setori.detect.track.Track`
steps), whose values it keeps bit for bit, and the more accurate one for close points:
the difference of nearby degrees is exact.

numba caches a compiled caller (``cache=True``) by its own file only: after editing a
kernel here, delete the callers' ``__pycache__/*.nbi`` / ``*.nbc`` files (or edit the
callers) so they are compiled again with it.

Points as 3-D unit vectors (:func:`unit_vectors`) turn nearest-by-great-circle into
nearest-by-chord (:func:`chord_to_m`, :func:`chord_of_m`), which KD-trees and spatial hashes
answer.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import polars as pl
from numba import njit

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_NM = 1852.0
MPS_PER_KN = METRES_PER_NM / 3600.0

Floats = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike


def haversine_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> Floats:
    """Great-circle distance in metres (haversine formula, element-wise, broadcasting)."""
    lat1_a, lon1_a = np.asarray(lat1, np.float64), np.asarray(lon1, np.float64)
    lat2_a, lon2_a = np.asarray(lat2, np.float64), np.asarray(lon2, np.float64)
    s_lat = np.sin(np.radians(lat2_a - lat1_a) * 0.5)
    s_lon = np.sin(np.radians(lon2_a - lon1_a) * 0.5)
    cos1, cos2 = np.cos(np.radians(lat1_a)), np.cos(np.radians(lat2_a))
    term = s_lat * s_lat + cos1 * cos2 * s_lon * s_lon
    return np.asarray(
        2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(term, 0.0, 1.0))), np.float64
    )


def haversine_m_expr(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    """:func:`haversine_m` as a Polars expression (metres; null where an input is null)."""
    s_lat = ((lat2 - lat1).radians() * 0.5).sin()
    s_lon = ((lon2 - lon1).radians() * 0.5).sin()
    term = s_lat * s_lat + lat1.radians().cos() * lat2.radians().cos() * s_lon * s_lon
    return 2.0 * EARTH_RADIUS_M * term.clip(0.0, 1.0).sqrt().arcsin()


@njit(cache=True)
def haversine_term_jit(
    lat1: float, lon1: float, cos1: float, lat2: float, lon2: float, cos2: float
) -> float:  # pragma: no cover - numba
    """The haversine term (``sin^2`` of half the central angle) given the cosines of both
    latitudes; it grows with the distance, so maxima need only one arcsine."""
    s_lat = math.sin(math.radians(lat2 - lat1) * 0.5)
    s_lon = math.sin(math.radians(lon2 - lon1) * 0.5)
    return s_lat * s_lat + cos1 * cos2 * s_lon * s_lon


@njit(cache=True)
def term_to_m_jit(term: float) -> float:  # pragma: no cover - numba
    """Great-circle metres of a haversine term (NaN stays NaN)."""
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(max(term, 0.0), 1.0)))


@njit(cache=True)
def haversine_cos_m_jit(
    lat1: float, lon1: float, cos1: float, lat2: float, lon2: float, cos2: float
) -> float:  # pragma: no cover - numba
    """:func:`haversine_m_jit` given the cosines of both latitudes (reused along a track)."""
    return term_to_m_jit(haversine_term_jit(lat1, lon1, cos1, lat2, lon2, cos2))


@njit(cache=True)
def haversine_m_jit(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> float:  # pragma: no cover
    """:func:`haversine_m` for two points, compiled (callable from numba code)."""
    cos1, cos2 = math.cos(math.radians(lat1)), math.cos(math.radians(lat2))
    return haversine_cos_m_jit(lat1, lon1, cos1, lat2, lon2, cos2)


def unit_vectors(lat_deg: ArrayLike, lon_deg: ArrayLike) -> Floats:
    """Points as 3-D unit vectors, shape ``(n, 3)`` (chord length is monotone in distance)."""
    lat = np.radians(np.asarray(lat_deg, np.float64))
    lon = np.radians(np.asarray(lon_deg, np.float64))
    cos_lat = np.cos(lat)
    return np.ascontiguousarray(
        np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)
    )


def chord_to_rad(chord: Floats) -> Floats:
    """Central angle (radians) of a chord between unit vectors (``inf`` gives pi)."""
    return np.asarray(2.0 * np.arcsin(np.clip(chord / 2, 0.0, 1.0)), np.float64)


def chord_to_m(chord: Floats) -> Floats:
    """Great-circle distance (m) of a chord between unit vectors (``inf`` gives half the
    circumference)."""
    return np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0.0, 1.0)), np.float64)


def chord_of_m(distance_m: float) -> float:
    """Chord between unit vectors of a great-circle distance in metres."""
    return float(2.0 * np.sin(distance_m / (2.0 * EARTH_RADIUS_M)))
