"""Wrong passwords counted in the database, so every worker and every server process shares one login limit.

Two keys are counted for each try: the user name typed and the client address, each an HMAC under a key
made once in the database (`server_keys`), so what was typed is never stored and every server on the
database, whatever its data directory, counts a name under the same key. A try is reserved *before* the
password is checked, in one transaction that counts it as a failure on both keys; a right password then
clears the name's count and gives the address its try back. So however many requests arrive at once, at
most `limit` passwords are checked for a name (`address_limit` from an address: higher, so that one name
mistyped does not lock out everyone behind the same address) before it is blocked for `block`; after the
block one more try is allowed, and a wrong one blocks the key again. A key with no failure for `forget`
starts from zero.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, and_, case, delete, literal, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from mockinterviewer.store.account_tables import LoginFailureRow, ServerKeyRow
from mockinterviewer.store.accounts import aware
from mockinterviewer.store.store import Store

KEY_NAME = "login-limit"


@dataclass(frozen=True)
class LoginKeys:
    account: str  # an HMAC of the name typed
    address: str  # an HMAC of the client address


class _Refused(Exception):
    """Rolls back a reservation that went over the limit (nothing is counted for a refused try)."""

    def __init__(self, until: datetime) -> None:
        super().__init__()
        self.until = until


def _moment(value: datetime) -> Any:
    return literal(value, DateTime(timezone=True))


class LoginAttempts:
    """The shared count of wrong passwords per key, with its block."""

    def __init__(self, store: Store, *, limit: int = 10, address_limit: int = 50,
                 block: timedelta = timedelta(minutes=5), forget: timedelta = timedelta(days=1)) -> None:
        if min(limit, address_limit) < 1:
            raise ValueError("a login limit must be at least 1")
        self.store, self.limit, self.address_limit, self.block, self.forget = store, limit, address_limit, block, forget
        self._key: bytes | None = None

    def keys(self, name: str, address: str) -> LoginKeys:
        """The keys a try for the name typed from the client address is counted under."""
        key = self._key = self._key or self._shared_key()

        def opaque(kind: str, value: str) -> str:
            return hmac.new(key, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()

        return LoginKeys(account=opaque("name", name), address=opaque("address", address))

    def _shared_key(self) -> bytes:
        """The HMAC key in `server_keys`, made by whichever server needs it first."""
        for _attempt in range(2):
            with self.store._tx() as orm:
                row = orm.get(ServerKeyRow, KEY_NAME)
                if row is not None:
                    return row.value.encode()
            try:
                with self.store._tx() as orm:
                    orm.add(ServerKeyRow(name=KEY_NAME, value=secrets.token_hex(32)))
            except IntegrityError:  # another server made it at the same moment: read theirs
                continue
        with self.store._tx() as orm:
            return orm.get_one(ServerKeyRow, KEY_NAME).value.encode()

    def begin(self, keys: LoginKeys, now: datetime) -> datetime | None:
        """Reserve one try for `keys`: None when the password may be checked (the try counts as a failure
        until `succeeded`), else the moment tries are allowed again (and nothing is counted)."""
        try:
            with self.store._tx() as orm:
                orm.execute(delete(LoginFailureRow).where(
                    LoginFailureRow.last_failed_at < now - self.forget,
                    or_(LoginFailureRow.blocked_until.is_(None), LoginFailureRow.blocked_until < now)))
                for key, limit in ((keys.account, self.limit), (keys.address, self.address_limit)):
                    failures, blocked_until = orm.execute(self._count(key, limit, now)).one()
                    if failures > limit:
                        raise _Refused(aware(blocked_until) if blocked_until is not None else now + self.block)
        except _Refused as refused:
            return refused.until
        return None

    def succeeded(self, keys: LoginKeys) -> None:
        """The password was right: the name starts again from zero, the address gets its try back."""
        with self.store._tx() as orm:
            orm.execute(delete(LoginFailureRow).where(LoginFailureRow.key == keys.account))
            row = LoginFailureRow.__table__.c
            left = row.failures - 1
            orm.execute(update(LoginFailureRow).where(LoginFailureRow.key == keys.address).values(
                failures=case((left < 0, 0), else_=left),
                blocked_until=case((left < self.address_limit, None), else_=row.blocked_until)))

    def _count(self, key: str, limit: int, now: datetime) -> Any:
        """One statement that counts a try for `key` and returns (failures, blocked_until): an upsert, so
        tries arriving at once from several processes are counted one after the other by the database."""
        row = LoginFailureRow.__table__.c
        blocked = and_(row.blocked_until.is_not(None), row.blocked_until > _moment(now))
        failures = case(
            (row.last_failed_at < _moment(now - self.forget), 1),  # forgotten: a fresh start
            (and_(row.failures >= limit, ~blocked), limit),  # the block is over: one more try
            else_=row.failures + 1,
        )
        blocked_until = case(
            (blocked, row.blocked_until),  # a refused try never lengthens a block
            (failures >= limit, _moment(now + self.block)),
            else_=None,
        )
        dialect = postgresql if self.store.engine.dialect.name == "postgresql" else sqlite
        first = dialect.insert(LoginFailureRow).values(
            key=key, failures=1, last_failed_at=now, blocked_until=now + self.block if limit <= 1 else None)
        return first.on_conflict_do_update(
            index_elements=[row.key],
            set_={"failures": failures, "last_failed_at": _moment(now), "blocked_until": blocked_until},
        ).returning(row.failures, row.blocked_until)
