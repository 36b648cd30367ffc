"""The haversine of :mod:`setori.geo.sphere` in its three forms: NumPy, numba, Polars.

They share one operation order, so they agree to the last bits of the platform's sine,
cosine and arcsine; known distances (a degree of latitude, antipodes, a point to itself)
pin the formula, and the chord helpers invert each other and match the haversine.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from setori.geo.sphere import (
    EARTH_RADIUS_M,
    chord_of_m,
    chord_to_m,
    chord_to_rad,
    haversine_cos_m_jit,
    haversine_m,
    haversine_m_expr,
    haversine_m_jit,
    unit_vectors,
)

Floats = npt.NDArray[np.float64]
#: Metres of one degree of a great circle.
DEGREE_M = EARTH_RADIUS_M * math.pi / 180.0


@njit(cache=True)
def _compiled_m(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    """haversine_m_jit called from other compiled code, point by point."""
    out = np.empty(lat1.size)
    for i in range(lat1.size):
        out[i] = haversine_m_jit(lat1[i], lon1[i], lat2[i], lon2[i])
    return out


@njit(cache=True)
def _compiled_cos_m(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    """haversine_cos_m_jit with the cosines computed by the caller."""
    out = np.empty(lat1.size)
    for i in range(lat1.size):
        cos1, cos2 = math.cos(math.radians(lat1[i])), math.cos(math.radians(lat2[i]))
        out[i] = haversine_cos_m_jit(lat1[i], lon1[i], cos1, lat2[i], lon2[i], cos2)
    return out


def _polars_m(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    frame = pl.DataFrame({"lat1": lat1, "lon1": lon1, "lat2": lat2, "lon2": lon2})
    expr = haversine_m_expr(pl.col("lat1"), pl.col("lon1"), pl.col("lat2"), pl.col("lon2"))
    return frame.select(expr).to_series().to_numpy()


def _all_forms(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> dict[str, Floats]:
    return {
        "numpy": haversine_m(lat1, lon1, lat2, lon2),
        "numba": _compiled_m(lat1, lon1, lat2, lon2),
        "numba_cos": _compiled_cos_m(lat1, lon1, lat2, lon2),
        "polars": _polars_m(lat1, lon1, lat2, lon2),
    }


def _assert_agree(forms: dict[str, Floats], expected: Floats, rel: float, abs_m: float) -> None:
    for name, got in forms.items():
        assert np.all(np.abs(got - expected) <= rel * expected + abs_m), name


LAT = st.floats(-90, 90, allow_nan=False)
LON = st.floats(-360, 360, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(LAT, LON, LAT, LON), min_size=1, max_size=50))
def test_numpy_numba_and_polars_agree(points: list[tuple[float, float, float, float]]) -> None:
    lat1, lon1, lat2, lon2 = (np.array(v, dtype=np.float64) for v in zip(*points, strict=True))
    forms = _all_forms(lat1, lon1, lat2, lon2)
    assert np.array_equal(forms["numba"], forms["numba_cos"])  # the same compiled code
    # a last-bit difference in the term moves the distance by ~0.1 m at the antipode
    # (arcsine near 1), by ~1e-9 relative elsewhere
    _assert_agree(forms, forms["numpy"], rel=1e-9, abs_m=0.2)
    near = forms["numpy"] < 0.9 * math.pi * EARTH_RADIUS_M
    _assert_agree({k: v[near] for k, v in forms.items()}, forms["numpy"][near], 1e-9, 1e-6)
    assert np.all((forms["numpy"] >= 0) & (forms["numpy"] <= math.pi * EARTH_RADIUS_M))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(LAT, LON, LAT, LON), min_size=1, max_size=50))
def test_distance_is_symmetric_and_matches_the_chord(
    points: list[tuple[float, float, float, float]],
) -> None:
    lat1, lon1, lat2, lon2 = (np.array(v, dtype=np.float64) for v in zip(*points, strict=True))
    there = haversine_m(lat1, lon1, lat2, lon2)
    assert np.array_equal(there, haversine_m(lat2, lon2, lat1, lon1))
    chord = np.sqrt(np.sum((unit_vectors(lat1, lon1) - unit_vectors(lat2, lon2)) ** 2, axis=1))
    near = there < 0.9 * math.pi * EARTH_RADIUS_M  # the chord is flat near the antipode
    assert np.allclose(chord_to_m(chord)[near], there[near], rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize(
    ("lat1", "lon1", "lat2", "lon2", "expected_m"),
    [
        (0.0, 0.0, 1.0, 0.0, DEGREE_M),  # a degree of latitude
        (45.0, 7.0, 46.0, 7.0, DEGREE_M),  # anywhere on a meridian
        (0.0, 0.0, 0.0, 1.0, DEGREE_M),  # a degree of longitude on the equator
        (0.0, 179.5, 0.0, -179.5, DEGREE_M),  # across the antimeridian
        (89.5, 0.0, 89.5, 180.0, DEGREE_M),  # over the pole
        (0.0, 0.0, 0.0, 90.0, 90 * DEGREE_M),
        (60.0, 0.0, 60.0, 1.0, 55_597.0109),  # 1 degree of longitude at 60 N (Vincenty)
        (0.0, 0.0, 0.0, 360.0, 0.0),  # the same meridian, written twice
    ],
)
def test_known_distances(
    lat1: float, lon1: float, lat2: float, lon2: float, expected_m: float
) -> None:
    a = np.array([lat1]), np.array([lon1]), np.array([lat2]), np.array([lon2])
    _assert_agree(_all_forms(*a), np.array([expected_m]), rel=1e-6, abs_m=1e-6)


@pytest.mark.parametrize(("lat", "lon"), [(0.0, 0.0), (30.0, 10.0), (-89.0, -170.0), (90.0, 0.0)])
def test_antipodes_are_half_a_circumference_apart(lat: float, lon: float) -> None:
    a = np.array([lat]), np.array([lon]), np.array([-lat]), np.array([lon + 180.0])
    _assert_agree(_all_forms(*a), np.array([math.pi * EARTH_RADIUS_M]), rel=0.0, abs_m=0.2)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(LAT, LON), min_size=1, max_size=20))
def test_a_point_is_zero_metres_from_itself(points: list[tuple[float, float]]) -> None:
    lat, lon = (np.array(v, dtype=np.float64) for v in zip(*points, strict=True))
    for name, got in _all_forms(lat, lon, lat, lon).items():
        assert np.array_equal(got, np.zeros(lat.size)), name


def test_polars_form_propagates_nulls() -> None:
    frame = pl.DataFrame({"lat": [0.0, None], "lon": [0.0, 1.0]})
    expr = haversine_m_expr(pl.col("lat"), pl.col("lon"), pl.lit(1.0), pl.lit(0.0))
    got = frame.select(expr).to_series().to_list()
    assert got[0] == pytest.approx(DEGREE_M) and got[1] is None


def test_chord_helpers_invert_each_other() -> None:
    distance_m = np.array([0.0, 1.0, 500.0, 1e6, 1e7, math.pi * EARTH_RADIUS_M])
    chord = np.array([chord_of_m(d) for d in distance_m])
    assert np.allclose(chord_to_m(chord), distance_m, rtol=1e-9, atol=1e-6)
    assert np.allclose(chord_to_rad(chord), distance_m / EARTH_RADIUS_M, rtol=1e-9)
    assert chord_to_m(np.array([np.inf]))[0] == pytest.approx(math.pi * EARTH_RADIUS_M)
