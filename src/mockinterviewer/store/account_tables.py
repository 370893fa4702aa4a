"""Tables of accounts and coach review: users, coach↔candidate assignments, score overrides, turn comments.

Review rows are never updated nor deleted by the library: an edit is a new row, so the history of
every override and comment stays readable (see `store/review.py`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockinterviewer.store.tables import Base


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('coach', 'candidate')", name="ck_user_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))  # Argon2id, never the password
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AssignmentRow(Base):
    __tablename__ = "assignments"

    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScoreOverrideRow(Base):
    """A coach's score for one criterion of one question of a session; the newest row per criterion counts."""

    __tablename__ = "score_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    criterion_id: Mapped[str] = mapped_column(String(80))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TurnCommentRow(Base):
    """One version of a comment on a turn; an edit is a new row whose `thread_id` is the first version's id."""

    __tablename__ = "turn_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    turn_index: Mapped[int] = mapped_column(Integer)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("turn_comments.id", ondelete="CASCADE"),
                                                  nullable=True, index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebLoginRow(Base):
    """One browser login: the SHA-256 of the random token its cookie carries (never the token itself).

    Deleting the row (log out, a password change, the account removed) ends that login at once, whatever
    copies of its cookie exist."""

    __tablename__ = "web_logins"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailureRow(Base):
    """Wrong passwords in a row for one key (a user name typed, or a client address), shared by every worker.

    The key is an HMAC of the name or address (see web/security.py): what was typed is never stored."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ServerKeyRow(Base):
    """A random key made once and shared by every server on this database (e.g. the login limit's HMAC key,
    so that servers with different data directories still count the same name under the same key)."""

    __tablename__ = "server_keys"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
