"""Accounts: coaches and candidates, their Argon2 password hashes, and which coach follows which candidate.

A password is hashed with Argon2id (`argon2-cffi`) before it reaches the database and is never kept,
logged nor shown. A candidate's sessions are those whose `candidate` is the account's name, so the
sessions a candidate holds in the terminal with `--candidate NAME` belong to the account NAME.

Access: a candidate sees their own sessions; a coach sees the sessions of the candidates assigned
to them. A session someone may not see is reported exactly like a session that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from mockinterviewer.errors import InputError, NotFoundError
from mockinterviewer.safe_text import strip_controls
from mockinterviewer.store.account_tables import AssignmentRow, UserRow, WebLoginRow
from mockinterviewer.store.store import SessionSummary, Store
from mockinterviewer.store.tables import SessionRow
from mockinterviewer.transcript import utcnow

MAX_NAME = 200
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # Argon2 takes any length; this bounds the work one login can ask for

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters


@cache
def _dummy_hash() -> str:
    """Verified when the user is unknown, so the time taken does not tell which names exist (made on first use:
    hashing costs a tenth of a second and 64 MB, too much for every command's start)."""
    return _hasher.hash("not a password")


class Role(StrEnum):
    COACH = "coach"
    CANDIDATE = "candidate"


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: Role
    created_at: datetime


@dataclass(frozen=True)
class AccountListing:
    account: Account
    assigned: list[str]  # a coach's candidates, or a candidate's coaches


def parse_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise InputError(f"Unknown role '{strip_controls(role)}'.",
                         hint="Use --role coach or --role candidate.") from None


def normal_name(name: str) -> str:
    """A name as stored: runs of white space are one space (as `interview --candidate` stores it)."""
    return " ".join(name.split())


def check_name(name: str) -> str:
    cleaned = normal_name(name)
    if not cleaned or len(cleaned) > MAX_NAME or not cleaned.isprintable():
        raise InputError("A user name must be 1 to 200 printable characters.", hint="Choose another name.")
    return cleaned


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"The password is too long: use at most {MAX_PASSWORD} characters.")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def aware(moment: datetime) -> datetime:
    """A stored time in UTC (SQLite hands back naive datetimes)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def account_from_row(row: UserRow) -> Account:
    return Account(id=row.id, name=row.name, role=Role(row.role), created_at=aware(row.created_at))


def _unknown_user(name: str) -> NotFoundError:
    return NotFoundError(f"No user named '{strip_controls(name)}'.",
                         hint="Run 'mockinterviewer user list' to see the accounts.")


class Accounts:
    """Users, assignments and the access rules, on a `Store`'s database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # users ---------------------------------------------------------------------------------------

    def add_user(self, name: str, role: Role | str, password: str) -> Account:
        name, role = check_name(name), role if isinstance(role, Role) else parse_role(role)
        row = UserRow(name=name, role=role.value, password_hash=hash_password(password), created_at=utcnow())
        try:
            with self.store._tx() as orm:
                orm.add(row)
        except IntegrityError:
            raise InputError(f"A user named '{name}' already exists.", hint="Choose another name.") from None
        return account_from_row(row)

    def find(self, name: str) -> Account | None:
        with self.store._tx() as orm:
            row = orm.scalar(select(UserRow).where(UserRow.name == normal_name(name)))
            return account_from_row(row) if row is not None else None

    def get(self, name: str, role: Role | None = None) -> Account:
        """The account `name`; with `role`, it must have that role (else one clear error)."""
        account = self.find(name)
        if account is None:
            raise _unknown_user(name)
        if role is not None and account.role is not role:
            raise InputError(f"'{account.name}' is a {account.role.value}, not a {role.value}.",
                             hint=f"Give the name of a {role.value} (see 'mockinterviewer user list').")
        return account

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account when `password` is its password, else None (the same work either way)."""
        with self.store._tx() as orm:
            row = orm.scalar(select(UserRow).where(UserRow.name == normal_name(name)))
            stored = row.password_hash if row is not None else _dummy_hash()
            try:
                _hasher.verify(stored, password[:MAX_PASSWORD + 1])
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return None
            if row is None:
                return None
            if _hasher.check_needs_rehash(stored):  # parameters raised since it was hashed
                row.password_hash = _hasher.hash(password)
            return account_from_row(row)

    def set_password(self, name: str, password: str) -> int:
        """Give `name` a new password and end every browser login of the account (their cookies open nothing
        any more); the number of logins ended."""
        hashed = hash_password(password)
        with self.store._tx() as orm:
            row = orm.scalar(select(UserRow).where(UserRow.name == normal_name(name)))
            if row is None:
                raise _unknown_user(name)
            row.password_hash = hashed
            ended = cast(CursorResult[Any], orm.execute(delete(WebLoginRow).where(WebLoginRow.user_id == row.id)))
            return ended.rowcount

    def list_users(self) -> list[AccountListing]:
        with self.store._tx() as orm:
            users = orm.scalars(select(UserRow).order_by(UserRow.role, UserRow.name)).all()
            coach, candidate = aliased(UserRow), aliased(UserRow)
            pairs = orm.execute(
                select(coach.name, candidate.name)
                .join(AssignmentRow, AssignmentRow.coach_id == coach.id)
                .join(candidate, AssignmentRow.candidate_id == candidate.id)
                .order_by(coach.name, candidate.name)
            ).all()
        links: dict[str, list[str]] = {}
        for coach_name, candidate_name in pairs:
            links.setdefault(coach_name, []).append(candidate_name)
            links.setdefault(candidate_name, []).append(coach_name)
        return [AccountListing(account_from_row(u), sorted(links.get(u.name, []))) for u in users]

    # assignments ---------------------------------------------------------------------------------

    def assign(self, coach: str, candidate: str) -> bool:
        """Let `coach` follow `candidate`; False when it already did."""
        coach_account, candidate_account = self.get(coach, Role.COACH), self.get(candidate, Role.CANDIDATE)
        try:
            with self.store._tx() as orm:
                if orm.get(AssignmentRow, (coach_account.id, candidate_account.id)) is not None:
                    return False
                orm.add(AssignmentRow(coach_id=coach_account.id, candidate_id=candidate_account.id,
                                      created_at=utcnow()))
        except IntegrityError:  # the same assignment made at the same moment by another process
            return False
        return True

    def unassign(self, coach: str, candidate: str) -> bool:
        coach_account, candidate_account = self.get(coach, Role.COACH), self.get(candidate, Role.CANDIDATE)
        with self.store._tx() as orm:
            row = orm.get(AssignmentRow, (coach_account.id, candidate_account.id))
            if row is None:
                return False
            orm.delete(row)
        return True

    def candidates_of(self, coach: Account) -> list[str]:
        with self.store._tx() as orm:
            return list(orm.scalars(
                select(UserRow.name).join(AssignmentRow, AssignmentRow.candidate_id == UserRow.id)
                .where(AssignmentRow.coach_id == coach.id).order_by(UserRow.name)
            ).all())

    # sessions and access -------------------------------------------------------------------------

    def account_for_candidate(self, candidate: str) -> Account | None:
        """The candidate account a session held with `--candidate NAME` belongs to (None: no such account)."""
        account = self.find(candidate)
        return account if account is not None and account.role is Role.CANDIDATE else None

    def session_owner(self, session_id: str) -> Account | None:
        with self.store._tx() as orm:
            candidate = orm.scalar(select(SessionRow.candidate).where(SessionRow.id == session_id))
        return self.account_for_candidate(candidate) if candidate is not None else None

    def _visible_candidates(self, viewer: Account) -> set[str]:
        """The candidate names whose sessions `viewer` may see."""
        return {viewer.name} if viewer.role is Role.CANDIDATE else set(self.candidates_of(viewer))

    def can_see(self, viewer: Account, session_id: str) -> bool:
        with self.store._tx() as orm:
            candidate = orm.scalar(select(SessionRow.candidate).where(SessionRow.id == session_id))
        return candidate is not None and candidate in self._visible_candidates(viewer)

    def require_session(self, viewer: Account, session_id: str) -> str:
        """The full id of the session `viewer` may see given its id or a prefix unambiguous among those
        sessions; any other gets the error of an unknown session (nothing tells that it exists)."""
        names = self._visible_candidates(viewer)
        with self.store._tx() as orm:
            rows = orm.execute(select(SessionRow.id, SessionRow.candidate)
                               .where(SessionRow.id.startswith(session_id, autoescape=True))).all()
        ids = [i for i, candidate in rows if candidate in names]
        if session_id in ids:
            return session_id
        if len(ids) == 1:
            return ids[0]
        if ids:
            raise NotFoundError(f"'{strip_controls(session_id)}' matches several sessions: {', '.join(sorted(ids))}.",
                                hint="Give more characters of the id.")
        raise self.store._unknown(strip_controls(session_id))

    def visible_sessions(self, viewer: Account) -> list[SessionSummary]:
        if viewer.role is Role.CANDIDATE:
            return self.store.list_sessions(viewer.name)
        names = self._visible_candidates(viewer)
        return [s for s in self.store.list_sessions() if s.candidate in names]
