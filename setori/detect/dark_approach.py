"""Dark approach: a vessel goes dark heading for DPRK waters, or reappears heading away.

Definition (docs/detect-dark-approach.md; docs/reference/detection.md §8.5): for
every AIS gap of at least ``min_gap`` (6 h, the "notable" tier),

* **inbound**: the last position before the gap lies outside DPRK waters, within
  ``max_distance_nm`` (50 nm) of them, and the vessel's course points toward them: the
  angle between its course and the initial great-circle bearing to the nearest point of
  DPRK waters is at most ``max_bearing_off_deg`` (45°);
* **outbound**: the first position after the gap lies within ``max_distance_nm`` of DPRK
  waters, outside them, and the course points away: that angle is at least
  180° − ``max_bearing_off_deg``.

A gap can be both (subtype ``inbound_outbound``: dark on the way in, back on the way
out). The course is the reported COG when the position has one and the vessel moves at
``min_speed_kn`` or more (a moored vessel's COG is noise), else the bearing of the track
step into (inbound) or out of (outbound) the position; a position with neither, or at
a reported speed below ``min_speed_kn``, is not judged. The nearest point of DPRK
waters is found on a local equirectangular projection centred on the position (scale
error < 0.1 % within 50 nm), then measured back on the sphere.

"DPRK waters" are the ``dprk_waters`` zones of :func:`setori.geo.zones.load_zones` (the
claimed EEZ on the East Sea side and the West Sea polygon); a user zone file does not
change them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import shapely

from setori.detect.events import empty_events, event_row, make_events
from setori.detect.track import Track, params_evidence, require_param
from setori.geo.reference import GeoSettings
from setori.geo.sphere import METRES_PER_NM, haversine_m
from setori.geo.zones import load_zones

DETECTOR_VERSION = "dark_approach/1"
_NM_PER_DEG = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class DarkApproachParams:
    """Parameters of :func:`detect_dark_approach` (defaults: detection.md §8.5).

    Attributes:
        profile: ``"gfw"`` or ``"dprk"`` (same thresholds; the profile is recorded).
        min_gap: Shortest gap considered (6 h, the notable tier).
        max_distance_nm: Largest distance from the position to DPRK waters (50 nm).
        max_bearing_off_deg: Largest angle between course and bearing to DPRK waters that
            still counts as heading toward them (45°); away is ≥ 180° minus this.
        min_speed_kn: Below this reported speed the COG is not trusted (1 kn).
    """

    profile: str = "gfw"
    min_gap: timedelta = timedelta(hours=6)
    max_distance_nm: float = 50.0
    max_bearing_off_deg: float = 45.0
    min_speed_kn: float = 1.0

    def __post_init__(self) -> None:
        require_param(self.profile in ("gfw", "dprk"), "profile 'gfw' or 'dprk'", self.profile)
        require_param(self.min_gap > timedelta(0), "min_gap > 0", self.min_gap)
        require_param(self.max_distance_nm > 0, "max_distance_nm > 0", self.max_distance_nm)
        require_param(
            0 < self.max_bearing_off_deg < 90,
            "0 < max_bearing_off_deg < 90",
            self.max_bearing_off_deg,
        )
        require_param(self.min_speed_kn >= 0, "min_speed_kn >= 0", self.min_speed_kn)

    @classmethod
    def gfw(cls) -> DarkApproachParams:
        return cls()

    @classmethod
    def dprk(cls) -> DarkApproachParams:
        return replace(cls(), profile="dprk")


@dataclass(frozen=True, slots=True)
class Waters:
    """The DPRK-waters polygons as one geometry, and its bounding box (lon0, lat0, lon1, lat1)."""

    geometry: Any
    bounds: tuple[float, float, float, float]

    @classmethod
    def load(cls, settings: GeoSettings | None = None) -> Waters:
        layer = load_zones(settings)
        parts = [layer.geometries[z] for z in layer.zones_of(("dprk_waters",))]
        geometry = shapely.union_all(parts)
        x0, y0, x1, y1 = (float(v) for v in shapely.bounds(geometry))
        return cls(geometry, (x0, y0, x1, y1))

    def nearest(self, lat: float, lon: float) -> tuple[float, float, float] | None:
        """(distance_nm, lat, lon) of the nearest point of the waters; None when inside."""
        if shapely.contains_xy(self.geometry, lon, lat):
            return None
        scale = math.cos(math.radians(lat))
        local = shapely.transform(
            self.geometry, lambda xy: np.column_stack([(xy[:, 0] - lon) * scale, xy[:, 1] - lat])
        )
        line = shapely.shortest_line(shapely.Point(0.0, 0.0), local)
        near_x, near_y = shapely.get_coordinates(line)[1]
        near_lat, near_lon = lat + float(near_y), lon + float(near_x) / scale
        distance_m = float(haversine_m(lat, lon, near_lat, near_lon))
        return distance_m / METRES_PER_NM, near_lat, near_lon

    def within_reach(self, lat: float, lon: float, distance_nm: float) -> bool:
        """A cheap bounding-box test: can the point be within ``distance_nm`` of the waters?"""
        dlat = distance_nm / _NM_PER_DEG
        dlon = dlat / max(math.cos(math.radians(min(abs(lat), 89.0))), 1e-6)
        x0, y0, x1, y1 = self.bounds
        return x0 - dlon <= lon <= x1 + dlon and y0 - dlat <= lat <= y1 + dlat


def initial_bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def angle_off_deg(course_deg: float, bearing_deg: float) -> float:
    """Smallest angle between two directions, 0-180°."""
    return abs((course_deg - bearing_deg + 180.0) % 360.0 - 180.0)


def detect_dark_approach(
    gap_events: pa.Table,
    positions: pa.Table | pl.DataFrame | Track,
    params: DarkApproachParams = DarkApproachParams(),
    *,
    waters: Waters | None = None,
) -> pa.Table:
    """Dark-approach events (module docstring), one per qualifying gap.

    ``gap_events``: an EVENTS table from :func:`~setori.detect.gaps.detect_gaps` (other
    types are ignored). ``positions``: the positions the gaps came from (for course and
    speed at the gap's ends).
    """
    gaps = _long_gaps(gap_events, params)
    if gaps.is_empty():
        return empty_events()
    waters = waters or Waters.load()
    ends = _gap_ends(gaps, waters, params)
    if ends.is_empty():
        return empty_events()
    courses = _courses(Track.of(positions), ends["row_id"])
    judged = [
        _judge(e, courses.get(e["row_id"]), waters, params) for e in ends.iter_rows(named=True)
    ]
    rows = [j for j in judged if j is not None]
    if not rows:
        return empty_events()
    return _events(gaps, rows, params)


def _long_gaps(gap_events: pa.Table, params: DarkApproachParams) -> pl.DataFrame:
    """Gaps of at least ``min_gap`` (open gaps by their duration so far), one row each."""
    if gap_events.num_rows == 0:
        return pl.DataFrame()
    gaps = pl.DataFrame(gap_events).filter(pl.col("type") == "gap")
    min_h = params.min_gap / timedelta(hours=1)
    gaps = gaps.filter(pl.col("duration_h") >= min_h)
    if gaps.is_empty():
        return gaps
    fields = pl.col("evidence").str.json_decode(
        pl.Struct(
            {
                "start_lat": pl.Float64,
                "start_lon": pl.Float64,
                "start_row_id": pl.UInt64,
                "end_lat": pl.Float64,
                "end_lon": pl.Float64,
                "end_row_id": pl.UInt64,
                "scope": pl.String,
            }
        )
    )
    return gaps.with_columns(fields.alias("ev")).unnest("ev")


def _gap_ends(gaps: pl.DataFrame, waters: Waters, params: DarkApproachParams) -> pl.DataFrame:
    """The gaps' last-before and first-after positions that could be within reach."""
    rows = []
    for g in gaps.iter_rows(named=True):
        for side in ("start", "end"):
            lat, lon, row_id = g[f"{side}_lat"], g[f"{side}_lon"], g[f"{side}_row_id"]
            if lat is None or lon is None or row_id is None:
                continue
            if waters.within_reach(lat, lon, params.max_distance_nm):
                rows.append(
                    {"gap_id": g["id"], "side": side, "lat": lat, "lon": lon, "row_id": row_id}
                )
    schema = {"gap_id": pl.String, "side": pl.String, "lat": pl.Float64, "lon": pl.Float64}
    return pl.DataFrame(rows, schema={**schema, "row_id": pl.UInt64})


def _courses(track: Track, row_ids: pl.Series) -> dict[int, dict[str, Any]]:
    """For each wanted row: reported COG and SOG, and the bearing of the steps in and out."""
    steps = track.steps
    wanted = row_ids.unique().implode()
    found: dict[int, dict[str, Any]] = {}
    for r in steps.filter(pl.col("row_id").is_in(wanted)).iter_rows(named=True):
        at = found.setdefault(r["row_id"], {"cog_deg": r["cog_deg"], "sog_kn": r["sog_kn"]})
        if r["prev_row_id"] is not None:
            bearing = initial_bearing_deg(r["prev_lat"], r["prev_lon"], r["lat"], r["lon"])
            at["bearing_in_deg"] = bearing
    for r in steps.filter(pl.col("prev_row_id").is_in(wanted)).iter_rows(named=True):
        bearing = initial_bearing_deg(r["prev_lat"], r["prev_lon"], r["lat"], r["lon"])
        found.setdefault(r["prev_row_id"], {})["bearing_out_deg"] = bearing
    return found


def _course(side: str, at: dict[str, Any], params: DarkApproachParams) -> tuple[float, str] | None:
    """The course at a gap end and where it comes from, or None when it cannot be judged."""
    sog = at.get("sog_kn")
    if sog is not None and not math.isnan(sog) and sog < params.min_speed_kn:
        return None
    cog = at.get("cog_deg")
    if cog is not None and not math.isnan(cog) and 0 <= cog < 360:
        return cog, "reported_cog"
    bearing = at.get("bearing_in_deg" if side == "start" else "bearing_out_deg")
    return (bearing, "track_step") if bearing is not None else None


def _judge(
    end: dict[str, Any],
    at: dict[str, Any] | None,
    waters: Waters,
    params: DarkApproachParams,
) -> dict[str, Any] | None:
    """The evidence for one gap end when it qualifies, else None."""
    nearest = waters.nearest(end["lat"], end["lon"])
    if nearest is None or nearest[0] > params.max_distance_nm or at is None:
        return None
    course = _course(end["side"], at, params)
    if course is None:
        return None
    distance_nm, near_lat, near_lon = nearest
    bearing = initial_bearing_deg(end["lat"], end["lon"], near_lat, near_lon)
    off = angle_off_deg(course[0], bearing)
    inbound = end["side"] == "start" and off <= params.max_bearing_off_deg
    outbound = end["side"] == "end" and off >= 180.0 - params.max_bearing_off_deg
    if not (inbound or outbound):
        return None
    return {
        "gap_id": end["gap_id"],
        "direction": "inbound" if inbound else "outbound",
        "position": {"lat": end["lat"], "lon": end["lon"], "row_id": end["row_id"]},
        "distance_to_dprk_waters_nm": round(distance_nm, 2),
        "nearest_dprk_waters_point": {"lat": round(near_lat, 5), "lon": round(near_lon, 5)},
        "bearing_to_dprk_waters_deg": round(bearing, 1),
        "course_deg": round(course[0], 1),
        "course_source": course[1],
        "sog_kn": at.get("sog_kn"),
        "angle_off_deg": round(off, 1),
    }


def _events(
    gaps: pl.DataFrame, found: list[dict[str, Any]], params: DarkApproachParams
) -> pa.Table:
    by_gap: dict[str, list[dict[str, Any]]] = {}
    for item in found:
        by_gap.setdefault(item["gap_id"], []).append(item)
    parameters = params_evidence(params)
    rows = []
    for g in (
        gaps.filter(pl.col("id").is_in(list(by_gap))).sort("start", "id").iter_rows(named=True)
    ):
        items = sorted(by_gap[g["id"]], key=lambda i: i["direction"])
        items = [{k: v for k, v in i.items() if k != "gap_id"} for i in items]
        rows.append(_event_row(g, items, params, parameters))
    return make_events(rows)


def _event_row(
    gap: dict[str, Any],
    items: list[dict[str, Any]],
    params: DarkApproachParams,
    parameters: dict[str, Any],
) -> dict[str, Any]:
    first = items[0]["position"]
    return event_row(
        "dark_approach",
        subtype="_".join(i["direction"] for i in items),
        mmsi=gap["mmsi"],
        start=gap["start"],
        end=gap["end"],
        lat=first["lat"],
        lon=first["lon"],
        duration_h=gap["duration_h"],
        profile=params.profile,
        detector_version=DETECTOR_VERSION,
        id_params={"parameters": parameters, "gap_event_id": gap["id"]},
        segment_ids=gap["segment_ids"],
        tags={"gap_open": gap["end"] is None},
        evidence={
            "gap_event_id": gap["id"],
            "gap_subtype": gap["subtype"],
            "gap_h": gap["duration_h"],
            "ends": items,
            "parameters": parameters,
            "detector_version": DETECTOR_VERSION,
        },
    )
