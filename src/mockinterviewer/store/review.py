"""Coach review: score overrides per criterion and comments per turn, both kept in history, and the
question and session totals with the overrides applied.

An override never replaces the grader's score: both are stored and shown side by side, and every
total says whether an override went into it. Nothing here updates or deletes a review row; an edit
adds a row, so the old value stays (two edits at the same moment are both kept, the later id wins).
Who may do what is checked here, with the rules of `Accounts`: a coach overrides and comments on
the sessions of assigned candidates; a candidate reads their own and may comment on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from mockinterviewer.errors import InputError, NotFoundError
from mockinterviewer.store.account_tables import ScoreOverrideRow, TurnCommentRow, UserRow
from mockinterviewer.store.accounts import Account, Accounts, Role, aware
from mockinterviewer.store.store import Store, overall_score
from mockinterviewer.store.tables import SessionRow, TurnRow
from mockinterviewer.transcript import QuestionGrade, utcnow

MAX_TEXT = 10_000  # characters of a reason or a comment


@dataclass(frozen=True)
class Override:
    id: int
    session_id: str
    question_id: str
    criterion_id: str
    score: float
    reason: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class Comment:
    id: int
    thread_id: int  # the id of the comment's first version
    session_id: str
    turn_index: int
    text: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class CommentThread:
    """A comment as it reads now, with every earlier version (oldest first)."""

    versions: list[Comment]

    @property
    def current(self) -> Comment:
        return self.versions[-1]

    @property
    def id(self) -> int:
        return self.versions[0].id

    @property
    def edited(self) -> bool:
        return len(self.versions) > 1


@dataclass(frozen=True)
class CriterionTotal:
    id: str
    name: str
    weight: float
    max_score: float
    grader_score: float
    override: Override | None  # the newest override, when a coach made one

    @property
    def score(self) -> float:
        return self.override.score if self.override is not None else self.grader_score

    @property
    def overridden(self) -> bool:
        return self.override is not None


@dataclass(frozen=True)
class QuestionTotal:
    question_id: str
    round_id: str | None
    max_score: float
    grader_score: float
    score: float  # with the overrides: the criteria's weighted mean, held at the grader's cap if it capped
    capped: bool
    criteria: list[CriterionTotal]

    @property
    def overridden(self) -> bool:
        return any(c.overridden for c in self.criteria)


@dataclass(frozen=True)
class SessionTotals:
    session_id: str
    max_score: float
    grader_score: float  # the mean over rounds of each round's mean question score, as the report
    score: float  # the same with the overrides applied
    questions: list[QuestionTotal]

    @property
    def overridden(self) -> bool:
        return any(q.overridden for q in self.questions)


def _text(value: str, what: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InputError(f"The {what} is empty.", hint=f"Write a {what}.")
    if len(cleaned) > MAX_TEXT:
        raise InputError(f"The {what} is too long: at most {MAX_TEXT} characters.")
    return cleaned


def _weighted(pairs: Iterable[tuple[float, float]]) -> float:
    pairs = list(pairs)
    total = sum(w for _, w in pairs)
    return sum(s * w for s, w in pairs) / total if total else 0.0


def question_total(grade: QuestionGrade, overrides: dict[tuple[str, str], Override]) -> QuestionTotal:
    """`grade` with the newest override of each criterion applied (a question without one keeps its score).

    The grader's question-level caps (red flags, must-haves) are numbers it does not store: when its
    score sits below its criteria's weighted mean, that score is taken as the cap and still holds.
    """
    criteria = [CriterionTotal(id=c.id, name=c.name, weight=c.weight, max_score=c.max_score, grader_score=c.score,
                               override=overrides.get((grade.question_id, c.id))) for c in grade.criteria]
    grader_mean = _weighted((c.score, c.weight) for c in grade.criteria)
    capped = grade.score < round(grader_mean, 2) - 0.005
    score = grade.score
    if any(c.overridden for c in criteria):
        score = _weighted((c.score, c.weight) for c in criteria)
        score = round(min(score, grade.score) if capped else score, 2)
    return QuestionTotal(question_id=grade.question_id, round_id=grade.round_id, max_score=grade.max_score,
                         grader_score=grade.score, score=score, capped=capped, criteria=criteria)


def session_totals(session_id: str, grades: list[QuestionGrade],
                   overrides: dict[tuple[str, str], Override]) -> SessionTotals:
    questions = [question_total(g, overrides) for g in grades]
    return SessionTotals(
        session_id=session_id,
        max_score=max((q.max_score for q in questions), default=0.0),
        grader_score=overall_score((q.round_id, q.grader_score) for q in questions),
        score=overall_score((q.round_id, q.score) for q in questions),
        questions=questions,
    )


def newest(overrides: Iterable[Override]) -> dict[tuple[str, str], Override]:
    """The override that counts for each (question, criterion): the one saved last."""
    out: dict[tuple[str, str], Override] = {}
    for o in sorted(overrides, key=lambda o: o.id):
        out[(o.question_id, o.criterion_id)] = o
    return out


class Reviews:
    """Overrides, comments and totals, each call checked against what its account may see."""

    def __init__(self, store: Store, accounts: Accounts | None = None) -> None:
        self.store = store
        self.accounts = accounts or Accounts(store)

    # overrides -----------------------------------------------------------------------------------

    def add_override(self, author: Account, session_id: str, question_id: str, criterion_id: str, score: float,
                     reason: str) -> Override:
        if author.role is not Role.COACH:
            raise InputError("Only a coach can override a score.", hint="Sign in with a coach's account.")
        session_id = self.accounts.require_session(author, session_id)
        reason = _text(reason, "reason")
        grade = next((g for g in self.store.load_grades(session_id) if g.question_id == question_id), None)
        if grade is None:
            raise NotFoundError(f"Session {session_id} has no graded question '{question_id}'.",
                                hint="Grade the session first, or pick one of its graded questions.")
        criterion = next((c for c in grade.criteria if c.id == criterion_id), None)
        if criterion is None:
            raise NotFoundError(f"Question '{question_id}' has no criterion '{criterion_id}'.",
                                hint="Use one of: " + ", ".join(c.id for c in grade.criteria) + ".")
        if not 0 <= score <= criterion.max_score:
            raise InputError(f"The score for '{criterion.name}' must be between 0 and {criterion.max_score:g}.")
        row = ScoreOverrideRow(session_id=session_id, question_id=question_id, criterion_id=criterion_id,
                               score=float(score), reason=reason, author_id=author.id, created_at=utcnow())
        grades = self.store.load_grades(session_id)
        with self.store._tx() as orm:
            orm.add(row)
            orm.flush()  # written first: on SQLite the transaction now holds the write lock
            _relist(orm, session_id, grades)
        return _override(row, author.name)

    def relist(self, session_id: str) -> None:
        """Set the session's listed score from its saved grades with the coach overrides applied (after it
        was graded again: the overrides still count)."""
        grades = self.store.load_grades(session_id)
        with self.store._tx() as orm:
            _relist(orm, session_id, grades)

    def override_history(self, viewer: Account, session_id: str) -> list[Override]:
        """Every override of the session, oldest first (the newest per criterion is the one that counts)."""
        return [_override(row, name) for row, name in self._with_authors(ScoreOverrideRow, viewer, session_id)]

    def _with_authors(self, table: type[ScoreOverrideRow] | type[TurnCommentRow], viewer: Account,
                      session_id: str) -> list[Any]:
        """(row, author's name) of every row of `table` in the session, oldest first, if `viewer` may see it."""
        session_id = self.accounts.require_session(viewer, session_id)
        with self.store._tx() as orm:
            return list(orm.execute(
                select(table, UserRow.name).join(UserRow, UserRow.id == table.author_id)
                .where(table.session_id == session_id).order_by(table.id)
            ).all())

    def totals(self, viewer: Account, session_id: str) -> SessionTotals:
        session_id = self.accounts.require_session(viewer, session_id)
        overrides = newest(self.override_history(viewer, session_id))
        return session_totals(session_id, self.store.load_grades(session_id), overrides)

    # comments ------------------------------------------------------------------------------------

    def add_comment(self, author: Account, session_id: str, turn_index: int, text: str) -> Comment:
        session_id = self.accounts.require_session(author, session_id)
        text = _text(text, "comment")
        with self.store._tx() as orm:
            turn = orm.scalar(select(TurnRow.id).where(TurnRow.session_id == session_id, TurnRow.idx == turn_index))
            if turn is None:
                raise NotFoundError(f"Session {session_id} has no turn {turn_index}.")
        return self._insert(TurnCommentRow(session_id=session_id, turn_index=turn_index, thread_id=None, text=text,
                                           author_id=author.id, created_at=utcnow()), author)

    def edit_comment(self, author: Account, comment_id: int, text: str) -> Comment:
        """A new version of the comment `comment_id` (any version's id); the earlier versions stay."""
        text = _text(text, "comment")
        with self.store._tx() as orm:
            first = orm.get(TurnCommentRow, comment_id)
            if first is not None and first.thread_id is not None:
                first = orm.get(TurnCommentRow, first.thread_id)
        if first is None or not self.accounts.can_see(author, first.session_id):
            raise NotFoundError(f"No comment {comment_id}.")
        if first.author_id != author.id:
            raise InputError("Only a comment's author can edit it.", hint="Add a comment of your own instead.")
        return self._insert(TurnCommentRow(session_id=first.session_id, turn_index=first.turn_index,
                                           thread_id=first.id, text=text, author_id=author.id, created_at=utcnow()),
                            author)

    def _insert(self, row: TurnCommentRow, author: Account) -> Comment:
        with self.store._tx() as orm:
            orm.add(row)
        return _comment(row, author.name)

    def comments(self, viewer: Account, session_id: str) -> list[CommentThread]:
        """The session's comments by turn, each with its versions (oldest first)."""
        threads: dict[int, list[Comment]] = {}
        for row, name in self._with_authors(TurnCommentRow, viewer, session_id):
            comment = _comment(row, name)
            threads.setdefault(comment.thread_id, []).append(comment)
        return sorted((CommentThread(v) for v in threads.values()), key=lambda t: (t.current.turn_index, t.id))


def _relist(orm: Any, session_id: str, grades: list[QuestionGrade]) -> None:
    """Inside a transaction: the session's listed score, from `grades` and its newest overrides."""
    # one session at a time updates its listed score (PostgreSQL: the row lock waits for the other's commit,
    # whose override the query below then sees; SQLite writes one at a time).
    # NO KEY UPDATE: it does not conflict with the key-share lock each insert's foreign key takes.
    session = orm.scalar(select(SessionRow).where(SessionRow.id == session_id).with_for_update(key_share=True))
    rows = orm.scalars(select(ScoreOverrideRow).where(ScoreOverrideRow.session_id == session_id)).all()
    if session is not None and grades:
        session.score = session_totals(session_id, grades, newest(_override(r, "") for r in rows)).score


def _override(row: ScoreOverrideRow, author: str) -> Override:
    return Override(id=row.id, session_id=row.session_id, question_id=row.question_id, criterion_id=row.criterion_id,
                    score=row.score, reason=row.reason, author=author, created_at=aware(row.created_at))


def _comment(row: TurnCommentRow, author: str) -> Comment:
    return Comment(id=row.id, thread_id=row.thread_id if row.thread_id is not None else row.id,
                   session_id=row.session_id, turn_index=row.turn_index, text=row.text, author=author,
                   created_at=aware(row.created_at))
