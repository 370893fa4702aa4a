"""The sessions list's filters and pages, computed in SQL, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
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


def walk(search: SessionSearch, wanted: SessionFilter = SessionFilter(), size: int = 2,
         between: Callable[[int], None] = lambda _n: None) -> list[str]:
    """Every id met following the 'older' positions from the newest page; `between(n)` runs after page n."""
    seen: list[str] = []
    page = search.page(wanted, size=size)
    assert page.newer is None
    for number in range(1, 100):
        seen += [s.summary.id for s in page.sessions]
        between(number)
        if page.older is None:
            return seen
        page = search.page(wanted, older_than=page.older, size=size)
        assert page.newer is not None  # a page reached by seeking has newer ones
    raise AssertionError("paging did not end")


def test_pages_follow_each_other_newest_first_and_back(search: SessionSearch) -> None:
    assert walk(search) == ["s05", "s04", "s03", "s02", "s01"]
    last = search.page(SessionFilter(), older_than=search.page(SessionFilter(), size=4).older, size=4)
    assert [s.summary.id for s in last.sessions] == ["s01"] and last.older is None and last.total == 5
    back = search.page(SessionFilter(), newer_than=last.newer, size=2)  # the two just newer than s01
    assert [s.summary.id for s in back.sessions] == ["s03", "s02"] and back.newer is not None
    top = search.page(SessionFilter(), newer_than=back.newer, size=2)  # one left above: the newest page
    assert [s.summary.id for s in top.sessions] == ["s05", "s04"] and top.newer is None
    empty = search.page(SessionFilter(candidate="nobody"))
    assert (empty.total, empty.sessions, empty.newer, empty.older) == (0, [], None, None)


def test_sessions_started_at_the_same_moment_are_ordered_by_id(migrated_store: Store) -> None:
    for sid in ("t3", "t1", "t4", "t2", "t5"):
        add(migrated_store, sid, "ada")  # all at DAY: only the id orders them
    search = SessionSearch(migrated_store)
    assert walk(search, size=2) == ["t5", "t4", "t3", "t2", "t1"]


def test_paging_visits_each_session_once_while_sessions_are_added(search: SessionSearch) -> None:
    for i in range(20):
        add(search.store, f"m{i:02d}", "ada", days=10 + i, score=2.0)
    before = walk(search, size=3)

    def add_some(number: int) -> None:  # a new session at the top, and one among the pages not read yet
        add(search.store, f"new{number:02d}", "ada", days=100 + number)
        add(search.store, f"mid{number:02d}", "bob", days=-number)  # older than every session so far

    seen = walk(search, size=3, between=add_some)
    assert len(seen) == len(set(seen))  # no session twice (OFFSET would repeat one per session added on top)
    assert [s for s in seen if s in before] == before  # every earlier session, in order
    assert not any(s.startswith("new") for s in seen)  # added above the pages already read
    assert any(s.startswith("mid") for s in seen)  # added below them: met on the way


def test_filters_hold_on_every_page(search: SessionSearch) -> None:
    for i in range(9):
        add(search.store, f"f{i}", "ada" if i % 2 else "bob", days=10 + i, rounds=("onsite",), score=1.0 + i / 4)
    wanted = SessionFilter(candidate="ada", round_id="onsite", min_score=1.0)
    assert walk(search, wanted, size=2) == ["f7", "f5", "f3", "f1", "s02", "s01"]
    assert walk(search, SessionFilter(status="completed", max_score=2.0), size=1) == ["f4", "f3", "f2", "f1", "f0",
                                                                                       "s05", "s01"]


def test_a_page_is_read_with_limit_and_count_not_every_row(search: SessionSearch) -> None:
    statements: list[str] = []
    engine = search.store.engine

    offsets: list[object] = []  # SQLite writes 'LIMIT ? OFFSET ?' with 0 for a bare limit: only others count

    def record(_conn, _cursor, statement, params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()).lower())
        if " offset " in statements[-1]:
            value = params[-1] if isinstance(params, tuple) else params.get("param_2", params.get("offset", 0))
            offsets.extend([value] if value else [])

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
    statements.clear()
    event.listen(engine, "before_cursor_execute", record)
    try:
        deeper = search.page(SessionFilter(candidate="ada"), older_than=page.older, size=1)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [s.summary.id for s in deeper.sessions] == ["s01"]
    assert any("(sessions.created_at, sessions.id) <" in s for s in statements)  # sought past the position
    assert not offsets  # ... not counted down to it


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
    from sqlalchemy import column, insert, table

    from mockinterviewer.store.account_tables import ScoreOverrideRow, UserRow
    from mockinterviewer.store.tables import GradeRow, SessionRow
    from tests.store.conftest import engine_at

    engine = engine_at("0002", backend, tmp_path, request)  # a database made before the list's columns existed
    url = engine.url.render_as_string(hide_password=False)
    with engine.begin() as connection:
        connection.execute(insert(SessionRow.__table__).values(
            id="old00001", candidate="ada", loop_id="loop-a", plan=_plan("loop-a", ["screen", "onsite"]).model_dump(),
            status="completed", interviewer="scripted", max_follow_ups=2, created_at=DAY, updated_at=DAY))
        old_grades = table("grades", *(column(c.name, c.type) for c in GradeRow.__table__.columns
                                       if c.name != "gradable"))  # as they were before revision 0006
        connection.execute(insert(old_grades).values(
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
