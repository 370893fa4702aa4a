"""Accounts and coach review in the store, on SQLite and PostgreSQL: Argon2 hashes, access rules,
overrides and comments kept in history, totals with the overrides applied."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mockinterviewer.errors import InputError, NotFoundError
from mockinterviewer.store import Store
from mockinterviewer.store.accounts import Account, Accounts, Role
from mockinterviewer.store.review import Reviews
from mockinterviewer.transcript import (
    CriterionGrade,
    Plan,
    PlannedQuestion,
    PlannedRound,
    QuestionGrade,
    Session,
    Speaker,
    Turn,
    TurnKind,
)
from tests.conftest import PROJECT_ROOT

PASSWORD = "correct horse battery staple"
PLAN = Plan(loop_id="netflix-senior-swe", seed=1, rounds=[
    PlannedRound(round_id="r1", questions=[PlannedQuestion(question_id="q1", minutes=5),
                                           PlannedQuestion(question_id="q2", minutes=5)])])


def criterion(cid: str, score: float, weight: float = 1.0) -> CriterionGrade:
    return CriterionGrade(id=cid, name=cid.upper(), score=score, max_score=4, weight=weight,
                          evidence=["I measured it"] if score else [], rationale="r")


def grade(qid: str, criteria: list[CriterionGrade], score: float | None = None) -> QuestionGrade:
    mean = sum(c.score * c.weight for c in criteria) / sum(c.weight for c in criteria)
    return QuestionGrade(question_id=qid, prompt="P", round_id="r1", answer="A", max_score=4, criteria=criteria,
                         score=round(mean if score is None else score, 2))


def graded_session(store: Store, session_id: str, candidate: str) -> None:
    store.create_session(Session(id=session_id, candidate=candidate, loop_id="netflix-senior-swe", plan=PLAN))
    for i, kind in enumerate((TurnKind.QUESTION, TurnKind.ANSWER)):
        store.save_turn(session_id, Turn(index=i, speaker=Speaker.CANDIDATE if i else Speaker.INTERVIEWER, kind=kind,
                                         text="words", round_id="r1", question_id="q1"))
    store.save_grades(session_id, [grade("q1", [criterion("depth", 2.0, 2), criterion("clarity", 3.0)]),
                                   grade("q2", [criterion("depth", 1.0)])])


@pytest.fixture
def people(migrated_store: Store) -> dict[str, Account]:
    accounts = Accounts(migrated_store)
    found = {name: accounts.add_user(name, role, PASSWORD) for name, role in
             [("carol", Role.COACH), ("dave", Role.COACH), ("ada", Role.CANDIDATE), ("bob", Role.CANDIDATE)]}
    accounts.assign("carol", "ada")
    accounts.assign("dave", "bob")
    graded_session(migrated_store, "ada00001", "ada")
    graded_session(migrated_store, "bob00001", "bob")
    return found


# accounts ----------------------------------------------------------------------------------------


def test_passwords_are_argon2_hashes_and_verify(migrated_store: Store) -> None:
    accounts = Accounts(migrated_store)
    accounts.add_user("ada", "candidate", PASSWORD)
    with migrated_store.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT password_hash FROM users").scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.authenticate("ada", PASSWORD) == accounts.get("ada")
    assert accounts.authenticate("ada", PASSWORD + "x") is None
    assert accounts.authenticate("nobody", PASSWORD) is None


def test_the_password_is_nowhere_in_the_sqlite_files(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    Accounts(store).add_user("ada", Role.CANDIDATE, PASSWORD)
    Accounts(store).set_password("ada", PASSWORD + " two")
    store.engine.dispose()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "db.sqlite" for p in files)
    for path in files:
        data = path.read_bytes()
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert PASSWORD.encode(encoding) not in data, path


def test_names_roles_and_duplicates(migrated_store: Store) -> None:
    accounts = Accounts(migrated_store)
    accounts.add_user("Ada  Lovelace", "candidate", PASSWORD)
    assert accounts.get("Ada Lovelace").name == "Ada Lovelace"  # as `interview --candidate` stores it
    with pytest.raises(InputError, match="already exists"):
        accounts.add_user("Ada Lovelace", "coach", PASSWORD)
    with pytest.raises(InputError, match="Unknown role 'admin'"):
        accounts.add_user("eve", "admin", PASSWORD)
    with pytest.raises(InputError, match="too short"):
        accounts.add_user("eve", "coach", "short")
    with pytest.raises(InputError, match="printable"):
        accounts.add_user("eve\x1b[2J", "coach", PASSWORD)
    with pytest.raises(NotFoundError, match="No user named 'zed'"):
        accounts.assign("zed", "Ada Lovelace")
    accounts.add_user("carol", "coach", PASSWORD)
    with pytest.raises(InputError, match="'Ada Lovelace' is a candidate, not a coach"):
        accounts.assign("Ada Lovelace", "carol")
    assert accounts.assign("carol", "Ada Lovelace") and not accounts.assign("carol", "Ada Lovelace")
    listing = {r.account.name: r.assigned for r in accounts.list_users()}
    assert listing == {"carol": ["Ada Lovelace"], "Ada Lovelace": ["carol"]}


def test_a_candidate_s_sessions_belong_to_the_account_of_that_name(migrated_store: Store,
                                                                     people: dict[str, Account]) -> None:
    accounts = Accounts(migrated_store)
    assert accounts.account_for_candidate("ada") == people["ada"]
    assert accounts.account_for_candidate("carol") is None  # a coach is not a candidate
    assert accounts.session_owner("ada00001") == people["ada"]
    migrated_store.create_session(Session(id="anon0001", candidate="walk-in", loop_id="l", plan=PLAN))
    assert accounts.session_owner("anon0001") is None and accounts.session_owner("missing") is None


# access ------------------------------------------------------------------------------------------


def test_coaches_see_assigned_candidates_and_candidates_their_own(migrated_store: Store,
                                                                  people: dict[str, Account]) -> None:
    accounts, reviews = Accounts(migrated_store), Reviews(migrated_store)
    assert [s.id for s in accounts.visible_sessions(people["carol"])] == ["ada00001"]
    assert [s.id for s in accounts.visible_sessions(people["ada"])] == ["ada00001"]
    assert [s.id for s in accounts.visible_sessions(people["bob"])] == ["bob00001"]
    for viewer, other in (("carol", "bob00001"), ("ada", "bob00001"), ("bob", "ada00001"), ("dave", "ada00001")):
        assert not accounts.can_see(people[viewer], other)
        with pytest.raises(NotFoundError) as denied:
            reviews.totals(people[viewer], other)
        with pytest.raises(NotFoundError) as unknown:
            reviews.totals(people[viewer], "zz999999")
        assert str(denied.value).replace(other, "X") == str(unknown.value).replace("zz999999", "X")  # nothing leaks
        with pytest.raises(NotFoundError):
            reviews.comments(people[viewer], other)
        with pytest.raises(NotFoundError):
            reviews.add_comment(people[viewer], other, 0, "hi")
    assert reviews.totals(people["ada"], "ada0").session_id == "ada00001"  # a prefix of one's own session


def test_only_an_assigned_coach_overrides(migrated_store: Store, people: dict[str, Account]) -> None:
    reviews = Reviews(migrated_store)
    with pytest.raises(InputError, match="Only a coach"):
        reviews.add_override(people["ada"], "ada00001", "q1", "depth", 4, "I deserve it")
    with pytest.raises(NotFoundError):
        reviews.add_override(people["dave"], "ada00001", "q1", "depth", 4, "not my candidate")
    with pytest.raises(NotFoundError, match="no criterion 'nope'"):
        reviews.add_override(people["carol"], "ada00001", "q1", "nope", 4, "why")
    with pytest.raises(NotFoundError, match="no graded question"):
        reviews.add_override(people["carol"], "ada00001", "q9", "depth", 4, "why")
    with pytest.raises(InputError, match="between 0 and 4"):
        reviews.add_override(people["carol"], "ada00001", "q1", "depth", 5, "why")
    with pytest.raises(InputError, match="reason is empty"):
        reviews.add_override(people["carol"], "ada00001", "q1", "depth", 3, "  ")
    assert reviews.override_history(people["ada"], "ada00001") == []


# overrides and totals ----------------------------------------------------------------------------


def test_totals_apply_the_newest_override_beside_the_grader_s_score(migrated_store: Store,
                                                                    people: dict[str, Account]) -> None:
    reviews, carol = Reviews(migrated_store), people["carol"]
    before = reviews.totals(carol, "ada00001")
    assert not before.overridden and before.score == before.grader_score == 1.67  # (7/3 + 1) / 2, as the report
    reviews.add_override(carol, "ada00001", "q1", "depth", 1.0, "Named the metric, never measured it.")
    first = reviews.totals(carol, "ada00001")
    q1 = first.questions[0]
    assert q1.overridden and not first.questions[1].overridden
    depth = q1.criteria[0]
    assert depth.grader_score == 2.0 and depth.score == 1.0 and depth.override is not None
    assert depth.override.author == "carol" and depth.override.reason.startswith("Named the metric")
    assert q1.grader_score == 2.33 and q1.score == round((1.0 * 2 + 3.0) / 3, 2)
    assert first.grader_score == 1.67 and first.score == round((1.67 + 1.0) / 2, 2) and first.overridden
    reviews.add_override(carol, "ada00001", "q1", "depth", 4.0, "On second reading: the numbers are there.")
    second = reviews.totals(people["ada"], "ada00001")  # the candidate reads the same totals
    assert second.questions[0].criteria[0].score == 4.0 and second.questions[0].score == round(11 / 3, 2)
    history = reviews.override_history(people["ada"], "ada00001")
    assert [o.score for o in history] == [1.0, 4.0]  # the edit kept the old value
    assert migrated_store.load_grades("ada00001")[0].criteria[0].score == 2.0  # the grade itself is untouched


def test_a_capped_question_stays_capped_when_overridden(migrated_store: Store, people: dict[str, Account]) -> None:
    migrated_store.save_grades("ada00001", [grade("q1", [criterion("depth", 3.0), criterion("clarity", 3.0)],
                                                  score=1.5)])  # a red flag held it at 1.5
    reviews = Reviews(migrated_store)
    reviews.add_override(people["carol"], "ada00001", "q1", "depth", 1.0, "Vague.")
    q1 = reviews.totals(people["carol"], "ada00001").questions[0]
    assert q1.capped and q1.overridden and q1.score == 1.5 and q1.grader_score == 1.5
    reviews.add_override(people["carol"], "ada00001", "q1", "clarity", 0.0, "Rambling.")
    assert reviews.totals(people["carol"], "ada00001").questions[0].score == 0.5


def test_overrides_saved_at_the_same_moment_are_both_kept(migrated_store: Store, people: dict[str, Account],
                                                          tmp_path: Path) -> None:
    """Two writers, each with its own engine (as two processes), released together by a barrier."""
    barrier, errors = threading.Barrier(2), []

    def write(score: float) -> None:
        try:
            reviews = Reviews(Store(migrated_store.url, tmp_path))
            barrier.wait()
            reviews.add_override(people["carol"], "ada00001", "q1", "depth", score, f"take {score:g}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s,)) for s in (1.0, 3.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    history = Reviews(migrated_store).override_history(people["carol"], "ada00001")
    assert sorted(o.score for o in history) == [1.0, 3.0] and len({o.id for o in history}) == 2
    counted = Reviews(migrated_store).totals(people["carol"], "ada00001").questions[0].criteria[0]
    assert counted.override == history[-1]  # the later id counts


# comments ----------------------------------------------------------------------------------------


def test_comments_keep_every_version(migrated_store: Store, people: dict[str, Account]) -> None:
    reviews, carol, ada = Reviews(migrated_store), people["carol"], people["ada"]
    first = reviews.add_comment(carol, "ada00001", 1, "Lead with the result.")
    reviews.add_comment(ada, "ada00001", 0, "I misread the question.")
    edited = reviews.edit_comment(carol, first.id, "Lead with the result, then the numbers.")
    assert edited.thread_id == first.id and edited.id != first.id
    threads = reviews.comments(ada, "ada00001")
    assert [t.current.turn_index for t in threads] == [0, 1]
    assert [v.text for v in threads[1].versions] == ["Lead with the result.", "Lead with the result, then the numbers."]
    assert threads[1].edited and threads[1].current.author == "carol" and not threads[0].edited
    reviews.edit_comment(carol, edited.id, "Third version.")  # editing from any version extends the same thread
    assert len(reviews.comments(carol, "ada00001")[1].versions) == 3
    with pytest.raises(InputError, match="Only a comment's author"):
        reviews.edit_comment(ada, first.id, "rewritten by someone else")
    with pytest.raises(NotFoundError):
        reviews.edit_comment(people["bob"], first.id, "not my session")
    with pytest.raises(NotFoundError, match="no turn 7"):
        reviews.add_comment(carol, "ada00001", 7, "where?")


RACER = """
import sys, time
from pathlib import Path
from mockinterviewer.store import Store
from mockinterviewer.store.accounts import Accounts
from mockinterviewer.store.review import Reviews
url, home, start, score = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
store = Store(url, home)
coach = Accounts(store).get("carol")
time.sleep(max(0.0, start - time.time()))
Reviews(store).add_override(coach, "ada00001", "q1", "depth", score, f"process {score:g}")
"""


def test_overrides_saved_by_two_processes_at_once_are_both_kept(migrated_store: Store, people: dict[str, Account],
                                                                tmp_path: Path) -> None:
    start = time.time() + 3.0  # every process has imported and connected by then
    procs = [subprocess.Popen([sys.executable, "-c", RACER, migrated_store.url, str(tmp_path), str(start), str(s)],
                              cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for s in (0.5, 1.5, 2.5, 3.5)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    history = Reviews(migrated_store).override_history(people["carol"], "ada00001")
    assert sorted(o.score for o in history) == [0.5, 1.5, 2.5, 3.5]


def test_no_password_in_the_logs(migrated_store: Store, caplog: pytest.LogCaptureFixture) -> None:
    """Even with SQLAlchemy logging every statement and its parameters."""
    migrated_store.engine.echo = True
    with caplog.at_level(logging.DEBUG):
        accounts = Accounts(migrated_store)
        accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
        assert accounts.authenticate("ada", PASSWORD) is not None
        assert accounts.authenticate("ada", "wrong " + PASSWORD) is None
    assert "INSERT INTO users" in caplog.text and "parameters hidden" in caplog.text  # statements, not values
    assert PASSWORD not in caplog.text


def test_an_existing_database_is_upgraded_with_its_sessions_kept(tmp_path: Path,
                                                                 request: pytest.FixtureRequest) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from mockinterviewer.store.schema import HEAD, MIGRATIONS, current_revision
    from tests.store.conftest import fresh_url

    url = fresh_url("sqlite", tmp_path, request)
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")  # a database made before accounts existed
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sessions VALUES ('old00001', 'ada', 'l', '{}', 'completed', 'offline', 2, "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")
    store = Store(url, tmp_path)
    assert current_revision(store.engine) == HEAD
    Accounts(store).add_user("ada", Role.CANDIDATE, PASSWORD)
    assert [s.id for s in Accounts(store).visible_sessions(Accounts(store).get("ada"))] == ["old00001"]


def test_an_id_prefix_is_resolved_among_the_sessions_one_may_see(migrated_store: Store,
                                                                 people: dict[str, Account]) -> None:
    accounts = Accounts(migrated_store)
    graded_session(migrated_store, "ab000001", "ada")
    graded_session(migrated_store, "ab000002", "bob")
    assert accounts.require_session(people["ada"], "ab") == "ab000001"  # bob's 'ab...' is not even considered
    assert accounts.require_session(people["dave"], "ab") == "ab000002"
    graded_session(migrated_store, "ab000003", "ada")
    with pytest.raises(NotFoundError, match=r"several sessions: ab000001, ab000003\.\n"):
        accounts.require_session(people["carol"], "ab")
    with pytest.raises(NotFoundError, match="No session with id '%'"):
        accounts.require_session(people["carol"], "%")  # a literal prefix, as the store's
