"""Reassembly of multipart AIS messages (types 5, 19, 24, 6, 8 ...) in file order.

Fragments belong together when they share the stream (``!AIVDM`` / ``!BSVDO`` ...:
talker and formatter), channel, sequence id, fragment count and, when the tag block
has one, the ``g:`` group id (pyais keys on the same fields, less the group id).
Fragment ``n`` must follow fragments ``1..n-1`` of its key; the message is complete
at fragment ``count``. Otherwise the fragments are orphans, quarantined one row per
line (reason ``orphan_fragment``, raw line kept):

* a fragment ``n > 1`` with no pending message, or not the next number;
* a pending message whose key sees a new fragment 1, or whose first fragment is more
  than :data:`MAX_FRAGMENT_GAP_LINES` lines before the fragment being read, or that
  is still open at the end of the file.

The loop below runs once per *fragment* line only (a few percent of a real feed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

#: A message whose fragments are further apart than this is given up as orphans.
MAX_FRAGMENT_GAP_LINES = 1000

MESSAGE_SCHEMA = {
    "line_no": pl.Int64,
    "ts_ms": pl.Int64,
    "receiver": pl.String,
    "raw": pl.String,
    "payload": pl.String,
    "fill_bits": pl.Int8,
    "n_lines": pl.Int64,
}
ORPHAN_SCHEMA = {"line_no": pl.Int64, "raw": pl.String}
FRAGMENT_COLUMNS = ("line_no", "number", "payload", "fill_bits", "ts_ms", "receiver", "line")
KEY_COLUMNS = ("stream", "channel", "seq_id", "count", "group")

Key = tuple[Any, ...]
Fragment = tuple[Any, ...]  # values of FRAGMENT_COLUMNS


@dataclass(slots=True)
class FragmentAssembler:
    """Pending fragments, carried from chunk to chunk."""

    max_gap_lines: int = MAX_FRAGMENT_GAP_LINES
    pending: dict[Key, list[Fragment]] = field(default_factory=dict)
    _messages: list[tuple[Any, ...]] = field(default_factory=list)
    _orphans: list[tuple[int, str]] = field(default_factory=list)

    def feed(self, fragments: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Consume fragment rows (in file order); return (complete messages, orphans)."""
        keys = fragments.select(KEY_COLUMNS).iter_rows()
        values = fragments.select(FRAGMENT_COLUMNS).iter_rows()
        for key, fragment in zip(keys, values, strict=True):
            self._expire(fragment[0])
            self._add(key, fragment)
        return self._drain()

    def flush(self) -> pl.DataFrame:
        """End of file: every pending fragment is an orphan."""
        for parts in self.pending.values():
            self._orphan(parts)
        self.pending.clear()
        return self._drain()[1]

    def _add(self, key: Key, fragment: Fragment) -> None:
        number, count = fragment[1], key[3]
        parts = self.pending.pop(key, None)
        if number == 1:
            if parts is not None:
                self._orphan(parts)
            parts = []
        elif parts is None or len(parts) != number - 1:
            self._orphan([*(parts or []), fragment])
            return
        parts.append(fragment)
        if number == count:
            self._complete(parts)
        else:
            self.pending[key] = parts

    def _expire(self, line_no: int) -> None:
        stale = [
            k for k, parts in self.pending.items() if parts[0][0] < line_no - self.max_gap_lines
        ]
        for key in stale:
            self._orphan(self.pending.pop(key))

    def _complete(self, parts: list[Fragment]) -> None:
        receiver = next((p[5] for p in parts if p[5] is not None), None)
        self._messages.append(
            (
                parts[-1][0],
                parts[0][4],
                receiver,
                "\n".join(p[6] for p in parts),
                "".join(p[2] for p in parts),
                parts[-1][3],
                len(parts),
            )
        )

    def _orphan(self, parts: list[Fragment]) -> None:
        self._orphans.extend((p[0], p[6]) for p in parts)

    def _drain(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        messages = pl.DataFrame(self._messages, schema=MESSAGE_SCHEMA, orient="row")
        orphans = pl.DataFrame(self._orphans, schema=ORPHAN_SCHEMA, orient="row")
        self._messages, self._orphans = [], []
        return messages, orphans
