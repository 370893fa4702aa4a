"""Persistence of sessions, turns, grades and answer audio (SQLAlchemy 2: SQLite or PostgreSQL).

Every turn is committed on its own, before the interview produces the next one, so a crash or a
killed process never loses a recorded turn. Database errors become `StoreError`s that say what
to do (a read-only or full data directory, an unreachable server). The data directory and every
file the store writes in it are owner-only. A process running a session holds a lock on it, so a
session whose process died shows as interrupted.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, delete, event, func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from mockinterviewer.config import Settings
from mockinterviewer.errors import NotFoundError, StoreError
from mockinterviewer.safe_files import PRIVATE_FILE_MODE, private_dir, private_file
from mockinterviewer.store.locks import Hold, Locks
from mockinterviewer.store.schema import upgrade
from mockinterviewer.store.tables import GradeRow, SessionRoundRow, SessionRow, TurnRow
from mockinterviewer.transcript import (
    Plan,
    QuestionGrade,
    Session,
    SessionStatus,
    Speaker,
    Turn,
    TurnKind,
    utcnow,
)


@dataclass(frozen=True)
class SessionSummary:
    id: str
    candidate: str
    loop_id: str
    rounds: list[str]
    status: SessionStatus
    turns: int
    created_at: datetime
    updated_at: datetime
    running: bool = False  # a process holds the session right now

    @property
    def shown_status(self) -> str:
        """The status, with `interrupted` for a session left in progress by a process that died."""
        if self.status is SessionStatus.IN_PROGRESS and not self.running:
            return "interrupted"
        return self.status.value


def overall_score(scores: Iterable[tuple[str | None, float]]) -> float:
    """A session's total from its (round id, question score) pairs, as its report gives it: the mean over
    rounds of each round's mean question score, to two places (0 with no question)."""
    rounds: dict[str | None, list[float]] = {}
    for round_id, score in scores:
        rounds.setdefault(round_id, []).append(score)
    means = [sum(r) / len(r) for r in rounds.values()]
    return round(sum(round(m, 2) for m in means) / len(means), 2) if means else 0.0


def new_session_id() -> str:
    return secrets.token_hex(4)


def _explain(exc: BaseException, where: str) -> StoreError:
    text = str(exc).lower()
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return StoreError(f"The data directory {where} is a file, not a folder.",
                          hint="Point MOCKINTERVIEWER_HOME at a folder (it is made if missing), or move the file.")
    if "could not parse sqlalchemy url" in text:
        return StoreError("MOCKINTERVIEWER_DATABASE_URL is not a database URL.",
                          hint="Give one such as postgresql+psycopg://user@host/db, or unset it to use SQLite in "
                               "the data directory.")
    if "file is not a database" in text:
        return StoreError(f"The database file in {where} is not an SQLite database (damaged, or another file).",
                          hint="Move it away to start afresh, restore it from a backup, or point MOCKINTERVIEWER_HOME "
                               "at another folder.")
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        hint = (f"The data directory {where} is not writable: fix its permissions, or point "
                "MOCKINTERVIEWER_HOME at a writable folder.")
    elif "disk is full" in text or "no space" in text or "disk full" in text:
        hint = f"The disk holding {where} is full: free some space and run the command again."
    elif "unable to open" in text:
        hint = (f"Cannot open the database in {where}: check that the folder exists and is writable, "
                "or set MOCKINTERVIEWER_HOME.")
    elif "connection" in text or "could not connect" in text or "resolve host" in text:
        hint = "Cannot reach the database server: check MOCKINTERVIEWER_DATABASE_URL and that the server runs."
    else:
        hint = f"Check the database at {where} (MOCKINTERVIEWER_HOME / MOCKINTERVIEWER_DATABASE_URL)."
    first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return StoreError(f"The database could not be used: {first_line}", hint=hint)


class Store:
    """Sessions and their turns, grades and audio. One instance per process."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url = url
        self.data_dir = Path(data_dir)
        self._where = str(self.data_dir) if url.startswith("sqlite") else url.split("@")[-1]
        self.notices: list[str] = []  # said once to the user, e.g. a data directory made private
        try:
            if url.startswith("sqlite"):
                self._private_sqlite(url)
            # hide_parameters: SQL logs never show values (a password typed into the name field, answers)
            try:
                self.engine: Engine = create_engine(url, future=True, hide_parameters=True)
            except ModuleNotFoundError as exc:  # a URL naming a driver that is not installed
                raise StoreError(
                    f"MOCKINTERVIEWER_DATABASE_URL needs the database driver {exc.name}, which is not installed.",
                    hint="It works with PostgreSQL (postgresql+psycopg://user@host/db); unset it to use SQLite in the "
                         "data directory.") from None
            if url.startswith("sqlite"):
                event.listen(self.engine, "connect", _sqlite_pragmas)
            self.locks = Locks(self.engine, self.data_dir)
            upgrade(self.engine, self.locks)
        except (OSError, SQLAlchemyError) as exc:
            raise _explain(exc, self._where) from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _private_sqlite(self, url: str) -> None:
        """Make the data directory 0700 and the database file 0600 before SQLite creates anything."""
        if private_dir(self.data_dir):
            self.notices.append(f"Made the data directory {self.data_dir} private (owner only): other accounts "
                                "could read it.")
        database = make_url(url).database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database)  # its folder is never changed: it may be shared, like /tmp
            tightened = [p.name for p in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm")))
                         if (p == path or p.exists()) and private_file(p)]
            if tightened:
                self.notices.append(f"Made {', '.join(tightened)} readable by you only.")

    @contextmanager
    def _tx(self) -> Iterator[OrmSession]:
        try:
            with self._sessions.begin() as orm:
                yield orm
        except IntegrityError:
            raise
        except (OSError, SQLAlchemyError) as exc:
            raise _explain(exc, self._where) from exc

    # sessions -----------------------------------------------------------------------------

    def create_session(self, session: Session) -> Session:
        with self._tx() as orm:
            orm.add(
                SessionRow(
                    id=session.id,
                    candidate=session.candidate,
                    loop_id=session.loop_id,
                    plan=session.plan.model_dump(mode="json"),
                    status=session.status.value,
                    interviewer=session.interviewer,
                    max_follow_ups=session.max_follow_ups,
                    created_at=session.created_at,
                    updated_at=session.updated_at,
                )
            )
            orm.flush()  # the session before its rounds (PostgreSQL checks the foreign key at once)
            orm.add_all(SessionRoundRow(session_id=session.id, round_id=round_id)
                        for round_id in dict.fromkeys(r.round_id for r in session.plan.rounds))
        return session

    def set_status(self, session_id: str, status: SessionStatus) -> None:
        with self._tx() as orm:
            row = orm.get(SessionRow, session_id)
            if row is None:
                raise self._unknown(session_id)
            row.status = status.value
            row.updated_at = utcnow()

    def resolve_id(self, session_id: str) -> str:
        """The full id of a session given its id or an unambiguous prefix."""
        with self._tx() as orm:
            if orm.get(SessionRow, session_id) is not None:
                return session_id
            ids = orm.scalars(  # a literal prefix: '%' and '_' are not wildcards
                select(SessionRow.id).where(SessionRow.id.startswith(session_id, autoescape=True))
            ).all()
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise NotFoundError(f"'{session_id}' matches several sessions: {', '.join(ids)}.",
                                hint="Give more characters of the id.")
        raise self._unknown(session_id)

    def _unknown(self, session_id: str) -> NotFoundError:
        return NotFoundError(f"No session with id '{session_id}'.",
                             hint="Run 'mockinterviewer sessions' to list the sessions.")

    def load_session(self, session_id: str) -> Session:
        session_id = self.resolve_id(session_id)
        with self._tx() as orm:
            row = orm.get(SessionRow, session_id)
            if row is None:
                raise self._unknown(session_id)
            turns = orm.scalars(
                select(TurnRow).where(TurnRow.session_id == session_id).order_by(TurnRow.idx)
            ).all()
            return Session(
                id=row.id,
                candidate=row.candidate,
                loop_id=row.loop_id,
                plan=Plan.model_validate(row.plan),
                status=SessionStatus(row.status),
                interviewer=row.interviewer,
                max_follow_ups=row.max_follow_ups,
                created_at=row.created_at,
                updated_at=row.updated_at,
                turns=[_turn_from_row(t) for t in turns],
            )

    def list_sessions(self, candidate: str | None = None) -> list[SessionSummary]:
        summaries = self._list_sessions(candidate)
        in_progress = [s.id for s in summaries if s.status is SessionStatus.IN_PROGRESS]
        running = self.running_sessions(in_progress)
        return [replace(s, running=s.id in running) for s in summaries]

    def _list_sessions(self, candidate: str | None) -> list[SessionSummary]:
        with self._tx() as orm:
            counts = (
                select(TurnRow.session_id, func.count().label("n")).group_by(TurnRow.session_id).subquery()
            )
            query = (
                select(SessionRow, counts.c.n)
                .outerjoin(counts, counts.c.session_id == SessionRow.id)
                .order_by(SessionRow.created_at.desc())
            )
            if candidate is not None:
                query = query.where(SessionRow.candidate == candidate)
            return [
                SessionSummary(
                    id=row.id,
                    candidate=row.candidate,
                    loop_id=row.loop_id,
                    rounds=[r["round_id"] for r in row.plan.get("rounds", [])],
                    status=SessionStatus(row.status),
                    turns=n or 0,
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                )
                for row, n in orm.execute(query).all()
            ]

    def asked_questions(self, candidate: str, *, excluding: str | None = None) -> set[str]:
        """Ids of the questions this candidate was asked in their sessions."""
        with self._tx() as orm:
            query = (
                select(TurnRow.question_id)
                .join(SessionRow, SessionRow.id == TurnRow.session_id)
                .where(SessionRow.candidate == candidate, TurnRow.kind == TurnKind.QUESTION.value)
            )
            if excluding:
                query = query.where(SessionRow.id != excluding)
            return {q for q in orm.scalars(query).all() if q}

    def reserved_questions(self, candidate: str) -> set[str]:
        """Ids of the questions planned for this candidate's sessions that are not completed yet."""
        with self._tx() as orm:
            plans = orm.scalars(
                select(SessionRow.plan).where(SessionRow.candidate == candidate,
                                              SessionRow.status != SessionStatus.COMPLETED.value)
            ).all()
        return {q["question_id"] for plan in plans for r in plan.get("rounds", []) for q in r.get("questions", [])}

    def create_planned_session(self, candidate: str, build: Callable[[set[str]], Session]) -> Session:
        """Create the session `build(taken)` returns, where `taken` holds the questions this candidate was
        asked or has planned in an unfinished session. One candidate's sessions are planned one at a
        time across processes, so two interviews started at the same moment never share a question.
        """
        try:
            with self.locks.exclusive(f"plan:{candidate}"):
                session = build(self.asked_questions(candidate) | self.reserved_questions(candidate))
                return self.create_session(session)
        except (OSError, SQLAlchemyError) as exc:
            raise _explain(exc, self._where) from exc

    # running sessions ----------------------------------------------------------------------------

    def hold_session(self, session_id: str) -> Hold | None:
        """Mark the session as run by this process until `release()`; None when another process runs it."""
        try:
            return self.locks.try_hold(f"session:{session_id}")
        except (OSError, SQLAlchemyError) as exc:
            raise _explain(exc, self._where) from exc

    def running_sessions(self, session_ids: list[str]) -> set[str]:
        """Which of these sessions a live process is running right now."""
        try:
            held = self.locks.held([f"session:{i}" for i in session_ids])
        except (OSError, SQLAlchemyError) as exc:
            raise _explain(exc, self._where) from exc
        return {name.removeprefix("session:") for name in held}

    # turns ---------------------------------------------------------------------------------

    def save_turn(self, session_id: str, turn: Turn) -> Turn:
        """Commit one turn. Its index must be the next free one in the session."""
        try:
            with self._tx() as orm:
                orm.add(
                    TurnRow(
                        session_id=session_id,
                        idx=turn.index,
                        speaker=turn.speaker.value,
                        kind=turn.kind.value,
                        text=turn.text,
                        round_id=turn.round_id,
                        question_id=turn.question_id,
                        probes=list(turn.probes),
                        seconds=turn.seconds,
                        source=turn.source,
                        meta=turn.meta,
                        created_at=turn.created_at,
                    )
                )
                row = orm.get(SessionRow, session_id)
                if row is not None:
                    row.updated_at = utcnow()
        except IntegrityError as exc:
            raise StoreError(
                f"Turn {turn.index} of session {session_id} is already recorded.",
                hint="Another process may be running this session; resume it only once.",
            ) from exc
        return turn

    def save_audio(self, session_id: str, turn_index: int, audio: bytes, extension: str) -> Path:
        """Write an answer's audio beside the database; returns its path."""
        folder = self.data_dir / "audio" / session_id
        path = folder / f"turn-{turn_index:04d}.{extension.lstrip('.')}"
        try:
            for level in (self.data_dir, self.data_dir / "audio", folder):
                private_dir(level)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.unlink(missing_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), PRIVATE_FILE_MODE)
                handle.write(audio)
            tmp.replace(path)
        except OSError as exc:
            raise _explain(exc, str(folder)) from exc
        return path

    # grades --------------------------------------------------------------------------------

    def save_grades(self, session_id: str, grades: list[QuestionGrade]) -> None:
        """Replace the session's grades; its listed score becomes the grader's total (`Reviews` applies
        the coach overrides to it when one is saved)."""
        with self._tx() as orm:
            row = orm.get(SessionRow, session_id)
            if row is not None:
                row.score = overall_score((g.round_id, g.score) for g in grades) if grades else None
            orm.execute(delete(GradeRow).where(GradeRow.session_id == session_id))
            for position, grade in enumerate(grades):
                orm.add(
                    GradeRow(
                        session_id=session_id,
                        position=position,
                        question_id=grade.question_id,
                        grader=grade.grader,
                        data=grade.model_dump(mode="json"),
                        gradable=grade.gradable,
                        created_at=utcnow(),
                    )
                )

    def load_grades(self, session_id: str) -> list[QuestionGrade]:
        with self._tx() as orm:
            rows = orm.scalars(
                select(GradeRow).where(GradeRow.session_id == session_id).order_by(GradeRow.position)
            ).all()
            return [QuestionGrade.model_validate(r.data) for r in rows]


def _turn_from_row(row: TurnRow) -> Turn:
    return Turn(
        index=row.idx,
        speaker=Speaker(row.speaker),
        kind=TurnKind(row.kind),
        text=row.text,
        round_id=row.round_id,
        question_id=row.question_id,
        probes=list(row.probes or []),
        seconds=row.seconds,
        source=row.source,
        meta=dict(row.meta or {}),
        created_at=row.created_at,
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL waits for other processes too
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_store(settings: Settings) -> Store:
    """The store configured by `Settings` (MOCKINTERVIEWER_DATABASE_URL or SQLite in the data dir)."""
    return Store(settings.resolved_database_url(), settings.home)
