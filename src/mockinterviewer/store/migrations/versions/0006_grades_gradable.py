"""Whether each graded question was gradable, as a column beside its grade's JSON (`grades.gradable`) with
an index on (session_id, gradable), so the progress page tells which sessions count in SQL from an index,
without reading any grade's JSON; filled in from the JSON for grades stored before this revision (a grade
without the flag was gradable).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("grades") as batch:  # SQLite cannot add a NOT NULL column in place otherwise
        batch.add_column(sa.Column("gradable", sa.Boolean(), nullable=False, server_default=sa.true()))
    grades = sa.table("grades", sa.column("data", sa.JSON()), sa.column("gradable", sa.Boolean()))
    op.get_bind().execute(grades.update().where(grades.c.data["gradable"].as_boolean().is_(False))
                          .values(gradable=False))
    op.create_index("ix_grades_session_id_gradable", "grades", ["session_id", "gradable"])


def downgrade() -> None:
    op.drop_index("ix_grades_session_id_gradable", "grades")
    with op.batch_alter_table("grades") as batch:
        batch.drop_column("gradable")
