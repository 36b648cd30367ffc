"""The map of one event as inline SVG: coastline, the vessels' tracks coloured by time, the
event marked, a scale bar and a north arrow. No tiles and no network.

Land is Natural Earth 1:50m (:func:`setori.geo.land.load_land`: the ``shared_data`` copy
when set, else the slice shipped with setori), generalised by a few hundred metres to
~2 km, so a berth may seem to sit on land. Projection: equirectangular about the frame's
mid latitude (distances true to < 1 % over the few tens of km a map spans), north up.
A track is thinned to at most :data:`MAX_POINTS` positions; a silence longer than
:data:`GAP` between two positions is drawn as a dotted grey line, not as a track.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from setori.geo.land import load_land
from setori.reports.drawing import FONT, event_colour, nice_step, text, time_label, viridis

WIDTH_PX, HEIGHT_PX = 680, 390
#: The strip under the map holding the scale bar and the time scale.
STRIP_PX = 34
MAX_POINTS = 800
GAP_S = 3600.0
MIN_SPAN_KM = 2.0
KM_PER_DEG = 111.32
TIME_BINS = 24
#: The map is framed on the positions this close in time to the event.
FRAME_MARGIN_S = 3600.0
#: Line styles of the first, second, third… vessel of a map (solid, dashed, dotted).
DASHES = ("", "7,4", "2,3", "10,3,2,3")
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class VesselTrack:
    """One vessel's positions (seconds since 1970, degrees) and its letter on the map."""

    mmsi: int
    letter: str
    t: Floats
    lat: Floats
    lon: Floats
    index: int = 0  # the vessel's place on the map: its line style (DASHES)


@dataclass(frozen=True, slots=True)
class EventMark:
    """Where and when the event happened (times in seconds since 1970)."""

    event_id: str
    event_type: str
    lat: float | None
    lon: float | None
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class SightingMark:
    """A sighting drawn on the map: a triangle, black when no AIS track explains it."""

    number: int
    lat: float
    lon: float
    dark: bool


@dataclass(frozen=True, slots=True)
class _Frame:
    lon0: float
    lat0: float
    lon1: float
    lat1: float

    @property
    def km_per_deg_lon(self) -> float:
        return KM_PER_DEG * math.cos(math.radians((self.lat0 + self.lat1) / 2))

    @property
    def width_km(self) -> float:
        return (self.lon1 - self.lon0) * self.km_per_deg_lon

    def xy(self, lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
        x = (lon - self.lon0) / (self.lon1 - self.lon0) * WIDTH_PX
        y = (self.lat1 - lat) / (self.lat1 - self.lat0) * HEIGHT_PX
        return x, y


def frame_of(
    tracks: Sequence[VesselTrack], event: EventMark, sightings: Sequence[SightingMark] = ()
) -> _Frame:
    """The lon/lat box, padded and with the figure's aspect, holding the event, the
    sightings and the tracks within :data:`FRAME_MARGIN_S` of the event (all the tracks when
    fewer than two positions are that close): the map shows the incident, and tracks
    leaving the frame are cut at its edge."""
    near = [_near_event(t, event) for t in tracks]
    if sum(t.t.size for t in near) >= 2:
        tracks = near
    lons = [t.lon for t in tracks if t.lon.size] + [np.array([event.lon or np.nan])]
    lats = [t.lat for t in tracks if t.lat.size] + [np.array([event.lat or np.nan])]
    lons += [np.array([m.lon for m in sightings], dtype=np.float64)]
    lats += [np.array([m.lat for m in sightings], dtype=np.float64)]
    lon, lat = np.concatenate(lons), np.concatenate(lats)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return _Frame(-180.0, -80.0, 180.0, 80.0)
    lon, lat = lon[ok], lat[ok]
    mid_lat = float(lat.min() + lat.max()) / 2
    kx = KM_PER_DEG * math.cos(math.radians(mid_lat))
    cx, cy = float(lon.min() + lon.max()) / 2, mid_lat
    span_x = max(float(lon.max() - lon.min()) * kx * 1.15, MIN_SPAN_KM)
    span_y = max(float(lat.max() - lat.min()) * KM_PER_DEG * 1.15, MIN_SPAN_KM)
    aspect = WIDTH_PX / HEIGHT_PX
    span_x, span_y = max(span_x, span_y * aspect), max(span_y, span_x / aspect)
    half_x, half_y = span_x / kx / 2, span_y / KM_PER_DEG / 2
    return _Frame(cx - half_x, cy - half_y, cx + half_x, cy + half_y)


def _near_event(track: VesselTrack, event: EventMark) -> VesselTrack:
    keep = (track.t >= event.start_s - FRAME_MARGIN_S) & (track.t <= event.end_s + FRAME_MARGIN_S)
    return VesselTrack(
        track.mmsi, track.letter, track.t[keep], track.lat[keep], track.lon[keep], track.index
    )


def _path(frame: _Frame, lon: Floats, lat: Floats) -> str:
    x, y = frame.xy(lon, lat)
    return "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))


def _land(frame: _Frame) -> str:
    box = (frame.lon0, frame.lat0, frame.lon1, frame.lat1)
    land = shapely.clip_by_rect(load_land().land, *box)
    rings = []
    for polygon in shapely.get_parts(shapely.get_parts(land)):
        if shapely.get_type_id(polygon) != 3:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = shapely.get_coordinates(ring)
            rings.append(_path(frame, xy[:, 0], xy[:, 1]) + "Z")
    if not rings:
        return ""
    return f'<path d="{" ".join(rings)}" fill="#efe9d8" stroke="#9c927c" stroke-width="0.7"/>'


def _thin(track: VesselTrack) -> VesselTrack:
    order = np.argsort(track.t, kind="stable")
    step = max(1, math.ceil(order.size / MAX_POINTS))
    keep = order[::step]
    if order.size and keep[-1] != order[-1]:
        keep = np.append(keep, order[-1])
    return VesselTrack(
        track.mmsi, track.letter, track.t[keep], track.lat[keep], track.lon[keep], track.index
    )


def _segments(frame: _Frame, track: VesselTrack, t0: float, t1: float, event: EventMark) -> str:
    """The track as coloured segments (one path per time bin), gaps dotted, the event's
    window drawn thicker."""
    if track.t.size < 2:
        return ""
    x, y = frame.xy(track.lon, track.lat)
    dt = np.diff(track.t)
    mid = (track.t[:-1] + track.t[1:]) / 2
    bins = np.clip(((mid - t0) / max(t1 - t0, 1.0) * TIME_BINS).astype(int), 0, TIME_BINS - 1)
    inside = (mid >= event.start_s) & (mid <= event.end_s)
    pattern = DASHES[track.index % len(DASHES)]
    dash = f' stroke-dasharray="{pattern}" stroke-linecap="butt"' if pattern else ""
    parts = []
    gap = dt > GAP_S
    seg = [f"M{x[i]:.1f},{y[i]:.1f}L{x[i + 1]:.1f},{y[i + 1]:.1f}" for i in range(dt.size)]
    under = "".join(s for s, g in zip(seg, gap, strict=True) if not g)
    parts.append(
        f'<path d="{under}" stroke="#fff" stroke-width="4.5" fill="none" '
        'stroke-linecap="round" opacity="0.85"/>'
    )
    gaps = "".join(s for s, g in zip(seg, gap, strict=True) if g)
    if gaps:
        parts.append(
            f'<path d="{gaps}" stroke="#777" stroke-width="1.2" fill="none" '
            'stroke-dasharray="2,3"/>'
        )
    for b in np.unique(bins[~gap]):
        for thick in (False, True):
            chosen = (bins == b) & ~gap & (inside if thick else ~inside)
            d = "".join(s for s, c in zip(seg, chosen, strict=True) if c)
            if d:
                colour = viridis((b + 0.5) / TIME_BINS)
                width = 4.0 if thick else 2.0
                parts.append(
                    f'<path d="{d}" stroke="{colour}" stroke-width="{width}" '
                    f'fill="none" stroke-linecap="round"{dash}/>'
                )
    return "".join(parts)


def _letter(x: float, y: float, letter: str) -> str:
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#fff" stroke="#222" stroke-width="1"/>'
        + text(x, y + 3.5, letter, size=9, anchor="middle", weight="bold")
    )


def _letters(frame: _Frame, track: VesselTrack) -> str:
    if not track.t.size:
        return ""
    x, y = frame.xy(track.lon, track.lat)
    return _letter(float(x[0]), float(y[0]), track.letter) + _letter(
        float(x[-1]), float(y[-1]), track.letter
    )


def _event(frame: _Frame, event: EventMark) -> str:
    if event.lat is None or event.lon is None:
        return ""
    x, y = frame.xy(np.array([event.lon]), np.array([event.lat]))
    cx, cy, colour = float(x[0]), float(y[0]), event_colour(event.event_type)
    return (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="13" fill="none" stroke="#fff" stroke-width="5"/>'
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="13" fill="none" stroke="{colour}" '
        'stroke-width="2.5"/>'
        f'<path d="M{cx - 19:.1f},{cy:.1f}h10M{cx + 9:.1f},{cy:.1f}h10M{cx:.1f},{cy - 19:.1f}v10'
        f'M{cx:.1f},{cy + 9:.1f}v10" stroke="{colour}" stroke-width="2"/>'
    )


def _scale_bar(frame: _Frame) -> str:
    km = nice_step(frame.width_km, 5)
    px = km / frame.width_km * WIDTH_PX
    x, y = 14.0, HEIGHT_PX + 24.0
    label = f"{km:g} km ({km / 1.852:.2g} NM)" if km >= 1 else f"{km * 1000:g} m"
    half = px / 2
    return (
        f'<rect x="{x}" y="{y - 4}" width="{half:.1f}" height="5" fill="#222"/>'
        f'<rect x="{x + half:.1f}" y="{y - 4}" width="{half:.1f}" height="5" fill="#fff" '
        'stroke="#222" stroke-width="0.8"/>'
        + text(x, y - 8, "0", size=9)
        + text(x + px, y - 8, label, size=9)
    )


def _north_arrow() -> str:
    x, y = WIDTH_PX - 26.0, 14.0
    return (
        f'<rect x="{x - 14}" y="{y - 6}" width="28" height="46" fill="#fff" opacity="0.85" rx="3"/>'
        f'<path d="M{x},{y + 4}l8,24l-8,-6l-8,6z" fill="#222"/>'
        + text(x, y + 38, "N", size=11, anchor="middle", weight="bold")
    )


def _time_legend(t0: float, t1: float) -> str:
    x, y, w, n = WIDTH_PX - 250.0, HEIGHT_PX + 8.0, 236.0, 24
    cells = "".join(
        f'<rect x="{x + i * w / n:.1f}" y="{y}" width="{w / n + 0.3:.1f}" height="8" '
        f'fill="{viridis((i + 0.5) / n)}"/>'
        for i in range(n)
    )
    return (
        cells
        + text(x, y + 20, time_label(t0), size=9)
        + text(x + w, y + 20, time_label(t1), size=9, anchor="end")
        + text(x - 6, y + 8, "time", size=9, anchor="end", fill="#555")
    )


def _corners(frame: _Frame) -> str:
    def deg(value: float, pos: str, neg: str) -> str:
        return f"{abs(value):.3f}°{pos if value >= 0 else neg}"

    top = f"{deg(frame.lat1, 'N', 'S')} {deg(frame.lon0, 'E', 'W')}"
    bottom = f"{deg(frame.lat0, 'N', 'S')} {deg(frame.lon1, 'E', 'W')}"
    return (
        f'<rect x="2" y="2" width="{len(top) * 5.6 + 8:.0f}" height="15" fill="#fff" '
        'opacity="0.8"/>'
        + text(6, 13, top, size=9, fill="#444")
        + f'<rect x="{WIDTH_PX - len(bottom) * 5.6 - 10:.0f}" y="{HEIGHT_PX - 17}" '
        f'width="{len(bottom) * 5.6 + 8:.0f}" height="15" fill="#fff" opacity="0.8"/>'
        + text(WIDTH_PX - 6, HEIGHT_PX - 6, bottom, size=9, fill="#444", anchor="end")
    )


def _sightings(frame: _Frame, sightings: Sequence[SightingMark]) -> str:
    parts = []
    for s in sightings:
        x, y = frame.xy(np.array([s.lon]), np.array([s.lat]))
        cx, cy = float(x[0]), float(y[0])
        if not (0 <= cx <= WIDTH_PX and 0 <= cy <= HEIGHT_PX):
            continue
        fill = "#111" if s.dark else "#fff"
        parts.append(
            f'<path d="M{cx:.1f},{cy - 8:.1f}l7,12h-14z" fill="{fill}" stroke="#111" '
            'stroke-width="1.2"/>' + text(cx + 9, cy + 4, f"S{s.number}", size=10, weight="bold")
        )
    return "".join(parts)


def event_map_svg(
    tracks: Sequence[VesselTrack], event: EventMark, sightings: Sequence[SightingMark] = ()
) -> str:
    """The SVG (a string) of ``event`` over ``tracks`` (and ``sightings``); blank water when
    nothing has a place."""
    frame = frame_of(tracks, event, sightings)
    thinned = [_thin(t) for t in tracks]
    times = [t.t for t in thinned if t.t.size] + [np.array([event.start_s, event.end_s])]
    t_all = np.concatenate(times)
    t0, t1 = float(t_all.min()), float(t_all.max())
    body = (
        _land(frame)
        + "".join(_segments(frame, t, t0, t1, event) for t in thinned)
        + _event(frame, event)
        + _sightings(frame, sightings)
        + "".join(_letters(frame, t) for t in thinned)
    )
    height = HEIGHT_PX + STRIP_PX
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{WIDTH_PX}" '
        f'height="{height}" viewBox="0 0 {WIDTH_PX} {height}" font-family="{FONT}">'
        f'<rect width="{WIDTH_PX}" height="{HEIGHT_PX}" fill="#d7e6f2"/>{body}'
        f'<rect y="{HEIGHT_PX}" width="{WIDTH_PX}" height="{STRIP_PX}" fill="#fff"/>'
        f"{_north_arrow()}{_corners(frame)}"
        f'<rect width="{WIDTH_PX}" height="{HEIGHT_PX}" fill="none" stroke="#888"/>'
        f"{_scale_bar(frame)}{_time_legend(t0, t1)}</svg>"
    )
