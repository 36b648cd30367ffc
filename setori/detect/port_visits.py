"""Port visits: entry, stop, gap and exit around ports, anchorages and DPRK ports.

Definition: Global Fishing Watch's port-visit pipeline (``GlobalFishingWatch/anchorages_pipeline``,
``pipe_anchorages/transforms/create_in_out_events.py`` and ``create_port_visits.py``), with
the parameters of detection.md §8.5:

* a position is *in port* within ``entry_km`` (3 km) of the nearest place (WPI port, GFW
  anchorage or DPRK port) and stays in port until it is ``exit_km`` (4 km) away
  (hysteresis); it is *stopped* below ``stop_begin_kn`` (0.2 kn) until above ``stop_end_kn``
  (0.5 kn). A track's first position makes no event (GFW: ``(None, state) -> []``).
* events: ``PORT_ENTRY``, ``PORT_EXIT``, ``PORT_STOP_BEGIN`` / ``END`` and, when a vessel
  in port is silent for at least ``min_gap`` (4 h), ``PORT_GAP_BEGIN`` / ``END``.
* a visit runs from an entry (or the first event after a visit) to an exit (or the
  track's last event); its **confidence** is GFW's: 4 = stop or gap, entry and exit;
  3 = stop or gap and one of entry / exit; 2 = only stop or gap (a vessel seen only
  stopped, or going dark, near the port: the DPRK signature, §8.5); 1 = entry or exit only.

setori differs from GFW in three documented ways: tracks are segments (GFW: vessel ids);
``PORT_GAP_BEGIN`` is stamped with the last position before the silence (GFW: that time +
``min_gap``); with ``gap_at_track_end`` (``dprk`` profile) a track whose last position is in
port and is older than ``min_gap`` at the end of the data ends with an open gap, so going
dark in port counts. A visit still open at the end of a track has ``end`` null.
The per-position state machine is one compiled loop (numba) over sorted columns.

Speed (10 M positions, ~0.5 s): the nearest place is looked up only where one lies within
``exit_km`` (:meth:`~setori.geo.places.PlaceIndex.nearest_within`, a cell grid; farther
positions are at sea whatever their distance), and only tracks with a position within
``entry_km`` run the state machine (no other track is ever in port, so none has an event).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from numba import njit

from setori.detect.events import empty_events, event_row, make_events
from setori.detect.track import Track, params_evidence, require_param, utc_from_ms
from setori.errors import InputError
from setori.geo.places import PlaceIndex, load_places

DETECTOR_VERSION = "port_visits/1"
EVENT_TYPES = (
    "PORT_ENTRY",
    "PORT_GAP_BEGIN",
    "PORT_GAP_END",
    "PORT_STOP_BEGIN",
    "PORT_STOP_END",
    "PORT_EXIT",
)
ENTRY, GAP_BEGIN, GAP_END, STOP_BEGIN, STOP_END, EXIT = range(6)
_NONE, _AT_SEA, _IN_PORT, _STOPPED = 0, 1, 2, 3
MAX_EVIDENCE_EVENTS = 20
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class PortVisitParams:
    """Parameters of :func:`detect_port_visits` (defaults: detection.md §8.5, GFW).

    Attributes:
        profile: ``"gfw"`` or ``"dprk"``.
        entry_km: In port from this distance to the nearest place (GFW 3 km).
        exit_km: ... until farther than this (GFW 4 km).
        stop_begin_kn: Stopped below this speed over ground (GFW 0.2 kn).
        stop_end_kn: ... until above this (GFW 0.5 kn).
        min_gap: Silence in port that makes a port gap (GFW 4 h).
        min_confidence: Visits of lower confidence are not returned (2 keeps the DPRK
            "stop or gap only" signature; 1 would add passes through the entry circle).
        gap_at_track_end: A track ending in port more than ``min_gap`` before the end of
            the data ends with an open gap (``dprk``: True; GFW has no such rule).
    """

    profile: str = "gfw"
    entry_km: float = 3.0
    exit_km: float = 4.0
    stop_begin_kn: float = 0.2
    stop_end_kn: float = 0.5
    min_gap: timedelta = timedelta(hours=4)
    min_confidence: int = 2
    gap_at_track_end: bool = False

    def __post_init__(self) -> None:
        require_param(self.profile in ("gfw", "dprk"), "profile 'gfw' or 'dprk'", self.profile)
        require_param(0 < self.entry_km <= self.exit_km, "0 < entry_km <= exit_km", self)
        require_param(
            0 <= self.stop_begin_kn <= self.stop_end_kn, "stop_begin_kn <= stop_end_kn", self
        )
        require_param(self.min_gap > timedelta(0), "min_gap > 0", self.min_gap)
        require_param(1 <= self.min_confidence <= 4, "min_confidence in 1..4", self.min_confidence)

    @classmethod
    def gfw(cls) -> PortVisitParams:
        """Global Fishing Watch's parameters."""
        return cls()

    @classmethod
    def dprk(cls) -> PortVisitParams:
        """DPRK-sensitive: going dark in port at the end of the data counts as a gap."""
        return replace(cls(), profile="dprk", gap_at_track_end=True)


def track_positions(positions: pa.Table | pl.DataFrame) -> pl.DataFrame:
    """Positions as a frame sorted by (track, ts): ``row_id, mmsi, track, ts_ms, lat, lon, sog_kn``.

    ``track`` is ``segment_id`` when the column exists (rows without one are left out),
    else the MMSI; ``row_id`` defaults to the row number and ``sog_kn`` to NaN.
    """
    df = positions if isinstance(positions, pl.DataFrame) else pl.DataFrame(positions)
    missing = [c for c in ("mmsi", "ts", "lat", "lon") if c not in df.columns]
    if missing:
        raise InputError(f"positions lack columns {missing}; expected mmsi, ts, lat, lon")
    if not isinstance(df.schema["ts"], pl.Datetime):
        raise InputError(f"column ts has type {df.schema['ts']}; expected a timestamp")
    has = set(df.columns)
    track = (
        pl.col("segment_id").cast(pl.String)
        if "segment_id" in has
        else pl.col("mmsi").cast(pl.String)
    )
    return (
        df.select(
            (pl.col("row_id") if "row_id" in has else pl.int_range(pl.len()))
            .cast(pl.UInt64)
            .alias("row_id"),
            pl.col("mmsi").cast(pl.Int32),
            track.alias("track"),
            pl.col("ts").dt.epoch("ms").alias("ts_ms"),
            pl.col("lat").cast(pl.Float64),
            pl.col("lon").cast(pl.Float64),
            (pl.col("sog_kn") if "sog_kn" in has else pl.lit(None))
            .cast(pl.Float64)
            .fill_null(math.nan)
            .alias("sog_kn"),
        )
        .drop_nulls(["track", "ts_ms", "lat", "lon"])
        .sort(["track", "ts_ms", "row_id"])
    )


def detect_port_visits(
    positions: pa.Table | pl.DataFrame | Track,
    *,
    params: PortVisitParams | None = None,
    places: PlaceIndex | None = None,
    data_end: datetime | None = None,
) -> pa.Table:
    """Port visits of every track, as an ``EVENTS`` table (type ``port_visit``).

    ``data_end`` (default: the latest position) is the end of the observed data, used by
    ``gap_at_track_end``.

    Only positions within ``exit_km`` of a place are looked up exactly
    (:meth:`PlaceIndex.nearest_within`); the others get an infinite distance. That changes
    no state: such a position is beyond ``exit_km`` (and ``entry_km``), so it is at sea
    whatever its true distance, and its place is never read. The true distance is looked up
    afterwards for the few such positions that carry an event (an exit), since a visit's
    evidence reports the least distance of its events.
    """
    params = params or PortVisitParams()
    track = port_track(positions)
    if track.is_empty():
        return empty_events()
    places = places or load_places()
    lat, lon = track["lat"].to_numpy(), track["lon"].to_numpy()
    near = places.nearest_within(lat, lon, params.exit_km * 1000)
    end_ms = int(track["ts_ms"].max()) if data_end is None else int(data_end.timestamp() * 1000)  # type: ignore[arg-type]
    events, visit_open = _run_state_machine(track, near.index, near.distance_m, params, end_ms)
    event_pos = events["pos"].to_numpy()
    distance_m = _with_event_distances(near.distance_m, event_pos, lat, lon, places)
    visits = _visits(track, events, visit_open, distance_m)
    visits = visits.filter(pl.col("confidence") >= params.min_confidence)
    return make_events(_event_row(v, params, places) for v in visits.iter_rows(named=True))


def port_track(positions: pa.Table | pl.DataFrame | Track) -> pl.DataFrame:
    """Positions sorted by (track, ts): :func:`track_positions`' columns plus ``group``.

    ``group`` (Int64) numbers the tracks in sort order. With ``segment_id`` and ``row_id``
    columns (or a :class:`Track`) this is :attr:`Track.frame` (already sorted, shared with
    the other detectors): the same rows in the same order as :func:`track_positions`,
    ``sog_kn`` null made NaN as there. Without ``segment_id`` tracks are MMSIs.
    """
    if isinstance(positions, Track) or _has_columns(positions, ("segment_id", "row_id")):
        frame = Track.of(positions).frame
        return frame.select(
            "row_id",
            "mmsi",
            pl.col("segment_id").alias("track"),
            "ts_ms",
            "lat",
            "lon",
            pl.col("sog_kn").fill_null(math.nan),
            pl.col("seg").cast(pl.Int64).alias("group"),
        )
    track = track_positions(positions)
    return track.with_columns(group=pl.col("track").rank("dense").cast(pl.Int64))


def _has_columns(positions: pa.Table | pl.DataFrame, names: tuple[str, ...]) -> bool:
    columns = positions.columns if isinstance(positions, pl.DataFrame) else positions.column_names
    return all(name in columns for name in names)


def _with_event_distances(
    distance_m: Floats, event_pos: Ints, lat: Floats, lon: Floats, places: PlaceIndex
) -> Floats:
    """``distance_m`` with the true distance (KD-tree) at event positions beyond the radius."""
    far = np.unique(event_pos[np.isinf(distance_m[event_pos])])
    if not far.size:
        return distance_m
    out = distance_m.copy()
    out[far] = places.nearest(lat[far], lon[far]).distance_m
    return out


def _run_state_machine(
    track: pl.DataFrame, place: Ints, distance_m: Floats, params: PortVisitParams, end_ms: int
) -> tuple[pl.DataFrame, npt.NDArray[np.bool_]]:
    """Events (``pos``: row of ``track``) and, per visit number, whether it is still open.

    Only tracks with a position within ``entry_km`` go through the state machine: a track
    is first in port at such a position, and one never in port makes no event (no state
    change but at sea <-> in port, no gap but in port). Tracks are independent and keep
    their order, so events and visit numbers are those of the run over every track.
    """
    group = track["group"].to_numpy()
    kept = np.zeros(int(group[-1]) + 1 if group.size else 0, np.bool_)
    kept[group[distance_m <= params.entry_km * 1000]] = True
    rows_kept = np.flatnonzero(kept[group])
    config = np.array(
        [
            params.entry_km * 1000,
            params.exit_km * 1000,
            params.stop_begin_kn,
            params.stop_end_kn,
            params.min_gap / timedelta(milliseconds=1),
            end_ms if params.gap_at_track_end else -1.0,
        ]
    )
    n = rows_kept.size
    rows, kinds, stamps, spots, visit = (np.empty(4 * n + 1, np.int64) for _ in range(5))
    is_open = np.zeros(4 * n + 1, np.bool_)
    ts = np.asarray(track["ts_ms"].to_numpy()[rows_kept], np.int64)
    sog = np.asarray(track["sog_kn"].to_numpy()[rows_kept], np.float64)
    count = _visit_kernel(
        np.asarray(group[rows_kept], np.int64), ts, distance_m[rows_kept], place[rows_kept], sog,
        config, rows, kinds, stamps, spots, visit, is_open,
    )  # fmt: skip
    frame = pl.DataFrame(
        {
            "pos": rows_kept[rows[:count]],
            "event": kinds[:count],
            "event_ms": stamps[:count],
            "place": spots[:count],
            "visit": visit[:count],
        }
    )
    return frame, is_open


def _visits(
    track: pl.DataFrame, events: pl.DataFrame, is_open: npt.NDArray[np.bool_], distance_m: Floats
) -> pl.DataFrame:
    """One row per visit: its events (pruned), first place, flags and confidence."""
    pos = events["pos"].to_numpy()
    at_event = track.select("row_id", "mmsi", "track", "lat", "lon", "sog_kn")[pos]
    joined = events.hstack(at_event).with_columns(pl.Series("dist_m", distance_m[pos]))
    joined = joined.sort(["visit", "event_ms", "event"])
    has = {
        name: (pl.col("event") == code).any()
        for name, code in (
            ("entry", ENTRY),
            ("exit", EXIT),
            ("stop", STOP_BEGIN),
            ("stop_end", STOP_END),
            ("gap", GAP_BEGIN),
            ("gap_end", GAP_END),
        )
    }
    visits = joined.group_by("visit", maintain_order=True).agg(
        pl.col("mmsi").first(),
        pl.col("track").first(),
        pl.col("place").first(),
        pl.col("event_ms").min().alias("start_ms"),
        pl.col("event_ms").max().alias("last_ms"),
        pl.col("dist_m").min().alias("min_dist_m"),
        pl.col("sog_kn").min().alias("min_sog_kn"),
        pl.struct("event", "event_ms", "lat", "lon", "row_id", "sog_kn").alias("events"),
        **{f"has_{k}": v for k, v in has.items()},
    )
    stop_or_gap = (
        pl.col("has_stop") | pl.col("has_stop_end") | pl.col("has_gap") | pl.col("has_gap_end")
    )
    entry_exit = pl.col("has_entry").cast(pl.Int8) + pl.col("has_exit").cast(pl.Int8)
    opened = pl.Series("open", is_open[visits["visit"].to_numpy()])
    return visits.with_columns(
        opened, confidence=pl.when(stop_or_gap).then(2 + entry_exit).otherwise(1)
    )


def _event_row(
    visit: dict[str, Any], params: PortVisitParams, places: PlaceIndex
) -> dict[str, Any]:
    place = places.table.row(int(visit["place"]), named=True)
    start, last = utc_from_ms(visit["start_ms"]), utc_from_ms(visit["last_ms"])
    evidence_params = params_evidence(params)
    return event_row(
        "port_visit",
        subtype=f"confidence_{visit['confidence']}",
        mmsi=[visit["mmsi"]],
        start=start,
        end=None if visit["open"] else last,
        lat=place["lat"],
        lon=place["lon"],
        duration_h=(last - start) / timedelta(hours=1),
        profile=params.profile,
        detector_version=DETECTOR_VERSION,
        id_params=evidence_params,
        segment_ids=[visit["track"]],
        tags={
            "port_name": place["name"],
            "port_kind": place["kind"],
            "port_iso3": place["iso3"],
            "confidence": visit["confidence"],
        },
        evidence=_evidence(visit, place, evidence_params),
    )


def _evidence(
    visit: dict[str, Any], place: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    events = visit["events"]
    if len(events) > MAX_EVIDENCE_EVENTS:  # GFW prune_events: keep the first and last halves
        half = MAX_EVIDENCE_EVENTS // 2
        events = events[:half] + events[-half:]
    return {
        "place": place,
        "min_distance_km": visit["min_dist_m"] / 1000,
        "min_sog_kn": _finite(visit["min_sog_kn"]),
        "confidence": visit["confidence"],
        "open": bool(visit["open"]),
        "events": [_event_evidence(event) for event in events],
        "params": params,
    }


def _event_evidence(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": EVENT_TYPES[event["event"]],
        "ts": utc_from_ms(event["event_ms"]).isoformat(),
        "lat": event["lat"],
        "lon": event["lon"],
        "row_id": event["row_id"],
    }


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


@njit(cache=True)
def _visit_kernel(
    group: Ints,
    ts: Ints,
    dist: Floats,
    place: Ints,
    sog: Floats,
    config: Floats,
    rows: Ints,
    kinds: Ints,
    stamps: Ints,
    spots: Ints,
    visit: Ints,
    is_open: npt.NDArray[np.bool_],
) -> int:
    """GFW's in/out state machine over positions sorted by (track, ts); returns the event count."""
    entry_m, exit_m, stop_begin, stop_end, min_gap, data_end = config
    out = (rows, kinds, stamps, spots, visit)
    cursor = np.array([0, -1, 0])  # events written, current visit number, visit open (0/1)
    state, active, last_ts = _NONE, -1, 0
    for i in range(group.size):
        if i > 0 and group[i] != group[i - 1]:
            _close_track(i - 1, state, last_ts, active, min_gap, data_end, out, is_open, cursor)
            state, active = _NONE, -1
        was_in = state >= _IN_PORT  # _IN_PORT or _STOPPED
        in_port = dist[i] <= entry_m or (dist[i] < exit_m and was_in)
        if in_port:
            active = place[i]
        if math.isnan(sog[i]):
            stopped = state == _STOPPED
        else:
            stopped = sog[i] <= stop_begin or (sog[i] < stop_end and state == _STOPPED)
        new = (_STOPPED if stopped else _IN_PORT) if in_port else _AT_SEA
        if was_in and ts[i] - last_ts >= min_gap:
            _emit(GAP_BEGIN, i - 1, last_ts, active, out, cursor)
            _emit(GAP_END, i, ts[i], active, out, cursor)
        if state != _NONE:
            first, second = _transition(state, new)
            if first >= 0:
                _emit(first, i, ts[i], active, out, cursor)
            if second >= 0:
                _emit(second, i, ts[i], active, out, cursor)
        state, last_ts = new, ts[i]
    if group.size:
        _close_track(
            group.size - 1, state, last_ts, active, min_gap, data_end, out, is_open, cursor
        )
    return int(cursor[0])


@njit(cache=True)
def _emit(code: int, row: int, when: int, active: int, out: Any, cursor: Ints) -> None:
    """Write one event; an entry, or any event outside a visit, starts a new visit."""
    if code == ENTRY or cursor[2] == 0:
        cursor[1] += 1
        cursor[2] = 1
    rows, kinds, stamps, spots, visit = out
    k = cursor[0]
    rows[k], kinds[k], stamps[k], spots[k], visit[k] = row, code, when, active, cursor[1]
    cursor[0] += 1
    if code == EXIT:
        cursor[2] = 0


@njit(cache=True)
def _transition(state: int, new: int) -> tuple[int, int]:
    """GFW ``transition_map``: the (at most two) events of a state change, -1 for none."""
    if state == _AT_SEA and new == _IN_PORT:
        return ENTRY, -1
    if state == _AT_SEA and new == _STOPPED:
        return ENTRY, STOP_BEGIN
    if state == _IN_PORT and new == _STOPPED:
        return STOP_BEGIN, -1
    if state == _STOPPED and new == _IN_PORT:
        return STOP_END, -1
    if state == _STOPPED and new == _AT_SEA:
        return STOP_END, EXIT
    if state == _IN_PORT and new == _AT_SEA:
        return EXIT, -1
    return -1, -1


@njit(cache=True)
def _close_track(
    last: int,
    state: int,
    last_ts: int,
    active: int,
    min_gap: float,
    data_end: float,
    out: Any,
    is_open: npt.NDArray[np.bool_],
    cursor: Ints,
) -> None:
    """At a track's end: an open gap if it went dark in port (``gap_at_track_end``)."""
    in_port = state >= _IN_PORT  # _IN_PORT or _STOPPED
    if in_port and data_end >= 0 and data_end - last_ts >= min_gap:
        _emit(GAP_BEGIN, last, last_ts, active, out, cursor)
    if in_port and cursor[2] == 1:
        is_open[cursor[1]] = True
    cursor[2] = 0
