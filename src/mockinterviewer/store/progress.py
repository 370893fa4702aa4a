"""A candidate's progress over their graded sessions: a score per category and per criterion for each
session (a coach's override counts where one exists, and is marked), and the weakest criteria.

Pure: it takes each session's grades and newest overrides (read by the caller) and the category of
each question, and returns the series a chart draws and the criteria to name; nothing here reads the
database. Scores are fractions of their scale (0 to 1), so questions with different scales mix.

A question the grader could not grade (skipped, no answer) does not count unless a coach overrode one
of its criteria: a skip says nothing about how well a criterion is met.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from mockinterviewer.store.review import Override, QuestionTotal, question_total
from mockinterviewer.transcript import QuestionGrade

RECENT = 3  # a criterion's recent mean is over its last this many answers
WEAKEST = 3  # how many criteria the page names
MIN_SESSIONS = 2  # a trend needs two graded sessions
OTHER = "Other"  # the category of a question the bank no longer has


@dataclass(frozen=True)
class GradedSession:
    """One session as the progress sees it: when it was held and its questions with overrides applied."""

    session_id: str
    at: datetime
    questions: list[QuestionTotal]


@dataclass(frozen=True)
class Point:
    session_id: str
    at: datetime
    value: float  # the mean score as a fraction of the scale, 0 to 1
    answers: int  # how many answers (graded questions) the value is the mean of
    overridden: bool  # a coach's override went into it


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: list[Point]


@dataclass(frozen=True)
class Weakness:
    category: str
    criterion_id: str
    name: str
    mean: float  # fraction of the scale over the criterion's last `answers` answers
    answers: int
    overridden: bool  # a coach's override is among those answers


@dataclass(frozen=True)
class CategoryProgress:
    category: str
    overall: Series  # the category's question scores
    criteria: list[Series]  # each criterion seen in the category, by name


@dataclass(frozen=True)
class Progress:
    sessions: list[GradedSession]  # the graded sessions counted, oldest first
    categories: list[CategoryProgress]
    weakest: list[Weakness]

    @property
    def answers(self) -> int:
        return sum(len(s.questions) for s in self.sessions)

    @property
    def shows_trend(self) -> bool:
        return len(self.sessions) >= MIN_SESSIONS


def graded_session(session_id: str, at: datetime, grades: list[QuestionGrade],
                   overrides: dict[tuple[str, str], Override]) -> GradedSession:
    """The session's questions that count (see the module), each with its newest overrides applied."""
    kept = [g for g in grades
            if g.gradable or any((g.question_id, c.id) in overrides for c in g.criteria)]
    return GradedSession(session_id, at, [question_total(g, overrides) for g in kept])


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _fraction(score: float, scale: float) -> float:
    return min(max(score / scale, 0.0), 1.0) if scale > 0 else 0.0


@dataclass
class _Answer:
    """One criterion of one answered question, or one question as a whole."""

    value: float
    overridden: bool
    name: str


def _point(session: GradedSession, answers: list[_Answer]) -> Point:
    return Point(session.session_id, session.at, _mean([a.value for a in answers]), len(answers),
                 any(a.overridden for a in answers))


def progress(sessions: list[GradedSession], category_of: Callable[[str], str | None]) -> Progress:
    """Series per category and per criterion over `sessions` (any order), and the weakest criteria:
    the lowest mean over each criterion's last `RECENT` answers (ties: the one with more answers)."""
    ordered = sorted((s for s in sessions if s.questions), key=lambda s: (s.at, s.session_id))
    overall: dict[str, list[Point]] = {}
    criteria: dict[str, dict[str, list[Point]]] = {}
    history: dict[tuple[str, str], list[_Answer]] = {}  # (category, criterion id) -> its answers, oldest first
    for session in ordered:
        by_category: dict[str, list[QuestionTotal]] = {}
        for question in session.questions:
            by_category.setdefault(category_of(question.question_id) or OTHER, []).append(question)
        for category, questions in by_category.items():
            answers = [_Answer(_fraction(q.score, q.max_score), q.overridden, category) for q in questions]
            overall.setdefault(category, []).append(_point(session, answers))
            per_criterion: dict[str, list[_Answer]] = {}
            for question in questions:
                for criterion in question.criteria:
                    answer = _Answer(_fraction(criterion.score, criterion.max_score), criterion.overridden,
                                     criterion.name)
                    per_criterion.setdefault(criterion.id, []).append(answer)
                    history.setdefault((category, criterion.id), []).append(answer)
            for criterion_id, criterion_answers in per_criterion.items():
                criteria.setdefault(category, {}).setdefault(criterion_id, []).append(
                    _point(session, criterion_answers))
    categories = [
        CategoryProgress(
            category=category,
            overall=Series(category, category, points),
            criteria=sorted((Series(f"{category}/{cid}", history[(category, cid)][-1].name, pts)
                             for cid, pts in criteria.get(category, {}).items()), key=lambda s: s.label.lower()),
        )
        for category, points in sorted(overall.items(), key=lambda item: item[0].lower())
    ]
    return Progress(ordered, categories, _weakest(history))


def _weakest(history: dict[tuple[str, str], list[_Answer]], count: int = WEAKEST) -> list[Weakness]:
    ranked = []
    for (category, criterion_id), answers in history.items():
        recent = answers[-RECENT:]
        ranked.append(Weakness(category=category, criterion_id=criterion_id, name=answers[-1].name,
                               mean=_mean([a.value for a in recent]), answers=len(recent),
                               overridden=any(a.overridden for a in recent)))
    ranked.sort(key=lambda w: (round(w.mean, 6), -w.answers, w.name.lower(), w.category.lower()))
    return ranked[:count]
