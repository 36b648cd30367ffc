"""A vessel's timeline as inline SVG: when AIS was received, and its events by kind (port
visits, dark periods, encounters, loitering, identity findings and identity changes).

"AIS received" joins positions less than :data:`COVERAGE_JOIN_S` apart into bars, so a
blank stretch in that row is a silence of the feed (the vessel, the receivers, or both).
Events the case cites carry a black outline and their incident number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from setori.reports.drawing import FONT, event_colour, text

WIDTH_PX = 680
LEFT_PX, RIGHT_PX = 118.0, 10.0
ROW_PX, TOP_PX = 20.0, 8.0
COVERAGE_JOIN_S = 3600.0
ROWS = (
    ("Port visits", ("port_visit",)),
    ("Dark periods", ("gap", "dark_approach")),
    ("Encounters", ("encounter", "dark_rendezvous")),
    ("Loitering", ("loitering",)),
    ("Zones", ("zone_entry",)),
    ("Identity", ("identity",)),
)
TICK_STEPS_S = (3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400)


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """An event on a vessel's timeline (seconds since 1970; ``number``: its incident number
    in the report when the case cites it)."""

    event_type: str
    subtype: str
    start_s: float
    end_s: float
    number: int | None = None


@dataclass(frozen=True, slots=True)
class IdentityChange:
    """A new broadcast identity (name, IMO, call sign) first seen at ``at_s``."""

    at_s: float
    label: str


def coverage(times: npt.ArrayLike, join_s: float = COVERAGE_JOIN_S) -> list[tuple[float, float]]:
    """Intervals where positions are less than ``join_s`` apart (sorted seconds in)."""
    t = np.sort(np.asarray(times, dtype=np.float64))
    if not t.size:
        return []
    breaks = np.flatnonzero(np.diff(t) > join_s)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [t.size - 1]])
    return [(float(t[a]), float(t[b])) for a, b in zip(starts, ends, strict=True)]


def _ticks(t0: float, t1: float) -> list[float]:
    span = max(t1 - t0, 1.0)
    step = next((s for s in TICK_STEPS_S if span / s <= 8), TICK_STEPS_S[-1])
    first = np.ceil(t0 / step) * step
    return [float(v) for v in np.arange(first, t1 + 1e-9, step)]


def _tick_label(seconds: float, step_s: float) -> str:
    moment = datetime.fromtimestamp(seconds, UTC)
    if step_s >= 86400 or (moment.hour == 0 and moment.minute == 0):
        return moment.strftime("%d %b")
    return moment.strftime("%H:%M")


def timeline_svg(
    *,
    t0: float,
    t1: float,
    positions_s: npt.ArrayLike,
    events: Sequence[TimelineEvent],
    identity_changes: Sequence[IdentityChange] = (),
) -> str:
    """The SVG (a string) of one vessel between ``t0`` and ``t1`` (seconds since 1970)."""
    t1 = max(t1, t0 + 60.0)
    scale = (WIDTH_PX - LEFT_PX - RIGHT_PX) / (t1 - t0)

    def x(t: float) -> float:
        return LEFT_PX + (min(max(t, t0), t1) - t0) * scale

    rows: list[str] = []
    y = TOP_PX
    bars = "".join(
        f'<rect x="{x(a):.1f}" y="{y + 4}" width="{max(x(b) - x(a), 1.5):.1f}" '
        f'height="{ROW_PX - 8}" fill="#4a78a8"/>'
        for a, b in coverage(positions_s)
    )
    rows.append(_row_label(y, "AIS received") + _row_ground(y) + bars)
    y += ROW_PX
    for label, types in ROWS:
        chosen = [e for e in events if e.event_type in types]
        marks = list(identity_changes) if label == "Identity" else []
        if not chosen and not marks:
            continue
        shapes = "".join(_event_bar(e, x, y) for e in chosen)
        shapes += "".join(_diamond(x(c.at_s), y + ROW_PX / 2, c.label) for c in marks)
        rows.append(_row_label(y, label) + _row_ground(y) + shapes)
        y += ROW_PX
    axis = _axis(t0, t1, x, y)
    height = y + 22
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{WIDTH_PX}" '
        f'height="{height:.0f}" viewBox="0 0 {WIDTH_PX} {height:.0f}" font-family="{FONT}">'
        f"{''.join(rows)}{axis}</svg>"
    )


def _row_label(y: float, label: str) -> str:
    return text(LEFT_PX - 6, y + ROW_PX / 2 + 4, label, size=10, anchor="end", fill="#444")


def _row_ground(y: float) -> str:
    width = WIDTH_PX - LEFT_PX - RIGHT_PX
    return f'<rect x="{LEFT_PX}" y="{y + 2}" width="{width}" height="{ROW_PX - 4}" fill="#f3f3f3"/>'


def _event_bar(event: TimelineEvent, x: Callable[[float], float], y: float) -> str:
    a, b = x(event.start_s), x(event.end_s)
    width = max(b - a, 4.0)
    outline = ' stroke="#000" stroke-width="1.5"' if event.number is not None else ""
    title = f"<title>{event.event_type} {event.subtype}</title>"
    bar = (
        f'<rect x="{a:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW_PX - 6}" '
        f'fill="{event_colour(event.event_type)}" opacity="0.85"{outline}>{title}</rect>'
    )
    if event.number is not None:
        inside = width >= 22
        bar += text(
            a + width / 2 if inside else a + width + 3,
            y + ROW_PX / 2 + 4,
            f"#{event.number}",
            size=9,
            anchor="middle" if inside else "start",
            weight="bold",
            fill="#fff" if inside else "#000",
        )
    return bar


def _diamond(cx: float, cy: float, label: str) -> str:
    return (
        f'<path d="M{cx:.1f},{cy - 6:.1f}l6,6l-6,6l-6,-6z" fill="#e377c2" stroke="#000" '
        f'stroke-width="0.8"><title>{label}</title></path>'
    )


def _axis(t0: float, t1: float, x: Callable[[float], float], y: float) -> str:
    ticks = _ticks(t0, t1)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 86400.0
    parts = [f'<path d="M{LEFT_PX},{y + 2}H{WIDTH_PX - RIGHT_PX}" stroke="#444"/>']
    for t in ticks:
        xt = x(t)
        parts.append(f'<path d="M{xt:.1f},{TOP_PX}V{y + 6}" stroke="#bbb" stroke-width="0.5"/>')
        parts.append(text(xt, y + 16, _tick_label(t, step), size=9, anchor="middle", fill="#444"))
    return "".join(parts)
