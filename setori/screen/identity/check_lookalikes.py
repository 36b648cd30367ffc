"""Look-alikes of listed hulls: a listed IMO broadcast under another name, and AIS
identities with a listed hull's dimensions but another name and IMO (screening.md
§3.4: painting over names and IMO numbers, sister-ship look-alikes)."""

from __future__ import annotations

from typing import Any

import polars as pl

from setori.screen.identity import codes
from setori.screen.identity.findings import Finding, claim, make_finding
from setori.screen.identity.params import ConflictParams

Row = dict[str, Any]
#: Claims whose names count as known names of a listed hull.
KNOWN_NAME_KINDS = ("listed", "former", "registered", "fraudulent")


def listed_imo_other_name(linked: pl.DataFrame, params: ConflictParams) -> list[Finding]:
    """A broadcast of a listed ship IMO under a name none of the listing hull's claims
    (listed, former, registered or fraudulent names) carries, compared folded (case,
    spaces and punctuation ignored). One finding per IMO, MMSI and broadcast name."""
    listed = linked.filter(pl.col("kind") == "listed", pl.col("imo_valid_ship"))
    listed = listed.select("imo", "hull_id").unique()
    known = _known_names(linked, listed)
    broadcasts = linked.filter(pl.col("kind") == "broadcast", pl.col("name").is_not_null())
    broadcasts = broadcasts.with_columns(key=codes.name_key(pl.col("name")))
    unknown = broadcasts.join(listed.select("imo").unique(), on="imo").join(
        known, on=["imo", "key"], how="anti"
    )
    rows = unknown.sort("observed_from", "observation_id").group_by(
        "imo", "mmsi", "key", maintain_order=True
    )
    names = known.group_by("imo").agg(
        pl.col("names").explode().unique().sort(), pl.col("hull_ids").explode().unique()
    )
    found = rows.agg(pl.all().first(), ids=pl.col("observation_id")).join(names, on="imo")
    return [_other_name(row) for row in found.iter_rows(named=True)]


def _known_names(linked: pl.DataFrame, listed: pl.DataFrame) -> pl.DataFrame:
    claims = linked.filter(pl.col("kind").is_in(KNOWN_NAME_KINDS), pl.col("name").is_not_null())
    per_hull = (
        claims.select("hull_id", "name")
        .join(listed, on="hull_id")
        .with_columns(key=codes.name_key(pl.col("name")))
    )
    return per_hull.group_by("imo", "key").agg(
        pl.col("name").unique().alias("names"), pl.col("hull_id").unique().alias("hull_ids")
    )


def _other_name(row: Row) -> Finding:
    text = (
        f"{row['imo']} is a listed vessel's IMO, broadcast {claim(row)}; the listing "
        f"knows it as {', '.join(repr(n) for n in row['names'])}. A listed IMO under "
        "another name is a renamed hull not yet on the list, a painted-over identity, "
        "or a transmitter claiming the listed IMO."
    )
    return make_finding(
        "listed_imo_other_name",
        text,
        hull_ids=[row["hull_id"], *row["hull_ids"]],
        observation_ids=row["ids"],
        evidence={
            "imo": row["imo"],
            "broadcast_name": row["name"],
            "mmsi": row["mmsi"],
            "listed_names": row["names"],
            "observed_from": row["observed_from"],
        },
    )


def dimensions_match_listed(linked: pl.DataFrame, params: ConflictParams) -> list[Finding]:
    """An AIS identity whose length and beam are within tolerance of a listed hull's
    (known from any claim of that hull) while neither its name nor its IMO is one of
    the hull's. A weak lead: many ships share dimensions. One finding per listed hull,
    MMSI and name."""
    hulls = _listed_dimensions(linked, params)
    broadcasts = linked.filter(
        pl.col("kind") == "broadcast", pl.col("length_m") >= params.lookalike_min_length_m
    ).with_columns(key=codes.name_key(pl.col("name")))
    near = broadcasts.join_where(
        hulls,
        (pl.col("length_m") - pl.col("hull_length_m")).abs() <= params.length_tolerance_m,
        (pl.col("beam_m") - pl.col("hull_beam_m")).abs() <= params.beam_tolerance_m,
        pl.col("hull_id") != pl.col("listed_hull_id"),
    )
    other = near.filter(
        ~pl.col("key").fill_null("").is_in(pl.col("hull_keys")),
        ~pl.col("imo").fill_null("").is_in(pl.col("hull_imos")),
    )
    order = ("observed_from", "observation_id", "listed_hull_id", "hull_length_m", "hull_beam_m")
    rows = other.sort(order).group_by("listed_hull_id", "mmsi", "key", maintain_order=True)
    found = rows.agg(pl.all().first(), ids=pl.col("observation_id"))
    return [_lookalike(row, params) for row in found.iter_rows(named=True)]


def _listed_dimensions(linked: pl.DataFrame, params: ConflictParams) -> pl.DataFrame:
    listed = linked.filter(pl.col("kind") == "listed").select("hull_id").unique()
    claims = linked.join(listed, on="hull_id")
    dims = (
        claims.filter(pl.col("length_m").is_not_null(), pl.col("beam_m").is_not_null())
        .select("hull_id", hull_length_m="length_m", hull_beam_m="beam_m")
        .unique()
    )
    identity = claims.group_by("hull_id").agg(
        hull_keys=codes.name_key(pl.col("name")).drop_nulls().unique(),
        hull_imos=pl.col("imo").drop_nulls().unique(),
        hull_names=pl.col("name").filter(pl.col("kind") == "listed").drop_nulls().unique().sort(),
    )
    return dims.join(identity, on="hull_id").rename({"hull_id": "listed_hull_id"})


def _lookalike(row: Row, params: ConflictParams) -> Finding:
    text = (
        f"{claim(row)} reports {row['length_m']:g} × {row['beam_m']:g} m, within "
        f"{params.length_tolerance_m:g} m / {params.beam_tolerance_m:g} m of the listed "
        f"hull {', '.join(repr(n) for n in row['hull_names'])} ({row['hull_length_m']:g} × "
        f"{row['hull_beam_m']:g} m), under another name and IMO. Many ships share "
        "dimensions: a lead for a look-alike or a painted-over identity, not a match."
    )
    return make_finding(
        "dimensions_match_listed",
        text,
        hull_ids=[row["hull_id"], row["listed_hull_id"]],
        observation_ids=row["ids"],
        evidence={
            "broadcast": {k: row[k] for k in ("mmsi", "name", "imo", "length_m", "beam_m")},
            "listed_hull": row["listed_hull_id"],
            "listed_names": row["hull_names"],
            "listed_dimensions_m": [row["hull_length_m"], row["hull_beam_m"]],
        },
    )
