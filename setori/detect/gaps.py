"""AIS gaps ("going dark"): silences of a transmitting vessel, tiered and enriched.

Definition (docs/detect-loitering-gaps.md; docs/reference/detection.md §8.4):

* a **gap** is the time between two consecutive positions of one segment of at least
  ``min_gap`` (subtype ``raw``, 2 h; MarineTraffic 1–2 h); ``notable`` from ``notable_gap``
  (6 h; GFW product table, Skylight); ``likely_disabling`` from ``disabling_gap`` (12 h)
  *only* where reception is good at the last position (our own reception raster,
  :mod:`setori.detect.reception`) **and** the vessel reported densely before
  (``min_prior_positions`` = 14 in the prior 12 h); Welch et al. 2022, Science Advances
  8(44) "Hot spots of unseen fishing vessels". Otherwise it stays ``notable``, with tag
  ``not_likely_disabling`` giving the reasons.
* gaps are found per segment and also per MMSI (the MMSI's own silences between two of its
  segments, e.g. longer than the segmenter's 24 h split); ``is_multi_vessel_gap`` says that
  another segment of the same MMSI was active during the gap, so the MMSI is shared and the
  silence is ambiguous (pipe-gaps README; detection.md §8.9).
* a segment silent for ``min_gap`` at the end of the data (``now``), with no later segment
  of its MMSI, gives an **open** gap: ``end`` null, tag ``open: true`` (pipe-gaps SCD2).
* enrichment (Windward EP4332503A1; Pole Star): distance, implied speed, slack time =
  duration − distance / typical speed (the segment's median moving speed), draught change
  from static reports, and the DPRK ports reachable in the slack
  (slack ≥ ``port_reach_factor`` × distance-to-port / typical speed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from numba import njit

from setori.detect.events import empty_events, event_row, make_events
from setori.detect.reception import cell_keys, raster_cell_deg, reception_raster_of_cells
from setori.detect.track import Ints, Track, params_evidence, utc_from_ms
from setori.errors import InputError
from setori.geo.sphere import MPS_PER_KN, haversine_m_expr

DETECTOR_VERSION = "gaps/1"
PATH_SAMPLES = 9  # points along the gap's great circle used for distance-to-port
_H_MS = 3_600_000
_GAP_SCHEMA = {
    "mmsi": pl.Int32,
    "scope": pl.String,
    "start_segment_id": pl.String,
    "end_segment_id": pl.String,
    "start_seg": pl.Int32,
    "start_ms": pl.Int64,
    "end_ms": pl.Int64,
    "start_lat": pl.Float64,
    "start_lon": pl.Float64,
    "end_lat": pl.Float64,
    "end_lon": pl.Float64,
    "start_row_id": pl.UInt64,
    "end_row_id": pl.UInt64,
    "distance_m": pl.Float64,
    "prior_positions": pl.UInt32,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class GapParams:
    """Parameters of :func:`detect_gaps` (defaults: detection.md §8.4).

    Attributes:
        profile: ``"gfw"`` or ``"dprk"``; the two differ only in ``port_kinds``.
        min_gap: Shortest silence reported, subtype ``raw`` (2 h).
        notable_gap: Subtype ``notable`` from this duration (6 h; GFW, Skylight).
        disabling_gap: ``likely_disabling`` from this duration when reception is good and
            prior reporting dense (12 h; Welch 2022).
        reception_cell_deg: Cell size of the reception raster (0.1°, detection.md §8.4).
        min_reception_per_vessel_hour: Good reception: at least this many positions per
            vessel-hour in the cell of the last position. setori's default (6, one report per
            10 min) replaces Welch's "> 10 positions/day" satellite-era measure, which our
            presence-conditioned raster always exceeds.
        min_cell_vessel_hours: ... measured over at least this many vessel-hours (3).
        prior_window: Window before the gap in which prior reporting is counted (12 h).
        min_prior_positions: Dense prior reporting: at least this many positions of the
            segment (or MMSI, for MMSI gaps) in ``prior_window`` up to the last one,
            thinned to one per minute (14).
        moving_speed_kn: A position counts as moving from this speed (SOG, else implied
            speed) when the typical speed is the median moving speed (setori: 3 kn).
        fallback_speed_kn: Typical speed of a segment with no moving position (10 kn).
        port_reach_factor: A port is reachable when slack ≥ factor × distance-to-port /
            typical speed (2: there and back; Windward EP4332503A1).
        ports_path: GeoJSON of ports (Point features with ``name`` and ``kind``); None uses
            ``setori/data/dprk_ports.geojson`` (copied from dprk-areas.geojson).
        port_kinds: Feature kinds taken from ``ports_path``: ``dprk_port`` for ``gfw``; the
            ``dprk`` profile adds ``related_port`` (Vostochny, Kholmsk).
    """

    profile: str = "gfw"
    min_gap: timedelta = timedelta(hours=2)
    notable_gap: timedelta = timedelta(hours=6)
    disabling_gap: timedelta = timedelta(hours=12)
    reception_cell_deg: float = 0.1
    min_reception_per_vessel_hour: float = 6.0
    min_cell_vessel_hours: int = 3
    prior_window: timedelta = timedelta(hours=12)
    min_prior_positions: int = 14
    moving_speed_kn: float = 3.0
    fallback_speed_kn: float = 10.0
    port_reach_factor: float = 2.0
    ports_path: Path | None = None
    port_kinds: tuple[str, ...] = ("dprk_port",)

    def __post_init__(self) -> None:
        tiers = timedelta(0) < self.min_gap <= self.notable_gap <= self.disabling_gap
        _require(self.profile in ("gfw", "dprk"), "profile 'gfw' or 'dprk'", self.profile)
        _require(tiers, "0 < min_gap <= notable_gap <= disabling_gap", self)
        _require(0 < self.reception_cell_deg <= 10, "0 < reception_cell_deg <= 10", self)
        _require(self.prior_window > timedelta(0), "prior_window > 0", self.prior_window)
        _require(self.fallback_speed_kn > 0, "fallback_speed_kn > 0", self.fallback_speed_kn)
        _require(self.port_reach_factor > 0, "port_reach_factor > 0", self.port_reach_factor)

    @classmethod
    def gfw(cls) -> GapParams:
        """The Global Fishing Watch-comparable profile."""
        return cls()

    @classmethod
    def dprk(cls) -> GapParams:
        """The DPRK-sensitive profile: also lists related ports (Vostochny, Kholmsk)."""
        return replace(cls(), profile="dprk", port_kinds=("dprk_port", "related_port"))


def _require(ok: bool, expected: str, seen: object) -> None:
    if not ok:
        raise InputError(f"invalid GapParams: expected {expected}, got {seen!r}")


def load_ports(params: GapParams) -> pl.DataFrame:
    """Ports of ``params.port_kinds`` as ``name``, ``kind``, ``port_lat``, ``port_lon``."""
    source = params.ports_path or resources.files("setori").joinpath("data/dprk_ports.geojson")
    try:
        features = json.loads(source.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"cannot read ports from {source}: {exc}; expected GeoJSON") from exc
    rows = [
        {
            "name": f["properties"]["name"],
            "kind": f["properties"]["kind"],
            "port_lon": f["geometry"]["coordinates"][0],
            "port_lat": f["geometry"]["coordinates"][1],
        }
        for f in features
        if f["geometry"]["type"] == "Point" and f["properties"].get("kind") in params.port_kinds
    ]
    schema = {"name": pl.String, "kind": pl.String, "port_lon": pl.Float64, "port_lat": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def detect_gaps(
    positions: pa.Table | pl.DataFrame | Track,
    params: GapParams = GapParams(),
    *,
    statics: pa.Table | pl.DataFrame | None = None,
    reception: pl.DataFrame | None = None,
    now: datetime | None = None,
) -> pa.Table:
    """Gap events (detection.md §8.4) in ``positions``, ordered by (start, mmsi, scope).

    ``positions``: canonical columns plus ``row_id`` and ``segment_id`` (or a
    :class:`~setori.detect.track.Track`, whose sorted frame and steps are reused).
    ``statics`` (optional, :data:`setori.schema.STATICS`) gives the draught change.
    ``reception``: a :func:`~setori.detect.reception.reception_raster`; when None, the
    raster of the cells of the gaps' last positions is computed from ``positions``
    (:func:`~setori.detect.reception.reception_raster_of_cells`, the same values as the full
    raster there). ``now``: the end of the data for open gaps (default: the latest position).

    Method: gaps are read off the cached steps (per segment and per MMSI); everything else
    is computed only where a gap needs it: prior reporting at gap starts, typical speeds of
    the segments a gap starts in, reception in the cells a gap starts in.
    """
    track = Track.of(positions)
    if track.frame.is_empty():
        return empty_events()
    now_ms = _now_ms(track.frame, now)
    segments = _segments(track.frame)
    gaps = _all_gaps(track, segments, params, now_ms)
    if gaps.is_empty():
        return empty_events()
    raster = reception if reception is not None else _own_raster(track.by_mmsi, gaps, params)
    gaps = _with_multi_vessel(gaps, segments, now_ms)
    gaps = _with_speeds(gaps, _typical_speeds(track.steps, segments, gaps, params), params)
    gaps = _with_tiers(_with_reception(gaps, raster, params), params)
    gaps = _with_ports(_with_draught(gaps, statics), load_ports(params), params)
    return _events(gaps.sort(["start_ms", "mmsi", "scope", "start_segment_id"]), params, now_ms)


def _now_ms(frame: pl.DataFrame, now: datetime | None) -> int:
    if now is None:
        return int(frame["ts_ms"].max())  # type: ignore[arg-type]
    if now.tzinfo is None:
        raise InputError(f"now is {now!r}; expected a timezone-aware datetime (UTC)")
    return int(now.timestamp() * 1000)


def _segments(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per segment, in ``seg`` order: its MMSI (on its first row), first and last
    time, last position, and the frame rows it spans (``first_row`` to ``last_row``)."""
    seg = frame["seg"].to_numpy()
    first_row = np.flatnonzero(np.diff(seg, prepend=-1))
    last_row = np.append(first_row[1:] - 1, seg.size - 1)
    firsts = _gathered(frame.select("seg", "segment_id", "mmsi", first_ms="ts_ms"), first_row)
    lasts = _gathered(frame.select("ts_ms", "lat", "lon", "row_id"), last_row)
    rows = pl.DataFrame({"first_row": first_row, "last_row": last_row})
    return pl.concat([firsts, lasts, rows], how="horizontal")


def _gathered(frame: pl.DataFrame, rows: Ints) -> pl.DataFrame:
    """``frame``'s rows at the (0-based) positions ``rows``, in that order."""
    return frame.select(pl.all().gather(pl.Series(rows, dtype=pl.Int64)))


def _own_raster(by_mmsi: pl.DataFrame, gaps: pl.DataFrame, params: GapParams) -> pl.DataFrame:
    """The reception raster of the cells that hold a gap's last position (all it is read
    for), from the positions in (MMSI, time) order (no sort needed)."""
    cell_deg = params.reception_cell_deg
    cells = gaps.select(cell_keys(pl.col("start_lat"), pl.col("start_lon"), cell_deg)).unique()
    ts = pl.from_epoch("ts_ms", time_unit="ms").dt.replace_time_zone("UTC").alias("ts")
    located = by_mmsi.select("mmsi", ts, "lat", "lon")
    return reception_raster_of_cells(located, cells, cell_deg)


@njit(cache=True)
def _prior_counts(
    group: npt.NDArray[np.int32], ts_ms: Ints, rows: Ints, window_ms: int
) -> npt.NDArray[np.uint32]:  # pragma: no cover - numba
    """For each row in ``rows``: positions of its group in [ts - window, ts] up to it,
    thinned to one per minute (a minute counts when its first position is inside).

    ``group`` and ``ts_ms`` are sorted by (group, time); walks back from each row.
    """
    out = np.zeros(rows.size, dtype=np.uint32)
    for k in range(rows.size):
        i = rows[k]
        since = ts_ms[i] - window_ms
        j = i
        while j >= 0 and group[j] == group[i] and ts_ms[j] >= since:
            first = (
                j == 0 or group[j - 1] != group[j] or ts_ms[j - 1] // 60_000 != ts_ms[j] // 60_000
            )
            out[k] += first
            j -= 1
    return out


def _all_gaps(track: Track, segments: pl.DataFrame, params: GapParams, now_ms: int) -> pl.DataFrame:
    """Segment gaps, MMSI gaps (between two segments) and open gaps, one schema.

    ``prior_positions`` (positions of the segment, or MMSI, in ``prior_window`` up to the
    gap's last position, thinned to one per minute, detection.md §8.1) is counted at the
    gap starts only.
    """
    min_gap_s = params.min_gap.total_seconds()
    window_ms = params.prior_window // timedelta(milliseconds=1)
    segment_gaps = _closed_gaps(track.steps, "seg", pl.col("dt_s") >= min_gap_s, window_ms)
    segment_gaps = segment_gaps.with_columns(
        scope=pl.lit("segment"), prev_segment_id=pl.col("segment_id"), prev_seg=pl.col("seg")
    )
    switch = (pl.col("dt_s") >= min_gap_s) & (pl.col("prev_seg") != pl.col("seg"))
    mmsi_gaps = _closed_gaps(track.by_mmsi, "mmsi", switch, window_ms)
    mmsi_gaps = mmsi_gaps.with_columns(scope=pl.lit("mmsi"))
    closed = [_closed_gap_columns(g) for g in (segment_gaps, mmsi_gaps)]
    open_gaps = _open_gaps(track.frame, segments, params, now_ms, window_ms)
    return pl.concat([*closed, open_gaps], how="vertical")


def _closed_gaps(steps: pl.DataFrame, group: str, where: pl.Expr, window_ms: int) -> pl.DataFrame:
    """The steps matching ``where`` with ``prev_prior``, the prior count at their start."""
    ends = steps.select(pl.arg_where(where.fill_null(False))).to_series().to_numpy()
    ends = ends.astype(np.int64)
    group_codes = steps[group].to_numpy()
    prior = _prior_counts(group_codes, steps["ts_ms"].to_numpy(), ends - 1, window_ms)
    return _gathered(steps, ends).with_columns(pl.Series("prev_prior", prior))


def _closed_gap_columns(steps: pl.DataFrame) -> pl.DataFrame:
    names = {
        "start_segment_id": "prev_segment_id",
        "end_segment_id": "segment_id",
        "start_seg": "prev_seg",
        "start_ms": "prev_ts_ms",
        "end_ms": "ts_ms",
        "start_lat": "prev_lat",
        "start_lon": "prev_lon",
        "end_lat": "lat",
        "end_lon": "lon",
        "start_row_id": "prev_row_id",
        "end_row_id": "row_id",
        "distance_m": "step_m",
        "prior_positions": "prev_prior",
    }
    renamed = {new: pl.col(old) for new, old in names.items()}
    selected = steps.select(pl.col("mmsi"), pl.col("scope"), **renamed)
    return selected.select(pl.col(c).cast(t) for c, t in _GAP_SCHEMA.items())


def _open_gaps(
    frame: pl.DataFrame, segments: pl.DataFrame, params: GapParams, now_ms: int, window_ms: int
) -> pl.DataFrame:
    """Segments silent since ``now - min_gap`` whose MMSI started no later segment."""
    latest_start = pl.col("first_ms").max().over("mmsi")
    silent = now_ms - pl.col("ts_ms") >= params.min_gap // timedelta(milliseconds=1)
    ended = segments.filter(silent & (latest_start <= pl.col("ts_ms")))
    last_rows = ended["last_row"].to_numpy().astype(np.int64)
    prior = _prior_counts(frame["seg"].to_numpy(), frame["ts_ms"].to_numpy(), last_rows, window_ms)
    nulls = ("end_segment_id", "end_ms", "end_lat", "end_lon", "end_row_id", "distance_m")
    return ended.select(
        pl.col("mmsi"),
        scope=pl.lit("segment"),
        start_segment_id=pl.col("segment_id"),
        start_seg=pl.col("seg"),
        start_ms=pl.col("ts_ms"),
        start_lat=pl.col("lat"),
        start_lon=pl.col("lon"),
        start_row_id=pl.col("row_id"),
        prior_positions=pl.Series(prior),
        **{c: pl.lit(None) for c in nulls},
    ).select(pl.col(c).cast(t) for c, t in _GAP_SCHEMA.items())


def _with_multi_vessel(gaps: pl.DataFrame, segments: pl.DataFrame, now_ms: int) -> pl.DataFrame:
    """``other_segments``: segments of the MMSI active inside the gap, besides its own."""
    spans = segments.select("mmsi", seg_first="first_ms", seg_last="ts_ms")
    gaps = gaps.with_row_index("gap").with_columns(
        stop_ms=pl.col("end_ms").fill_null(now_ms),
        duration_ms=pl.col("end_ms").fill_null(now_ms) - pl.col("start_ms"),
    )
    inside = (pl.col("seg_first") < pl.col("stop_ms")) & (pl.col("seg_last") > pl.col("start_ms"))
    pairs = gaps.select("gap", "mmsi", "start_ms", "stop_ms").join(spans, on="mmsi").filter(inside)
    counts = pairs.group_by("gap").agg(pl.len().cast(pl.Int64).alias("overlapping"))
    own = ((pl.col("scope") == "segment") & pl.col("end_ms").is_not_null()).cast(pl.Int64)
    return (
        gaps.join(counts, on="gap", how="left")
        .with_columns(other_segments=pl.col("overlapping").fill_null(0) - own)
        .with_columns(is_multi_vessel_gap=pl.col("other_segments") >= 1)
        .drop("overlapping")
    )


def _typical_speeds(
    steps: pl.DataFrame, segments: pl.DataFrame, gaps: pl.DataFrame, params: GapParams
) -> pl.DataFrame:
    """Median moving speed (SOG, else implied speed over >= 60 s steps) of each segment a
    gap starts in (``start_seg``); only those segments' steps are read."""
    wanted = segments.filter(pl.col("seg").is_in(gaps["start_seg"].unique().implode()))
    rows = _spanned_rows(wanted["first_row"].to_numpy(), wanted["last_row"].to_numpy())
    read = _gathered(steps.select("seg", "sog_kn", "dt_s", "step_m"), rows)
    implied = pl.when(pl.col("dt_s") >= 60).then(pl.col("step_m") / pl.col("dt_s") / MPS_PER_KN)
    speed = pl.coalesce(pl.col("sog_kn"), implied)
    moving = read.with_columns(speed=speed).filter(speed >= params.moving_speed_kn)
    return moving.group_by("seg").agg(
        pl.col("speed").median().alias("typical_speed_kn"), pl.len().alias("moving_positions")
    )


def _spanned_rows(first_row: Ints, last_row: Ints) -> Ints:
    """All rows from ``first_row[k]`` to ``last_row[k]`` (inclusive), span after span."""
    lengths = (last_row - first_row + 1).astype(np.int64)
    offsets = np.cumsum(lengths) - lengths
    starts: Ints = np.repeat(first_row.astype(np.int64) - offsets, lengths)
    return np.arange(starts.size, dtype=np.int64) + starts


def _with_speeds(gaps: pl.DataFrame, typical: pl.DataFrame, params: GapParams) -> pl.DataFrame:
    """Typical speed, implied speed and slack (hours); open gaps: slack = time elapsed."""
    hours = pl.col("duration_ms") / _H_MS
    travel_h = (
        pl.col("distance_m").fill_null(0.0) / (pl.col("typical_speed_kn") * MPS_PER_KN) / 3600
    )
    implied = pl.col("distance_m") / (pl.col("duration_ms") / 1000) / MPS_PER_KN
    return (
        gaps.join(typical, left_on="start_seg", right_on="seg", how="left")
        .with_columns(
            typical_speed_source=pl.when(pl.col("typical_speed_kn").is_null())
            .then(pl.lit("fallback"))
            .otherwise(pl.lit("median_moving_speed")),
            typical_speed_kn=pl.col("typical_speed_kn").fill_null(params.fallback_speed_kn),
        )
        .with_columns(
            duration_h=hours,
            implied_speed_kn=pl.when(pl.col("duration_ms") > 0).then(implied),
            slack_h=hours - travel_h,
        )
    )


def _with_reception(gaps: pl.DataFrame, raster: pl.DataFrame, params: GapParams) -> pl.DataFrame:
    """Reception of the cell of the last position before the gap, and whether it is good."""
    cell_deg = raster_cell_deg(raster)
    cells = raster.select(
        "lat_cell",
        "lon_cell",
        pl.col("positions_per_vessel_hour").alias("reception_pvh"),
        pl.col("vessel_hours").alias("reception_vessel_hours"),
    )
    keyed = gaps.with_columns(cell_keys(pl.col("start_lat"), pl.col("start_lon"), cell_deg))
    good = (pl.col("reception_pvh") >= params.min_reception_per_vessel_hour) & (
        pl.col("reception_vessel_hours") >= params.min_cell_vessel_hours
    )
    joined = keyed.join(cells, on=["lat_cell", "lon_cell"], how="left")
    return joined.with_columns(
        reception_good=good.fill_null(False), reception_cell_deg=pl.lit(cell_deg)
    )


def _with_tiers(gaps: pl.DataFrame, params: GapParams) -> pl.DataFrame:
    """``subtype``: raw / notable / likely_disabling (see the module docstring)."""
    ms = timedelta(milliseconds=1)
    long = pl.col("duration_ms") >= params.disabling_gap // ms
    dense = pl.col("prior_positions") >= params.min_prior_positions
    return gaps.with_columns(
        dense_prior_reporting=dense,
        long_gap=long,
        subtype=pl.when(long & dense & pl.col("reception_good"))
        .then(pl.lit("likely_disabling"))
        .when(pl.col("duration_ms") >= params.notable_gap // ms)
        .then(pl.lit("notable"))
        .otherwise(pl.lit("raw")),
    )


def _with_draught(gaps: pl.DataFrame, statics: pa.Table | pl.DataFrame | None) -> pl.DataFrame:
    """Last draught reported at or before the gap start, first at or after its end."""
    if statics is None:
        return gaps.with_columns(
            draught_before_m=pl.lit(None, pl.Float64), draught_after_m=pl.lit(None, pl.Float64)
        )
    df = statics if isinstance(statics, pl.DataFrame) else pl.DataFrame(statics)
    draughts = (
        df.select(
            pl.col("mmsi").cast(pl.Int32),
            pl.col("ts").dt.epoch("ms").alias("static_ms"),
            pl.col("draught_m").cast(pl.Float64),
        )
        .drop_nulls()
        .sort("static_ms")
    )
    before = (
        gaps.sort("start_ms")
        .join_asof(
            draughts.rename({"draught_m": "draught_before_m"}),
            left_on="start_ms",
            right_on="static_ms",
            by="mmsi",
            strategy="backward",
            check_sortedness=False,
        )
        .drop("static_ms")
    )
    ends = before.select("gap", "mmsi", pl.col("end_ms")).drop_nulls().sort("end_ms")
    after = ends.join_asof(
        draughts.rename({"draught_m": "draught_after_m"}),
        left_on="end_ms",
        right_on="static_ms",
        by="mmsi",
        strategy="forward",
        check_sortedness=False,
    ).select("gap", "draught_after_m")
    return before.join(after, on="gap", how="left")


def _path_point(fraction: float) -> tuple[pl.Expr, pl.Expr]:
    """Point at ``fraction`` of the great circle from gap start to gap end (lat, lon)."""
    ends = {}
    for side in ("start", "end"):
        lat = pl.col(f"{side}_lat").radians()
        lon = pl.col(f"{side}_lon").radians()
        ends[side] = (lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin())
    x, y, z = (
        (1 - fraction) * a + fraction * b for a, b in zip(ends["start"], ends["end"], strict=True)
    )
    return pl.arctan2(z, (x**2 + y**2).sqrt()).degrees(), pl.arctan2(y, x).degrees()


def _with_ports(gaps: pl.DataFrame, ports: pl.DataFrame, params: GapParams) -> pl.DataFrame:
    """``reachable_ports``: ports with slack ≥ factor × distance-to-port / typical speed."""
    path = gaps.select(
        "gap",
        "start_lat",
        "start_lon",
        "slack_h",
        "typical_speed_kn",
        end_lat=pl.col("end_lat").fill_null(pl.col("start_lat")),
        end_lon=pl.col("end_lon").fill_null(pl.col("start_lon")),
    ).join(ports, how="cross")
    samples = [_path_point(k / (PATH_SAMPLES - 1)) for k in range(PATH_SAMPLES)]
    port = (pl.col("port_lat"), pl.col("port_lon"))
    distance = pl.min_horizontal(haversine_m_expr(lat, lon, *port) for lat, lon in samples)
    need_h = (
        params.port_reach_factor * pl.col("d_m") / (pl.col("typical_speed_kn") * MPS_PER_KN) / 3600
    )
    reachable = (
        path.with_columns(d_m=distance)
        .filter(pl.col("slack_h") >= need_h)
        .sort("gap", "d_m")
        .group_by("gap", maintain_order=True)
        .agg(reachable_ports=pl.struct("name", "kind", distance_km=(pl.col("d_m") / 1000).round(1)))
    )
    return gaps.join(reachable, on="gap", how="left")


def _events(gaps: pl.DataFrame, params: GapParams, now_ms: int) -> pa.Table:
    parameters = params_evidence(params)
    id_params = {k: v for k, v in parameters.items() if k != "ports_path"}
    as_of = utc_from_ms(now_ms)
    gaps = gaps.with_columns(
        start=pl.from_epoch("start_ms", time_unit="ms").dt.replace_time_zone("UTC"),
        end=pl.from_epoch("end_ms", time_unit="ms").dt.replace_time_zone("UTC"),
    )
    return make_events(
        _event_row(g, params, parameters, id_params, as_of.isoformat())
        for g in gaps.iter_rows(named=True)
    )


def _tags(g: dict[str, Any]) -> dict[str, Any]:
    tags: dict[str, Any] = {
        "is_multi_vessel_gap": g["is_multi_vessel_gap"],
        "open": g["end_ms"] is None,
        "reception_good": g["reception_good"],
        "dense_prior_reporting": g["dense_prior_reporting"],
    }
    if g["long_gap"] and g["subtype"] != "likely_disabling":
        reasons = [] if g["reception_good"] else ["poor_reception"]
        tags["not_likely_disabling"] = reasons + (
            [] if g["dense_prior_reporting"] else ["sparse_prior_reporting"]
        )
    return tags


def _evidence(g: dict[str, Any]) -> dict[str, Any]:
    before, after = g["draught_before_m"], g["draught_after_m"]
    keys = (
        "scope",
        "start_segment_id",
        "end_segment_id",
        "start_lat",
        "start_lon",
        "end_lat",
        "end_lon",
        "start_row_id",
        "end_row_id",
        "distance_m",
        "implied_speed_kn",
        "typical_speed_kn",
        "typical_speed_source",
        "slack_h",
        "prior_positions",
        "reception_pvh",
        "reception_vessel_hours",
        "reception_cell_deg",
        "other_segments",
    )
    evidence = {k: _rounded(g[k]) for k in keys}
    evidence["draught_before_m"] = before
    evidence["draught_after_m"] = after
    evidence["draught_change_m"] = (
        None if before is None or after is None else round(after - before, 2)
    )
    evidence["reachable_ports"] = g["reachable_ports"] or []
    return evidence


def _rounded(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def _event_row(
    g: dict[str, Any],
    params: GapParams,
    parameters: dict[str, Any],
    id_params: dict[str, Any],
    as_of: str,
) -> dict[str, Any]:
    evidence = _evidence(g) | {"parameters": parameters, "detector_version": DETECTOR_VERSION}
    if g["end_ms"] is None:
        evidence["as_of"] = as_of
    return event_row(
        "gap",
        subtype=g["subtype"],
        mmsi=[g["mmsi"]],
        start=g["start"],
        end=g["end"],
        lat=g["start_lat"],
        lon=g["start_lon"],
        duration_h=round(g["duration_h"], 9),
        profile=params.profile,
        detector_version=DETECTOR_VERSION,
        id_params={"parameters": id_params, "scope": g["scope"]},
        segment_ids=sorted({s for s in (g["start_segment_id"], g["end_segment_id"]) if s}),
        tags=_tags(g),
        evidence=evidence,
    )
