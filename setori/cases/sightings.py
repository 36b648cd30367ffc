"""Sightings and imagery detections, matched to AIS tracks; the unexplained ones are dark.

A sighting is a vessel seen at a time and place by something other than its own AIS: a
patrol aircraft or ship report, a satellite SAR or optical detection. Each is compared with
every AIS track at the sighting's time: a vessel's position then is interpolated linearly
between its last AIS position at or before the time and its first at or after, each at
most ``window`` away (only one of them within the window: that position as it is). The
sighting is **explained** by every vessel whose position then lies within ``radius_m``;
a sighting no track explains is a **dark vessel** (a ship present but not broadcasting, or
broadcasting somewhere else). Events whose time span (widened by ``window``) covers the
sighting and whose position lies within ``near_event_m`` are listed beside it.

Accepted input (CSV with a header row, or GeoJSON Point features whose properties carry
the same names; documented in docs/cases.md):

=============  ======================================  ============================
column         meaning                                 also accepted
=============  ======================================  ============================
time           ISO 8601; without an offset it is UTC   timestamp, datetime, ts
lat, lon       WGS 84 degrees (GeoJSON: the geometry)  latitude; lng, longitude
length_m       estimated length, metres (optional)     length
heading_deg    heading, degrees 0-360 (optional)       heading
photo          a file beside the input (optional)      photo_file, image
source         who saw it: "P-3C patrol", "S1A SAR"    platform
ref            the reporter's own id (optional)        id, sighting_id
kind           sighting, sar, optical, report          type
note           free text                               remarks, comment
=============  ======================================  ============================

Rows are validated one by one: a sightings file holds reports (tens to thousands, not
millions of positions) and every bad row needs its own message. Matching, which runs
against the AIS positions, is columnar: :mod:`setori.cases.sighting_match`.

Bad rows (no time, a time that is not ISO 8601, latitude or longitude missing or out of
range, a negative length, a heading outside 0-360, a photo that is not there) are reported
with their line number (CSV, the header being line 1) or feature number (GeoJSON, from 1).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from setori.errors import InputError

SCHEMA = "setori.sighting/1"
COLUMNS = (
    "time",
    "lat",
    "lon",
    "length_m",
    "heading_deg",
    "photo",
    "source",
    "ref",
    "kind",
    "note",
)
ALIASES = {
    "timestamp": "time",
    "datetime": "time",
    "ts": "time",
    "latitude": "lat",
    "lng": "lon",
    "longitude": "lon",
    "length": "length_m",
    "heading": "heading_deg",
    "photo_file": "photo",
    "image": "photo",
    "platform": "source",
    "id": "ref",
    "sighting_id": "ref",
    "type": "kind",
    "remarks": "note",
    "comment": "note",
}
_TEXT = ("photo", "source", "ref", "kind", "note")


@dataclass(frozen=True, slots=True)
class SightingParams:
    """How sightings are matched to AIS (stored in every sighting's evidence)."""

    window: timedelta = timedelta(minutes=30)
    radius_m: float = 1_000.0
    near_event_m: float = 20_000.0

    def as_json(self) -> dict[str, Any]:
        """The parameters as JSON values (the window in seconds)."""
        return {
            "window_s": self.window.total_seconds(),
            "radius_m": self.radius_m,
            "near_event_m": self.near_event_m,
            "method": "linear interpolation between the AIS positions either side of the "
            "sighting time, each at most window_s away (one side only: that position)",
        }


@dataclass(frozen=True, slots=True)
class Sightings:
    """Sightings read from a file: the good rows as columns, the bad rows as messages."""

    path: Path
    table: pl.DataFrame  # row, time (UTC), lat, lon, length_m, heading_deg, photo, …
    errors: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    photos: Mapping[str, Path] = field(default_factory=dict)  # photo as written -> file


def read_sightings(path: Path) -> Sightings:
    """Read a CSV or GeoJSON file of sightings (see the module docstring)."""
    if not path.is_file():
        raise InputError(f"no sightings file at {str(path)!r}")
    if path.suffix.lower() in (".geojson", ".json"):
        raw, unit = _geojson_rows(path), "feature"
    else:
        raw, unit = _csv_rows(path), "line"
    names = {k for row in raw for k in row if k != "_row"}
    ignored = tuple(sorted(names - set(COLUMNS)))
    good, errors = _validate(raw, unit, path.parent)
    photos = {str(p): (path.parent / str(p)) for p in good["photo"].drop_nulls().unique().to_list()}
    return Sightings(path, good, tuple(errors), ignored, photos)


def _canonical_name(name: str) -> str:
    clean = name.strip().lower()
    return ALIASES.get(clean, clean)


def _csv_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            raise InputError(f"{path}: empty file; expected a header row with time,lat,lon")
        rows = []
        for row in reader:
            clean = {_canonical_name(k): v for k, v in row.items() if k is not None}
            rows.append({**clean, "_row": reader.line_num})
    return rows


def _geojson_rows(path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise InputError(f"{path}: expected a GeoJSON FeatureCollection of Point features")
    return [_feature_row(number, f) for number, f in enumerate(features, start=1)]


def _feature_row(number: int, feature: Any) -> dict[str, Any]:
    props = feature.get("properties") or {} if isinstance(feature, dict) else {}
    row = {_canonical_name(k): v for k, v in props.items()}
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if isinstance(geometry, dict) and geometry.get("type") == "Point" and coords:
        row["lon"], row["lat"] = coords[0], coords[1]
    return {**row, "_row": number}


def _validate(
    raw: Sequence[Mapping[str, Any]], unit: str, folder: Path
) -> tuple[pl.DataFrame, list[str]]:
    good: list[dict[str, Any]] = []
    errors: list[str] = []
    for row in raw:
        problems = _row_problems(row, folder)
        if problems:
            errors.append(f"{unit} {row['_row']}: " + "; ".join(problems))
        else:
            good.append(_clean_row(row))
    return _frame(good), errors


def _row_problems(row: Mapping[str, Any], folder: Path) -> list[str]:
    problems = []
    if _time_of(row.get("time")) is None:
        problems.append(f"time {row.get('time')!r} is not ISO 8601 (e.g. 2014-10-02T18:00:00Z)")
    for name, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        value = _number(row.get(name))
        if value is None or not low <= value <= high:
            problems.append(f"{name} {row.get(name)!r} is not a number from {low} to {high}")
    length = _number(row.get("length_m"))
    if _given(row.get("length_m")) and (length is None or length <= 0):
        problems.append(f"length_m {row.get('length_m')!r} is not a positive number")
    heading = _number(row.get("heading_deg"))
    if _given(row.get("heading_deg")) and (heading is None or not 0 <= heading <= 360):
        problems.append(f"heading_deg {row.get('heading_deg')!r} is not from 0 to 360")
    photo = row.get("photo")
    if _given(photo) and not (folder / str(photo)).is_file():
        problems.append(f"photo {photo!r} is not a file beside the sightings file")
    return problems


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _number(value: Any) -> float | None:
    if not _given(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _time_of(value: Any) -> datetime | None:
    if not _given(value):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _clean_row(row: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {
        "row": int(row["_row"]),
        "time": _time_of(row["time"]),
        "lat": _number(row["lat"]),
        "lon": _number(row["lon"]),
        "length_m": _number(row.get("length_m")),
        "heading_deg": _number(row.get("heading_deg")),
    }
    for name in _TEXT:
        value = row.get(name)
        clean[name] = str(value).strip() if _given(value) else None
    return clean


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema: dict[str, Any] = {
        "row": pl.Int64,
        "time": pl.Datetime("us", "UTC"),
        "lat": pl.Float64,
        "lon": pl.Float64,
        "length_m": pl.Float64,
        "heading_deg": pl.Float64,
        **{name: pl.String for name in _TEXT},
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def require_valid(sightings: Sightings, *, skip_bad_rows: bool) -> None:
    """Raise an :class:`InputError` listing the bad rows, unless ``skip_bad_rows``; also when
    no row is good."""
    if sightings.errors and not skip_bad_rows:
        listed = "\n  ".join(sightings.errors[:50])
        more = f"\n  … and {len(sightings.errors) - 50} more" if len(sightings.errors) > 50 else ""
        raise InputError(
            f"{sightings.path}: {len(sightings.errors)} bad row(s); nothing was added "
            f"(fix them, or add the good rows with --skip-bad-rows):\n  {listed}{more}"
        )
    if sightings.table.is_empty():
        raise InputError(f"{sightings.path}: no usable sightings (expected time, lat, lon)")
