"""SQLAlchemy 2 table definitions: sessions (with the rounds each plans), turns, grades."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (  # the sessions list: newest first, for everyone or for some candidates (migration 0003)
        Index("ix_sessions_created_at_id", "created_at", "id"),
        Index("ix_sessions_candidate_created_at_id", "candidate", "created_at", "id"),
        Index("ix_sessions_candidate_status_created_at_id", "candidate", "status", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    candidate: Mapped[str] = mapped_column(String(200), index=True)
    loop_id: Mapped[str] = mapped_column(String(80))
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    interviewer: Mapped[str] = mapped_column(String(200))
    max_follow_ups: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the session's total as it stands (the grader's, with the newest coach override of each criterion
    # applied); None until it is graded. Kept by `save_grades` and `Reviews.add_override` for the list's filter.
    score: Mapped[float | None] = mapped_column(Float, nullable=True)


class SessionRoundRow(Base):
    """One round a session's plan holds (so the sessions list filters by round in SQL)."""

    __tablename__ = "session_rounds"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    round_id: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "idx", name="uq_turn_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    round_id: Mapped[str] = mapped_column(String(80))
    question_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    probes: Mapped[list[Any]] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(40))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GradeRow(Base):
    __tablename__ = "grades"
    __table_args__ = (
        UniqueConstraint("session_id", "position", name="uq_grade_position"),
        # whether a session has a gradable question, from the index alone (the progress page; migration 0006)
        Index("ix_grades_session_id_gradable", "session_id", "gradable"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(80))
    grader: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the grade's `gradable`, kept beside its JSON so the progress page counts sessions in SQL
    gradable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
