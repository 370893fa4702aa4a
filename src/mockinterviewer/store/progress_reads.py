"""Reading a candidate's graded sessions for the progress page in two queries, however many there are:
their grades, and the coach overrides on them (the newest per criterion is applied, `store.progress`).

Who may read them is the caller's to decide (`web.progress_pages`: the candidate, or an assigned coach).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from mockinterviewer.store.account_tables import ScoreOverrideRow, UserRow
from mockinterviewer.store.accounts import aware
from mockinterviewer.store.progress import GradedSession, graded_session
from mockinterviewer.store.review import Override, newest
from mockinterviewer.store.store import Store
from mockinterviewer.store.tables import GradeRow, SessionRow
from mockinterviewer.transcript import QuestionGrade


def graded_sessions(store: Store, candidate: str) -> list[GradedSession]:
    """The candidate's sessions that have grades, oldest first, each with its newest overrides applied."""
    with store._tx() as orm:
        grade_rows = orm.execute(
            select(SessionRow.id, SessionRow.created_at, GradeRow.data)
            .join(GradeRow, GradeRow.session_id == SessionRow.id)
            .where(SessionRow.candidate == candidate)
            .order_by(SessionRow.created_at, SessionRow.id, GradeRow.position)
        ).all()
        override_rows = orm.execute(
            select(ScoreOverrideRow, UserRow.name)
            .join(SessionRow, SessionRow.id == ScoreOverrideRow.session_id)
            .join(UserRow, UserRow.id == ScoreOverrideRow.author_id)
            .where(SessionRow.candidate == candidate)
        ).all()
        overrides: dict[str, list[Override]] = {}
        for row, author in override_rows:
            overrides.setdefault(row.session_id, []).append(Override(
                id=row.id, session_id=row.session_id, question_id=row.question_id, criterion_id=row.criterion_id,
                score=row.score, reason=row.reason, author=author, created_at=aware(row.created_at)))
    grades: dict[str, tuple[datetime, list[QuestionGrade]]] = {}
    for session_id, created_at, data in grade_rows:
        grades.setdefault(session_id, (aware(created_at), []))[1].append(QuestionGrade.model_validate(data))
    return [graded_session(session_id, at, session_grades, newest(overrides.get(session_id, [])))
            for session_id, (at, session_grades) in grades.items()]
