"""Arrow schemas of ranked vessels and events (what ``setori.risk`` returns)."""

from __future__ import annotations

import pyarrow as pa

#: One reason of a breakdown: its points, rule and words, and what it rests on.
REASON = pa.struct(
    [
        pa.field("points", pa.int64(), nullable=False),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("event_id", pa.string()),
        pa.field("hit_id", pa.string()),
        pa.field("attribute", pa.string()),
        pa.field("mmsi", pa.int32()),
    ]
)

#: Vessels ranked by score (the sum of ``breakdown.points``).
VESSEL_RISK = pa.schema(
    [
        pa.field("mmsi", pa.int32(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("score", pa.int64(), nullable=False),
        pa.field("events", pa.int64(), nullable=False),
        pa.field("breakdown", pa.list_(REASON), nullable=False),
    ]
)

#: Events ranked by score.
EVENT_RISK = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("type", pa.string(), nullable=False),
        pa.field("subtype", pa.string()),
        pa.field("mmsi", pa.list_(pa.int32()), nullable=False),
        pa.field("start", pa.timestamp("ms", tz="UTC"), nullable=False),
        pa.field("end", pa.timestamp("ms", tz="UTC")),
        pa.field("lat", pa.float64()),
        pa.field("lon", pa.float64()),
        pa.field("score", pa.int64(), nullable=False),
        pa.field("breakdown", pa.list_(REASON), nullable=False),
    ]
)
