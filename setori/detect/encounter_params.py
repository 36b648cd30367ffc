"""Parameters of the encounter (ship-to-ship) detector, in two profiles.

``gfw`` reproduces Global Fishing Watch's published encounter definition for
comparability: two vessels within 500 m of each other for at least 2 h with
median speeds below 2 kn (Miller et al. 2018, doi:10.3389/fmars.2018.00240;
``GlobalFishingWatch/pipe-encounters``: 10-minute resampling, interpolation
across gaps shorter than ``max_gap``, extrapolation past track ends, merging
of the same pair's encounters less than 4 h apart).

``dprk`` is the sensitive profile of ``docs/reference/detection.md``
section 8.2: 5-minute ticks, 2 h interpolation when both vessels are slow,
1 h minimum (30 min with a North Korean MMSI), one missing tick tolerated,
the "alongside" (<= 100 m) and "both under 1 kn" sub-classes.

``docs/detect-encounters.md`` explains each parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

from setori.errors import InputError

#: Profiles known to :func:`encounter_params`.
PROFILES = ("gfw", "dprk")


@dataclass(frozen=True, slots=True, kw_only=True)
class EncounterParams:
    """Parameters of :func:`setori.detect.encounters.detect_encounters`.

    Attributes:
        profile: Name of the profile the parameters come from (``gfw`` or ``dprk``).
        tick: Step of the epoch-aligned resampling grid.
        max_interpolation_gap: Positions are interpolated across gaps shorter than this.
        slow_interpolation_gap: Longer limit used when the vessel is slow across the gap;
            a pair tick that relies on it needs the other vessel slow too. Equal to
            ``max_interpolation_gap`` to disable.
        slow_speed_kn: "Slow" for ``slow_interpolation_gap`` and the ``both_under_1kn``
            sub-class: implied and reported speeds below this.
        max_extrapolation: Dead reckoning reaches at most this far before a segment's
            first and past its last position.
        max_distance_m: Two vessels closer than this (great circle) at a tick are "together".
        alongside_distance_m: Median distance at or below which the event is
            sub-classed ``alongside``; ``None`` disables the sub-class.
        min_duration: Shortest run (first to last tick) reported.
        flagged_min_duration: Shorter minimum when either MMSI has a MID in
            ``flagged_mids``; ``None`` disables.
        flagged_mids: Maritime Identification Digits that lower the minimum (445: DPRK).
        max_median_speed_kn: Both vessels' median tick speeds over a run must be below this.
        both_slow_subclass: Sub-class ``both_under_1kn`` when both medians are below
            ``slow_speed_kn``.
        prefilter_speed_kn: Ticks faster than this are dropped before pairing (a vessel
            this fast at a tick is not transferring cargo; 8.8 step 2).
        missing_ticks_tolerated: Consecutive missing pair ticks that do not break a run.
        merge_gap: Runs of the same MMSI pair less than this apart are merged into one event.
    """

    profile: str
    tick: timedelta = timedelta(minutes=10)
    max_interpolation_gap: timedelta = timedelta(hours=1)
    slow_interpolation_gap: timedelta = timedelta(hours=1)
    slow_speed_kn: float = 1.0
    max_extrapolation: timedelta = timedelta(hours=1)
    max_distance_m: float = 500.0
    alongside_distance_m: float | None = None
    min_duration: timedelta = timedelta(hours=2)
    flagged_min_duration: timedelta | None = None
    flagged_mids: tuple[int, ...] = ()
    max_median_speed_kn: float = 2.0
    both_slow_subclass: bool = False
    prefilter_speed_kn: float = 3.0
    missing_ticks_tolerated: int = 0
    merge_gap: timedelta = timedelta(hours=4)

    def __post_init__(self) -> None:
        day = timedelta(days=1)
        _require(
            timedelta(0) < self.tick <= day and day % self.tick == timedelta(0),
            "tick > 0 dividing one day",
        )
        _require(self.tick % timedelta(seconds=1) == timedelta(0), "tick a whole number of seconds")
        _require(self.max_interpolation_gap > timedelta(0), "max_interpolation_gap > 0")
        _require(
            self.slow_interpolation_gap >= self.max_interpolation_gap,
            "slow_interpolation_gap >= max_interpolation_gap",
        )
        _require(self.max_extrapolation >= timedelta(0), "max_extrapolation >= 0")
        _require(self.max_distance_m > 0, "max_distance_m > 0")
        _require(self.min_duration >= timedelta(0), "min_duration >= 0")
        _require(self.max_median_speed_kn > 0, "max_median_speed_kn > 0")
        _require(self.prefilter_speed_kn >= self.max_median_speed_kn, "prefilter >= median cap")
        _require(self.missing_ticks_tolerated >= 0, "missing_ticks_tolerated >= 0")
        _require(self.merge_gap >= timedelta(0), "merge_gap >= 0")

    def as_dict(self) -> dict[str, object]:
        """JSON-ready parameters (durations in seconds, ``_s`` suffix) for evidence and ids."""
        out: dict[str, object] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if "timedelta" in str(field.type):
                out[f"{field.name}_s"] = None if value is None else value.total_seconds()
            elif isinstance(value, tuple):
                out[field.name] = list(value)
            else:
                out[field.name] = value
        return out


def _require(ok: bool, expected: str) -> None:
    if not ok:
        raise InputError(f"invalid EncounterParams: expected {expected}")


GFW = EncounterParams(profile="gfw")

DPRK = EncounterParams(
    profile="dprk",
    tick=timedelta(minutes=5),
    slow_interpolation_gap=timedelta(hours=2),
    alongside_distance_m=100.0,
    min_duration=timedelta(hours=1),
    flagged_min_duration=timedelta(minutes=30),
    flagged_mids=(445,),
    both_slow_subclass=True,
    missing_ticks_tolerated=1,
)


def encounter_params(profile: str) -> EncounterParams:
    """The encounter parameters of ``profile`` (``gfw`` or ``dprk``; detection.md 8.2)."""
    found = {"gfw": GFW, "dprk": DPRK}.get(profile)
    if found is None:
        raise InputError(f"unknown encounter profile {profile!r}; expected one of {PROFILES}")
    return found
