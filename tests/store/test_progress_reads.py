"""Reading a candidate's graded sessions for the progress page, on SQLite and PostgreSQL: only that
candidate's graded sessions, oldest first, grades in their order, the newest override per criterion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mockinterviewer.store import Store
from mockinterviewer.store.accounts import Accounts, Role
from mockinterviewer.store.progress_reads import graded_sessions
from mockinterviewer.store.review import Reviews
from mockinterviewer.transcript import CriterionGrade, Plan, PlannedQuestion, PlannedRound, QuestionGrade, Session

PASSWORD = "correct horse battery staple"
PLAN = Plan(loop_id="netflix-senior-swe", seed=1, rounds=[
    PlannedRound(round_id="r1", questions=[PlannedQuestion(question_id="q1", minutes=5)])])
DAY0 = datetime(2026, 11, 1, tzinfo=UTC)


def _grade(question_id: str, score: float) -> QuestionGrade:
    criteria = [CriterionGrade(id="depth", name="Depth", score=score, max_score=4, weight=1.0,
                               evidence=["quote"] if score else [], rationale="r")]
    return QuestionGrade(question_id=question_id, prompt="p", round_id="r1", answer="a", score=score, max_score=4,
                         criteria=criteria)


def _session(store: Store, session_id: str, candidate: str, day: int, grades: list[QuestionGrade]) -> None:
    store.create_session(Session(id=session_id, candidate=candidate, loop_id="netflix-senior-swe", plan=PLAN,
                                 created_at=DAY0 + timedelta(days=day)))
    if grades:
        store.save_grades(session_id, grades)


def test_a_candidates_graded_sessions_with_the_newest_overrides(migrated_store: Store) -> None:
    store = migrated_store
    accounts = Accounts(store)
    accounts.add_user("carol", Role.COACH, PASSWORD)
    accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    accounts.add_user("bob", Role.CANDIDATE, PASSWORD)
    accounts.assign("carol", "ada")
    accounts.assign("carol", "bob")
    _session(store, "s2", "ada", 2, [_grade("q-b", 3), _grade("q-a", 1)])
    _session(store, "s1", "ada", 1, [_grade("q-a", 2)])
    _session(store, "s3", "ada", 3, [])  # not graded: not read
    _session(store, "b1", "bob", 1, [_grade("q-a", 0)])
    reviews, carol = Reviews(store, accounts), accounts.get("carol")
    reviews.add_override(carol, "s2", "q-a", "depth", 2.5, "first look")
    reviews.add_override(carol, "s2", "q-a", "depth", 3.5, "second look")
    reviews.add_override(carol, "b1", "q-a", "depth", 4, "another candidate's")

    found = graded_sessions(store, "ada")
    assert [s.session_id for s in found] == ["s1", "s2"]
    assert found[0].at == DAY0 + timedelta(days=1)
    s2 = found[1]
    assert [q.question_id for q in s2.questions] == ["q-b", "q-a"]  # the grades' own order
    (depth,) = s2.questions[1].criteria
    assert depth.score == 3.5 and depth.grader_score == 1 and depth.override is not None
    assert depth.override.author == "carol" and depth.override.reason == "second look"
    assert not s2.questions[0].overridden and not found[0].questions[0].overridden
    assert graded_sessions(store, "nobody") == []
