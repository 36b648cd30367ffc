"""Checking the members derived from evidence: each event's detector and positions and each
hit's list entry must say what the evidence item they come from says.

The bag's hashes prove these files are the ones the signer shipped; this check proves the
signer shipped what the frozen evidence holds (a careless or dishonest exporter cannot put
other parameters, positions or list entries beside it). Positions are compared by value
(mmsi, time, lat, lon), not bytes, so another Parquet writer gives the same verdict.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from setori.cases.bundle.bag import BAG
from setori.cases.bundle.members import derived_members
from setori.cases.model import EvidenceItem
from setori.errors import InputError

__all__ = ["check_derived"]

_DERIVED = ("data/positions/", "data/detectors/", "data/lists/")
#: The columns of a positions member compared with the event snapshot.
_COLUMNS = ("mmsi", "time", "lat", "lon")


def _item(entry: Mapping[str, Any], content: bytes) -> EvidenceItem:
    return EvidenceItem(
        str(entry.get("evidence_id")),
        entry.get("kind"),  # type: ignore[arg-type]
        str(entry.get("name")),
        str(entry.get("media_type")),
        str(entry.get("sha256")),
        content,
        str(entry.get("added_at")),
        str(entry.get("added_by")),
        dict(entry.get("meta") or {}),
    )


def _positions(data: bytes) -> Any:
    """The compared columns as one Arrow table of fixed types. Read on the calling thread
    and without pre-buffering (which reads through Arrow's IO thread pool): a pool thread
    still alive at interpreter exit aborts the process ("terminate called without an
    active exception", apache/arrow#34314), seen once in a loaded bench run."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(
        pa.BufferReader(data), columns=list(_COLUMNS), use_threads=False, pre_buffer=False
    )
    return table.select(list(_COLUMNS)).cast(_schema())


def _schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("mmsi", pa.string()),
            ("time", pa.timestamp("us", tz="UTC")),
            ("lat", pa.float64()),
            ("lon", pa.float64()),
        ]
    )


def _same(path: str, shipped: bytes, expected: bytes) -> bool:
    """Whether the shipped member says what the evidence says (unreadable: it does not)."""
    import pyarrow as pa

    try:
        if path.endswith(".parquet"):
            return bool(_positions(shipped).equals(_positions(expected)))
        return bool(json.loads(shipped) == json.loads(expected))
    except (pa.ArrowException, OSError, ValueError, OverflowError, TypeError, KeyError):
        return False


def check_derived(members: Mapping[str, bytes], case: Mapping[str, Any]) -> list[str]:
    """Problems with the positions, detectors and list entries of the bundle."""
    expected: dict[str, tuple[str, bytes]] = {}
    problems: list[str] = []
    for entry in case.get("evidence") or []:
        if not isinstance(entry, Mapping) or entry.get("kind") not in ("event", "hit"):
            continue
        content = members.get(BAG + str(entry.get("path")))
        if content is None:
            continue  # reported by the evidence check
        try:
            derived = derived_members(_item(entry, content))
        except InputError as exc:
            problems.append(f"{BAG + str(entry.get('path'))}: {exc}")
            continue
        for path, data in derived.items():
            expected[path] = (str(entry.get("evidence_id")), data)
    for name in sorted(members):
        path = name.removeprefix(BAG)
        if not path.startswith(_DERIVED):
            continue
        if path not in expected:
            problems.append(f"{name}: derived from no evidence item the bundle holds")
        elif not _same(path, members[name], expected[path][1]):
            evidence_id = expected[path][0]
            problems.append(f"{name}: differs from what evidence {evidence_id} holds")
    for path in sorted(set(expected) - {n.removeprefix(BAG) for n in members}):
        problems.append(f"{BAG + path}: missing (derived from evidence {expected[path][0]})")
    return problems
