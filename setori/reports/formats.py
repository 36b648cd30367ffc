"""How numbers, times and evidence fields read in a report (units always written out)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from setori.reports.drawing import parse_time

#: Evidence fields shown for an event, with their labels, in this order.
FACT_LABELS = {
    "min_distance_m": "Closest approach",
    "median_distance_m": "Median separation",
    "distance_m": "Distance",
    "radius_m": "Radius of movement",
    "avg_speed_kn": "Mean speed",
    "median_sog_kn": "Median speed over ground",
    "max_speed_kn": "Highest speed",
    "implied_speed_kn": "Speed implied across the gap",
    "typical_speed_kn": "Typical speed before",
    "slack_h": "Slack (time not explained by travel)",
    "draught_change_m": "Draught change",
    "time_offset_h": "Time offset",
    "max_inland_km": "Farthest inland",
    "from": "Changed from",
    "to": "Changed to",
    "mid_voyage": "Mid-voyage",
    "sog_kn": "Speed over ground",
    "speed_kn": "Speed",
    "min_distance_km": "Closest to the place",
}
#: Tags shown for an event (context), with their labels.
TAG_LABELS = {
    "nearest_port": "Nearest port",
    "distance_to_port_km": "Distance to that port",
    "distance_to_shore_km": "Distance to shore",
    "dprk_waters_name": "DPRK waters",
    "in_hotspot": "Hotspot",
    "night_share": "Share at night",
}


def iso_display(value: str | None) -> str:
    """``2014-10-02 16:59:45 UTC`` for an ISO time; ``open`` for none."""
    moment = parse_time(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "open"


def duration_display(hours: float | None) -> str:
    """``12 h 00 min``, ``45 min``, ``3 d 4 h``."""
    if hours is None:
        return "–"
    minutes = round(hours * 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 72 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // 1440} d {minutes % 1440 // 60} h"


def quantity(key: str, value: Any) -> str:
    """A value with the unit its key names (``_m``, ``_km``, ``_kn``, ``_h``, ``_deg``)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(quantity(key, v) for v in value) or "–"
    if not isinstance(value, int | float):
        return str(value)
    v = float(value)
    if key.endswith("_km"):
        return f"{v:,.1f} km"
    if key.endswith("_m"):
        return f"{v / 1000:,.1f} km" if abs(v) >= 10_000 else f"{v:,.0f} m"
    if key.endswith("_kn"):
        return f"{v:.1f} kn" if abs(v) >= 10 else f"{v:.2f} kn"
    if key.endswith("_h"):
        return duration_display(v)
    if key.endswith("_deg"):
        return f"{v:.0f}°"
    if key.endswith("_share"):
        return f"{v:.0%}"
    return f"{v:g}"


def position_display(lat: float | None, lon: float | None) -> str:
    """``55.6415°N 15.4039°E``."""
    if lat is None or lon is None:
        return "–"
    ns, ew = ("N" if lat >= 0 else "S"), ("E" if lon >= 0 else "W")
    return f"{abs(lat):.4f}°{ns} {abs(lon):.4f}°{ew}"


def facts_of(event: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The labelled evidence and context of an event, units written out."""
    evidence = event.get("evidence") or {}
    tags = event.get("tags") or {}
    facts = [
        (label, quantity(key, evidence[key]))
        for key, label in FACT_LABELS.items()
        if evidence.get(key) is not None
    ]
    for key, label in TAG_LABELS.items():
        value = tags.get(key)
        if value is None or value is False:
            continue
        facts.append((label, quantity(key, value)))
    return tuple(facts)


def parameters_display(parameters: Mapping[str, Any]) -> str:
    """``max_distance_m=500, min_duration_s=3600, …`` (sorted, nested values flattened)."""
    return ", ".join(f"{k}={_compact(v)}" for k, v in sorted(parameters.items()))


def _compact(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + " ".join(_compact(v) for v in value) + "]"
    return str(value)
