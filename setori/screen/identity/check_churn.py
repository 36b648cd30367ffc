"""Identity churn of one ship IMO: broadcast under many identities (name, MMSI) from
several MMSIs within a short window (GFW identity churn; screening.md §3.4 AIS
manipulation).

Churn on one MMSI is the ``name_churn`` rule of :mod:`.broadcast_rules` (the identity
detector's rule); an IMO whose identities all come from one MMSI is that MMSI's churn and
is left to it, so no churn is reported twice.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from setori.screen.identity import codes
from setori.screen.identity.findings import Finding, make_finding
from setori.screen.identity.params import ConflictParams

Row = dict[str, Any]
#: Churn subject -> the fields whose combination is one identity.
SUBJECTS = {"imo": ("name", "mmsi")}


def identity_churn(linked: pl.DataFrame, params: ConflictParams) -> list[Finding]:
    """At least ``churn_min_identities`` distinct broadcast identities (folded name and
    MMSI) of one ship IMO within ``churn_window``, from at least two MMSIs; claims with
    neither field are no identity. One finding per IMO, for its busiest window."""
    return [f for subject in SUBJECTS for f in _churn(linked, subject, params)]


def _churn(linked: pl.DataFrame, subject: str, params: ConflictParams) -> list[Finding]:
    fields = SUBJECTS[subject]
    claims = linked.filter(
        pl.col("kind") == "broadcast",
        pl.col(subject).is_not_null(),
        pl.any_horizontal(pl.col(f).is_not_null() for f in fields),
    )
    claims = claims.filter(pl.col("imo_valid_ship"))
    keyed = (
        _candidates(claims, subject, fields, params)
        .with_columns(
            identity=pl.concat_str(
                codes.name_key(pl.col("name")).fill_null("-"),
                *(pl.col(f).cast(pl.String).fill_null("-") for f in fields[1:]),
                separator="|",
            )
        )
        .sort(subject, "observed_from", "observation_id")
    )
    windows = keyed.rolling("observed_from", period=params.churn_window, group_by=subject).agg(
        n=pl.col("identity").n_unique(),
        n_mmsi=pl.col("mmsi").n_unique(),
        ids=pl.col("observation_id"),
    )
    several = (pl.col("n") >= params.churn_min_identities) & (pl.col("n_mmsi") >= 2)
    busiest = windows.filter(several).sort(
        subject, pl.col("n"), "observed_from", descending=[False, True, False]
    )
    top = busiest.group_by(subject, maintain_order=True).first()
    return [_finding(row, subject, keyed, params) for row in top.iter_rows(named=True)]


def _candidates(
    claims: pl.DataFrame, subject: str, fields: tuple[str, ...], params: ConflictParams
) -> pl.DataFrame:
    """Only subjects with enough distinct identities in all can churn within a window."""
    distinct = pl.struct(codes.name_key(pl.col("name")), *fields[1:]).n_unique()
    return claims.filter(distinct.over(subject) >= params.churn_min_identities)


def _finding(row: Row, subject: str, keyed: pl.DataFrame, params: ConflictParams) -> Finding:
    claims = keyed.filter(pl.col("observation_id").is_in(row["ids"]))
    identities = (
        claims.group_by("identity")
        .agg(pl.col("observed_from").min())
        .sort("observed_from", "identity")
    )
    days = params.churn_window.total_seconds() / 86400
    text = (
        f"{subject.upper()} {row[subject]} was broadcast under {row['n']} identities "
        f"({' | '.join(_fields(subject))}) within {days:g} days up to "
        f"{row['observed_from']:%Y-%m-%d %H:%M} UTC: {'; '.join(identities['identity'])}. "
        "Frequent identity changes hide a hull's history or mean several transmitters "
        "share the identifier."
    )
    return make_finding(
        "identity_churn",
        text,
        hull_ids=claims["hull_id"].to_list(),
        observation_ids=row["ids"],
        evidence={
            subject: row[subject],
            "identities": identities["identity"].to_list(),
            "window_days": days,
            "window_end": row["observed_from"],
        },
    )


def _fields(subject: str) -> tuple[str, ...]:
    return SUBJECTS[subject]
