"""Identity observations: build the claim table from AIS statics and from list entities.

Each builder returns a Polars frame of :data:`OBSERVATIONS` (see
:mod:`setori.screen.identity.columns` for the columns), sorted by ``observation_id``,
``hull_id`` null. Concatenate the frames of several sources with
:func:`concat_observations` and link them with :func:`setori.screen.identity.link_hulls`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from setori.screen.identity.ais_runs import broadcast_claims
from setori.screen.identity.columns import OBSERVATIONS, SCHEMA, empty, finish
from setori.screen.identity.list_claims import entity_claims

if TYPE_CHECKING:  # the detectors import this package and need no screening stack
    from followthemoney.proxy import EntityProxy

__all__ = [
    "OBSERVATIONS",
    "concat_observations",
    "observations_from_entities",
    "observations_from_statics",
]


def observations_from_statics(statics: pa.Table | pl.DataFrame) -> pl.DataFrame:
    """One ``broadcast`` observation per run of one identity on one MMSI in one source.

    ``statics`` follows :data:`setori.schema.STATICS` (AIS types 5, 19 and 24). The
    observation spans the run's first and last report (``observed_from`` /
    ``observed_to``), counts them (``n_reports``), and keeps the first report's raw
    values. AIS carries no flag: ``flag`` stays null and the flag the MMSI's MID names is
    recorded in ``mid_flag``. Column work only: no Python object per report.
    """
    if len(statics) == 0:
        return empty()
    return finish(broadcast_claims(statics))


def observations_from_entities(
    entities: Iterable[EntityProxy], list_id: str, *, listed_at: datetime | None = None
) -> pl.DataFrame:
    """``listed``, ``former`` and ``fraudulent`` observations of the ``Vessel`` entities.

    ``list_id`` becomes the ``source`` (e.g. ``"us_ofac_sdn"``) and the entity id the
    ``source_record_id``; ``listed_at`` (the list's publication time, UTC) bounds listed
    and fraudulent claims. Other schemata are skipped. See
    :mod:`setori.screen.identity.list_claims` for the property mapping.
    """
    claims = entity_claims(entities, list_id, listed_at)
    if not claims:
        return empty()
    frame = pl.DataFrame(claims, schema_overrides=_claim_schema(), strict=False)
    return finish(frame.with_columns(_missing_columns(frame)))


def concat_observations(frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """Several observation frames as one, sorted by ``observation_id``, duplicates dropped."""
    found = [f.select(SCHEMA.names()) for f in frames]
    if not found:
        return empty()
    return pl.concat(found).unique("observation_id", keep="first").sort("observation_id")


def _claim_schema() -> dict[str, pl.DataType]:
    claimed = ("source", "source_record_id", "kind", "observed_from", "observed_to")
    names = (*claimed, "name", "imo", "mmsi", "call_sign", "flag", "raw")
    return {n: SCHEMA[n] for n in names}


def _missing_columns(frame: pl.DataFrame) -> list[pl.Expr]:
    wanted = ("name", "imo", "mmsi", "call_sign", "flag", "length_m", "beam_m", "n_reports")
    return [pl.lit(None, SCHEMA[c]).alias(c) for c in wanted if c not in frame.columns]
