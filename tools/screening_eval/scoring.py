"""Run the rows through setori's Screener and the nomenklatura baselines.

Each row runs against its index (``full``: every list entity; ``holdout``: without the
held-out ones). setori alerts on hits in the ``strong`` or ``review`` band among its best
``LIMIT`` hits. The baselines (nomenklatura ``logic-v2`` and ``logic-v1``) score the query,
as an FtM entity, against each of those same candidates (the entities setori returned, in
any band) and alert at ``THRESHOLD``: the comparison isolates scoring, since blocking is
shared. Candidate recall@10 is therefore the same for all three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from followthemoney import model
from followthemoney.proxy import EntityProxy
from nomenklatura.matching import LogicV1, LogicV2
from nomenklatura.matching.types import ScoringAlgorithm

from setori.screen.match import Screener
from tools.screening_eval.rows import EvalRow

LIMIT = 10
THRESHOLD = 0.7
BASELINES: dict[str, type[ScoringAlgorithm]] = {"logic-v2": LogicV2, "logic-v1": LogicV1}
SCORERS = ("setori", *BASELINES)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one scorer made of one row: the alerting ids, and the ranked candidates."""

    row_id: str
    alerts: tuple[str, ...]
    ranked: tuple[str, ...]
    scores: tuple[float, ...]  # of the ranked candidates


class Indexes:
    """The two Screeners every row runs against, and the entities by id."""

    def __init__(self, entities: Mapping[str, EntityProxy], holdout: Iterable[str]) -> None:
        removed = set(holdout)
        self.entities = entities
        self.screeners = {
            "full": Screener(entities.values()),
            "holdout": Screener(e for i, e in entities.items() if i not in removed),
        }

    def setori(self, row: EvalRow) -> Outcome:
        """setori's hits for a row."""
        hits = self.screeners[row.index].screen(row.query, limit=LIMIT)
        return Outcome(
            row_id=row.row_id,
            alerts=tuple(h.entity_id for h in hits if h.match),
            ranked=tuple(h.entity_id for h in hits),
            scores=tuple(round(h.score, 3) for h in hits),
        )


def run_setori(indexes: Indexes, rows: Iterable[EvalRow]) -> Iterator[Outcome]:
    """setori's outcome for every row."""
    for row in rows:
        yield indexes.setori(row)


def run_baseline(
    name: str, indexes: Indexes, rows: Iterable[EvalRow], candidates: Mapping[str, Outcome]
) -> Iterator[Outcome]:
    """A baseline's outcome for every row, over setori's candidates for that row."""
    algorithm = BASELINES[name]
    config = algorithm.default_config()
    for row in rows:
        query = query_entity(row)
        ids = candidates[row.row_id].ranked
        scored = [(algorithm.compare(query, indexes.entities[i], config).score, i) for i in ids]
        scored.sort(key=lambda s: (-s[0], s[1]))
        yield Outcome(
            row_id=row.row_id,
            alerts=tuple(i for s, i in scored if s >= THRESHOLD),
            ranked=tuple(i for _, i in scored),
            scores=tuple(round(s, 3) for s, _ in scored),
        )


def query_entity(row: EvalRow) -> EntityProxy:
    """The row's query as an FtM entity, as a caller of nomenklatura would write it."""
    entity = model.make_entity(row.query.schema)
    entity.id = f"query-{row.row_id}"
    for name in row.query.names:
        entity.add("name", name)
    if row.query.imo and entity.schema.get("imoNumber"):
        entity.add("imoNumber", row.query.imo)
    if row.query.flag and entity.schema.get("flag"):
        entity.add("flag", row.query.flag)
    if row.query.birth_date and entity.schema.get("birthDate"):
        entity.add("birthDate", row.query.birth_date)
    return entity


Runner = Callable[[Iterable[EvalRow]], Iterator[Outcome]]
