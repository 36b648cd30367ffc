"""One labelled screening query (:class:`EvalRow`) and the frozen JSON-lines file of them.

A row is a :class:`~setori.screen.model.Query` with what should come back: the expected
entity id (``None`` for a negative), the ids that are not false alarms (the same
designation in the other list, or list names no name-only query can tell apart), the hard
negatives it tests (``forbidden``: sister ships, same-surname persons, same-stem
companies), which index it runs against (``full``, or ``holdout`` without the held-out
entities whose names make the negatives), its slice, label strength, source and date.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from setori.screen.model import Query, SchemaName

Strength = Literal["STRONG", "MEDIUM", "WEAK"]
IndexName = Literal["full", "holdout"]
QUERY_FIELDS = ("imo", "mmsi", "call_sign", "flag", "birth_date")


@dataclass(frozen=True, slots=True)
class EvalRow:
    """A labelled query: what to screen, what should (and must not) come back, and why."""

    row_id: str
    query: Query
    expected: str | None  # None: a negative, nothing should alert
    acceptable: tuple[str, ...] = ()  # alerts on these are neither hits nor false alarms
    forbidden: tuple[str, ...] = ()  # the hard negatives this row tests
    index: IndexName = "full"
    schema: str = "vessel"  # slice: vessel | person | organization
    perturbation: str = "as_listed"  # slice: how the query was made
    script: str = "latin"  # slice: the query's script
    strength: Strength = "STRONG"
    source: str = ""  # list, entity ids and the property the name came from
    date: str = ""  # the list version(s) the label holds for

    @property
    def slice(self) -> str:
        """``schema/perturbation/script``, the unit every metric is reported for."""
        return f"{self.schema}/{self.perturbation}/{self.script}"

    @property
    def is_positive(self) -> bool:
        """True when the row expects an entity."""
        return self.expected is not None

    def to_json(self) -> dict[str, Any]:
        """The row as plain JSON (empty query fields left out)."""
        query: dict[str, Any] = {"schema": self.query.schema, "names": list(self.query.names)}
        query.update({f: getattr(self.query, f) for f in QUERY_FIELDS if getattr(self.query, f)})
        return {
            "id": self.row_id, "query": query, "expected": self.expected,
            "acceptable": list(self.acceptable), "forbidden": list(self.forbidden),
            "index": self.index, "schema": self.schema, "perturbation": self.perturbation,
            "script": self.script, "strength": self.strength, "source": self.source,
            "date": self.date,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EvalRow:
        """A row from its JSON form."""
        q = data["query"]
        query = Query(
            schema=cast(SchemaName, q["schema"]),
            names=tuple(q.get("names", ())),
            ref=data["id"],
            **{f: q[f] for f in QUERY_FIELDS if f in q},
        )
        return cls(
            row_id=data["id"], query=query, expected=data["expected"],
            acceptable=tuple(data["acceptable"]), forbidden=tuple(data["forbidden"]),
            index=data["index"], schema=data["schema"], perturbation=data["perturbation"],
            script=data["script"], strength=data["strength"], source=data["source"],
            date=data["date"],
        )  # fmt: skip


def write_rows(path: Path, rows: Iterable[EvalRow]) -> int:
    """Write rows as JSON lines (sorted keys, UTF-8); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def read_rows(path: Path) -> Iterator[EvalRow]:
    """The rows of a JSON-lines evaluation set."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield EvalRow.from_json(json.loads(line))
