"""Identifier conflicts: one IMO on two MMSIs at once, company IMOs on vessels,
fraudulent identifiers in use (screening.md §3.1, §3.4, §A.5)."""

from __future__ import annotations

from typing import Any

import polars as pl

from setori.screen.identity.findings import Finding, claim, make_finding
from setori.screen.identity.hulls import simultaneous_imo_claims
from setori.screen.identity.params import ConflictParams

Row = dict[str, Any]
_WHEN = ("mmsi", "name", "observed_from", "observed_to")


def imo_on_two_mmsis(linked: pl.DataFrame, params: ConflictParams) -> list[Finding]:
    """One ship IMO broadcast by two MMSIs at the same time: two transmitters, one hull's
    identity. One finding per IMO and MMSI pair; hulls that list the IMO are named too."""
    pairs = simultaneous_imo_claims(linked, simultaneity=params.simultaneity)
    if pairs.is_empty():
        return []
    others = _non_broadcast(linked, pairs["imo"])
    first = pairs.group_by("imo", "mmsi_a", "mmsi_b", maintain_order=True).agg(
        pl.all().first(), pl.col("observation_id_a", "observation_id_b").name.suffix("_all")
    )
    return [_two_mmsis(row, others.get(row["imo"], [])) for row in first.iter_rows(named=True)]


def _non_broadcast(linked: pl.DataFrame, imos: pl.Series) -> dict[str, list[Row]]:
    found = linked.filter(pl.col("imo").is_in(imos.implode()), pl.col("kind") != "broadcast")
    grouped: dict[str, list[Row]] = {}
    for row in found.select("imo", "hull_id", "observation_id", "kind", "source", "name").rows(
        named=True
    ):
        grouped.setdefault(row["imo"], []).append(row)
    return grouped


def _two_mmsis(row: Row, others: list[Row]) -> Finding:
    listed = "; ".join(f"{o['kind']} by {o['source']} as {o['name']!r}" for o in others)
    text = (
        f"{row['imo']} was broadcast by two transmitters at the same time: "
        f"{claim(row, '_a')} and {claim(row, '_b')}. An IMO number stays with one hull "
        "for life, so at least one of them claims an identity that is not its own"
        + (f"; the IMO is also {listed}." if listed else ".")
    )
    ids = [*row["observation_id_a_all"], *row["observation_id_b_all"]]
    return make_finding(
        "imo_on_two_mmsis",
        text,
        hull_ids=[row["hull_id_a"], row["hull_id_b"], *(o["hull_id"] for o in others)],
        observation_ids=[*ids, *(o["observation_id"] for o in others)],
        evidence={
            "imo": row["imo"],
            "a": {k: row[f"{k}_a"] for k in _WHEN},
            "b": {k: row[f"{k}_b"] for k in _WHEN},
            "overlapping_pairs": len(ids) // 2,
            "other_claims": others,
        },
    )


def company_imo_on_vessel(linked: pl.DataFrame, params: ConflictParams) -> list[Finding]:
    """A vessel claims an IMO that passes only the company / registered-owner check digit.
    One finding per hull and IMO."""
    hits = linked.filter(pl.col("imo_valid_company"), ~pl.col("imo_valid_ship"))
    grouped = hits.sort("observed_from", "observation_id", nulls_last=True).group_by(
        "hull_id", "imo", maintain_order=True
    )
    rows = grouped.agg(pl.all().first(), pl.col("observation_id").alias("ids"), pl.len())
    return [_company(row) for row in rows.iter_rows(named=True)]


def _company(row: Row) -> Finding:
    text = (
        f"{row['imo']} is claimed for a vessel ({row['kind']}: {claim(row)}"
        + (f", and {row['len'] - 1} more claims" if row["len"] > 1 else "")
        + ") but passes only the check digit of IMO company and registered-owner numbers, "
        "not the ship check digit: the vessel uses a company's number, a mistyped number "
        "or an invented one."
    )
    return make_finding(
        "company_imo_on_vessel",
        text,
        hull_ids=[row["hull_id"]],
        observation_ids=row["ids"],
        evidence={"imo": row["imo"], "claims": row["len"], "first": _brief(row)},
    )


def fraudulent_identifier_in_use(linked: pl.DataFrame, params: ConflictParams) -> list[Finding]:
    """An IMO or MMSI a list records as fraudulently used, claimed as its own by another
    hull (broadcast, listed or registered). One finding per fraudulent claim and hull."""
    found: list[Finding] = []
    for column in ("imo", "mmsi"):
        fraud = linked.filter(pl.col("kind") == "fraudulent", pl.col(column).is_not_null())
        own = linked.filter(pl.col("kind").is_in(["broadcast", "listed", "registered"]))
        pairs = fraud.join(own, on=column, suffix="_use").filter(
            pl.col("hull_id") != pl.col("hull_id_use")
        )
        ordered = pairs.sort("observation_id", "hull_id_use", "observation_id_use")
        rows = ordered.group_by("observation_id", "hull_id_use", maintain_order=True).agg(
            pl.all().first(), pl.col("observation_id_use").alias("ids")
        )
        found += [_fraud(row, column) for row in rows.iter_rows(named=True)]
    return found


def _fraud(row: Row, column: str) -> Finding:
    value = row[column]
    text = (
        f"{column.upper()} {value} is recorded by {row['source']} as fraudulently used by "
        f"the vessel of record {row['source_record_id']!r}; another hull claims it as its "
        f"own ({row['kind_use']}: {claim(row, '_use')}). Either that hull is the vessel "
        "of record under another identity, or the identifier is cloned."
    )
    return make_finding(
        "fraudulent_identifier_in_use",
        text,
        hull_ids=[row["hull_id"], row["hull_id_use"]],
        observation_ids=[row["observation_id"], *row["ids"]],
        evidence={"identifier": column, "value": value, "record": row["source_record_id"]},
    )


def _brief(row: Row) -> Row:
    keys = ("kind", "source", "name", "mmsi", "observed_from", "observed_to")
    return {k: row[k] for k in keys}
