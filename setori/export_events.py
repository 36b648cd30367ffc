"""Write events as JSON lines, CSV, GeoJSON, KML or Parquet (``setori events --format``).

JSON lines carry at least ``id``, ``type``, ``mmsi`` (a list of ints), ``start`` and ``end``
(ISO 8601 UTC with ``Z``), ``lat``, ``lon``, ``tags`` and ``evidence`` (JSON objects).
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


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" if value else None


def event_records(table: pa.Table) -> Iterator[dict[str, Any]]:
    """Events as plain dicts: times ISO with ``Z``, tags and evidence parsed."""
    for row in table.to_pylist():
        row["start"], row["end"] = _iso(row["start"]), _iso(row["end"])
        row["tags"] = json.loads(row["tags"])
        row["evidence"] = json.loads(row["evidence"])
        yield row


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
