"""Zone entries: a track entering (or seen inside) DPRK waters or an STS hotspot.

Definition: detection.md §8.5 "DPRK-waters events": entry into the DPRK 12-nm zone or
claimed EEZ (Marine Regions MRGID 49057 / 8328), West Sea and East Sea; and §8.7 "in a
hotspot area (dprk-areas.geojson)". Zones come from :mod:`setori.geo.zones` (GFW DPRK
boundary, setori's approximate West Sea polygon, the hotspot boxes and any user GeoJSON
given as ``GeoSettings.zone_files``).

A *zone event* is a run of consecutive positions of one track inside one zone. Its
subtype is the zone kind; ``tags.entry_observed`` says whether the position before the
run was seen outside (an entry) or the track began inside (a presence). The run is not
broken by silences (going dark inside stays one event; ``max_silence_inside_h`` is in the
evidence). A run still inside at the track's last position is open: ``end`` is null.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from setori.detect.events import empty_events, event_row, make_events
from setori.detect.port_visits import port_track
from setori.detect.track import Track, params_evidence, require_param, utc_from_ms
from setori.geo.zones import ZoneLayer, load_zones

DETECTOR_VERSION = "zones/1"
_POINT = ("ts_ms", "lat", "lon", "row_id")
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneEntryParams:
    """Parameters of :func:`detect_zone_entries`.

    Attributes:
        profile: ``"gfw"`` or ``"dprk"``.
        kinds: Zone kinds to watch (``dprk_waters``, ``sts_hotspot``, ``user``, ...).
        min_positions: Runs with fewer positions inside are ignored (``gfw`` 2: one stray
            position is often a GPS jump; ``dprk`` 1: DPRK-bound ships report rarely).
    """

    profile: str = "gfw"
    kinds: tuple[str, ...] = ("dprk_waters", "sts_hotspot", "user")
    min_positions: int = 2

    def __post_init__(self) -> None:
        require_param(self.profile in ("gfw", "dprk"), "profile 'gfw' or 'dprk'", self.profile)
        require_param(self.min_positions >= 1, "min_positions >= 1", self.min_positions)

    @classmethod
    def gfw(cls) -> ZoneEntryParams:
        """Two positions inside make an event."""
        return cls()

    @classmethod
    def dprk(cls) -> ZoneEntryParams:
        """A single position inside makes an event."""
        return replace(cls(), profile="dprk", min_positions=1)


def detect_zone_entries(
    positions: pa.Table | pl.DataFrame | Track,
    *,
    params: ZoneEntryParams | None = None,
    zones: ZoneLayer | None = None,
) -> pa.Table:
    """One event per run of a track's positions inside a watched zone (type ``zone_entry``).

    One pass finds the positions inside each zone's bounding box, and only those take the
    exact polygon test (:meth:`ZoneLayer.inside_rows`, the points of
    :meth:`ZoneLayer.contains`); runs, their neighbours and silences are
    then computed on the positions inside only, by index into the sorted track.
    """
    params = params or ZoneEntryParams()
    zones = zones or load_zones()
    track = port_track(positions)
    lat, lon = track["lat"].to_numpy(), track["lon"].to_numpy()
    group = track["group"].to_numpy()
    rows: list[dict[str, Any]] = []
    evidence_params = params_evidence(params)
    watched = zones.zones_of(params.kinds)
    for zone, inside in zip(watched, zones.inside_rows(watched, lat, lon), strict=True):
        if inside.size:
            runs = _runs(track, group, inside, params)
            info = zones.table.row(zone, named=True)
            rows.extend(
                _event_row(run, info, params, evidence_params) for run in runs.iter_rows(named=True)
            )
    return make_events(rows) if rows else empty_events()


def _runs(track: pl.DataFrame, group: Ints, inside: Ints, params: ZoneEntryParams) -> pl.DataFrame:
    """Runs of consecutive positions of one track inside: first/last point, the points
    just before and after (null at the track's ends), count and longest silence inside.

    ``inside``: sorted row numbers of ``track`` inside the zone; ``group``: track numbers.
    """
    follows = np.zeros(inside.size, np.bool_)  # inside row right after an inside row of its track
    follows[1:] = (np.diff(inside) == 1) & (group[inside[1:]] == group[inside[:-1]])
    starts = np.flatnonzero(~follows)
    first, last = inside[starts], inside[np.append(starts[1:], inside.size) - 1]
    ts = track["ts_ms"].to_numpy()
    silence = np.where(follows, ts[inside] - ts[inside - 1], -1)
    max_silence = np.maximum.reduceat(silence, starts)
    before = np.maximum(first - 1, 0)
    has_before = (first > 0) & (group[before] == group[first])
    after = np.minimum(last + 1, track.height - 1)
    has_after = (last + 1 < track.height) & (group[after] == group[last])
    runs = pl.DataFrame(
        {
            "n_positions": np.diff(np.append(starts, inside.size)),
            "max_silence_ms": max_silence,
        }
    ).with_columns(pl.when(pl.col("max_silence_ms") >= 0).then(pl.col("max_silence_ms")))
    return pl.concat(
        [
            track.select("mmsi", "track")[first],
            runs,
            _points(track, first, None, "first"),
            _points(track, last, None, "last"),
            _points(track, before, has_before, "before"),
            _points(track, after, has_after, "after"),
        ],
        how="horizontal",
    ).filter(pl.col("n_positions") >= params.min_positions)


def _points(
    track: pl.DataFrame, rows: Ints, valid: npt.NDArray[np.bool_] | None, prefix: str
) -> pl.DataFrame:
    """``<prefix>_<c>`` for ``ts_ms, lat, lon, row_id`` at ``rows`` (null where not valid)."""
    taken = track.select(_POINT)[rows]
    if valid is None:
        return taken.rename({c: f"{prefix}_{c}" for c in _POINT})
    keep = pl.lit(pl.Series(valid))
    return taken.select(pl.when(keep).then(pl.col(c)).alias(f"{prefix}_{c}") for c in _POINT)


def _point(run: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    if run[f"{prefix}_ts_ms"] is None:
        return None
    return {
        "ts": utc_from_ms(run[f"{prefix}_ts_ms"]).isoformat(),
        "lat": run[f"{prefix}_lat"],
        "lon": run[f"{prefix}_lon"],
        "row_id": run[f"{prefix}_row_id"],
    }


def _event_row(
    run: dict[str, Any],
    zone: dict[str, Any],
    params: ZoneEntryParams,
    evidence_params: dict[str, Any],
) -> dict[str, Any]:
    start, last = utc_from_ms(run["first_ts_ms"]), utc_from_ms(run["last_ts_ms"])
    silence_ms = run["max_silence_ms"]
    return event_row(
        "zone_entry",
        subtype=zone["kind"],
        mmsi=[run["mmsi"]],
        start=start,
        end=last if run["after_ts_ms"] is not None else None,
        lat=run["first_lat"],
        lon=run["first_lon"],
        duration_h=(last - start) / timedelta(hours=1),
        profile=params.profile,
        detector_version=DETECTOR_VERSION,
        id_params={**evidence_params, "zone": zone["name"]},
        segment_ids=[run["track"]],
        tags={
            "zone_name": zone["name"],
            "zone_kind": zone["kind"],
            "entry_observed": run["before_ts_ms"] is not None,
        },
        evidence={
            "zone": zone,
            "n_positions": run["n_positions"],
            "max_silence_inside_h": None if silence_ms is None else silence_ms / 3_600_000,
            **{key: _point(run, key) for key in ("before", "first", "last", "after")},
            "params": evidence_params,
        },
    )
