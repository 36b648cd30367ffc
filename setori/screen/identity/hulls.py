"""Link observations into hulls: connected components over identity evidence.

A hull is a physical vessel as far as the evidence goes; an identity (name, IMO, MMSI)
can be claimed by several hulls (cloning, laundering: screening.md §3.4, §A.3). Two
observations belong to one hull when any of these holds (and, transitively, through
chains of them):

1. **one list record**: non-broadcast claims of the same ``(source, source_record_id)``
   (a list row describes one vessel);
2. **one valid IMO**: the same canonical IMO passing the *ship* check digit, on
   ``listed``, ``registered`` or ``broadcast`` claims (an IMO is permanent and never
   reused, §3.1). A company-only or invalid number links nothing, nor does a
   ``fraudulent`` or ``former`` claim;
3. **MMSI and name continuity**: the same MMSI with the same folded name on
   ``listed``, ``registered`` or ``broadcast`` claims;
4. **compatible consecutive runs**: a broadcast and the previous broadcast of the same
   MMSI in the same source when no identity field contradicts (each of name, IMO, call
   sign, length and beam is equal or null on one side): a report whose name did not
   decode continues the run before it.

An IMO broadcast by two MMSIs at the same time (:func:`simultaneous_imo_claims`) is
*contested*: it links nothing, and the conflict layer reports it, because merging would
hide that two transmitters claim one identity.

The components are found column-wise (hooking and pointer jumping over an edge list,
Shiloach-Vishkin style); a hull's id is ``hull-`` and 16 hex digits of SHA-256 over the
smallest ``observation_id`` in it, so ids do not depend on input order.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import numpy as np
import numpy.typing as npt
import polars as pl

from setori.screen.identity import codes

Ints = npt.NDArray[np.int64]
LINKING_KINDS = ("listed", "registered", "broadcast")


def link_hulls(
    observations: pl.DataFrame, *, simultaneity: timedelta = timedelta(0)
) -> pl.DataFrame:
    """The observations, sorted by ``observation_id``, with ``hull_id`` filled.

    ``simultaneity``: two broadcasts of one IMO by different MMSIs whose time spans are
    closer than this count as simultaneous (0: the spans must overlap).
    """
    frame = observations.sort("observation_id").with_row_index("_i")
    contested = simultaneous_imo_claims(frame, simultaneity=simultaneity)["imo"].unique()
    roots = _components(frame.height, _edges(frame, contested))
    ids = frame["observation_id"].gather(roots)
    hull_ids = codes.map_unique(ids, _hull_id, pl.String())
    return frame.with_columns(hull_id=hull_ids).drop("_i")


def simultaneous_imo_claims(
    observations: pl.DataFrame, *, simultaneity: timedelta = timedelta(0)
) -> pl.DataFrame:
    """Pairs of broadcasts of one ship-valid IMO by two MMSIs whose time spans overlap
    (or come within ``simultaneity``): columns ``imo`` and ``*_a`` / ``*_b`` of
    ``observation_id``, ``hull_id``, ``mmsi``, ``name``, ``source``, ``observed_from``,
    ``observed_to``, with ``mmsi_a < mmsi_b``. Use the same ``simultaneity`` here, in
    :func:`link_hulls` and in ``ConflictParams``."""
    cols = ("observation_id", "hull_id", "mmsi", "name", "source", "observed_from", "observed_to")
    claims = observations.filter(
        pl.col("kind") == "broadcast", pl.col("imo_valid_ship"), pl.col("mmsi").is_not_null()
    ).select("imo", *cols)
    pairs = claims.join(claims, on="imo", suffix="_b").rename({c: f"{c}_a" for c in cols})
    return pairs.filter(
        pl.col("mmsi_a") < pl.col("mmsi_b"),
        pl.col("observed_from_a") <= pl.col("observed_to_b") + simultaneity,
        pl.col("observed_from_b") <= pl.col("observed_to_a") + simultaneity,
    ).sort("imo", "observation_id_a", "observation_id_b")


def _edges(frame: pl.DataFrame, contested: pl.Series) -> pl.DataFrame:
    linking = pl.col("kind").is_in(LINKING_KINDS)
    keys = [
        (pl.col("kind") != "broadcast", ("source", "source_record_id")),
        (linking & pl.col("imo_valid_ship") & ~pl.col("imo").is_in(contested.implode()), ("imo",)),
        (linking & pl.col("mmsi").is_not_null(), ("mmsi", "_name")),
    ]
    named = frame.with_columns(_name=codes.name_key(pl.col("name")))
    stars = [
        named.filter(when, *(pl.col(k).is_not_null() for k in key)).select(
            u=pl.col("_i"), v=pl.col("_i").min().over(key)
        )
        for when, key in keys
    ]
    return pl.concat([*stars, _continuity(named)]).filter(pl.col("u") != pl.col("v"))


def _continuity(named: pl.DataFrame) -> pl.DataFrame:
    group = ("source", "mmsi")
    fields = ("_name", "imo", "call_sign", "length_m", "beam_m")
    runs = named.filter(pl.col("kind") == "broadcast").sort(*group, "observed_from", "_i")
    runs = runs.with_columns(pl.col(*fields, "_i").shift().over(group).name.prefix("_prev"))
    agree = [
        pl.col(f).is_null() | pl.col(f"_prev{f}").is_null() | (pl.col(f) == pl.col(f"_prev{f}"))
        for f in fields
    ]
    return runs.filter(pl.col("_prev_i").is_not_null(), *agree).select(
        u=pl.col("_i"), v=pl.col("_prev_i")
    )


def _components(n: int, edges: pl.DataFrame) -> Ints:
    """For each node, the smallest node of its connected component."""
    parent = np.arange(n, dtype=np.int64)
    u = edges["u"].to_numpy().astype(np.int64)
    v = edges["v"].to_numpy().astype(np.int64)
    while True:
        pu, pv = parent[u], parent[v]
        if np.array_equal(pu, pv):
            return parent
        np.minimum.at(parent, np.maximum(pu, pv), np.minimum(pu, pv))
        parent = _compress(parent)


def _compress(parent: Ints) -> Ints:
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return parent
        parent = grand


def _hull_id(observation_id: str) -> str:
    return f"hull-{hashlib.sha256(observation_id.encode()).hexdigest()[:16]}"


def hull_summary(linked: pl.DataFrame) -> pl.DataFrame:
    """One row per hull: its observations counted, the distinct values claimed (sorted
    lists) and the span of its dated claims."""
    listed = ("kind", "source", "name", "imo", "mmsi", "call_sign", "flag", "mid_flag")
    return (
        linked.group_by("hull_id")
        .agg(
            pl.len().alias("n_observations"),
            *(pl.col(c).drop_nulls().unique().sort().alias(f"{c}s") for c in listed),
            first_observed=pl.col("observed_from").min(),
            last_observed=pl.col("observed_to").max(),
        )
        .sort("hull_id")
    )
