"""Persistence of sessions, turns, grades and answer audio (SQLAlchemy 2: SQLite or PostgreSQL).

Every turn is committed on its own, before the interview produces the next one, so a crash or a
killed process never loses a recorded turn. Database errors become `StoreError`s that say what
to do (a read-only or full data directory, an unreachable server).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, delete, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from mockinterviewer.config import Settings
from mockinterviewer.errors import NotFoundError, StoreError
from mockinterviewer.store.schema import upgrade
from mockinterviewer.store.tables import GradeRow, SessionRow, TurnRow
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


def new_session_id() -> str:
    return secrets.token_hex(4)


def _explain(exc: BaseException, where: str) -> StoreError:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        hint = (f"The data directory {where} is not writable: fix its permissions, or point "
                "MOCKINTERVIEWER_HOME at a writable folder.")
    elif "disk is full" in text or "no space" in text or "disk full" in text:
        hint = f"The disk holding {where} is full: free some space and run the command again."
    elif "unable to open" in text:
        hint = (f"Cannot open the database in {where}: check that the folder exists and is writable, "
                "or set MOCKINTERVIEWER_HOME.")
    elif "connection" in text or "could not connect" in text:
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
        try:
            if url.startswith("sqlite"):
                self.data_dir.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(url, future=True)
            if url.startswith("sqlite"):
                event.listen(self.engine, "connect", _sqlite_pragmas)
            upgrade(self.engine)
        except (OSError, SQLAlchemyError) as exc:
            raise _explain(exc, self._where) from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

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
            ids = orm.scalars(select(SessionRow.id).where(SessionRow.id.startswith(session_id))).all()
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
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(audio)
            tmp.replace(path)
        except OSError as exc:
            raise _explain(exc, str(folder)) from exc
        return path

    # grades --------------------------------------------------------------------------------

    def save_grades(self, session_id: str, grades: list[QuestionGrade]) -> None:
        with self._tx() as orm:
            orm.execute(delete(GradeRow).where(GradeRow.session_id == session_id))
            for position, grade in enumerate(grades):
                orm.add(
                    GradeRow(
                        session_id=session_id,
                        position=position,
                        question_id=grade.question_id,
                        grader=grade.grader,
                        data=grade.model_dump(mode="json"),
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
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def open_store(settings: Settings) -> Store:
    """The store configured by `Settings` (MOCKINTERVIEWER_DATABASE_URL or SQLite in the data dir)."""
    return Store(settings.resolved_database_url(), settings.home)
