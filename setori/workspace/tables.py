"""The workspace schema (SQLAlchemy Core). Change it only together with a new migration in
:mod:`setori.workspace.migrations.versions` (tests/test_workspace.py compares the two).

Conventions: times are ISO 8601 UTC text (:func:`setori.workspace.utc_now`); JSON columns
hold canonical JSON text; hashes are lowercase hex SHA-256; every row a person writes
names its analyst.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

Time = sa.String(32)
Hash = sa.String(64)

analysts = sa.Table(
    "analysts",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("created_by", sa.String(200)),  # the analyst who added this one, if any
)

list_versions = sa.Table(
    "list_versions",
    metadata,
    sa.Column("list_id", sa.String(100), primary_key=True),
    sa.Column("version", sa.String(200), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("loaded_at", Time, nullable=False),
    sa.Column("loaded_by", sa.String(200)),
    sa.Column("entities", sa.Integer, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("removed", sa.Integer, nullable=False),
    sa.Column("changed", sa.Integer, nullable=False),
    sa.Column("digest", Hash),  # sha256 over the sorted entity content hashes
    sa.Column("meta", sa.Text),  # JSON
)

hits = sa.Table(
    "hits",
    metadata,
    sa.Column("hit_id", sa.String(64), primary_key=True),  # content-derived
    sa.Column("query_key", sa.String(200), nullable=False),
    sa.Column("query", sa.Text, nullable=False),  # JSON
    sa.Column("entity_id", sa.String(200), nullable=False),
    sa.Column("list_id", sa.String(100), nullable=False),
    sa.Column("list_version", sa.String(200), nullable=False),
    sa.Column("matcher_version", sa.String(50), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("band", sa.String(20), nullable=False),
    sa.Column("features", sa.Text, nullable=False),  # JSON: per-feature reasons
    sa.Column("entity", sa.Text, nullable=False),  # JSON: the listed entity as matched
    sa.Column("created_at", Time, nullable=False),
    sa.Column("created_by", sa.String(200), sa.ForeignKey("analysts.name")),  # null: by screening
    sa.Index("ix_hits_query_entity", "query_key", "entity_id"),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("query_key", sa.String(200), nullable=False),
    sa.Column("entity_id", sa.String(200), nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),  # confirmed | dismissed | reverted
    sa.Column("reason_code", sa.String(50), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("hit_id", sa.String(64), sa.ForeignKey("hits.hit_id")),
    sa.Column("reverts", sa.Integer),  # the decision_id a revert undoes
    sa.Column("decided_at", Time, nullable=False),
    sa.Column("analyst", sa.String(200), sa.ForeignKey("analysts.name"), nullable=False),
    sa.Index("ix_decisions_query_entity", "query_key", "entity_id"),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("case_id", sa.String(64), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # open | review | closed
    sa.Column("created_at", Time, nullable=False),
    sa.Column("created_by", sa.String(200), sa.ForeignKey("analysts.name"), nullable=False),
    sa.Column("head_seq", sa.Integer, nullable=False),  # last log record (appends lock this row)
)

case_log = sa.Table(
    "case_log",
    metadata,
    sa.Column("case_id", sa.String(64), sa.ForeignKey("cases.case_id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("at", Time, nullable=False),
    sa.Column("analyst", sa.String(200), sa.ForeignKey("analysts.name"), nullable=False),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # canonical JSON
    sa.Column("prev_hash", Hash, nullable=False),
    sa.Column("record_hash", Hash, nullable=False),
)

evidence = sa.Table(
    "evidence",
    metadata,
    sa.Column("case_id", sa.String(64), sa.ForeignKey("cases.case_id"), primary_key=True),
    sa.Column("evidence_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # event|vessel|hit|note|file|sighting
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("sha256", Hash, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("meta", sa.Text, nullable=False),  # JSON
    sa.Column("added_at", Time, nullable=False),
    sa.Column("added_by", sa.String(200), sa.ForeignKey("analysts.name"), nullable=False),
)
