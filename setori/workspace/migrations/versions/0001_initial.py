"""The first workspace schema: analysts, list versions, hits, decisions, cases, case log,
evidence.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

_TIME = sa.String(32)
_HASH = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "analysts",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("created_by", sa.String(200)),
    )
    op.create_table(
        "list_versions",
        sa.Column("list_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.String(200), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("loaded_at", _TIME, nullable=False),
        sa.Column("loaded_by", sa.String(200)),
        sa.Column("entities", sa.Integer, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("digest", _HASH),
        sa.Column("meta", sa.Text),
    )
    op.create_table(
        "hits",
        sa.Column("hit_id", sa.String(64), primary_key=True),
        sa.Column("query_key", sa.String(200), nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("list_id", sa.String(100), nullable=False),
        sa.Column("list_version", sa.String(200), nullable=False),
        sa.Column("matcher_version", sa.String(50), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("band", sa.String(20), nullable=False),
        sa.Column("features", sa.Text, nullable=False),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        # created_by null: stored by screening, not by an analyst
        sa.Column("created_by", sa.String(200), sa.ForeignKey("analysts.name")),
    )
    op.create_index("ix_hits_query_entity", "hits", ["query_key", "entity_id"])
    op.create_table(
        "decisions",
        sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("query_key", sa.String(200), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reason_code", sa.String(50), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("hit_id", sa.String(64), sa.ForeignKey("hits.hit_id")),
        sa.Column("reverts", sa.Integer),
        sa.Column("decided_at", _TIME, nullable=False),
        sa.Column("analyst", sa.String(200), sa.ForeignKey("analysts.name"), nullable=False),
    )
    op.create_index("ix_decisions_query_entity", "decisions", ["query_key", "entity_id"])
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("created_by", sa.String(200), sa.ForeignKey("analysts.name"), nullable=False),
        sa.Column("head_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "case_log",
        sa.Column("case_id", sa.String(64), sa.ForeignKey("cases.case_id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("analyst", sa.String(200), sa.ForeignKey("analysts.name"), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", _HASH, nullable=False),
        sa.Column("record_hash", _HASH, nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("case_id", sa.String(64), sa.ForeignKey("cases.case_id"), primary_key=True),
        sa.Column("evidence_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("sha256", _HASH, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("added_at", _TIME, nullable=False),
        sa.Column("added_by", sa.String(200), sa.ForeignKey("analysts.name"), nullable=False),
    )
