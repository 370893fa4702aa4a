"""The store on SQLite and on a real PostgreSQL server: turns, sessions, grades, audio, errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mockinterviewer.errors import NotFoundError, StoreError
from mockinterviewer.store import Store
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

PLAN = Plan(loop_id="netflix-senior-swe", seed=1, rounds=[
    PlannedRound(round_id="onsite-technical-deep-dive", questions=[PlannedQuestion(question_id="q1", minutes=5)])])


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    url = request.getfixturevalue("postgres_url")
    store = Store(url, tmp_path)
    from mockinterviewer.store.tables import Base

    Base.metadata.drop_all(store.engine)
    Base.metadata.create_all(store.engine)
    return store


def session(session_id: str = "abc12345", candidate: str = "ada") -> Session:
    return Session(id=session_id, candidate=candidate, loop_id="netflix-senior-swe", plan=PLAN)


def test_turns_round_trip_in_order(store: Store) -> None:
    store.create_session(session())
    texts = ["Hello", "Question?", "My answer — with ünïcode and 'quotes'"]
    kinds = [TurnKind.OPENING, TurnKind.QUESTION, TurnKind.ANSWER]
    for i, (text, kind) in enumerate(zip(texts, kinds, strict=True)):
        speaker = Speaker.CANDIDATE if kind is TurnKind.ANSWER else Speaker.INTERVIEWER
        turn = Turn(index=i, speaker=speaker, kind=kind, text=text, round_id="onsite-technical-deep-dive",
                    question_id="q1" if i else None, seconds=1.5 * i, meta={"latency_ms": 3})
        store.save_turn("abc12345", turn)
    loaded = store.load_session("abc")  # a unique prefix is enough
    assert [t.text for t in loaded.turns] == texts
    assert loaded.turns[2].seconds == 3.0 and loaded.turns[2].meta == {"latency_ms": 3}
    assert loaded.plan == PLAN


def test_a_turn_index_is_recorded_once(store: Store) -> None:
    store.create_session(session())
    turn = Turn(index=0, speaker=Speaker.INTERVIEWER, kind=TurnKind.OPENING, text="Hi", round_id="r")
    store.save_turn("abc12345", turn)
    with pytest.raises(StoreError, match="already recorded"):
        store.save_turn("abc12345", turn)
    assert len(store.load_session("abc12345").turns) == 1


def test_list_status_and_asked_questions(store: Store) -> None:
    store.create_session(session("s1", "ada"))
    store.create_session(session("s2", "bob"))
    store.save_turn("s1", Turn(index=0, speaker=Speaker.INTERVIEWER, kind=TurnKind.QUESTION, text="Q",
                               round_id="r", question_id="q1"))
    store.set_status("s1", SessionStatus.COMPLETED)
    rows = {s.id: s for s in store.list_sessions()}
    assert rows["s1"].status is SessionStatus.COMPLETED and rows["s1"].turns == 1 and rows["s2"].turns == 0
    assert store.asked_questions("ada") == {"q1"}
    assert store.asked_questions("bob") == set()


def test_grades_and_audio(store: Store, tmp_path: Path) -> None:
    store.create_session(session())
    grade = QuestionGrade(question_id="q1", prompt="P", answer="A", score=2.0, max_score=4,
                          criteria=[CriterionGrade(id="c", name="C", score=2, max_score=4, weight=1,
                                                   evidence=["A"], rationale="r")])
    store.save_grades("abc12345", [grade])
    store.save_grades("abc12345", [grade])  # regrading replaces
    assert store.load_grades("abc12345") == [grade]
    path = store.save_audio("abc12345", 3, b"OggS...", "ogg")
    assert path.read_bytes() == b"OggS..." and path.parent.parent.parent == tmp_path


def test_unknown_session_is_a_clear_error(store: Store) -> None:
    with pytest.raises(NotFoundError, match="mockinterviewer sessions"):
        store.load_session("nope")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_data_dir(tmp_path: Path) -> None:
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="MOCKINTERVIEWER_HOME"):
            Store(f"sqlite:///{home / 'db.sqlite'}", home)
    finally:
        home.chmod(0o700)


def test_unusable_data_dir_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as info:
        Store(f"sqlite:///{blocker / 'db.sqlite'}", blocker)
    assert "MOCKINTERVIEWER_HOME" in str(info.value)
    assert info.value.message == f"The data directory {blocker} is a file, not a folder."  # no errno text


def test_a_damaged_database_file_or_a_url_that_is_none_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite").write_bytes(b"\x00not sqlite\xff" * 400)
    with pytest.raises(StoreError) as damaged:
        Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    assert "is not an SQLite database" in damaged.value.message and "Move it away" in (damaged.value.hint or "")
    with pytest.raises(StoreError) as bad_url:
        Store("notaurl", tmp_path)
    assert bad_url.value.message == "MOCKINTERVIEWER_DATABASE_URL is not a database URL."
    with pytest.raises(StoreError) as no_driver:  # a traceback before
        Store("mysql://mi@localhost/mi", tmp_path)
    assert "needs the database driver MySQLdb" in no_driver.value.message
    assert "postgresql+psycopg://" in (no_driver.value.hint or "")


def test_full_disk_and_read_only_errors_say_what_to_do() -> None:
    from sqlalchemy.exc import OperationalError

    from mockinterviewer.store.store import _explain

    full = _explain(OperationalError("INSERT", {}, Exception("database or disk is full")), "/data")
    assert "full" in str(full) and "free some space" in str(full)
    readonly = _explain(OperationalError("INSERT", {}, Exception("attempt to write a readonly database")), "/d")
    assert "not writable" in str(readonly) and "MOCKINTERVIEWER_HOME" in str(readonly)


def test_read_only_database_even_as_root(tmp_path: Path) -> None:
    """A database that cannot be written (opened read-only here, which holds even for root)."""
    Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path).create_session(session())
    read_only = Store(f"sqlite:///file:{tmp_path / 'db.sqlite'}?mode=ro&uri=true", tmp_path)
    assert read_only.load_session("abc12345").candidate == "ada"  # what is recorded stays readable
    turn = Turn(index=0, speaker=Speaker.INTERVIEWER, kind=TurnKind.OPENING, text="Hi", round_id="r")
    with pytest.raises(StoreError) as info:
        read_only.save_turn("abc12345", turn)
    assert "MOCKINTERVIEWER_HOME" in str(info.value) and "not writable" in str(info.value)


def test_an_id_prefix_is_matched_literally(store: Store) -> None:
    store.create_session(session("ab6f6f12"))
    store.create_session(session("cd_e1234"))
    assert store.load_session("ab6f").id == "ab6f6f12"
    assert store.load_session("cd_e").id == "cd_e1234"
    for pattern in ("%6f6f", "%", "_b6f", "ab6f%", "cd%"):  # SQL LIKE wildcards are plain characters
        with pytest.raises(NotFoundError):
            store.load_session(pattern)


def test_a_candidate_s_unfinished_plans_are_reserved(store: Store) -> None:
    store.create_session(session("s1", "ada"))  # planned q1, not asked yet
    assert store.reserved_questions("ada") == {"q1"} and store.reserved_questions("bob") == set()
    store.set_status("s1", SessionStatus.COMPLETED)
    assert store.reserved_questions("ada") == set()
    seen: list[set[str]] = []

    def build(taken: set[str]) -> Session:
        seen.append(taken)
        return session("s2", "ada")

    store.create_planned_session("ada", build)
    assert seen == [set()] and store.reserved_questions("ada") == {"q1"}
