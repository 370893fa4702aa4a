"""The sessions list filtered and paged in SQL: each session's score as a column, the rounds its plan
holds as rows, and the indexes its queries use (newest first, for all or for some candidates, by status).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    op.add_column("sessions", sa.Column("score", sa.Float(), nullable=True))
    op.create_index("ix_sessions_created_at_id", "sessions", ["created_at", "id"])
    op.create_index("ix_sessions_candidate_created_at_id", "sessions", ["candidate", "created_at", "id"])
    op.create_index("ix_sessions_candidate_status_created_at_id", "sessions",
                    ["candidate", "status", "created_at", "id"])
    op.create_table(
        "session_rounds",
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("round_id", sa.String(80), primary_key=True, index=True),
    )
    _fill(op.get_bind())


def _fill(connection: sa.Connection) -> None:
    """The rounds and scores of the sessions stored before this revision."""
    from mockinterviewer.store.review import Override, newest, session_totals
    from mockinterviewer.transcript import QuestionGrade

    meta = sa.MetaData()
    sessions = sa.Table("sessions", meta, autoload_with=connection)
    rounds = sa.Table("session_rounds", meta, autoload_with=connection)
    grades = sa.Table("grades", meta, autoload_with=connection)
    overrides = sa.Table("score_overrides", meta, autoload_with=connection)
    pairs: list[dict[str, Any]] = []
    for session_id, plan in connection.execute(sa.select(sessions.c.id, sessions.c.plan)):
        for round_id in dict.fromkeys(r.get("round_id") for r in (plan or {}).get("rounds", [])):
            if isinstance(round_id, str):
                pairs.append({"session_id": session_id, "round_id": round_id})
        if len(pairs) >= BATCH:
            connection.execute(rounds.insert(), pairs)
            pairs = []
    if pairs:
        connection.execute(rounds.insert(), pairs)
    graded: dict[str, list[QuestionGrade]] = {}
    for session_id, data in connection.execute(
            sa.select(grades.c.session_id, grades.c.data).order_by(grades.c.session_id, grades.c.position)):
        graded.setdefault(session_id, []).append(QuestionGrade.model_validate(data))
    coached: dict[str, list[Override]] = {}
    for o in connection.execute(sa.select(overrides).order_by(overrides.c.id)):
        coached.setdefault(o.session_id, []).append(Override(
            id=o.id, session_id=o.session_id, question_id=o.question_id, criterion_id=o.criterion_id,
            score=o.score, reason="", author="", created_at=o.created_at))
    for session_id, session_grades in graded.items():
        total = session_totals(session_id, session_grades, newest(coached.get(session_id, [])))
        connection.execute(sessions.update().where(sessions.c.id == session_id).values(score=total.score))


def downgrade() -> None:
    op.drop_table("session_rounds")
    op.drop_index("ix_sessions_candidate_status_created_at_id", "sessions")
    op.drop_index("ix_sessions_candidate_created_at_id", "sessions")
    op.drop_index("ix_sessions_created_at_id", "sessions")
    op.drop_column("sessions", "score")
