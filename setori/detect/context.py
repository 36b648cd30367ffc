"""Context tags for events: ports, anchorages, shore, DPRK waters, hotspots, night, flags.

Events are *tagged, never dropped* (detection.md §8.2 "Exclusions", ``dprk`` profile: no
port exclusion; instead tag ``in_anchorage``, ``in_port_polygon``, ``in_dprk_waters``,
``in_hotspot_aoi``). :func:`tag_events` adds to each event's ``tags`` JSON, at the event's
position (``lat``, ``lon``):

* ``distance_to_port_km`` / ``nearest_port`` (WPI ports and DPRK ports) and
  ``distance_to_anchorage_km`` / ``nearest_anchorage`` (GFW anchorages); ``in_port`` /
  ``in_anchorage`` within ``port_radius_km`` / ``anchorage_radius_km`` (3 km, the GFW
  port-visit entry radius of §8.5);
* ``distance_to_shore_km`` and ``on_land`` (Natural Earth 1:50m, :mod:`setori.geo.land`);
* ``in_dprk_waters`` / ``dprk_waters_name``, ``in_hotspot`` (the hotspot's name or null),
  ``user_zone`` (:mod:`setori.geo.zones`);
* ``night_share``: the share of the event window with the sun below the horizon (NOAA
  formulas, :mod:`setori.geo.solar`) at the vessels' positions when ``positions`` are
  given, else at the event position sampled every ``night_step`` (§8.3, §8.7: DPRK STS are
  often at night);
* ``mids``, ``flags`` and ``flag_names`` (per vessel, in the order of ``mmsi``: the MID,
  the ISO 3166-1 alpha-2 code of the administration it is allocated to, as every other
  country field of setori, and the ITU's name for it; a code is null when the MID is
  unallocated or shared by several territories, e.g. 306) and ``dprk_flag`` (a MID 445
  among the vessels, §8.7).

:func:`default_view` is what a profile shows by default: the ``gfw`` profile hides
encounters within ``gfw_exclusion_km`` (10 km) of a port or anchorage, like Global
Fishing Watch's encounter product; the ``dprk`` profile hides nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from numba import njit

from setori.detect.events import EVENTS
from setori.detect.track import Track, require_param
from setori.errors import InputError
from setori.geo.land import LandLayer, load_land
from setori.geo.mid import MidTable, load_mid_table, mid_of
from setori.geo.places import PlaceIndex, load_places
from setori.geo.reference import GeoSettings
from setori.geo.solar import solar_elevation_deg
from setori.geo.zones import ZoneLayer, load_zones

DPRK_MID = 445
#: MID -> ISO 3166-1 alpha-2, derived from the ITU MID table by ``setori.ids.mid_country``
#: (shipped so that detection needs no country registry; a test keeps the two equal).
MID_ISO2_PATH = Path(__file__).resolve().parent.parent / "data" / "itu-mid-iso2.csv"
MAX_NIGHT_SAMPLES = 10_000
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextParams:
    """Parameters of :func:`tag_events` and :func:`default_view`.

    Attributes:
        profile: ``"gfw"`` or ``"dprk"`` (only :func:`default_view` differs).
        port_radius_km: ``in_port`` within this distance of a port (3 km, §8.5 entry radius).
        anchorage_radius_km: ``in_anchorage`` within this distance of an anchorage (3 km).
        gfw_exclusion_km: The ``gfw`` default view hides encounters this close to a port or
            anchorage (GFW: 10 km; §8.2).
        night_step: Sampling step of the event window when positions are not given.
        night_elevation_deg: Night is solar elevation below this (0°: geometric horizon).
    """

    profile: str = "gfw"
    port_radius_km: float = 3.0
    anchorage_radius_km: float = 3.0
    gfw_exclusion_km: float = 10.0
    night_step: timedelta = timedelta(minutes=10)
    night_elevation_deg: float = 0.0

    def __post_init__(self) -> None:
        require_param(self.profile in ("gfw", "dprk"), "profile 'gfw' or 'dprk'", self.profile)
        require_param(self.night_step > timedelta(0), "night_step > 0", self.night_step)

    @classmethod
    def gfw(cls) -> ContextParams:
        """GFW-comparable: the default view hides in-port encounters."""
        return cls()

    @classmethod
    def dprk(cls) -> ContextParams:
        """DPRK-sensitive: the default view hides nothing."""
        return replace(cls(), profile="dprk")


@dataclass(frozen=True, slots=True)
class ContextLayers:
    """The reference layers tagging needs (load once, reuse)."""

    places: PlaceIndex
    zones: ZoneLayer
    land: LandLayer
    mids: MidTable

    @classmethod
    def load(cls, settings: GeoSettings | None = None) -> ContextLayers:
        """Every layer from ``settings`` (``data_dir`` or the shipped slices)."""
        settings = settings or GeoSettings()
        return cls(
            load_places(settings),
            load_zones(settings),
            load_land(settings),
            load_mid_table(settings),
        )


def tag_events(
    events: pa.Table,
    positions: pa.Table | pl.DataFrame | Track | None = None,
    *,
    params: ContextParams | None = None,
    layers: ContextLayers | None = None,
) -> pa.Table:
    """``events`` with context merged into each ``tags`` JSON (existing keys are kept)."""
    params, layers = params or ContextParams(), layers or ContextLayers.load()
    if events.num_rows == 0:
        return events
    frame = pl.DataFrame(events)
    lat = frame["lat"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    lon = frame["lon"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    columns = {**_place_tags(lat, lon, params, layers), **_zone_tags(lat, lon, layers)}
    columns["night_share"] = night_share(frame, positions, params)
    columns.update(_flag_tags(frame["mmsi"].to_list(), layers.mids))
    tags = [_merge(old, columns, k) for k, old in enumerate(frame["tags"].to_list())]
    index = events.schema.get_field_index("tags")
    return events.set_column(index, EVENTS.field("tags"), pa.array(tags, pa.string()))


def _merge(old: str, columns: dict[str, list[Any]], k: int) -> str:
    tags = json.loads(old) if old else {}
    tags.update({name: values[k] for name, values in columns.items()})
    return json.dumps(tags, sort_keys=True, default=str, separators=(",", ":"))


def _place_tags(
    lat: Floats, lon: Floats, params: ContextParams, layers: ContextLayers
) -> dict[str, list[Any]]:
    known = ~np.isnan(lat) & ~np.isnan(lon)
    out: dict[str, list[Any]] = {}
    for kind, radius_km in (
        ("port", params.port_radius_km),
        ("anchorage", params.anchorage_radius_km),
    ):
        near = layers.places.nearest(np.where(known, lat, 0.0), np.where(known, lon, 0.0), kind)
        km = np.where(known, near.distance_m / 1000, np.nan)
        out[f"distance_to_{kind}_km"] = _rounded(km)
        out[f"nearest_{kind}"] = [
            n if ok else None for n, ok in zip(layers.places.names(near.index), known, strict=True)
        ]
        out[f"in_{kind}"] = [
            bool(d <= radius_km) if ok else None for d, ok in zip(km, known, strict=True)
        ]
    shore = layers.land.distance_to_shore_km(np.where(known, lat, 0.0), np.where(known, lon, 0.0))
    on_land = layers.land.on_land(np.where(known, lat, 0.0), np.where(known, lon, 0.0))
    out["distance_to_shore_km"] = _rounded(np.where(known, shore, np.nan))
    out["on_land"] = [bool(v) if ok else None for v, ok in zip(on_land, known, strict=True)]
    return out


def near_port_or_anchorage(
    lat: Floats,
    lon: Floats,
    *,
    params: ContextParams | None = None,
    layers: ContextLayers | None = None,
    radius_km: float | None = None,
) -> npt.NDArray[np.bool_]:
    """Points within ``radius_km`` of a port or an anchorage (unknown: False), without the
    other tags' cost.

    ``radius_km`` None: the points :func:`tag_events` tags ``in_port`` or ``in_anchorage``
    (``params.port_radius_km`` / ``anchorage_radius_km``, 3 km). A wider radius suits
    exclusions: big harbours' anchorage areas reach well beyond 3 km from the listed
    point (:class:`~setori.detect.dark_rendezvous.DarkRendezvousParams`
    ``port_exclusion_km``, 10 km).
    """
    params, layers = params or ContextParams(), layers or ContextLayers.load()
    known = ~np.isnan(lat) & ~np.isnan(lon)
    lat, lon = np.where(known, lat, 0.0), np.where(known, lon, 0.0)
    near = np.zeros(lat.size, dtype=bool)
    for kind, kind_km in (
        ("port", params.port_radius_km),
        ("anchorage", params.anchorage_radius_km),
    ):
        within_km = kind_km if radius_km is None else radius_km
        near |= layers.places.nearest(lat, lon, kind).distance_m / 1000 <= within_km
    return near & known


def _zone_tags(lat: Floats, lon: Floats, layers: ContextLayers) -> dict[str, list[Any]]:
    zones = layers.zones
    waters = zones.first_zone(lat, lon, ("dprk_waters",))
    hotspot = zones.first_zone(lat, lon, ("sts_hotspot",))
    user = zones.first_zone(lat, lon, ("user",))
    return {
        "in_dprk_waters": (waters >= 0).tolist(),
        "dprk_waters_name": zones.names(waters),
        "in_hotspot": zones.names(hotspot),
        "user_zone": zones.names(user),
    }


@lru_cache(maxsize=1)
def mid_iso2() -> dict[int, str]:
    """MID -> ISO 3166-1 alpha-2 code of its administration (MIDs without one left out)."""
    table = pl.read_csv(MID_ISO2_PATH, schema={"MID": pl.Int64, "iso2": pl.String})
    return {int(m): str(c) for m, c in table.iter_rows() if c}


def _flag_tags(mmsi_lists: list[list[int]], mids: MidTable) -> dict[str, list[Any]]:
    flat = np.array([m for ms in mmsi_lists for m in ms], dtype=np.int64)
    mid = mid_of(flat)
    names = mids.flags(mid)
    iso2 = mid_iso2()
    allocated = mids.is_allocated(mid).tolist()
    codes = [iso2.get(m) if ok else None for m, ok in zip(mid.tolist(), allocated, strict=True)]
    out: dict[str, list[Any]] = {"mids": [], "flags": [], "flag_names": [], "dprk_flag": []}
    at = 0
    for ms in mmsi_lists:
        these = mid[at : at + len(ms)].tolist()
        out["mids"].append(these)
        out["flags"].append(codes[at : at + len(ms)])
        out["flag_names"].append(names[at : at + len(ms)])
        out["dprk_flag"].append(DPRK_MID in these)
        at += len(ms)
    return out


def _rounded(values: Floats, digits: int = 3) -> list[float | None]:
    return [None if np.isnan(v) else round(float(v), digits) for v in values]


def night_share(
    events: pl.DataFrame,
    positions: pa.Table | pl.DataFrame | Track | None,
    params: ContextParams,
) -> list[float | None]:
    """Share of each event's window with the sun below ``night_elevation_deg``.

    From the vessels' own positions inside the window when given (events without any fall
    back), else from the event position sampled every ``night_step``.
    """
    if positions is None:
        return _sampled_night_share(events, params)
    measured = _positions_night_share(events, positions, params)
    unmeasured = [k for k, m in enumerate(measured) if m is None]
    if unmeasured:
        sampled = _sampled_night_share(events[unmeasured], params)
        for k, share in zip(unmeasured, sampled, strict=True):
            measured[k] = share
    return measured


def _window_ms(events: pl.DataFrame) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    start = events["start"].dt.epoch("ms").to_numpy().astype(np.int64)
    hours = events["duration_h"].cast(pl.Float64).fill_null(0.0).to_numpy()
    end = (
        events["end"]
        .dt.epoch("ms")
        .fill_null(pl.Series((start + hours * 3_600_000).astype(np.int64)))
    )
    return start, np.maximum(end.to_numpy().astype(np.int64), start)


def _sampled_night_share(events: pl.DataFrame, params: ContextParams) -> list[float | None]:
    start, end = _window_ms(events)
    step_ms = int(params.night_step / timedelta(milliseconds=1))
    count = np.minimum((end - start) // step_ms + 1, MAX_NIGHT_SAMPLES)
    event = np.repeat(np.arange(start.size), count)
    offset = np.arange(event.size) - np.repeat(np.cumsum(count) - count, count)
    ts = start[event] + offset * ((end - start)[event] // np.maximum(count[event] - 1, 1))
    lat = events["lat"].cast(pl.Float64).fill_null(np.nan).to_numpy()[event]
    lon = events["lon"].cast(pl.Float64).fill_null(np.nan).to_numpy()[event]
    night = solar_elevation_deg(ts, lat, lon) < params.night_elevation_deg
    share = np.bincount(event, weights=night, minlength=start.size) / count
    known = ~np.isnan(events["lat"].cast(pl.Float64).fill_null(np.nan).to_numpy())
    return [round(float(s), 4) if ok else None for s, ok in zip(share, known, strict=True)]


def _positions_night_share(
    events: pl.DataFrame, positions: pa.Table | pl.DataFrame | Track, params: ContextParams
) -> list[float | None]:
    """Share of each event's vessels' positions inside its window (ends included) at night.

    Each (event, vessel) is a set of row ranges of positions sorted by time: the ranges of
    the vessel's segments in the shared :class:`Track` frame when that frame holds every
    input position (:func:`_segment_ranges`), else one range of the input sorted by (MMSI,
    time) (:func:`_mmsi_ranges`). Only rows inside some range are classed day or night,
    once (:func:`night_flags`).
    """
    start, end = _window_ms(events)
    pairs = (
        pl.DataFrame({"k": np.arange(start.size), "w0": start, "w1": end, "mmsi": events["mmsi"]})
        .explode("mmsi")
        .drop_nulls("mmsi")
        .with_columns(pl.col("mmsi").cast(pl.Int64))
    )
    if isinstance(positions, Track) and _frame_is_every_position(positions):
        pos, ranges = positions.frame, _segment_ranges(positions.frame, pairs)
    else:
        pos, ranges = _mmsi_ranges(Track.of(positions).source, pairs)
    lo, hi, k = ranges
    ts_ms, lat, lon = (pos[c].to_numpy() for c in ("ts_ms", "lat", "lon"))
    night = night_flags(ts_ms, lat, lon, lo, hi, params.night_elevation_deg, solar_elevation_deg)
    dark = _night_counts(night, lo, hi)
    total = np.bincount(k, weights=hi - lo, minlength=start.size)
    dark_k = np.bincount(k, weights=dark, minlength=start.size)
    return [round(float(d / t), 4) if t else None for d, t in zip(dark_k, total, strict=True)]


def _frame_is_every_position(track: Track) -> bool:
    """Whether :attr:`Track.frame` holds every input row with an MMSI and a time (none
    dropped or deduplicated) and each segment one MMSI, so its segment ranges are the
    vessel's positions."""
    source, frame = track.source, track.frame
    if "mmsi" not in source.columns or "ts" not in source.columns:
        return False
    if source["mmsi"].null_count() or source["ts"].null_count():
        return False
    if frame.height != source.height:
        return False
    mixed = (pl.col("seg") == pl.col("seg").shift(1)) & (pl.col("mmsi") != pl.col("mmsi").shift(1))
    return not frame.select(mixed.any()).item()


def _segment_ranges(frame: pl.DataFrame, pairs: pl.DataFrame) -> tuple[Ints, Ints, Ints]:
    """For each (``k``, ``mmsi``, ``w0``, ``w1``) of ``pairs``, the rows ``[lo, hi)`` of
    ``frame`` (sorted by segment, time) of each of the MMSI's segments with ``w0 <= ts_ms
    <= w1``, and the pair's ``k``."""
    seg, ts_ms = frame["seg"].to_numpy(), frame["ts_ms"].to_numpy()
    starts = np.flatnonzero(np.diff(seg)) + 1 if seg.size else np.zeros(0, np.int64)
    seg_lo = np.concatenate([[0], starts]).astype(np.int64) if seg.size else starts
    seg_hi = np.concatenate([starts, [seg.size]]).astype(np.int64) if seg.size else starts
    segments = pl.DataFrame(
        {
            "mmsi": frame["mmsi"].gather(seg_lo).cast(pl.Int64),
            "lo": seg_lo,
            "hi": seg_hi,
            "t0": ts_ms[seg_lo],
            "t1": ts_ms[seg_hi - 1],
        }
    )
    overlapping = pairs.join(segments, on="mmsi").filter(
        (pl.col("t1") >= pl.col("w0")) & (pl.col("t0") <= pl.col("w1"))
    )
    lo, hi = window_rows(
        ts_ms,
        overlapping["lo"].to_numpy(),
        overlapping["hi"].to_numpy(),
        overlapping["w0"].to_numpy(),
        overlapping["w1"].to_numpy(),
    )
    return lo, hi, overlapping["k"].to_numpy().astype(np.int64)


def _mmsi_ranges(
    positions: pl.DataFrame, pairs: pl.DataFrame
) -> tuple[pl.DataFrame, tuple[Ints, Ints, Ints]]:
    """The input sorted by (MMSI, time) and, for each pair, its rows ``[lo, hi)``."""
    pos = (
        positions.select(
            pl.col("mmsi").cast(pl.Int64), pl.col("ts").dt.epoch("ms").alias("ts_ms"), "lat", "lon"
        )
        .drop_nulls(["mmsi", "ts_ms"])
        .sort("mmsi", "ts_ms")
    )
    lo, hi = _position_ranges(pos, pairs)
    return pos, (lo, hi, pairs["k"].to_numpy().astype(np.int64))


def _position_ranges(
    pos: pl.DataFrame, pairs: pl.DataFrame
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For each (``mmsi``, ``w0``, ``w1``) of ``pairs``, the rows ``[lo, hi)`` of ``pos``
    (sorted by MMSI, time) of that MMSI with ``w0 <= ts_ms <= w1``."""
    if pos.is_empty() or pairs.is_empty():
        empty = np.zeros(pairs.height, dtype=np.int64)
        return empty, empty
    vessels = pos["mmsi"].unique(maintain_order=True).to_numpy()
    mmsi, ts = pos["mmsi"].to_numpy(), pos["ts_ms"].to_numpy()
    t_min, t_max = int(ts.min()), int(ts.max())
    span = t_max - t_min + 1
    if span * vessels.size >= 2**62:
        raise InputError(f"{vessels.size} vessels over {span} ms: too many to index in 64 bits")
    rank = np.searchsorted(vessels, mmsi)
    key = rank * span + (ts - t_min)
    wanted = pairs["mmsi"].to_numpy().astype(np.int64)
    w_rank = np.minimum(np.searchsorted(vessels, wanted), vessels.size - 1)
    known = vessels[w_rank] == wanted
    w0 = np.clip(pairs["w0"].to_numpy(), t_min, t_max + 1) - t_min
    w1 = np.clip(pairs["w1"].to_numpy(), t_min - 1, t_max) - t_min
    lo = np.searchsorted(key, w_rank * span + w0, side="left")
    hi = np.searchsorted(key, w_rank * span + w1, side="right")
    empty = ~known | (w1 < w0)
    return np.where(empty, 0, lo).astype(np.int64), np.where(empty, 0, hi).astype(np.int64)


def default_view(
    events: pa.Table, profile: str, *, params: ContextParams | None = None
) -> pa.Table:
    """The events a profile shows by default; nothing is deleted, only filtered for display.

    ``gfw``: encounters within ``gfw_exclusion_km`` of a port or anchorage are hidden (GFW's
    encounter product). ``dprk``: everything is shown. Needs :func:`tag_events` tags.
    """
    params = params or ContextParams()
    if profile not in ("gfw", "dprk"):
        raise InputError(f"unknown profile {profile!r}; expected 'gfw' or 'dprk'")
    if profile == "dprk" or events.num_rows == 0:
        return events
    frame = pl.DataFrame(events)
    distances = [
        pl.col("tags").str.json_path_match(f"$.distance_to_{kind}_km").cast(pl.Float64)
        for kind in ("port", "anchorage")
    ]
    encounters = frame.filter(pl.col("type") == "encounter")
    if encounters.height == 0:
        return events  # only encounters are ever hidden (identity events have no position)
    if encounters.select(distances[0].is_null().all()).item():
        raise InputError("encounters carry no distance_to_port_km tag; call tag_events() first")
    near = pl.min_horizontal(distances) < params.gfw_exclusion_km
    hidden = (pl.col("type") == "encounter") & near.fill_null(False)
    return events.filter(pa.array(frame.select(hidden.not_()).to_series().to_numpy()))


#: Bound on how fast the NOAA solar elevation changes with time (degrees per ms): the hour
#: angle turns 0.25 deg/min; declination and equation of time add < 0.0005 deg/min.
_ELEVATION_RATE_DEG_PER_MS = 0.251 / 60_000
#: Slack added to that bound: the year-end jump of the fractional year (< 0.7 deg when a
#: formula divides by 365 in a leap year) and rounding.
_ELEVATION_SLACK_DEG = 1.0
#: Within this of the threshold, a row is classed by ``exact`` (the caller's formula).
_EXACT_BAND_DEG = 1e-6
#: First day (days since 1970) of each year 1800..2400, for the kernel's calendar.
_YEAR_START_DAYS = (
    np.arange(1800, 2401).astype(str).astype("datetime64[Y]").astype("datetime64[D]")
).astype(np.int64)


def night_flags(
    ts_ms: Ints,
    lat: Floats,
    lon: Floats,
    lo: Ints,
    hi: Ints,
    threshold_deg: float,
    exact: Callable[[Ints, Floats, Floats], Floats],
    year_days: int = 0,
) -> npt.NDArray[np.int8]:
    """Per row: 1 when the sun is below ``threshold_deg``, 0 when not, -1 outside every
    range ``[lo, hi)``; the same classes as ``exact(ts_ms, lat, lon) < threshold_deg``.

    ``exact`` is a NOAA "General Solar Position" elevation (``year_days`` 0: the fractional
    year over the calendar year's length, as :func:`setori.geo.solar.solar_elevation_deg`;
    365: over 365 days). Most rows need no evaluation: the elevation moves at most
    ``|dlat| + |dlon| + 0.251 deg/min * |dt|`` (the zenith angle is a great-circle distance
    between the observer and the sub-solar point), so a row is classed like the last
    evaluated one while that bound stays short of the threshold. Evaluated rows use a
    numba copy of the formula; those within 1e-6 deg of the threshold, or whose copy is not
    finite, are passed to ``exact``.
    """
    flags = _night_kernel(ts_ms, lat, lon, lo, hi, threshold_deg, _YEAR_START_DAYS, year_days)
    unsure = np.flatnonzero(flags == 2)
    if unsure.size:
        elevation = exact(ts_ms[unsure], lat[unsure], lon[unsure])
        flags[unsure] = (np.asarray(elevation) < threshold_deg).astype(np.int8)
    return flags


@njit(cache=True)
def _night_kernel(
    ts_ms: Ints,
    lat: Floats,
    lon: Floats,
    lo: Ints,
    hi: Ints,
    threshold_deg: float,
    year_start_days: Ints,
    year_days: int,
) -> npt.NDArray[np.int8]:  # pragma: no cover - numba
    """:func:`night_flags` before ``exact``: 2 marks a row left to it."""
    flags = np.full(ts_ms.size, -1, dtype=np.int8)
    known = False
    a_ts, a_lat, a_lon, a_margin, a_night = 0, 0.0, 0.0, 0.0, np.int8(0)
    for r in np.argsort(lo, kind="mergesort"):
        for i in range(lo[r], hi[r]):
            if flags[i] >= 0:
                continue
            if known:
                moved = (
                    abs(lat[i] - a_lat)
                    + abs(lon[i] - a_lon)
                    + abs(ts_ms[i] - a_ts) * _ELEVATION_RATE_DEG_PER_MS
                )
                if moved < a_margin:
                    flags[i] = a_night
                    continue
            elevation = _solar_elevation_deg(ts_ms[i], lat[i], lon[i], year_start_days, year_days)
            margin = abs(elevation - threshold_deg)
            if not margin > _EXACT_BAND_DEG:  # also NaN
                flags[i], known = 2, False
                continue
            a_night = np.int8(1) if elevation < threshold_deg else np.int8(0)
            flags[i], known = a_night, True
            a_ts, a_lat, a_lon, a_margin = ts_ms[i], lat[i], lon[i], margin - _ELEVATION_SLACK_DEG
    return flags


@njit(cache=True)
def _solar_elevation_deg(
    ts_ms: int, lat: float, lon: float, year_start_days: Ints, year_days: int
) -> float:  # pragma: no cover - numba
    """NOAA solar elevation (degrees; :mod:`setori.geo.solar`) at one time and place; NaN
    outside the calendar table."""
    day = ts_ms // 86_400_000
    year = np.searchsorted(year_start_days, day, side="right") - 1
    if year < 0 or year + 1 >= year_start_days.size:
        return np.nan
    days = year_days or year_start_days[year + 1] - year_start_days[year]
    hours = (ts_ms - day * 86_400_000) / 3_600_000.0
    g = 2 * math.pi / days * (day - year_start_days[year] + (hours - 12) / 24)
    eqtime_min = 229.18 * (
        0.000075
        + 0.001868 * math.cos(g)
        - 0.032077 * math.sin(g)
        - 0.014615 * math.cos(2 * g)
        - 0.040849 * math.sin(2 * g)
    )
    decl = (
        0.006918
        - 0.399912 * math.cos(g)
        + 0.070257 * math.sin(g)
        - 0.006758 * math.cos(2 * g)
        + 0.000907 * math.sin(2 * g)
        - 0.002697 * math.cos(3 * g)
        + 0.00148 * math.sin(3 * g)
    )
    hour_angle = math.radians((hours * 60 + eqtime_min + 4 * lon) / 4 - 180)
    lat_rad = math.radians(lat)
    cos_zenith = math.sin(lat_rad) * math.sin(decl) + math.cos(lat_rad) * math.cos(decl) * math.cos(
        hour_angle
    )
    return 90.0 - math.degrees(math.acos(min(max(cos_zenith, -1.0), 1.0)))


@njit(cache=True)
def _night_counts(flags: npt.NDArray[np.int8], lo: Ints, hi: Ints) -> Ints:  # pragma: no cover
    """Rows flagged night in each range ``[lo, hi)``."""
    out = np.zeros(lo.size, dtype=np.int64)
    for r in range(lo.size):
        for i in range(lo[r], hi[r]):
            out[r] += flags[i] == 1
    return out


@njit(cache=True)
def window_rows(
    ts_ms: Ints, range_lo: Ints, range_hi: Ints, start_ms: Ints, end_ms: Ints
) -> tuple[Ints, Ints]:  # pragma: no cover - numba
    """Rows ``[lo, hi)`` of each range (sorted by time) with ``start_ms <= ts_ms <= end_ms``."""
    lo, hi = np.empty_like(range_lo), np.empty_like(range_hi)
    for k in range(range_lo.size):
        times = ts_ms[range_lo[k] : range_hi[k]]
        lo[k] = range_lo[k] + np.searchsorted(times, start_ms[k], side="left")
        hi[k] = max(lo[k], range_lo[k] + np.searchsorted(times, end_ms[k], side="right"))
    return lo, hi
