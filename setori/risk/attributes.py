"""Attributes of a vessel (not happenings): a DPRK identity, a missing IMO, list hits.

Each is counted once in the vessel's score (:mod:`setori.risk.vessels`), and a DPRK
identity or a strong list hit also marks every event the vessel takes part in
(``dprk_vessel``, detection.md §8.7: "either vessel MID 445, on the watchlist").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

from setori.geo.mid import mid_of
from setori.ids import call_sign_country
from setori.screen.identity import broadcast_findings

DPRK_MID = 445
#: Bands of stored hits that count, best first (setori.screen.model.Band).
HIT_BANDS = ("strong", "review")


@dataclass(frozen=True, slots=True)
class ListHit:
    """A stored screening hit on a vessel's AIS identity (the workspace ``hits`` table)."""

    hit_id: str
    mmsi: int
    band: str
    caption: str
    list_id: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class VesselFacts:
    """What is known of one vessel besides its events.

    ``dprk``: why it has a DPRK identity (empty: it has none); ``missing_imo``: the
    ``missing_imo`` rule's explanation (setori.screen.identity.broadcast_rules), if it holds;
    ``hit``: its best stored list hit of a counted band.
    """

    mmsi: int
    name: str | None = None
    dprk: tuple[str, ...] = ()
    missing_imo: str | None = None
    hit: ListHit | None = None

    @property
    def flagged(self) -> bool:
        """A DPRK identity or a strong list hit: what ``dprk_vessel`` marks events for."""
        return bool(self.dprk) or (self.hit is not None and self.hit.band == "strong")

    def why_flagged(self) -> str:
        parts = list(self.dprk)
        if self.hit is not None and self.hit.band == "strong":
            parts.append(f"strong hit on {self.hit.caption} ({self.hit.list_id})")
        return "; ".join(parts)


def vessel_facts(
    mmsis: Iterable[int],
    statics: pa.Table | pl.DataFrame | None = None,
    hits: Sequence[ListHit] = (),
) -> dict[int, VesselFacts]:
    """Facts of every MMSI in ``mmsis`` from its static reports and stored hits."""
    wanted = sorted({int(m) for m in mmsis})
    frame = _frame(statics)
    names = _last_names(frame)
    signs = _dprk_call_signs(frame)
    missing = {f.mmsi: f.explanation for f in broadcast_findings(frame, kinds=("missing_imo",))}
    best = _best_hits(hits)
    mids = mid_of(wanted).tolist() if wanted else []
    out = {}
    for mmsi, mid in zip(wanted, mids, strict=True):
        dprk = ([f"MID {DPRK_MID} (DPRK flag)"] if mid == DPRK_MID else []) + [
            f"call sign {s} (DPRK series)" for s in signs.get(mmsi, ())
        ]
        out[mmsi] = VesselFacts(
            mmsi=mmsi,
            name=names.get(mmsi),
            dprk=tuple(dprk),
            missing_imo=missing.get(mmsi),
            hit=best.get(mmsi),
        )
    return out


def _frame(statics: pa.Table | pl.DataFrame | None) -> pl.DataFrame:
    if statics is None:
        return pl.DataFrame(
            schema={"mmsi": pl.Int32, "ts": pl.Datetime("ms", "UTC"), "imo": pl.Int32}
        )
    return statics if isinstance(statics, pl.DataFrame) else pl.DataFrame(statics)


def _last_names(frame: pl.DataFrame) -> dict[int, str]:
    if "name" not in frame.columns or frame.is_empty():
        return {}
    last = frame.drop_nulls("name").sort("ts").group_by("mmsi").agg(pl.col("name").last())
    return {int(m): str(n) for m, n in last.iter_rows()}


def _dprk_call_signs(frame: pl.DataFrame) -> dict[int, tuple[str, ...]]:
    if "call_sign" not in frame.columns or frame.is_empty():
        return {}
    pairs = frame.select("mmsi", "call_sign").drop_nulls().unique().sort("mmsi", "call_sign")
    out: dict[int, list[str]] = {}
    for mmsi, sign in pairs.iter_rows():
        if call_sign_country(sign) == "KP":
            out.setdefault(int(mmsi), []).append(str(sign))
    return {m: tuple(s) for m, s in out.items()}


def _best_hits(hits: Sequence[ListHit]) -> dict[int, ListHit]:
    """Per MMSI the hit of the best counted band, then the highest score, then the id."""
    best: dict[int, ListHit] = {}
    for hit in sorted(hits, key=lambda h: (_band_rank(h.band), -h.score, h.hit_id)):
        if hit.band in HIT_BANDS:
            best.setdefault(hit.mmsi, hit)
    return best


def _band_rank(band: str) -> int:
    return HIT_BANDS.index(band) if band in HIT_BANDS else len(HIT_BANDS)


def hit_from_row(row: Mapping[str, Any]) -> ListHit | None:
    """A :class:`ListHit` from a stored hit row (``query`` as JSON text or a dict), or None
    when the query names no MMSI (a name typed by an analyst)."""
    query = row.get("query")
    if isinstance(query, str):
        query = json.loads(query)
    mmsi = (query or {}).get("mmsi")
    if mmsi is None:
        return None
    try:
        number = int(str(mmsi).strip())
    except ValueError:
        return None
    entity = row.get("entity")
    if isinstance(entity, str):
        entity = json.loads(entity)
    caption = row.get("caption") or (entity or {}).get("caption") or str(row["entity_id"])
    return ListHit(
        hit_id=str(row["hit_id"]),
        mmsi=number,
        band=str(row["band"]),
        caption=str(caption),
        list_id=str(row["list_id"]),
        score=float(row.get("score") or 0.0),
    )
