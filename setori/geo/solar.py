"""Solar elevation for many (time, place) pairs: the NOAA "General Solar Position" formulas.

Source: NOAA Global Monitoring Laboratory, *General Solar Position Calculations*
(https://gml.noaa.gov/grad/solcalc/solareqns.PDF): fractional year, equation of time
and declination as Fourier series, then the hour angle. Accuracy is about 0.1-0.2°
of elevation, ample for "is the sun below the horizon" (night: elevation < 0°, the
geometric horizon; civil dusk would be -6°). No refraction correction.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
_MS_PER_DAY = 86_400_000


def solar_elevation_deg(
    ts_ms: npt.ArrayLike, lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike
) -> Floats:
    """Elevation of the sun's centre above the horizon (degrees) at UTC epoch-ms times."""
    ts = np.asarray(ts_ms, dtype=np.int64)
    when = ts.astype("datetime64[ms]")
    year_start = when.astype("datetime64[Y]")
    day_of_year = (when.astype("datetime64[D]") - year_start).astype(np.int64)  # 0-based
    year_days = ((year_start + np.timedelta64(1, "Y")).astype("datetime64[D]") - year_start).astype(
        np.int64
    )
    hours = (ts % _MS_PER_DAY) / 3_600_000.0
    gamma = 2 * np.pi / year_days * (day_of_year + (hours - 12) / 24)
    decl = _declination_rad(gamma)
    true_solar_min = hours * 60 + _equation_of_time_min(gamma) + 4 * np.asarray(lon_deg, np.float64)
    hour_angle = np.radians(true_solar_min / 4 - 180)
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    cos_zenith = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)
    return np.asarray(90.0 - np.degrees(np.arccos(np.clip(cos_zenith, -1.0, 1.0))), np.float64)


def _equation_of_time_min(gamma: Floats) -> Floats:
    return np.asarray(
        229.18
        * (0.000075 + 0.001868 * np.cos(gamma) - 0.032077 * np.sin(gamma)
           - 0.014615 * np.cos(2 * gamma) - 0.040849 * np.sin(2 * gamma)),
        np.float64,
    )  # fmt: skip


def _declination_rad(gamma: Floats) -> Floats:
    return np.asarray(
        0.006918 - 0.399912 * np.cos(gamma) + 0.070257 * np.sin(gamma)
        - 0.006758 * np.cos(2 * gamma) + 0.000907 * np.sin(2 * gamma)
        - 0.002697 * np.cos(3 * gamma) + 0.00148 * np.sin(3 * gamma),
        np.float64,
    )  # fmt: skip
