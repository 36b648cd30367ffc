"""A self-contained HTML map (inline SVG, no network): land, tracks and events.

Analysts open it offline in any browser. Land is Natural Earth 1:50m (shipped with
setori); tracks are drawn per segment; each event is a circle whose tooltip gives its
type, vessels, window and key evidence. Projection: equirectangular, scaled by the cosine
of the mid latitude, fitted to the data's bounding box.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import shapely

from setori.geo.land import load_land
from setori.reports.drawing import EVENT_COLOURS

WIDTH_PX = 1000
#: One colour per event type, shared with the reports' maps and legends.
COLOURS = EVENT_COLOURS
MAX_TRACK_POINTS = 400  # per segment, evenly thinned: the map is an overview


@dataclass(frozen=True, slots=True)
class Frame:
    """Maps lon/lat to SVG pixels for one bounding box."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def aspect(self) -> float:
        return float(np.cos(np.radians((self.y0 + self.y1) / 2)))

    @property
    def height_px(self) -> int:
        span_x = (self.x1 - self.x0) * self.aspect
        return max(200, int(WIDTH_PX * (self.y1 - self.y0) / max(span_x, 1e-9)))

    def xy(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = (lon - self.x0) / (self.x1 - self.x0) * WIDTH_PX
        y = (self.y1 - lat) / (self.y1 - self.y0) * self.height_px
        return x, y


def _frame(tracks: pl.DataFrame, events: pl.DataFrame) -> Frame:
    lon = pl.concat([tracks["lon"], events["lon"]]).drop_nulls()
    lat = pl.concat([tracks["lat"], events["lat"]]).drop_nulls()
    if lon.is_empty():
        return Frame(-180.0, -80.0, 180.0, 80.0)
    lons, lats = lon.to_numpy().astype(np.float64), lat.to_numpy().astype(np.float64)
    x0, x1, y0, y1 = float(lons.min()), float(lons.max()), float(lats.min()), float(lats.max())
    pad_x, pad_y = max((x1 - x0) * 0.08, 0.02), max((y1 - y0) * 0.08, 0.02)
    return Frame(x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y)


def _path(frame: Frame, lon: np.ndarray, lat: np.ndarray) -> str:
    x, y = frame.xy(lon, lat)
    return "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))


def _land_svg(frame: Frame) -> str:
    land = shapely.clip_by_rect(load_land().land, frame.x0, frame.y0, frame.x1, frame.y1)
    paths = []
    for polygon in shapely.get_parts(shapely.get_parts(land)):
        if shapely.get_type_id(polygon) != 3:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = shapely.get_coordinates(ring)
            paths.append(_path(frame, xy[:, 0], xy[:, 1]) + "Z")
    return f'<path class="land" d="{" ".join(paths)}"/>' if paths else ""


def _tracks_svg(frame: Frame, tracks: pl.DataFrame) -> str:
    parts = []
    kept = tracks.filter(pl.col("segment_id").is_not_null()).sort("segment_id", "ts")
    for (segment_id,), seg in kept.group_by("segment_id", maintain_order=True):
        step = max(1, seg.height // MAX_TRACK_POINTS)
        seg = seg.gather_every(step)
        d = _path(frame, seg["lon"].to_numpy(), seg["lat"].to_numpy())
        parts.append(f'<path class="track" d="{d}"><title>{escape(str(segment_id))}</title></path>')
    return "".join(parts)


def _event_title(record: dict[str, Any]) -> str:
    evidence = json.loads(record["evidence"])
    keys = ("median_distance_m", "avg_speed_kn", "slack_h", "confidence", "rule", "reason")
    facts = ", ".join(f"{k}={evidence[k]}" for k in keys if k in evidence)
    vessels = "/".join(str(m) for m in record["mmsi"])
    return (
        f"{record['type']} {record['subtype'] or ''} {vessels}\n"
        f"{record['start']} → {record['end'] or 'ongoing'}\n{facts}"
    )


def _events_svg(frame: Frame, events: pl.DataFrame) -> str:
    parts = []
    for record in events.filter(pl.col("lat").is_not_null()).iter_rows(named=True):
        x, y = frame.xy(np.array([record["lon"]]), np.array([record["lat"]]))
        colour = COLOURS.get(record["type"], "#1f77b4")
        parts.append(
            f'<circle class="event {escape(record["type"])}" cx="{x[0]:.1f}" cy="{y[0]:.1f}" '
            f'r="5" fill="{colour}" data-id="{escape(record["id"])}">'
            f"<title>{escape(_event_title(record))}</title></circle>"
        )
    return "".join(parts)


def _legend(events: pl.DataFrame) -> str:
    counts = events["type"].value_counts(sort=True).iter_rows() if events.height else []
    items = "".join(
        f'<li><span style="background:{COLOURS.get(t, "#1f77b4")}"></span>{escape(t)}: {n:,}</li>'
        for t, n in counts
    )
    return f"<ul class='legend'>{items}</ul>"


_STYLE = """body{font:14px system-ui,sans-serif;margin:1em}
svg{background:#dce9f5;border:1px solid #999}
.land{fill:#f4f1e8;stroke:#b8b0a0;stroke-width:.5}.track{fill:none;stroke:#1f77b4;stroke-width:1;
opacity:.6}.event{stroke:#000;stroke-width:.7}.legend{list-style:none;padding:0}.legend span{
display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px}"""


def render_map(tracks: pa.Table, events: pa.Table, *, title: str = "setori map") -> str:
    """A complete HTML page with an inline SVG map of ``tracks`` and ``events``."""
    track_df = pl.DataFrame(tracks).select("segment_id", "ts", "lat", "lon")
    event_df = pl.DataFrame(events).with_columns(
        pl.col("start").dt.strftime("%Y-%m-%dT%H:%MZ"), pl.col("end").dt.strftime("%Y-%m-%dT%H:%MZ")
    )
    frame = _frame(track_df, event_df)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH_PX}" height="{frame.height_px}" '
        f'viewBox="0 0 {WIDTH_PX} {frame.height_px}">{_land_svg(frame)}'
        f"{_tracks_svg(frame, track_df)}{_events_svg(frame, event_df)}</svg>"
    )
    box = f"{frame.x0:.3f},{frame.y0:.3f} – {frame.x1:.3f},{frame.y1:.3f}"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>"
        f"<p>{track_df['segment_id'].n_unique():,} track segments, {event_df.height:,} events; "
        f"box {box} (lon,lat). Hover an event for its evidence.</p>"
        f"{_legend(event_df)}{svg}</body></html>\n"
    )
