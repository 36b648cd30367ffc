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

import polars as pl
import pyarrow as pa

from setori.detect.events import empty_events, event_id, make_events
from setori.detect.port_visits import track_positions
from setori.detect.track import Track, params_evidence, require_param, source_of, utc_from_ms
from setori.geo.zones import ZoneLayer, load_zones

DETECTOR_VERSION = "zones/1"
_POINT = ("ts_ms", "lat", "lon", "row_id")


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
    """One event per run of a track's positions inside a watched zone (type ``zone``)."""
    positions = source_of(positions)
    params = params or ZoneEntryParams()
    zones = zones or load_zones()
    track = _with_neighbours(track_positions(positions))
    rows: list[dict[str, Any]] = []
    for zone in zones.zones_of(params.kinds):
        inside = zones.contains(zone, track["lat"].to_numpy(), track["lon"].to_numpy())
        if inside.any():
            runs = _runs(track.with_columns(pl.Series("inside", inside)), params)
            info = zones.table.row(zone, named=True)
            rows.extend(_event_row(run, info, params) for run in runs.iter_rows(named=True))
    return make_events(rows) if rows else empty_events()


def _with_neighbours(track: pl.DataFrame) -> pl.DataFrame:
    prev = [pl.col(c).shift(1).over("track").alias(f"prev_{c}") for c in _POINT]
    after = [pl.col(c).shift(-1).over("track").alias(f"next_{c}") for c in _POINT]
    return track.with_columns(*prev, *after)


def _runs(track: pl.DataFrame, params: ZoneEntryParams) -> pl.DataFrame:
    prev_inside = pl.col("inside").shift(1).over("track")
    starts = pl.col("inside") & prev_inside.fill_null(False).not_()
    silence = pl.when(prev_inside.fill_null(False)).then(pl.col("ts_ms") - pl.col("prev_ts_ms"))
    marked = track.with_columns(run=starts.cum_sum(), silence_ms=silence)
    return (
        marked.filter(pl.col("inside"))
        .group_by("run", maintain_order=True)
        .agg(
            pl.col("mmsi", "track").first(),
            pl.len().alias("n_positions"),
            pl.col("silence_ms").max().alias("max_silence_ms"),
            *(pl.col(c).first().alias(f"first_{c}") for c in _POINT),
            *(pl.col(c).last().alias(f"last_{c}") for c in _POINT),
            *(pl.col(f"prev_{c}").first().alias(f"before_{c}") for c in _POINT),
            *(pl.col(f"next_{c}").last().alias(f"after_{c}") for c in _POINT),
        )
        .filter(pl.col("n_positions") >= params.min_positions)
    )


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
    run: dict[str, Any], zone: dict[str, Any], params: ZoneEntryParams
) -> dict[str, Any]:
    start, last = utc_from_ms(run["first_ts_ms"]), utc_from_ms(run["last_ts_ms"])
    evidence_params = params_evidence(params)
    entry_observed = run["before_ts_ms"] is not None
    silence_ms = run["max_silence_ms"]
    return {
        "id": event_id(
            "zone",
            [run["mmsi"]],
            start,
            profile=params.profile,
            detector_version=DETECTOR_VERSION,
            params={**evidence_params, "zone": zone["name"]},
            subtype=zone["kind"],
        ),
        "type": "zone",
        "subtype": zone["kind"],
        "mmsi": [run["mmsi"]],
        "segment_ids": [run["track"]],
        "start": start,
        "end": last if run["after_ts_ms"] is not None else None,
        "lat": run["first_lat"],
        "lon": run["first_lon"],
        "duration_h": (last - start) / timedelta(hours=1),
        "profile": params.profile,
        "detector_version": DETECTOR_VERSION,
        "tags": {
            "zone_name": zone["name"],
            "zone_kind": zone["kind"],
            "entry_observed": entry_observed,
        },
        "evidence": {
            "zone": zone,
            "n_positions": run["n_positions"],
            "max_silence_inside_h": None if silence_ms is None else silence_ms / 3_600_000,
            **{key: _point(run, key) for key in ("before", "first", "last", "after")},
            "params": evidence_params,
        },
    }
