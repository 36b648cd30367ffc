"""Run detectors by name over positions (and statics), then tag the events with context.

``DETECTORS`` maps each event type to a function of (positions, statics, profile);
:func:`detect` runs the requested ones and :func:`setori.detect.context.tag_events`
adds the port / anchorage / shore / DPRK-waters / hotspot / night / flag tags.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import polars as pl
import pyarrow as pa

from setori.detect.catalog import DERIVED_TYPES, PROFILES
from setori.detect.events import empty_events
from setori.detect.track import Track
from setori.errors import InputError

__all__ = ["DERIVED", "DETECTORS", "EVENT_TYPES", "PROFILES", "Detection", "detect"]
Positions: TypeAlias = pa.Table | pl.DataFrame
Detector = Callable[[Track, pa.Table | None, str], pa.Table]


def _encounters(positions: Track, statics: pa.Table | None, profile: str) -> pa.Table:
    from setori.detect.encounter_params import encounter_params
    from setori.detect.encounters import detect_encounters

    return detect_encounters(positions, encounter_params(profile))


def _loitering(positions: Track, statics: pa.Table | None, profile: str) -> pa.Table:
    from setori.detect.loitering import LoiteringParams, detect_loitering

    return detect_loitering(positions, getattr(LoiteringParams, profile)())


def _gaps(positions: Track, statics: pa.Table | None, profile: str) -> pa.Table:
    from setori.detect.gaps import GapParams, detect_gaps

    return detect_gaps(positions, getattr(GapParams, profile)(), statics=statics)


def _port_visits(positions: Track, statics: pa.Table | None, profile: str) -> pa.Table:
    from setori.detect.port_visits import PortVisitParams, detect_port_visits

    return detect_port_visits(positions, params=getattr(PortVisitParams, profile)())


def _zones(positions: Track, statics: pa.Table | None, profile: str) -> pa.Table:
    from setori.detect.zones import ZoneEntryParams, detect_zone_entries

    return detect_zone_entries(positions, params=getattr(ZoneEntryParams, profile)())


def _identity(positions: Track, statics: pa.Table | None, profile: str) -> pa.Table:
    from setori.detect.identity import IdentityParams, detect_identity

    return detect_identity(positions, statics, params=getattr(IdentityParams, profile)())


DETECTORS: dict[str, Detector] = {
    "encounter": _encounters,
    "loitering": _loitering,
    "gap": _gaps,
    "port_visit": _port_visits,
    "zone_entry": _zones,
    "identity": _identity,
}
#: Derived from other detectors' events; runs after them.
DERIVED = DERIVED_TYPES
EVENT_TYPES = (*DETECTORS, *DERIVED)


@dataclass(slots=True)
class Detection:
    """Events found, with the count per type for the summary."""

    events: pa.Table = field(default_factory=empty_events)
    counts: dict[str, int] = field(default_factory=dict)


def check_request(profile: str, types: Sequence[str]) -> tuple[str, ...]:
    """Validate a profile and event types; an empty ``types`` means all."""
    if profile not in PROFILES:
        raise InputError(f"unknown profile {profile!r}, expected one of {', '.join(PROFILES)}")
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise InputError(
            f"unknown event types {unknown}, expected some of {', '.join(EVENT_TYPES)}"
        )
    return tuple(types) or EVENT_TYPES


def _dark_rendezvous(found: dict[str, pa.Table], positions: Track, profile: str) -> pa.Table:
    from setori.detect.dark_rendezvous import DarkRendezvousParams, detect_dark_rendezvous

    loitering = found["loitering"] if "loitering" in found else _loitering(positions, None, profile)
    gaps = found["gap"] if "gap" in found else _gaps(positions, None, profile)
    params = getattr(DarkRendezvousParams, profile)()
    outside = _outside_ports(loitering, params.port_exclusion_km)
    return detect_dark_rendezvous(outside, gaps, positions, params)


def _dark_approach(found: dict[str, pa.Table], positions: Track, profile: str) -> pa.Table:
    from setori.detect.dark_approach import DarkApproachParams, detect_dark_approach

    gaps = found["gap"] if "gap" in found else _gaps(positions, None, profile)
    return detect_dark_approach(gaps, positions, getattr(DarkApproachParams, profile)())


_DERIVED_RUNS = {"dark_rendezvous": _dark_rendezvous, "dark_approach": _dark_approach}


def _outside_ports(loitering: pa.Table, exclusion_km: float) -> pa.Table:
    """Loitering away from ports and anchorages: the only kind a dark rendezvous starts from.

    detection.md 8.3: "a loitering event ... outside a port polygon"; waiting at a berth or
    an anchorage next to a ship whose AIS is off is routine, not a rendezvous. "Away" is
    farther than ``exclusion_km`` (``DarkRendezvousParams.port_exclusion_km``, 10 km) from
    every port and anchorage: the 3 km ``in_port`` / ``in_anchorage`` radius of the tags
    left thousands of candidates in big harbours (New York, Suez).
    """
    from setori.detect.context import near_port_or_anchorage

    if loitering.num_rows == 0:
        return loitering
    lat = loitering["lat"].to_numpy(zero_copy_only=False).astype(float)
    lon = loitering["lon"].to_numpy(zero_copy_only=False).astype(float)
    near = near_port_or_anchorage(lat, lon, radius_km=exclusion_km)
    return loitering.filter(pa.array(~near))


def _track(positions: Positions | Track) -> Track:
    """``positions`` as the :class:`~setori.detect.track.Track` every detector shares.

    The input is not re-sorted: detectors read the Track's sorted frame, and the rules
    that look at every input row (invalid MMSI, course at a gap's ends) do not depend on
    row order.
    """
    return Track.of(positions)


def detect(
    positions: Positions | Track,
    statics: pa.Table | None = None,
    *,
    profile: str = "gfw",
    types: Sequence[str] = (),
    on_detector: Callable[[str], None] | None = None,
) -> Detection:
    """Run the requested detectors (all by default) and tag their events with context."""
    from setori.detect.context import tag_events

    wanted = check_request(profile, types)
    track = _track(positions)
    found: dict[str, pa.Table] = {}
    for name in wanted:
        if on_detector is not None:
            on_detector(name)
        if name in DETECTORS:
            found[name] = DETECTORS[name](track, statics, profile)
        else:
            found[name] = _DERIVED_RUNS[name](found, track, profile)
    kept = {name: found[name] for name in wanted}
    tables = [t for t in kept.values() if t.num_rows]
    events = pa.concat_tables(tables) if tables else empty_events()
    if events.num_rows:
        events = tag_events(events, track)
    return Detection(events=events, counts={name: t.num_rows for name, t in kept.items()})
