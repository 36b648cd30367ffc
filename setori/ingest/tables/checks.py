"""From a raw frame of canonical columns to an :class:`IngestBatch` (shared by every table reader).

The raw frame holds one column per canonical field (strings or typed values), plus
``_line_no`` (1-based line or row number in the input) and ``_row`` (index handed
back to ``raw_text`` to recover a rejected row's text). An optional ``_kind`` column
routes rows: ``"position"`` (default), ``"static"``, ``"both"`` (AIS type 19), or any
other string, which is only counted (e.g. ``"other_type:4"``).

Every row ends in exactly one count bucket: ``"position"``, ``"static"``, its
``_kind``, or the key of the first check it fails (see :func:`_checks`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from setori import schema
from setori.ingest.batch import IngestBatch
from setori.ingest.tables.statics import static_runs, with_derived_dimensions
from setori.ingest.tables.values import (
    FIELD_KINDS,
    as_text,
    cleaned,
    converted,
    num_name,
    parse_times,
    raw_name,
    value_and_flag,
)

RawText = Callable[[npt.NDArray[np.int64]], list[str]]
Check = tuple[pl.Expr, pl.Expr]

_POSITION_KINDS = ["position", "both"]
_ROW_KINDS = ["position", "both", "static"]
_MIN_TS = datetime(schema.MIN_PLAUSIBLE_YEAR, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RowSpec:
    """How to read one layout's raw frame: source labels (for messages) and time formats."""

    labels: Mapping[str, str] = field(default_factory=dict)
    time_format: str | None = None
    eta_format: str | None = None

    def label(self, name: str) -> str:
        """How the input calls canonical column ``name``."""
        return self.labels.get(name, name)


def assemble(raw: pl.DataFrame, spec: RowSpec, source: str, raw_text: RawText) -> IngestBatch:
    """Parse, check and route the rows of ``raw``; see the module docstring."""
    typed = _typed(raw, spec)
    checks = _checks(typed, spec)
    typed = typed.with_columns(_fail=_first_failure(checks))
    rejected = typed.filter(pl.col("_fail").is_not_null()).with_columns(_reason=_reason(checks))
    accepted = typed.filter(pl.col("_fail").is_null()).with_columns(
        line_no=pl.col("_line_no"), source=pl.lit(source)
    )
    positions = accepted.filter(pl.col("_kind").is_in(_POSITION_KINDS))
    statics = static_runs(
        with_derived_dimensions(accepted.filter(pl.col("_kind").is_in(_ROW_KINDS)))
    )
    return IngestBatch(
        positions=to_arrow(positions, schema.POSITIONS),
        statics=to_arrow(statics, schema.STATICS),
        quarantine=_quarantine(rejected, source, raw_text),
        counts=_counts(accepted, rejected),
        lines=raw.height,
    )


def to_arrow(frame: pl.DataFrame, target: pa.Schema) -> pa.Table:
    """The columns of ``target`` from ``frame`` (absent ones null), cast to its types."""
    arrays = [
        frame.get_column(f.name).to_arrow().cast(f.type)
        if f.name in frame.columns
        else pa.nulls(frame.height, f.type)
        for f in target
    ]
    return pa.Table.from_arrays(arrays, schema=target)


def quarantine_table(
    source: str, line_no: list[int], reasons: list[str], raws: list[str]
) -> pa.Table:
    """A :data:`setori.schema.QUARANTINE` table."""
    columns = {
        "source": [source] * len(line_no),
        "line_no": line_no,
        "reason": reasons,
        "raw": raws,
    }
    return pa.Table.from_pydict(columns, schema=schema.QUARANTINE)


def _quarantine(rejected: pl.DataFrame, source: str, raw_text: RawText) -> pa.Table:
    rows = rejected.get_column("_row").to_numpy().astype(np.int64)
    return quarantine_table(
        source,
        rejected.get_column("_line_no").to_list(),
        rejected.get_column("_reason").to_list(),
        raw_text(rows),
    )


def _typed(raw: pl.DataFrame, spec: RowSpec) -> pl.DataFrame:
    """Typed values (sentinels -> null), ``<name>__bad`` flags and ``<name>__raw`` values."""
    parsed = {c: FIELD_KINDS[c] for c in raw.columns if FIELD_KINDS.get(c, "text") != "text"}
    kind = pl.col("_kind") if "_kind" in raw.columns else pl.lit("position")
    frame = raw.with_columns(
        [cleaned(name, raw.schema[name]).alias(raw_name(name)) for name in parsed],
        _kind=kind,
    )
    frame = frame.with_columns(
        converted(name, kind, raw.schema[name]).alias(num_name(name))
        for name, kind in parsed.items()
        if kind not in ("time", "eta")
    )
    frame = frame.with_columns(
        parse_times(frame.get_column(raw_name(name)), _time_format(spec, kind)).alias(
            num_name(name)
        )
        for name, kind in parsed.items()
        if kind in ("time", "eta")
    )
    exprs: list[pl.Expr] = [pl.col("_line_no"), pl.col("_row"), pl.col("_kind")]
    for name in raw.columns:
        if name in parsed:
            exprs.extend(_parsed(name, parsed[name]))
        elif name in FIELD_KINDS:
            exprs.append(as_text(name).alias(name))
    return frame.select(exprs)


def _time_format(spec: RowSpec, kind: str) -> str | None:
    return spec.eta_format if kind == "eta" else spec.time_format


def _parsed(name: str, kind: str) -> list[pl.Expr]:
    if kind == "eta":  # an unreadable ETA is dropped, not a reason to reject the row
        return [pl.col(num_name(name)).alias(name)]
    value, bad = value_and_flag(name, kind)
    raw_text = pl.col(raw_name(name)).cast(pl.String)
    return [value.alias(name), bad.alias(f"{name}__bad"), raw_text.alias(raw_name(name))]


def _checks(typed: pl.DataFrame, spec: RowSpec) -> list[Check]:
    """Quarantine checks in order; the first that fails names the row's reason."""
    is_row = pl.col("_kind").is_in(_ROW_KINDS)
    is_position = pl.col("_kind").is_in(_POSITION_KINDS)
    checks = [(is_row & cond, msg) for cond, msg in _identity_checks(typed, spec)]
    checks += [(is_position & cond, msg) for cond, msg in _position_checks(spec)]
    return checks


def _identity_checks(typed: pl.DataFrame, spec: RowSpec) -> list[Check]:
    """MMSI, time and unparsable-number checks (apply to position and static rows)."""
    checks: list[Check] = [
        _missing("mmsi", spec, "an MMSI"),
        _bad("mmsi", spec, "bad_mmsi", "a positive integer MMSI of at most 9 digits"),
        _missing("ts", spec, "a time"),
        _bad("ts", spec, "bad_time", _time_expected(spec.time_format)),
    ]
    numeric = [c[: -len("__bad")] for c in typed.columns if c.endswith("__bad")]
    checks += [
        _bad(name, spec, "bad_number", "a number") for name in numeric if name not in ("mmsi", "ts")
    ]
    checks.append(_time_range(spec))
    return checks


def _position_checks(spec: RowSpec) -> list[Check]:
    lat, lon = pl.col("lat"), pl.col("lon")
    unavailable = lat.is_null() | lon.is_null() | (lat == 91.0) | (lon == 181.0)
    message = pl.format(
        "position_unavailable: {} = '{}', {} = '{}', expected a position "
        "(empty, lat 91 or lon 181 mean not available)",
        pl.lit(spec.label("lat")),
        pl.col("lat__raw").fill_null(""),
        pl.lit(spec.label("lon")),
        pl.col("lon__raw").fill_null(""),
    )
    return [
        (unavailable, message),
        _out_of_range("lat", spec, 90.0),
        _out_of_range("lon", spec, 180.0),
    ]


def _missing(name: str, spec: RowSpec, expected: str) -> Check:
    key = "missing_time" if name == "ts" else f"missing_{name}"
    message = f"{key}: {spec.label(name)} is empty, expected {expected}"
    return pl.col(f"{name}__raw").is_null(), pl.lit(message)


def _bad(name: str, spec: RowSpec, key: str, expected: str) -> Check:
    message = pl.format(
        f"{key}: {{}} = '{{}}', expected {expected}",
        pl.lit(spec.label(name)),
        pl.col(f"{name}__raw"),
    )
    return pl.col(f"{name}__bad"), message


def _out_of_range(name: str, spec: RowSpec, limit: float) -> Check:
    message = pl.format(
        f"{name}_out_of_range: {{}} = '{{}}', expected -{limit:g} to {limit:g}",
        pl.lit(spec.label(name)),
        pl.col(f"{name}__raw"),
    )
    return pl.col(name).abs() > limit, message


def _time_range(spec: RowSpec) -> Check:
    latest = datetime.now(UTC) + timedelta(days=1)
    ts = pl.col("ts")
    message = pl.format(
        "time_out_of_range: {} = {}, expected {} to {} (now + 1 day)",
        pl.lit(spec.label("ts")),
        ts.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        pl.lit(_MIN_TS.strftime("%Y-%m-%d")),
        pl.lit(latest.strftime("%Y-%m-%dT%H:%M:%SZ")),
    )
    return (ts < _MIN_TS) | (ts > latest), message


def _time_expected(time_format: str | None) -> str:
    if time_format is None:
        return "an ISO 8601 time or unix seconds"
    if time_format.startswith("unix"):
        return f"a number ({time_format})"
    return f"a time in the format {time_format!r}"


def _first_failure(checks: list[Check]) -> pl.Expr:
    """Index of the first failing check (null when the row passes them all)."""
    failures = [
        pl.when(cond.fill_null(False)).then(pl.lit(i, dtype=pl.Int16))
        for i, (cond, _) in enumerate(checks)
    ]
    return pl.coalesce([*failures, pl.lit(None, dtype=pl.Int16)])


def _reason(checks: list[Check]) -> pl.Expr:
    """The message of the failed check (built for rejected rows only)."""
    fail = pl.col("_fail")
    messages = [pl.when(fail == i).then(message) for i, (_, message) in enumerate(checks)]
    return pl.coalesce([*messages, pl.lit(None, dtype=pl.String)])


def _counts(accepted: pl.DataFrame, rejected: pl.DataFrame) -> Counter[str]:
    """One bucket per row: the reason key of a rejected row, else position / static / its kind."""
    kind = pl.col("_kind")
    row_bucket = pl.when(kind == "static").then(pl.lit("static")).otherwise(pl.lit("position"))
    bucket = pl.when(kind.is_in(_ROW_KINDS)).then(row_bucket).otherwise(kind)
    counts: Counter[str] = Counter(dict(accepted.group_by(bucket.alias("b")).len().iter_rows()))
    keys = rejected.select(pl.col("_reason").str.extract(r"^([a-z_]+):", 1).alias("b"))
    counts.update(dict(keys.group_by("b").len().iter_rows()))
    return counts
