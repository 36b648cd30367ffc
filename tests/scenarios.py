"""Synthetic AIS scenarios: planted encounters among background traffic and near misses.

Import from tests (``from scenarios import ...``) or from a script with the repo root on
``sys.path`` (``from tests.scenarios import ...``). Everything is columnar (NumPy/Polars)
and deterministic for a given ``numpy.random.Generator``.

* :func:`track` - one vessel's reports along straight legs (flat-earth, fine for < 100 km).
* :func:`meeting` - two vessels approach, drift together ``distance_m`` apart, depart.
* :func:`crossing`, :func:`convoy`, :func:`slow_apart` - negatives (close but fast, or
  slow but apart); :func:`meeting` with a short ``duration`` is the short-meeting negative.
* :func:`background_traffic` - many transiting vessels in one vectorised shot.
* :func:`anchorage_traffic` - many vessels at anchor in dense clusters (vectorised).
* :func:`scenario` - a mix of all of the above with the list of planted encounters.
* :func:`finish` - concatenated positions with ``row_id`` and ``segment_id``.
* :func:`precision_recall` - event-level scores of a detector's output against the truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pyarrow as pa

M_PER_DEG = 111_195.0
MPS_PER_KN = 1852.0 / 3600.0
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Leg:
    """Constant speed and course for a while."""

    duration: timedelta
    speed_kn: float
    course_deg: float


@dataclass(frozen=True, slots=True)
class Planted:
    """An encounter put into a scenario: MMSI pair (sorted) and the time they were together."""

    mmsi: tuple[int, int]
    start: datetime
    end: datetime


def _ms(t: datetime) -> int:
    return (t - EPOCH) // timedelta(milliseconds=1)


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    """The point ``north_m`` / ``east_m`` from (lat, lon), flat-earth."""
    return lat + north_m / M_PER_DEG, lon + east_m / (M_PER_DEG * math.cos(math.radians(lat)))


def track(
    mmsi: int,
    start: datetime,
    lat: float,
    lon: float,
    legs: list[Leg],
    *,
    report_every: timedelta = timedelta(minutes=2),
    jitter_m: float = 0.0,
    rng: np.random.Generator | None = None,
) -> pl.DataFrame:
    """Reports every ``report_every`` from ``start`` along ``legs`` (positions jittered by
    ``jitter_m`` normal noise; reported SOG/COG are the leg's)."""
    rng = rng or np.random.default_rng(0)
    bounds_s = np.cumsum([0.0] + [leg.duration.total_seconds() for leg in legs])
    v_n = np.array(
        [leg.speed_kn * MPS_PER_KN * math.cos(math.radians(leg.course_deg)) for leg in legs]
    )
    v_e = np.array(
        [leg.speed_kn * MPS_PER_KN * math.sin(math.radians(leg.course_deg)) for leg in legs]
    )
    north0 = np.concatenate([[0.0], np.cumsum(v_n * np.diff(bounds_s))])
    east0 = np.concatenate([[0.0], np.cumsum(v_e * np.diff(bounds_s))])
    t_s = np.arange(0.0, bounds_s[-1] + 1e-9, report_every.total_seconds())
    leg = np.minimum(np.searchsorted(bounds_s, t_s, side="right") - 1, len(legs) - 1)
    dt = t_s - bounds_s[leg]
    north = north0[leg] + v_n[leg] * dt + rng.normal(0.0, jitter_m, len(t_s)) * (jitter_m > 0)
    east = east0[leg] + v_e[leg] * dt + rng.normal(0.0, jitter_m, len(t_s)) * (jitter_m > 0)
    lats = lat + north / M_PER_DEG
    return pl.DataFrame(
        {
            "mmsi": np.full(len(t_s), mmsi, np.int32),
            "ts": pl.Series(_ms(start) + (t_s * 1000).astype(np.int64)).cast(
                pl.Datetime("ms", "UTC")
            ),
            "lat": lats,
            "lon": lon + east / (M_PER_DEG * np.cos(np.radians(lats))),
            "sog_kn": np.array([legs[k].speed_kn for k in leg], np.float32),
            "cog_deg": np.array([legs[k].course_deg % 360 for k in leg], np.float32),
            "heading_deg": np.array([round(legs[k].course_deg) % 360 for k in leg], np.int16),
        }
    )


def _arrive(
    mmsi: int,
    start: datetime,
    at: tuple[float, float],
    course_deg: float,
    legs: list[Leg],
    approach: Leg,
    **kw: object,
) -> pl.DataFrame:
    """A track reaching ``at`` at ``start`` after ``approach`` on ``course_deg``, then ``legs``."""
    run_m = approach.speed_kn * MPS_PER_KN * approach.duration.total_seconds()
    c = math.radians(course_deg)
    lat, lon = offset(*at, -run_m * math.cos(c), -run_m * math.sin(c))
    first = Leg(approach.duration, approach.speed_kn, course_deg)
    return track(mmsi, start - approach.duration, lat, lon, [first, *legs], **kw)  # type: ignore[arg-type]


def meeting(
    mmsi_a: int,
    mmsi_b: int,
    start: datetime,
    lat: float,
    lon: float,
    duration: timedelta,
    *,
    distance_m: float = 150.0,
    drift_kn: float = 0.5,
    drift_course_deg: float = 45.0,
    approach: timedelta = timedelta(hours=1, minutes=30),
    transit_kn: float = 11.0,
    report_every: tuple[timedelta, timedelta] = (timedelta(minutes=2), timedelta(minutes=3)),
    jitter_m: float = 5.0,
    drop_share: float = 0.0,
    rng: np.random.Generator | None = None,
) -> tuple[list[pl.DataFrame], Planted]:
    """Two vessels arrive from different directions at ``start``, drift side by side
    ``distance_m`` apart at ``drift_kn`` for ``duration``, then leave at ``transit_kn``;
    a random ``drop_share`` of each vessel's reports is lost (reception)."""
    rng = rng or np.random.default_rng(0)
    c = math.radians(drift_course_deg + 90)
    at_b = offset(lat, lon, distance_m * math.cos(c), distance_m * math.sin(c))
    drift = Leg(duration, drift_kn, drift_course_deg)
    frames = []
    for mmsi, at, course_in, course_out, every in (
        (mmsi_a, (lat, lon), 20.0, 200.0, report_every[0]),
        (mmsi_b, at_b, 250.0, 80.0, report_every[1]),
    ):
        legs = [drift, Leg(approach, transit_kn, course_out)]
        frames.append(
            _arrive(
                mmsi,
                start,
                at,
                course_in,
                legs,
                Leg(approach, transit_kn, 0.0),
                report_every=every,
                jitter_m=jitter_m,
                rng=rng,
            )
        )
        frames[-1] = frames[-1].filter(
            pl.Series(rng.uniform(0, 1, frames[-1].height) >= drop_share)
        )
    pair = (min(mmsi_a, mmsi_b), max(mmsi_a, mmsi_b))
    return frames, Planted(pair, start, start + duration)


def crossing(
    mmsi_a: int,
    mmsi_b: int,
    at: datetime,
    lat: float,
    lon: float,
    *,
    passing_m: float = 300.0,
    speed_kn: float = 12.0,
    report_every: timedelta = timedelta(minutes=2),
) -> list[pl.DataFrame]:
    """Two vessels crossing at right angles at ``at``, ``passing_m`` apart at closest approach."""
    hour, kw = timedelta(hours=1), {"report_every": report_every}
    a = _arrive(
        mmsi_a, at, (lat, lon), 0.0, [Leg(hour, speed_kn, 0.0)], Leg(hour, speed_kn, 0.0), **kw
    )
    b_at = offset(lat, lon, 0.0, passing_m)
    b = _arrive(mmsi_b, at, b_at, 90.0, [Leg(hour, speed_kn, 90.0)], Leg(hour, speed_kn, 0.0), **kw)
    return [a, b]


def convoy(
    mmsi_a: int,
    mmsi_b: int,
    start: datetime,
    lat: float,
    lon: float,
    *,
    apart_m: float = 450.0,
    speed_kn: float = 10.0,
    duration: timedelta = timedelta(hours=5),
    report_every: timedelta = timedelta(minutes=2),
) -> list[pl.DataFrame]:
    """Two vessels steaming side by side ``apart_m`` apart for ``duration``."""
    legs = [Leg(duration, speed_kn, 30.0)]
    b_lat, b_lon = offset(
        lat, lon, apart_m * math.cos(math.radians(120)), apart_m * math.sin(math.radians(120))
    )
    return [
        track(mmsi, start, la, lo, legs, report_every=report_every)
        for mmsi, la, lo in ((mmsi_a, lat, lon), (mmsi_b, b_lat, b_lon))
    ]


def slow_apart(
    mmsi_a: int,
    mmsi_b: int,
    start: datetime,
    lat: float,
    lon: float,
    *,
    apart_m: float = 1500.0,
    duration: timedelta = timedelta(hours=6),
) -> list[pl.DataFrame]:
    """Two vessels drifting slowly ``apart_m`` apart (loitering, not meeting)."""
    legs = [Leg(duration, 0.3, 100.0)]
    b_lat, b_lon = offset(lat, lon, apart_m, 0.0)
    return [track(mmsi_a, start, lat, lon, legs), track(mmsi_b, start, b_lat, b_lon, legs)]


def background_traffic(
    rng: np.random.Generator,
    n_vessels: int,
    start: datetime,
    duration: timedelta,
    *,
    box: tuple[float, float, float, float] = (30.0, 122.0, 36.0, 128.0),
    report_every: timedelta = timedelta(minutes=1),
    first_mmsi: int = 412_000_000,
) -> pl.DataFrame:
    """``n_vessels`` transiting straight at 8-16 kn inside ``box`` (lat0, lon0, lat1, lon1),
    reporting every ``report_every`` (with a random phase) for ``duration``; vectorised."""
    n_reports = int(duration / report_every)
    lat0 = rng.uniform(box[0], box[2], n_vessels)
    lon0 = rng.uniform(box[1], box[3], n_vessels)
    speed = rng.uniform(8.0, 16.0, n_vessels)
    course = rng.uniform(0.0, 360.0, n_vessels)
    phase_ms = rng.integers(0, report_every // timedelta(milliseconds=1), n_vessels)
    t_s = np.arange(n_reports) * report_every.total_seconds()
    run_m = speed[:, None] * MPS_PER_KN * t_s[None, :]
    lat = lat0[:, None] + run_m * np.cos(np.radians(course))[:, None] / M_PER_DEG
    lon = lon0[:, None] + run_m * np.sin(np.radians(course))[:, None] / (
        M_PER_DEG * np.cos(np.radians(lat))
    )
    ts = _ms(start) + phase_ms[:, None] + (t_s * 1000).astype(np.int64)[None, :]
    return pl.DataFrame(
        {
            "mmsi": np.repeat(np.arange(n_vessels, dtype=np.int32) + first_mmsi, n_reports),
            "ts": pl.Series(ts.ravel()).cast(pl.Datetime("ms", "UTC")),
            "lat": lat.ravel(),
            "lon": lon.ravel(),
            "sog_kn": np.repeat(speed, n_reports).astype(np.float32),
            "cog_deg": np.repeat(course, n_reports).astype(np.float32),
            "heading_deg": np.repeat(np.round(course) % 360, n_reports).astype(np.int16),
        }
    )


def anchorage_traffic(
    rng: np.random.Generator,
    n_vessels: int,
    n_clusters: int,
    start: datetime,
    duration: timedelta,
    *,
    box: tuple[float, float, float, float] = (30.0, 118.0, 36.0, 121.5),
    radius_m: float = 2000.0,
    report_every: timedelta = timedelta(minutes=1),
    first_mmsi: int = 413_000_000,
) -> pl.DataFrame:
    """``n_vessels`` at anchor in ``n_clusters`` anchorages (anchors uniform in a disc of
    ``radius_m``), swinging on a 60 m circle every 6 h with 3 m noise; vectorised. Anchored
    neighbours closer than an encounter's ``max_distance_m`` are genuine (unplanted)
    encounters by the definition: this is the dense case detectors must stay fast on."""
    n_reports = int(duration / report_every)
    centre = rng.integers(0, n_clusters, n_vessels)
    c_lat = rng.uniform(box[0], box[2], n_clusters)[centre]
    c_lon = rng.uniform(box[1], box[3], n_clusters)[centre]
    r = radius_m * np.sqrt(rng.uniform(0, 1, n_vessels))
    bearing = rng.uniform(0, 2 * np.pi, n_vessels)
    phase = rng.uniform(0, 2 * np.pi, n_vessels)
    t_s = np.arange(n_reports) * report_every.total_seconds()
    swing = phase[:, None] + 2 * np.pi * t_s[None, :] / (6 * 3600)
    north = (r * np.cos(bearing))[:, None] + 60 * np.cos(swing) + rng.normal(0, 3, swing.shape)
    east = (r * np.sin(bearing))[:, None] + 60 * np.sin(swing) + rng.normal(0, 3, swing.shape)
    lat = c_lat[:, None] + north / M_PER_DEG
    lon = c_lon[:, None] + east / (M_PER_DEG * np.cos(np.radians(lat)))
    phase_ms = rng.integers(0, report_every // timedelta(milliseconds=1), n_vessels)
    ts = _ms(start) + phase_ms[:, None] + (t_s * 1000).astype(np.int64)[None, :]
    return pl.DataFrame(
        {
            "mmsi": np.repeat(np.arange(n_vessels, dtype=np.int32) + first_mmsi, n_reports),
            "ts": pl.Series(ts.ravel()).cast(pl.Datetime("ms", "UTC")),
            "lat": lat.ravel(),
            "lon": lon.ravel(),
            "sog_kn": np.full(n_vessels * n_reports, 0.1, np.float32),
        }
    )


def finish(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Concatenated positions with a ``row_id`` (row number) and one ``segment_id`` per MMSI."""
    df = pl.concat(frames, how="diagonal_relaxed")
    return df.with_columns(
        row_id=pl.int_range(pl.len(), dtype=pl.UInt64),
        segment_id=pl.format("{}-1", pl.col("mmsi")),
    )


def scenario(
    rng: np.random.Generator,
    *,
    start: datetime = datetime(2024, 3, 1, 18, tzinfo=UTC),
    n_encounters: int = 20,
    n_negatives: int = 20,
    n_background: int = 50,
    min_duration: timedelta = timedelta(hours=2, minutes=30),
) -> tuple[pl.DataFrame, list[Planted]]:
    """Planted encounters (``min_duration`` to 8 h, 20-400 m apart, 0-1.5 kn, 0-15 m GPS
    jitter, 0-30 % of reports lost, some across midnight), the four kinds of negatives and
    background transits, spread ~10 km apart."""
    frames: list[pl.DataFrame] = []
    truth: list[Planted] = []
    sites = _sites(rng, n_encounters + n_negatives)
    for k in range(n_encounters):
        lat, lon = sites[k]
        when = start + timedelta(minutes=int(rng.integers(0, 24 * 60)))
        hours = rng.uniform(min_duration / timedelta(hours=1), 8.0)
        every = [timedelta(seconds=int(rng.choice([30, 60, 120, 180, 360]))) for _ in range(2)]
        pair_frames, planted = meeting(
            440_000_000 + 2 * k,
            440_000_001 + 2 * k,
            when,
            lat,
            lon,
            timedelta(hours=hours),
            distance_m=rng.uniform(20, 400),
            jitter_m=rng.uniform(0, 15),
            drop_share=rng.uniform(0, 0.3),
            drift_kn=rng.uniform(0.0, 1.5),
            drift_course_deg=rng.uniform(0, 360),
            report_every=(every[0], every[1]),
            rng=rng,
        )
        frames += pair_frames
        truth.append(planted)
    for k in range(n_negatives):
        lat, lon = sites[n_encounters + k]
        a, b = 477_000_000 + 2 * k, 477_000_001 + 2 * k
        when = start + timedelta(minutes=int(rng.integers(0, 24 * 60)))
        frames += _negative(k % 4, a, b, when, lat, lon, rng)
    frames.append(background_traffic(rng, n_background, start, timedelta(hours=30)))
    return finish(frames), sorted(truth, key=lambda p: (p.mmsi, p.start))


def _negative(
    kind: int, a: int, b: int, when: datetime, lat: float, lon: float, rng: np.random.Generator
) -> list[pl.DataFrame]:
    if kind == 0:
        return crossing(a, b, when, lat, lon, passing_m=rng.uniform(50, 400))
    if kind == 1:
        return convoy(a, b, when, lat, lon, apart_m=rng.uniform(200, 480))
    if kind == 2:
        return slow_apart(a, b, when, lat, lon, apart_m=rng.uniform(650, 3000))
    short = timedelta(minutes=int(rng.integers(10, 50)))
    return meeting(a, b, when, lat, lon, short, rng=rng)[0]


def _sites(rng: np.random.Generator, n: int) -> list[tuple[float, float]]:
    """``n`` points on a jittered 0.15 deg grid (>= ~10 km apart) in the Yellow Sea."""
    side = math.ceil(math.sqrt(n))
    cells = rng.permutation(side * side)[:n]
    return [
        (
            33.0 + 0.15 * (c // side) + rng.uniform(0, 0.03),
            123.0 + 0.15 * (c % side) + rng.uniform(0, 0.03),
        )
        for c in cells
    ]


def precision_recall(
    events: pa.Table, truth: list[Planted], *, slack: timedelta = timedelta(minutes=30)
) -> tuple[float, float]:
    """Event-level (precision, recall): an event matches a planted encounter of the same MMSI
    pair whose window, widened by ``slack`` on both sides, overlaps it."""
    found = events.select(["mmsi", "start", "end"]).to_pylist()

    def matches(event: dict[str, object], planted: Planted) -> bool:
        same = tuple(event["mmsi"]) == planted.mmsi  # type: ignore[arg-type]
        start, end = event["start"], event["end"]
        overlap = start <= planted.end + slack and end >= planted.start - slack  # type: ignore[operator]
        return same and overlap

    true_events = sum(any(matches(e, p) for p in truth) for e in found)
    recalled = sum(any(matches(e, p) for e in found) for p in truth)
    precision = true_events / len(found) if found else 1.0
    recall = recalled / len(truth) if truth else 1.0
    return precision, recall
