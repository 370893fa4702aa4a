"""Deleting a session, on SQLite and on the real PostgreSQL: its turns, grades, overrides, comments and audio
go; other sessions and their review stay; a running session cannot be deleted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from mockinterviewer.errors import InputError, NotFoundError
from mockinterviewer.store import Store
from mockinterviewer.store.accounts import Accounts, Role
from mockinterviewer.store.deletion import audio_folder, delete_session, session_tables
from mockinterviewer.store.review import Reviews
from mockinterviewer.transcript import Session
from tests.web.conftest import PASSWORD, PLAN, add_session


def recorded(store: Store, session_id: str) -> None:
    """A graded session (a question and its answer) with the answer's audio saved."""
    add_session(store, session_id, "ada")
    store.save_audio(session_id, 1, b"RIFF....WAVE", "wav")


@pytest.fixture
def two_sessions(migrated_store: Store) -> tuple[Store, Reviews]:
    accounts = Accounts(migrated_store)
    accounts.add_user("carol", Role.COACH, PASSWORD)
    accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    accounts.assign("carol", "ada")
    reviews = Reviews(migrated_store, accounts)
    carol = accounts.find("carol")
    assert carol is not None
    for session_id in ("dead0001", "keep0002"):
        recorded(migrated_store, session_id)
        reviews.add_override(carol, session_id, "q1", "depth", 3.0, "Better than the grader says.")
        reviews.add_override(carol, session_id, "q1", "depth", 2.0, "On second thought.")
        comment = reviews.add_comment(carol, session_id, 1, "Say why.")
        reviews.edit_comment(carol, comment.id, "Say why, with a number.")
    return migrated_store, reviews


def test_everything_of_the_session_goes_and_nothing_else(two_sessions: tuple[Store, Reviews]) -> None:
    store, reviews = two_sessions
    folder = audio_folder(store.data_dir, "dead0001")
    assert folder is not None and (folder / "turn-0001.wav").is_file()

    deleted = delete_session(store, "dead0001")

    assert (deleted.turns, deleted.overrides, deleted.comments, deleted.audio_files) == (2, 2, 2, 1)
    assert [s.id for s in store.list_sessions()] == ["keep0002"]
    with pytest.raises(NotFoundError):
        store.load_session("dead0001")
    assert store.load_grades("dead0001") == []
    assert not os.path.lexists(folder)
    with store.engine.connect() as connection:  # no row of any table refers to it any more
        for table, column in session_tables():
            assert connection.execute(select(func.count()).select_from(table).where(column == "dead0001")).scalar() == 0
            assert connection.execute(select(func.count()).select_from(table).where(column == "keep0002")).scalar()
    assert not [p for p in folder.parent.iterdir() if "dead0001" in p.name]  # nothing set aside is left
    carol = reviews.accounts.find("carol")
    assert carol is not None
    with pytest.raises(NotFoundError):
        reviews.override_history(carol, "dead0001")
    # the other session keeps its turns, grades, audio and review
    assert len(store.load_session("keep0002").turns) == 2
    assert len(reviews.override_history(carol, "keep0002")) == 2
    assert len(reviews.comments(carol, "keep0002")[0].versions) == 2
    kept = audio_folder(store.data_dir, "keep0002")
    assert kept is not None and (kept / "turn-0001.wav").is_file()


def test_every_table_that_refers_to_a_session_is_found() -> None:
    names = [table.name for table, _ in session_tables()]
    assert {"turns", "grades", "score_overrides", "turn_comments"} <= set(names)
    assert names[-1] == "sessions"


def test_on_sqlite_the_text_is_gone_from_the_files(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    # as SQLite builds whose default is off (Debian's is on): the deletion must turn it on itself
    event.listen(store.engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA secure_delete = OFF"))
    store.engine.dispose()
    marker = "zebra-marker-" + "q" * 40
    add_session(store, "gone0005", "ada", answer=f"My answer names the {marker} twice: {marker}.")
    files = [tmp_path / "db.sqlite", tmp_path / "db.sqlite-wal"]
    assert any(marker.encode() in p.read_bytes() for p in files if p.exists())
    delete_session(store, "gone0005")
    assert not any(marker.encode() in p.read_bytes() for p in files if p.exists())


def test_an_unknown_session_is_reported(two_sessions: tuple[Store, Reviews]) -> None:
    store, _ = two_sessions
    with pytest.raises(NotFoundError):
        delete_session(store, "nope0000")
    assert len(store.list_sessions()) == 2


def test_a_running_session_is_not_deleted(two_sessions: tuple[Store, Reviews]) -> None:
    store, _ = two_sessions
    hold = store.hold_session("dead0001")
    assert hold is not None
    try:
        with pytest.raises(InputError, match="running"):
            delete_session(store, "dead0001")
    finally:
        hold.release()
    assert len(store.load_session("dead0001").turns) == 2
    assert delete_session(store, "dead0001").turns == 2


def test_a_session_without_audio_is_deleted(migrated_store: Store) -> None:
    migrated_store.create_session(Session(id="text0003", candidate="ada", loop_id="netflix-senior-swe", plan=PLAN))
    assert delete_session(migrated_store, "text0003").audio_files == 0
    assert migrated_store.list_sessions() == []


def test_an_audio_folder_that_is_a_link_is_removed_as_a_link(migrated_store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the session's")
    migrated_store.create_session(Session(id="link0004", candidate="ada", loop_id="netflix-senior-swe", plan=PLAN))
    folder = audio_folder(migrated_store.data_dir, "link0004")
    assert folder is not None
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(outside)
    delete_session(migrated_store, "link0004")
    assert not os.path.lexists(folder)
    assert (outside / "keep.txt").read_text() == "not the session's"


def test_an_id_that_could_walk_out_names_no_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for bad in ("..", ".", "../x", "a/b", "", ".hidden", "/etc"):
        assert audio_folder(tmp_path, bad) is None
    assert audio_folder(tmp_path, "abcd1234") == tmp_path / "audio" / "abcd1234"
