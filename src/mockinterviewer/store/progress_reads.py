"""Reading a window of a candidate's graded sessions for the progress page: the newest `size` of them, or
those ending at a given one, with where the window sits among all of them.

However many sessions a candidate has, a request reads a bounded amount: which sessions count, their order
and the counts are answered in SQL (by the (candidate, created_at, id) index), and only the window's grades
and coach overrides are loaded (the newest override per criterion is applied, `store.progress`). A session
counts when one of its questions was gradable or has a coach's override, as `store.progress` counts them.

Who may read them is the caller's to decide (`web.progress_pages`: the candidate, or an assigned coach).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select
from sqlalchemy.orm import Session as OrmSession

from mockinterviewer.store.account_tables import ScoreOverrideRow, UserRow
from mockinterviewer.store.accounts import aware
from mockinterviewer.store.progress import GradedSession, graded_session
from mockinterviewer.store.review import Override, newest
from mockinterviewer.store.session_order import NEWEST_FIRST, OLDEST_FIRST, beyond, position_of
from mockinterviewer.store.store import Store
from mockinterviewer.store.tables import GradeRow, SessionRow
from mockinterviewer.transcript import QuestionGrade


@dataclass(frozen=True)
class ProgressWindow:
    sessions: list[GradedSession]  # the window's graded sessions, oldest first
    total: int  # the candidate's graded sessions, all of them
    first: int  # the window's oldest session is the candidate's `first`-th graded one (1-based; 0: none)
    older_until: str | None  # the session that ends the window just older (None: this one starts at the first)
    newer: bool  # whether newer graded sessions exist
    newer_until: str | None  # the session that ends the window just newer (None with `newer`: the newest window)
    found: bool = True  # False: the asked-for end was not one of the candidate's graded sessions


def _counts() -> ColumnElement[bool]:
    """The session has a question that counts: gradable (`grades.gradable`, not its JSON), or overridden."""
    overridden = exists().where(ScoreOverrideRow.session_id == GradeRow.session_id,
                                ScoreOverrideRow.question_id == GradeRow.question_id)
    return exists().where(GradeRow.session_id == SessionRow.id, or_(GradeRow.gradable, overridden))


def _graded_of(candidate: str) -> Select[str, datetime]:
    """The candidate's sessions that count: id and start."""
    return select(SessionRow.id, SessionRow.created_at).where(SessionRow.candidate == candidate, _counts())


def progress_window(store: Store, candidate: str, size: int, until: str | None = None) -> ProgressWindow:
    """The `size` graded sessions of `candidate` ending at session `until` (included), or the newest ones
    (also when `until` is not one of the candidate's graded sessions: then `found` is False)."""
    graded = _graded_of(candidate)
    with store._tx() as orm:
        end = orm.execute(graded.where(SessionRow.id == until)).first() if until is not None else None
        window = graded if end is None else graded.where(
            beyond(position_of(end.id, end.created_at), newer=False, inclusive=True))
        rows = orm.execute(window.order_by(*NEWEST_FIRST).limit(size + 1)).all()
        shown, older = rows[:size], rows[size:]
        if not shown:
            return ProgressWindow([], 0, 0, None, False, None, found=until is None)
        top = position_of(shown[0].id, shown[0].created_at)
        newer = [] if end is None else orm.execute(
            graded.where(beyond(top, newer=True)).order_by(*OLDEST_FIRST).limit(size + 1)).all()
        newer_count = case((beyond(top, newer=True), 1), else_=0)
        total, above = orm.execute(select(func.count(), func.coalesce(func.sum(newer_count), 0))
                                   .select_from(SessionRow).where(SessionRow.candidate == candidate, _counts())).one()
        sessions = _read(orm, [row.id for row in shown])
    return ProgressWindow(
        sessions=sessions, total=total, first=total - above - len(shown) + 1,
        older_until=older[0].id if older else None, newer=bool(newer),
        newer_until=newer[size - 1].id if len(newer) > size else None, found=until is None or end is not None)


def graded_sessions(store: Store, candidate: str) -> list[GradedSession]:
    """All the candidate's graded sessions, oldest first (`progress_window` reads a bounded number)."""
    with store._tx() as orm:
        return _read(orm, _graded_of(candidate).with_only_columns(SessionRow.id))


def _read(orm: OrmSession, session_ids: Collection[str] | Select[Any]) -> list[GradedSession]:
    """The sessions' grades with their newest overrides applied, oldest first: two queries."""
    grade_rows = orm.execute(
        select(SessionRow.id, SessionRow.created_at, GradeRow.data)
        .join(GradeRow, GradeRow.session_id == SessionRow.id)
        .where(SessionRow.id.in_(session_ids))
        .order_by(*OLDEST_FIRST, GradeRow.position)
    ).all()
    override_rows = orm.execute(
        select(ScoreOverrideRow, UserRow.name)
        .join(UserRow, UserRow.id == ScoreOverrideRow.author_id)
        .where(ScoreOverrideRow.session_id.in_(session_ids))
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
