"""The AIS identity rules over static reports: one rule set, one output (detection.md §8.6).

Each rule reads AIS static reports (:data:`setori.schema.STATICS`: ``mmsi``, ``ts``,
``imo``, ``name``, ``ship_type``, dimensions) and returns :class:`Finding` objects that
carry the MMSI and the time span (:attr:`Finding.mmsi`, :attr:`Finding.start`,
:attr:`Finding.end`) beside the evidence. The same findings feed the identity detector
(:mod:`setori.detect.identity` turns each into an ``identity`` event, the kind as
subtype) and the vessel page's conflicts, so a churn is one finding wherever it shows:

* ``name_churn``: ≥ ``churn_min_names`` distinct folded names (:func:`folded_text`) on
  one MMSI within ``churn_window``; overlapping windows make one episode (GFW identity);
* ``invalid_imo``: an (MMSI, IMO) pair whose IMO fails the ship check digit or is not a
  7-digit number (:func:`setori.ids.imo_numbers_check`, IMO Res. A.600(15));
* ``missing_imo``: no IMO ever from a cargo or tanker (AIS ship type 70-89) at least
  ``missing_imo_min_length_m`` long (a stand-in for the 300 GT SOLAS threshold).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import polars as pl
import pyarrow as pa

from setori.ids import imo_numbers_check
from setori.screen.identity.findings import Finding, FindingKind, make_finding
from setori.screen.identity.params import BroadcastParams

#: Names (and other evidence lists) kept per finding.
MAX_EVIDENCE_ITEMS = 10
Rule = Callable[[pl.DataFrame, BroadcastParams], list[Finding]]


def folded_text(column: str) -> pl.Expr:
    """Upper case, non-alphanumerics to spaces, spaces collapsed; empty -> null."""
    text = pl.col(column).str.to_uppercase().str.replace_all(r"[^A-Z0-9]+", " ").str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def name_churn(statics: pl.DataFrame, params: BroadcastParams) -> list[Finding]:
    """``name_churn`` findings, one per MMSI and episode, in MMSI and time order."""
    names = (
        statics.select("mmsi", "ts", folded_text("name").alias("name"))
        .drop_nulls("name")
        .sort("mmsi", "ts")
        .filter(pl.col("name") != pl.col("name").shift(1).over("mmsi").fill_null(""))
    )
    windows = (
        names.rolling("ts", period=params.churn_window, group_by="mmsi")
        .agg(pl.col("name").n_unique().alias("n_names"), pl.col("ts").min().alias("window_start"))
        .filter(pl.col("n_names") >= params.churn_min_names)
    )
    new_episode = pl.col("window_start") > pl.col("ts").shift(1).over("mmsi")
    episodes = (
        windows.sort("mmsi", "ts")
        .with_columns(episode=new_episode.fill_null(True).cum_sum().over("mmsi"))
        .group_by("mmsi", "episode")
        .agg(pl.col("window_start").min(), pl.col("ts").max().alias("window_end"))
    )
    return [
        _churn_finding(names, r, params)
        for r in episodes.sort("mmsi", "episode").iter_rows(named=True)
    ]


def _churn_finding(names: pl.DataFrame, row: dict[str, Any], params: BroadcastParams) -> Finding:
    start, end = row["window_start"], row["window_end"]
    seen = names.filter((pl.col("mmsi") == row["mmsi"]) & pl.col("ts").is_between(start, end))
    first = seen.group_by("name", maintain_order=True).agg(pl.col("ts").min())
    listed = [{"name": n, "first_seen": t.isoformat()} for n, t in first.iter_rows()]
    days = params.churn_window.total_seconds() / 86400
    text = (
        f"MMSI {row['mmsi']} broadcast {len(listed)} names within {days:g} days "
        f"({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC): "
        f"{'; '.join(n['name'] for n in listed[:MAX_EVIDENCE_ITEMS])}. Frequent renames hide "
        "a hull's history or mean several transmitters share the MMSI."
    )
    evidence = {"names": listed[:MAX_EVIDENCE_ITEMS], "n_names": len(listed)}
    return _finding("name_churn", text, row["mmsi"], start, end, evidence)


def invalid_imo(statics: pl.DataFrame, params: BroadcastParams) -> list[Finding]:
    """``invalid_imo`` findings, one per (MMSI, IMO) pair failing the ship check digit."""
    pairs = (
        statics.drop_nulls("imo")
        .group_by("mmsi", "imo")
        .agg(pl.col("ts").min().alias("first"), pl.col("ts").max().alias("last"), pl.len())
        .sort("mmsi", "imo")
    )
    ship, _ = imo_numbers_check(pairs["imo"].to_numpy())
    return [
        _finding(
            "invalid_imo",
            f"MMSI {r['mmsi']} broadcast IMO {r['imo']} in {r['len']} static reports; it "
            "fails the ship check digit or is not a 7-digit number (IMO Res. A.600(15)).",
            r["mmsi"],
            r["first"],
            r["last"],
            {"imo": r["imo"], "n_reports": r["len"], "check": "IMO check digit"},
        )
        for r in pairs.filter(pl.Series(~ship)).iter_rows(named=True)
    ]


def missing_imo(statics: pl.DataFrame, params: BroadcastParams) -> list[Finding]:
    """``missing_imo`` findings: big cargo ships and tankers that never broadcast an IMO."""
    has = set(statics.columns)
    length = pl.col("length_m") if "length_m" in has else pl.lit(None, pl.Float32)
    if {"to_bow_m", "to_stern_m"} <= has:
        length = length.fill_null(pl.col("to_bow_m") + pl.col("to_stern_m"))
    ship_type = pl.col("ship_type") if "ship_type" in has else pl.lit(None, pl.Int16)
    vessels = statics.group_by("mmsi").agg(
        pl.col("imo").drop_nulls().len().alias("n_imo"),
        ship_type.drop_nulls().mode().first().alias("ship_type"),
        length.max().alias("length_m"),
        pl.col("ts").min().alias("first"),
        pl.col("ts").max().alias("last"),
    )
    suspects = vessels.filter(
        (pl.col("n_imo") == 0)
        & pl.col("ship_type").is_between(70, 89)
        & (pl.col("length_m") >= params.missing_imo_min_length_m)
    ).sort("mmsi")
    return [
        _finding(
            "missing_imo",
            f"MMSI {r['mmsi']} (AIS ship type {r['ship_type']}, {r['length_m']:g} m) never "
            "broadcast an IMO number; cargo ships and tankers of this size must carry one.",
            r["mmsi"],
            r["first"],
            r["last"],
            {"ship_type": r["ship_type"], "length_m": r["length_m"]},
        )
        for r in suspects.iter_rows(named=True)
    ]


#: Every rule of the set, by the kind (event subtype) it finds, in the detector's order.
RULES: dict[FindingKind, Rule] = {
    "invalid_imo": invalid_imo,
    "missing_imo": missing_imo,
    "name_churn": name_churn,
}


def broadcast_findings(
    statics: pa.Table | pl.DataFrame,
    params: BroadcastParams | None = None,
    *,
    kinds: tuple[FindingKind, ...] | None = None,
) -> list[Finding]:
    """The findings of the rules named in ``kinds`` (default: all), rule by rule."""
    frame = statics if isinstance(statics, pl.DataFrame) else pl.DataFrame(statics)
    chosen = params or BroadcastParams()
    return [f for kind in kinds or tuple(RULES) for f in RULES[kind](frame, chosen)]


def _finding(
    kind: FindingKind,
    explanation: str,
    mmsi: int,
    start: datetime,
    end: datetime,
    evidence: dict[str, Any],
) -> Finding:
    return make_finding(
        kind,
        explanation,
        hull_ids=(),
        observation_ids=(),
        evidence=evidence,
        mmsi=mmsi,
        start=start,
        end=end,
    )
