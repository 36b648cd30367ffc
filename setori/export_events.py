"""Write events as JSON lines, CSV, GeoJSON, KML or Parquet (``setori events --format``).

JSON lines carry at least ``id``, ``type``, ``mmsi`` (a list of ints), ``start`` and ``end``
(ISO 8601 UTC with ``Z``), ``lat``, ``lon``, ``tags`` and ``evidence`` (JSON objects). Every
64-bit row id in them (``evidence.first_row_id``, ``last_row_id``, ``start_row_id``…) is a
JSON string: JSON numbers above 2^53 lose digits in most readers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.parquet as pq

from setori.errors import InputError

FORMATS = ("json", "csv", "geojson", "kml", "parquet")
#: The largest integer every JSON reader keeps exactly (JavaScript's Number.MAX_SAFE_INTEGER).
MAX_SAFE_INT = 2**53 - 1


def is_id_key(key: str | None) -> bool:
    """Whether ``key`` names a 64-bit row id (``row_id``, ``first_row_id``, ``prev_row_id``…)."""
    return key is not None and (key == "id" or key.endswith("row_id"))


def json_ids(value: Any, key: str | None = None) -> Any:
    """``value`` ready for JSON: integers under an id key (:func:`is_id_key`) and any
    integer beyond 2^53 become strings, so a reader in any language gets them exactly."""
    if isinstance(value, dict):
        return {k: json_ids(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ids(v, key) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if is_id_key(key) or abs(value) > MAX_SAFE_INT else value
    return value


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" if value else None


def event_records(table: pa.Table) -> Iterator[dict[str, Any]]:
    """Events as plain dicts: times ISO with ``Z``, tags and evidence parsed, 64-bit row ids
    (``evidence.first_row_id``…) as strings (:func:`json_ids`)."""
    for row in table.to_pylist():
        row["start"], row["end"] = _iso(row["start"]), _iso(row["end"])
        row["tags"] = json.loads(row["tags"])
        row["evidence"] = json.loads(row["evidence"])
        yield json_ids(row)


def _geojson(table: pa.Table) -> str:
    features = [
        {
            "type": "Feature",
            "id": record["id"],
            "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]},
            "properties": {k: v for k, v in record.items() if k not in ("lat", "lon")},
        }
        for record in event_records(table)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}) + "\n"


def _kml(table: pa.Table) -> str:
    marks = []
    for r in event_records(table):
        name = f"{r['type']} {'/'.join(str(m) for m in r['mmsi'])}"
        text = f"{r['subtype'] or ''} {r['start']} to {r['end'] or 'ongoing'}"
        marks.append(
            f"<Placemark><name>{escape(name)}</name><description>{escape(text)}</description>"
            f"<TimeSpan><begin>{r['start']}</begin>"
            f"{'<end>' + r['end'] + '</end>' if r['end'] else ''}</TimeSpan>"
            f"<Point><coordinates>{r['lon']},{r['lat']}</coordinates></Point></Placemark>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><name>setori events</name>{''.join(marks)}</Document></kml>\n"
    )


def _csv(table: pa.Table) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = table.column_names
    writer.writerow(columns)
    for record in event_records(table):
        writer.writerow(
            json.dumps(record[c], sort_keys=True)
            if isinstance(record[c], dict | list)
            else record[c]
            for c in columns
        )
    return out.getvalue()


def write_events(table: pa.Table, out: BinaryIO, fmt: str) -> None:
    """Write an events table to ``out`` in ``fmt``."""
    if fmt not in FORMATS:
        raise InputError(f"unknown events format {fmt!r}, expected one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        pq.write_table(table, out)
        return
    if fmt == "json":
        text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in event_records(table))
    else:
        text = {"csv": _csv, "geojson": _geojson, "kml": _kml}[fmt](table)
    out.write(text.encode())
