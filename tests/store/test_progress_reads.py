"""Reading a candidate's graded sessions for the progress page, on SQLite and PostgreSQL: only that
candidate's graded sessions, oldest first, grades in their order, the newest override per criterion."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import column, insert, table

from mockinterviewer.store import Store
from mockinterviewer.store.accounts import Accounts, Role
from mockinterviewer.store.progress_reads import graded_sessions, progress_window
from mockinterviewer.store.review import Reviews
from mockinterviewer.store.tables import SessionRow
from mockinterviewer.transcript import CriterionGrade, Plan, PlannedQuestion, PlannedRound, QuestionGrade, Session
from tests.store.conftest import engine_at

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


def _skipped(question_id: str) -> QuestionGrade:
    return _grade(question_id, 0).model_copy(update={"gradable": False})


def test_windows_of_the_graded_sessions_cover_each_once_newest_first(migrated_store: Store) -> None:
    store = migrated_store
    accounts = Accounts(store)
    accounts.add_user("carol", Role.COACH, PASSWORD)
    accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    accounts.assign("carol", "ada")
    for day in range(7):
        _session(store, f"g{day}", "ada", day, [_grade("q-a", day % 5)])
    _session(store, "skip", "ada", 3, [_skipped("q-a")])  # only a skipped question: does not count
    _session(store, "coached", "ada", 5, [_skipped("q-a")])  # ... unless a coach scored it
    Reviews(store, accounts).add_override(accounts.get("carol"), "coached", "q-a", "depth", 3, "it was an answer")
    _session(store, "open", "ada", 8, [])  # not graded
    _session(store, "b1", "bob", 9, [_grade("q-a", 1)])  # another candidate's
    order = ["g0", "g1", "g2", "g3", "g4", "coached", "g5", "g6"]  # oldest first; day 5: by id

    newest = progress_window(store, "ada", 3)
    assert [s.session_id for s in newest.sessions] == order[-3:] and newest.found
    assert (newest.total, newest.first, newest.newer, newest.older_until) == (8, 6, False, "g4")
    assert [s.session_id for s in newest.sessions] == [s.session_id for s in graded_sessions(store, "ada")[-3:]]
    assert newest.sessions[0].questions[0].overridden  # the coach's score counts in the window

    seen, window = [], newest
    while True:
        seen = [s.session_id for s in window.sessions] + seen
        if window.older_until is None:
            break
        window = progress_window(store, "ada", 3, window.older_until)
    assert seen == order  # every graded session once, none other
    assert (window.first, window.newer, window.newer_until) == (1, True, "g4")  # the next window ends at g4
    middle = progress_window(store, "ada", 3, "g4")
    assert [s.session_id for s in middle.sessions] == ["g2", "g3", "g4"] and middle.first == 3
    assert middle.newer and middle.newer_until is None  # fewer than a window newer: the link is the newest one

    for unknown in ("nope", "skip", "open", "b1"):  # none of ada's graded sessions
        fallback = progress_window(store, "ada", 3, unknown)
        assert not fallback.found and [s.session_id for s in fallback.sessions] == order[-3:], unknown
    nothing = progress_window(store, "nobody", 3)
    assert (nothing.sessions, nothing.total, nothing.first, nothing.found) == ([], 0, 0, True)


OLD_GRADES = table("grades", *(column(name) for name in (
    "session_id", "position", "question_id", "grader", "data", "created_at")))  # before revision 0006


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_grades_stored_before_the_gradable_column_are_counted_as_their_json_says(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    engine = engine_at("0005", backend, tmp_path, request)  # a database made before grades had the column
    url = engine.url.render_as_string(hide_password=False)
    unflagged = _grade("q-a", 2).model_dump(mode="json")
    del unflagged["gradable"]  # as grades were saved before the flag existed: gradable
    with engine.begin() as connection:
        for day, (session_id, data) in enumerate([("old1", _skipped("q-a").model_dump(mode="json")),
                                                  ("old2", unflagged)]):
            connection.execute(insert(SessionRow.__table__).values(
                id=session_id, candidate="ada", loop_id="loop-a", plan=PLAN.model_dump(), status="completed",
                interviewer="scripted", max_follow_ups=2, created_at=DAY0 + timedelta(days=day),
                updated_at=DAY0))
            connection.execute(insert(OLD_GRADES).values(
                session_id=session_id, position=0, question_id="q-a", grader="rubric", data=json.dumps(data),
                created_at=DAY0))
    engine.dispose()
    store = Store(url, tmp_path)  # upgrades to the head
    window = progress_window(store, "ada", 5)
    assert [s.session_id for s in window.sessions] == ["old2"] and window.total == 1
