"""The unit every reader yields: one bounded batch of canonical rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from setori import schema


@dataclass(slots=True)
class IngestBatch:
    """A bounded slice of one source, already in the canonical schema.

    ``positions`` follows :data:`setori.schema.POSITIONS`, ``statics``
    :data:`setori.schema.STATICS` and ``quarantine`` :data:`setori.schema.QUARANTINE`.
    ``counts`` counts every input unit by outcome (``"position"``, ``"static"``,
    ``"other_type:4"``, and one key per quarantine reason), so nothing is dropped
    silently. ``lines`` is the number of input lines/rows this batch consumed; ``bytes_read``
    how far into the source's file reading has got after it (compressed bytes for gzip, 0
    when unknown), for progress bars.
    """

    positions: pa.Table = field(default_factory=lambda: schema.empty(schema.POSITIONS))
    statics: pa.Table = field(default_factory=lambda: schema.empty(schema.STATICS))
    quarantine: pa.Table = field(default_factory=lambda: schema.empty(schema.QUARANTINE))
    counts: Counter[str] = field(default_factory=Counter)
    lines: int = 0
    bytes_read: int = 0
