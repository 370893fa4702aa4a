"""Accounts (users, coach↔candidate assignments) and coach review (score overrides, turn comments).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _user(name: str, *, index: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=index)


def _session() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False,
                     index=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('coach', 'candidate')", name="ck_user_role"),
    )
    op.create_table(
        "assignments",
        sa.Column("coach_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                  index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "score_overrides",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _session(),
        sa.Column("question_id", sa.String(80), nullable=False),
        sa.Column("criterion_id", sa.String(80), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _user("author_id"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "turn_comments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _session(),
        sa.Column("turn_index", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), sa.ForeignKey("turn_comments.id", ondelete="CASCADE"), nullable=True,
                  index=True),
        sa.Column("text", sa.Text(), nullable=False),
        _user("author_id"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("turn_comments")
    op.drop_table("score_overrides")
    op.drop_table("assignments")
    op.drop_table("users")
