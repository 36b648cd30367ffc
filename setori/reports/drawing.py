"""What the report's SVG figures share: the time colour scale, number formats, escaping.

Colours by time follow matplotlib's *viridis* (perceptually uniform, readable in grey and
by most colour-blind readers): early = dark violet, late = yellow. Event colours are the
ones of :mod:`setori.export_map`, so the HTML map and the report agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

import numpy as np
import numpy.typing as npt

#: Eight viridis stops (matplotlib ``viridis`` at 0, 1/7, …, 1), interpolated linearly.
VIRIDIS = (
    (68, 1, 84),
    (70, 50, 127),
    (54, 92, 141),
    (39, 127, 142),
    (31, 161, 135),
    (74, 194, 109),
    (159, 218, 58),
    (253, 231, 37),
)
#: One colour per event type (also the static map's, setori.export_map).
EVENT_COLOURS = {
    "encounter": "#d62728",
    "dark_rendezvous": "#9467bd",
    "loitering": "#ff7f0e",
    "gap": "#7f7f7f",
    "port_visit": "#2ca02c",
    "zone_entry": "#8c564b",
    "identity": "#e377c2",
    "dark_approach": "#17becf",
}
FONT = "'Noto Sans CJK KR','Noto Sans CJK JP','DejaVu Sans',sans-serif"


def viridis(fraction: float) -> str:
    """The viridis colour at ``fraction`` in [0, 1] as ``#rrggbb``."""
    f = min(max(float(fraction), 0.0), 1.0) * (len(VIRIDIS) - 1)
    i = min(int(f), len(VIRIDIS) - 2)
    t = f - i
    rgb = (round(a + (b - a) * t) for a, b in zip(VIRIDIS[i], VIRIDIS[i + 1], strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def event_colour(event_type: str) -> str:
    """The colour of an event type (blue for a type without one)."""
    return EVENT_COLOURS.get(event_type, "#1f77b4")


def epoch_s(times: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Times (numpy datetime64, or seconds) as float seconds since 1970 UTC."""
    arr = np.asarray(times)
    if np.issubdtype(arr.dtype, np.datetime64):
        return arr.astype("datetime64[ms]").astype(np.int64).astype(np.float64) / 1000.0
    return arr.astype(np.float64)


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time (``Z`` or offset; naive is UTC) as an aware UTC datetime."""
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def time_label(seconds: float, *, with_date: bool = True) -> str:
    """``2014-10-02 16:59Z`` (or ``16:59Z``) for seconds since 1970."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%d %H:%MZ" if with_date else "%H:%MZ")


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 11,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = "#222",
) -> str:
    """An SVG ``<text>``, escaped (no halo: WeasyPrint does not draw ``paint-order``)."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}" font-family="{FONT}">{escape(content)}</text>'
    )


def nice_step(span: float, target_steps: int = 5) -> float:
    """A round step (1, 2 or 5 × 10^k) giving about ``target_steps`` steps over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / target_steps
    power = 10 ** np.floor(np.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)
