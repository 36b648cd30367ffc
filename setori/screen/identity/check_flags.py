"""Flag conflicts: the MMSI's MID against a claimed flag, and DPRK call signs under a
foreign flag (screening.md §3.2, §3.3, §A.5)."""

from __future__ import annotations

from typing import Any

import polars as pl

from setori.geo.mid import mid_of
from setori.screen.identity import codes
from setori.screen.identity.findings import Finding, claim, make_finding
from setori.screen.identity.params import ConflictParams

Row = dict[str, Any]
FLAG_KINDS = ("listed", "registered")
#: A cheap pre-filter; :func:`setori.ids.call_sign_country` decides.
DPRK_SERIES = r"^(HM|P[5-9])"


def mid_flag_mismatch(linked: pl.DataFrame, params: ConflictParams) -> list[Finding]:
    """The flag an MMSI's MID names differs from a flag claimed for the same vessel:
    within one claim (a list giving MMSI and flag), or between a broadcast and the
    listed / registered flags of its hull. One finding per claim, or per hull and MMSI."""
    return _within_claims(linked) + _within_hulls(linked)


def _within_claims(linked: pl.DataFrame) -> list[Finding]:
    hits = linked.filter(pl.col("flag") != pl.col("mid_flag"))
    return [
        make_finding(
            "mid_flag_mismatch",
            f"MMSI {row['mmsi']} carries MID {_mid(row['mmsi'])}, allocated to "
            f"{row['mid_flag']}, but the same claim ({row['kind']} by {row['source']}, "
            f"{row['name']!r}) gives flag {row['flag']}. An MMSI should change with the flag.",
            hull_ids=[row["hull_id"]],
            observation_ids=[row["observation_id"]],
            evidence={"scope": "claim", **_values(row)},
        )
        for row in hits.iter_rows(named=True)
    ]


def _within_hulls(linked: pl.DataFrame) -> list[Finding]:
    flags = (
        linked.filter(pl.col("kind").is_in(FLAG_KINDS), pl.col("flag").is_not_null())
        .group_by("hull_id")
        .agg(
            pl.col("flag").unique().sort().alias("hull_flags"),
            pl.col("source").unique().sort().alias("flag_sources"),
        )
    )
    broadcasts = linked.filter(pl.col("kind") == "broadcast", pl.col("mid_flag").is_not_null())
    hits = broadcasts.join(flags, on="hull_id").filter(
        ~pl.col("mid_flag").is_in(pl.col("hull_flags"))
    )
    rows = hits.sort("observed_from", "observation_id").group_by(
        "hull_id", "mmsi", maintain_order=True
    )
    return [
        _hull_mismatch(row)
        for row in rows.agg(pl.all().first(), ids=pl.col("observation_id")).iter_rows(named=True)
    ]


def _hull_mismatch(row: Row) -> Finding:
    text = (
        f"{claim(row)}: the MMSI carries MID {_mid(row['mmsi'])}, allocated to "
        f"{row['mid_flag']}, but the hull's list or registry records "
        f"({', '.join(row['flag_sources'])}) give flag {', '.join(row['hull_flags'])}."
    )
    return make_finding(
        "mid_flag_mismatch",
        text,
        hull_ids=[row["hull_id"]],
        observation_ids=row["ids"],
        evidence={"scope": "hull", **_values(row), "hull_flags": row["hull_flags"]},
    )


def dprk_call_sign_foreign_flag(linked: pl.DataFrame, params: ConflictParams) -> list[Finding]:
    """A call sign of the DPRK series (``HMA–HMZ``, ``P5A–P9Z``, ITU RR Appendix 42) on a
    vessel whose flag (claimed, else its MMSI's MID) is not KP. One finding per hull,
    call sign and flag."""
    candidates = linked.filter(pl.col("call_sign").str.contains(DPRK_SERIES))
    country = codes.map_unique(candidates["call_sign"], codes.call_sign_country, pl.String())
    flagged = candidates.with_columns(
        call_sign_country=country,
        effective_flag=pl.coalesce("flag", "mid_flag"),
        flag_from=pl.when(pl.col("flag").is_not_null())
        .then(pl.lit("claimed flag"))
        .otherwise(pl.lit("MMSI MID")),
    ).filter(pl.col("call_sign_country") == "KP", pl.col("effective_flag") != "KP")
    rows = flagged.sort("observed_from", "observation_id", nulls_last=True).group_by(
        "hull_id", "call_sign", "effective_flag", maintain_order=True
    )
    return [
        _call_sign(row)
        for row in rows.agg(pl.all().first(), ids=pl.col("observation_id")).iter_rows(named=True)
    ]


def _call_sign(row: Row) -> Finding:
    text = (
        f"Call sign {row['call_sign']} belongs to the DPRK series (HMA–HMZ, P5A–P9Z), "
        f"but the vessel's {row['flag_from']} says {row['effective_flag']} "
        f"({row['kind']}: {claim(row)}). A DPRK call sign under another flag is a "
        "documented sign of a reflagged DPRK hull or a false identity; it can also be a "
        "misconfigured transponder."
    )
    return make_finding(
        "dprk_call_sign_foreign_flag",
        text,
        hull_ids=[row["hull_id"]],
        observation_ids=row["ids"],
        evidence={**_values(row), "flag_from": row["flag_from"]},
    )


def _mid(mmsi: int) -> str:
    return f"{int(mid_of([mmsi])[0]):03d}"


def _values(row: Row) -> Row:
    keys = ("mmsi", "mid_flag", "flag", "call_sign", "name", "imo", "source", "kind")
    return {k: row.get(k) for k in keys}
