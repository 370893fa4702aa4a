"""Deleting a session for good: its rows (turns, grades, coach overrides, comments, every row of any table
that refers to the session, and the session) and its folder of answer audio.

The rows go in one transaction; on SQLite with `secure_delete` (their pages are overwritten, not just
freed) and then a checkpoint that empties the write-ahead log, so their text is gone from the files too
(PostgreSQL reuses the space of deleted rows after its autovacuum). The audio folder is first moved
aside inside the data directory, so a failed transaction puts it back and nothing is half deleted; once
the rows are gone the folder is removed. A session another process is running cannot be deleted (its
next turn would have nowhere to go). Who may delete a session is decided above this module (the web app
lets only its candidate).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Table, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession

from mockinterviewer.errors import InputError, StoreError
from mockinterviewer.store.account_tables import ScoreOverrideRow, TurnCommentRow
from mockinterviewer.store.store import Store
from mockinterviewer.store.tables import Base, SessionRow, TurnRow

AUDIO_DIR = "audio"
# A session id that can name a folder of its own under audio/ (ids are made by `new_session_id`: hex).
_FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class DeletedSession:
    session_id: str
    turns: int
    overrides: int
    comments: int
    audio_files: int


def audio_folder(data_dir: Path, session_id: str) -> Path | None:
    """The folder holding the session's answer audio (`Store.save_audio`), or None for an id that could
    not name one (it would reach outside `audio/`)."""
    if not _FOLDER_NAME.fullmatch(session_id):
        return None
    return Path(data_dir) / AUDIO_DIR / session_id


def session_tables() -> list[tuple[Table, Column[Any]]]:
    """Every table that refers to a session, with its column holding the session id, children first and the
    sessions table last (found from the foreign keys, so a table added later is deleted from too)."""
    found: list[tuple[Table, Column[Any]]] = []
    for table in reversed(Base.metadata.sorted_tables):
        if table.name == SessionRow.__tablename__:
            found.append((table, table.c.id))
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == SessionRow.__tablename__ and fk.column.name == "id":
                found.append((table, fk.parent))
    return sorted(found, key=lambda pair: pair[0].name == SessionRow.__tablename__)


def _count(orm: OrmSession, table: type[TurnRow] | type[ScoreOverrideRow] | type[TurnCommentRow],
           session_id: str) -> int:
    return int(orm.scalar(select(func.count()).select_from(table).where(table.session_id == session_id)) or 0)


def _set_aside(folder: Path | None) -> Path | None:
    """Move the session's audio folder to a hidden name beside it; None when it has none."""
    if folder is None or not os.path.lexists(folder):
        return None
    aside = folder.with_name(f".deleting-{folder.name}-{secrets.token_hex(4)}")
    os.rename(folder, aside)  # a symbolic link is moved as the link, never followed
    return aside


def _remove(aside: Path) -> int:
    """Remove the set-aside folder (a link: only the link); the number of files it held."""
    if aside.is_symlink() or not aside.is_dir():
        aside.unlink()
        return 0
    files = sum(1 for p in aside.rglob("*") if p.is_file() or p.is_symlink())
    shutil.rmtree(aside)
    return files


def _checkpoint(store: Store) -> None:
    """Copy SQLite's write-ahead log into the database and empty it, so the deleted rows' old pages are not
    left in the log file either (a reader holding an old snapshot keeps the log until a later checkpoint)."""
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def delete_session(store: Store, session_id: str) -> DeletedSession:
    """Delete the session `session_id` (its full id) with everything recorded about it."""
    hold = store.hold_session(session_id)
    if hold is None:
        raise InputError(f"Session {session_id} is running in another process right now.",
                         hint="Stop that interview (or let it finish) and delete the session then.")
    try:
        folder = audio_folder(store.data_dir, session_id)
        sqlite = store.engine.dialect.name == "sqlite"
        with store._tx() as orm:
            if orm.get(SessionRow, session_id) is None:
                raise store._unknown(session_id)
        try:
            aside = _set_aside(folder)
        except OSError as exc:
            raise StoreError(f"The audio of session {session_id} could not be moved: {exc.strerror or exc}.",
                             hint=f"Check the permissions of {folder}; nothing was deleted.") from exc
        try:
            with store._tx() as orm:
                if sqlite:
                    orm.execute(text("PRAGMA secure_delete = ON"))  # freed pages are overwritten with zeros
                counts = DeletedSession(session_id, _count(orm, TurnRow, session_id),
                                        _count(orm, ScoreOverrideRow, session_id),
                                        _count(orm, TurnCommentRow, session_id), 0)
                for table, column in session_tables():
                    orm.execute(delete(table).where(column == session_id))
        except (StoreError, SQLAlchemyError):
            if aside is not None and folder is not None:
                os.rename(aside, folder)  # the session is still there: so is its audio
            raise
        if sqlite:
            _checkpoint(store)
        if aside is None:
            return counts
        try:
            files = _remove(aside)
        except OSError as exc:
            raise StoreError(f"Session {session_id} is deleted, but its audio folder {aside} could not be "
                             f"removed: {exc.strerror or exc}.", hint="Remove that folder by hand.") from exc
        return DeletedSession(counts.session_id, counts.turns, counts.overrides, counts.comments, files)
    finally:
        hold.release()
