"""Three fixes of issue 11: static report ids that keep nulls in place, 64-bit ids written as
JSON strings, and ISO codes in ``tags.flags``."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pytest

from setori import schema
from setori.store import db as store_db
from setori.store.writes import LEGACY_STATIC_ID_SQL, write_batch

T0 = datetime(2014, 10, 2, 16, 30, tzinfo=UTC)

# --- static_id -----------------------------------------------------------------------------


def _statics(*rows: dict[str, Any]) -> pa.Table:
    base = {name: None for name in schema.STATICS.names}
    full = [
        base | {"mmsi": 212123000, "ts": T0, "source": "t", "line_no": i} | r
        for i, r in enumerate(rows, 1)
    ]
    return pa.Table.from_pylist(full, schema=schema.STATICS)


def _write(con: Any, statics: pa.Table, batch_no: int = 0) -> int:
    added = write_batch(
        con,
        source="t",
        batch_no=batch_no,
        positions=schema.empty(schema.STORED_POSITIONS),
        statics=statics,
        quarantine=schema.empty(schema.QUARANTINE),
        counts=Counter(static=statics.num_rows),
        lines=statics.num_rows,
    )
    return added.new_statics


@pytest.mark.parametrize(
    "a, b",
    [
        ({"to_bow_m": 10}, {"to_stern_m": 10}),  # the same number in another field
        ({"name": "STOC MARCIA"}, {"call_sign": "STOC MARCIA"}),
        ({"name": "A|B"}, {"name": "A", "call_sign": "B"}),  # a separator inside a value
        ({"imo": 9390305, "name": None}, {"imo": None, "name": "9390305"}),
    ],
)
def test_static_reports_differing_only_in_where_a_null_sits_are_both_kept(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    con = store_db.connect(":memory:")
    assert _write(con, _statics(a, b)) == 2
    assert con.sql("SELECT count(DISTINCT static_id) FROM statics").fetchall() == [(2,)]
    assert _write(con, _statics(a, b), batch_no=1) == 0  # still idempotent


def test_a_store_with_legacy_ids_gets_nothing_twice_on_a_re_read() -> None:
    con = store_db.connect(":memory:")
    reports = _statics({"name": "STOC MARCIA", "imo": 9390305}, {"to_bow_m": 10})
    assert _write(con, reports) == 2
    con.sql(f"UPDATE statics SET static_id = {LEGACY_STATIC_ID_SQL}")  # as an old store holds
    assert _write(con, reports, batch_no=1) == 0
    # ... while a report whose legacy id collides with a stored one is still added
    assert _write(con, _statics({"to_stern_m": 10}), batch_no=2) == 1
    assert con.sql("SELECT count(*) FROM statics").fetchall() == [(3,)]
