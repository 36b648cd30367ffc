"""AIS static reports -> broadcast claims: one claim per run of one identity on one MMSI.

A run is a maximal sequence of consecutive static reports (ordered by time) of one MMSI
in one source whose identity, ``(imo, name, call_sign, length_m, beam_m)``, does not
change. ``A, A, B, A`` is three runs: a transmitter that flips between identities shows
as churn, not as one merged claim.

Class B transmitters split their identity over two messages (ITU-R M.1371-5, message 24:
part A carries the name, part B the call sign and dimensions). Within the type-24
reports of one MMSI, each part's fields are carried to the other part's reports (forward,
then backward for reports before the first of the other part), so a class B vessel
makes one run, not an alternation of "name only" and "call sign only".
"""

from __future__ import annotations

import polars as pl
import pyarrow as pa

from setori.errors import InputError
from setori.screen.identity import codes

IDENTITY = ("imo", "name", "call_sign", "length_m", "beam_m")
_PART_A = ("name",)
_PART_B = ("call_sign", "length_m", "beam_m")
_ORDER = ("source", "mmsi", "ts", "line_no", *IDENTITY)
NEEDED = (*_ORDER, "msg_type", "ship_type")


def broadcast_claims(statics: pa.Table | pl.DataFrame) -> pl.DataFrame:
    """The claimed columns of one broadcast observation per run (see the module doc)."""
    frame = statics if isinstance(statics, pl.DataFrame) else pl.DataFrame(statics)
    missing = [c for c in NEEDED if c not in frame.columns]
    if missing:
        raise InputError(f"statics lack columns {missing}; expected setori.schema.STATICS")
    reports = _class_b_filled(_canonical(frame).sort(_ORDER, nulls_last=True))
    return _claims(_runs(reports))


def _canonical(frame: pl.DataFrame) -> pl.DataFrame:
    text = {c: pl.col(c).str.strip_chars().replace("", None) for c in ("name", "call_sign")}
    return frame.select(
        "source",
        "mmsi",
        "ts",
        "line_no",
        "msg_type",
        "ship_type",
        raw_imo=pl.col("imo"),
        imo=codes.imos_from_ais(frame["imo"]),
        name=text["name"],
        call_sign=text["call_sign"].str.to_uppercase(),
        length_m=pl.col("length_m"),
        beam_m=pl.col("beam_m"),
    )


def _class_b_filled(reports: pl.DataFrame) -> pl.DataFrame:
    rows = reports.select(pl.arg_where(pl.col("msg_type") == 24)).to_series()
    if rows.is_empty():
        return reports
    parts = (*_PART_A, *_PART_B)
    filled = reports[rows].select(
        pl.col(parts).forward_fill().backward_fill().over("source", "mmsi")
    )
    return reports.with_columns(reports[c].scatter(rows, filled[c]) for c in parts)


def _runs(reports: pl.DataFrame) -> pl.DataFrame:
    """Runs over reports sorted by source, MMSI and time: a run starts where the source,
    the MMSI or any identity field differs from the report before."""
    same = [pl.col(c).eq_missing(pl.col(c).shift()) for c in ("source", "mmsi", *IDENTITY)]
    run = (~pl.all_horizontal(same)).cum_sum().alias("run")
    return (
        reports.with_columns(run)
        .group_by("run", maintain_order=True)
        .agg(
            pl.col("source", "mmsi", *IDENTITY).first(),
            pl.col("raw_imo").first(),
            pl.col("ship_type").drop_nulls().first(),
            pl.col("msg_type").unique().sort().alias("msg_types"),
            observed_from=pl.col("ts").min(),
            observed_to=pl.col("ts").max(),
            n_reports=pl.len(),
            first_line_no=pl.col("line_no").first(),
            last_line_no=pl.col("line_no").last(),
        )
    )


def _claims(runs: pl.DataFrame) -> pl.DataFrame:
    raw = pl.struct(
        "mmsi",
        imo=pl.col("raw_imo"),
        name=pl.col("name"),
        call_sign=pl.col("call_sign"),
        ship_type=pl.col("ship_type"),
        length_m=pl.col("length_m"),
        beam_m=pl.col("beam_m"),
        msg_types=pl.col("msg_types"),
        first_line_no=pl.col("first_line_no"),
        last_line_no=pl.col("last_line_no"),
    ).struct.json_encode()
    return runs.select(
        source=pl.format("ais:{}", "source"),
        source_record_id=pl.format("{}:{}", "mmsi", "first_line_no"),
        observed_from=pl.col("observed_from"),
        observed_to=pl.col("observed_to"),
        name=pl.col("name"),
        imo=pl.col("imo"),
        mmsi=pl.col("mmsi"),
        call_sign=pl.col("call_sign"),
        flag=pl.lit(None, pl.String),
        length_m=pl.col("length_m"),
        beam_m=pl.col("beam_m"),
        kind=pl.lit("broadcast"),
        raw=raw,
        n_reports=pl.col("n_reports"),
    )
