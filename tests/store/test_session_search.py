"""The sessions list's filters and pages, computed in SQL, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from mockinterviewer.store import Store
from mockinterviewer.store.session_search import SessionFilter, SessionSearch, Visible, assigned_to
from mockinterviewer.transcript import (
    CriterionGrade,
    Plan,
    PlannedQuestion,
    PlannedRound,
    QuestionGrade,
    Session,
    SessionStatus,
    Speaker,
    Turn,
    TurnKind,
)

DAY = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _plan(loop: str, rounds: list[str]) -> Plan:
    return Plan(loop_id=loop, seed=1, rounds=[
        PlannedRound(round_id=r, questions=[PlannedQuestion(question_id=f"q-{r}", minutes=5)]) for r in rounds])


def _grade(round_id: str, score: float) -> QuestionGrade:
    criterion = CriterionGrade(id="depth", name="Depth", score=score, max_score=4, weight=1.0, rationale="r")
    return QuestionGrade(question_id=f"q-{round_id}", prompt="p", round_id=round_id, answer="a", score=score,
                         max_score=4, criteria=[criterion])


def add(store: Store, sid: str, candidate: str, *, days: int = 0, loop: str = "loop-a",
        rounds: tuple[str, ...] = ("screen",), status: SessionStatus = SessionStatus.COMPLETED,
        score: float | None = None) -> None:
    when = DAY + timedelta(days=days)
    store.create_session(Session(id=sid, candidate=candidate, loop_id=loop, plan=_plan(loop, list(rounds)),
                                 status=status, created_at=when, updated_at=when))
    if score is not None:
        store.save_grades(sid, [_grade(rounds[0], score)])


@pytest.fixture
def search(migrated_store: Store) -> SessionSearch:
    s = migrated_store
    add(s, "s01", "ada", days=0, rounds=("screen", "onsite"), score=1.0)
    add(s, "s02", "ada", days=1, loop="loop-b", rounds=("onsite",), score=3.5)
    add(s, "s03", "bob", days=2, status=SessionStatus.UNFINISHED)
    add(s, "s04", "bob", days=3, status=SessionStatus.IN_PROGRESS)
    add(s, "s05", "cyd", days=4, rounds=("design",), score=2.0)
    return SessionSearch(s)


def ids(search: SessionSearch, candidates: Visible = None, **wanted: object) -> list[str]:
    page = search.page(SessionFilter(**wanted), candidates=candidates, size=100)  # type: ignore[arg-type]
    assert page.total == len(page.sessions)
    return [s.summary.id for s in page.sessions]


def test_no_filter_lists_every_session_newest_first(search: SessionSearch) -> None:
    assert ids(search) == ["s05", "s04", "s03", "s02", "s01"]


def test_filter_by_candidate_and_by_visible_candidates(search: SessionSearch) -> None:
    assert ids(search, candidate="ada") == ["s02", "s01"]
    assert ids(search, candidates=["bob", "cyd"]) == ["s05", "s04", "s03"]
    assert ids(search, candidates=["bob"], candidate="ada") == []  # never outside what the viewer may see
    assert ids(search, candidates=[]) == []


def test_filter_by_loop_and_round(search: SessionSearch) -> None:
    assert ids(search, loop_id="loop-b") == ["s02"]
    assert ids(search, round_id="onsite") == ["s02", "s01"]
    assert ids(search, round_id="design") == ["s05"]
    assert ids(search, round_id="nope") == []


def test_filter_by_dates_includes_both_days(search: SessionSearch) -> None:
    first = DAY.date()
    assert ids(search, started_from=first + timedelta(days=1), started_to=first + timedelta(days=3)) == [
        "s04", "s03", "s02"]
    assert ids(search, started_to=first) == ["s01"]
    assert ids(search, started_from=date(2030, 1, 1)) == []


def test_filter_by_status_tells_running_from_interrupted(search: SessionSearch) -> None:
    assert ids(search, status="completed") == ["s05", "s02", "s01"]
    assert ids(search, status="unfinished") == ["s03"]
    assert ids(search, status="interrupted") == ["s04"]  # no process holds it
    assert ids(search, status="in_progress") == []
    hold = search.store.hold_session("s04")
    assert hold is not None
    try:
        assert ids(search, status="in_progress") == ["s04"]
        assert ids(search, status="interrupted") == []
        listed = search.page(SessionFilter()).sessions
        assert {s.summary.id: s.summary.shown_status for s in listed}["s04"] == "in_progress"
    finally:
        hold.release()


def test_filter_by_score_range_leaves_out_ungraded(search: SessionSearch) -> None:
    assert ids(search, min_score=2.0) == ["s05", "s02"]
    assert ids(search, max_score=2.0) == ["s05", "s01"]
    assert ids(search, min_score=1.5, max_score=3.0) == ["s05"]
    assert {s.summary.id: s.score for s in search.page(SessionFilter()).sessions} == {
        "s01": 1.0, "s02": 3.5, "s03": None, "s04": None, "s05": 2.0}


def test_filters_combine(search: SessionSearch) -> None:
    assert ids(search, candidate="ada", round_id="onsite", min_score=2) == ["s02"]


def test_pages_split_the_matching_sessions_and_clamp(search: SessionSearch) -> None:
    seen = []
    for number in (1, 2, 3):
        page = search.page(SessionFilter(), page=number, size=2)
        assert (page.total, page.pages, page.page) == (5, 3, number)
        seen += [s.summary.id for s in page.sessions]
    assert seen == ["s05", "s04", "s03", "s02", "s01"]
    assert [s.summary.id for s in search.page(SessionFilter(), page=99, size=2).sessions] == ["s01"]
    assert search.page(SessionFilter(), page=-3, size=2).page == 1
    empty = search.page(SessionFilter(candidate="nobody"), page=4)
    assert (empty.total, empty.pages, empty.page, empty.sessions) == (0, 1, 1, [])


def test_a_page_is_read_with_limit_and_count_not_every_row(search: SessionSearch) -> None:
    statements: list[str] = []
    engine = search.store.engine

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = search.page(SessionFilter(candidate="ada"), size=1)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [s.summary.id for s in page.sessions] == ["s02"] and page.total == 2
    sessions_reads = [s for s in statements if "from sessions" in s]
    assert any("count(" in s for s in sessions_reads)
    assert any(" limit " in s for s in sessions_reads)
    assert all("count(" in s or " limit " in s or "where sessions.id in" in s for s in sessions_reads)


def test_turns_counted_and_score_follows_coach_overrides(migrated_store: Store) -> None:
    from mockinterviewer.store.accounts import Accounts, Role
    from mockinterviewer.store.review import Reviews

    accounts = Accounts(migrated_store)
    accounts.add_user("coach", Role.COACH, "password-123")
    accounts.add_user("ada", Role.CANDIDATE, "password-123")
    accounts.assign("coach", "ada")
    add(migrated_store, "s10", "ada", rounds=("screen",), score=1.0)
    migrated_store.save_turn("s10", Turn(index=0, speaker=Speaker.INTERVIEWER, kind=TurnKind.QUESTION, text="Why?",
                                         round_id="screen", question_id="q-screen"))
    coach = accounts.get("coach")
    Reviews(migrated_store, accounts).add_override(coach, "s10", "q-screen", "depth", 4.0, "it was deep")
    search = SessionSearch(migrated_store)
    assert ids(search, min_score=3.9) == ["s10"]
    listed = search.page(SessionFilter()).sessions[0]
    assert (listed.score, listed.summary.turns) == (4.0, 1)


def test_a_coach_s_candidates_as_a_subquery(search: SessionSearch) -> None:
    from mockinterviewer.store.accounts import Accounts, Role

    accounts = Accounts(search.store)
    for name, role in (("coach", Role.COACH), ("lone", Role.COACH), ("ada", Role.CANDIDATE),
                       ("bob", Role.CANDIDATE), ("cyd", Role.CANDIDATE)):
        accounts.add_user(name, role, "password-123")
    accounts.assign("coach", "ada")
    accounts.assign("coach", "bob")
    assert ids(search, candidates=assigned_to(accounts.get("coach").id)) == ["s04", "s03", "s02", "s01"]
    assert ids(search, candidates=assigned_to(accounts.get("coach").id), candidate="cyd") == []
    assert ids(search, candidates=assigned_to(accounts.get("lone").id)) == []
    page = search.page(SessionFilter(status="interrupted"), candidates=assigned_to(accounts.get("coach").id))
    assert [s.summary.id for s in page.sessions] == ["s04"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sessions_stored_before_the_list_migration_get_their_rounds_and_score(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, insert

    from mockinterviewer.store.account_tables import ScoreOverrideRow, UserRow
    from mockinterviewer.store.schema import MIGRATIONS
    from mockinterviewer.store.tables import GradeRow, SessionRow
    from tests.store.conftest import fresh_url

    url = fresh_url(backend, tmp_path, request)
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")  # a database made before the list's columns existed
    with engine.begin() as connection:
        connection.execute(insert(SessionRow.__table__).values(
            id="old00001", candidate="ada", loop_id="loop-a", plan=_plan("loop-a", ["screen", "onsite"]).model_dump(),
            status="completed", interviewer="scripted", max_follow_ups=2, created_at=DAY, updated_at=DAY))
        connection.execute(insert(GradeRow.__table__).values(
            session_id="old00001", position=0, question_id="q-screen", grader="rubric",
            data=_grade("screen", 1.0).model_dump(mode="json"), created_at=DAY))
        connection.execute(insert(UserRow.__table__).values(id=1, name="coach", role="coach", password_hash="x",
                                                            created_at=DAY))
        connection.execute(insert(ScoreOverrideRow.__table__).values(
            session_id="old00001", question_id="q-screen", criterion_id="depth", score=3.0, reason="r", author_id=1,
            created_at=DAY))
    engine.dispose()
    search = SessionSearch(Store(url, tmp_path))  # upgrades to the head
    assert ids(search, round_id="onsite") == ["old00001"]
    assert ids(search, min_score=3.0, max_score=3.0) == ["old00001"]  # the override counted
