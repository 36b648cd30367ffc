"""What a risk score is made of: reasons with points, summed exactly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Reason:
    """``points`` for one ``rule``, said in words, and what it rests on: an event, a stored
    hit or an attribute of a vessel (``mmsi``: the vessel the reason is about, when one)."""

    points: int
    rule: str
    reason: str
    event_id: str | None = None
    hit_id: str | None = None
    attribute: str | None = None
    mmsi: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """``{points, rule, reason}`` plus whichever of event_id / hit_id / attribute / mmsi
        are set."""
        out: dict[str, Any] = {"points": self.points, "rule": self.rule, "reason": self.reason}
        for key in ("event_id", "hit_id", "attribute", "mmsi"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


def total(reasons: tuple[Reason, ...]) -> int:
    """The score of a breakdown: the sum of its points."""
    return sum(r.points for r in reasons)


@dataclass(frozen=True, slots=True)
class EventScore:
    """One event's score; ``score`` is always the sum of ``breakdown``."""

    event_id: str
    type: str
    subtype: str | None
    mmsi: tuple[int, ...]
    start: datetime
    end: datetime | None
    lat: float | None
    lon: float | None
    breakdown: tuple[Reason, ...]

    @property
    def score(self) -> int:
        return total(self.breakdown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "type": self.type,
            "subtype": self.subtype,
            "mmsi": list(self.mmsi),
            "start": self.start,
            "end": self.end,
            "lat": self.lat,
            "lon": self.lon,
            "score": self.score,
            "breakdown": [r.as_dict() for r in self.breakdown],
        }


@dataclass(frozen=True, slots=True)
class VesselScore:
    """One vessel's score over a window; ``score`` is always the sum of ``breakdown``.

    ``events``: how many scored events involve the vessel (only the highest-scoring few
    count, see ``vessel_max_events``); ``name``: the last name it broadcast, if any.
    """

    mmsi: int
    breakdown: tuple[Reason, ...]
    events: int = 0
    name: str | None = None

    @property
    def score(self) -> int:
        return total(self.breakdown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mmsi": self.mmsi,
            "name": self.name,
            "score": self.score,
            "events": self.events,
            "breakdown": [r.as_dict() for r in self.breakdown],
        }
