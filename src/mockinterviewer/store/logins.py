"""Browser logins kept on the server, so that logging out really ends one.

A login is a random token (256 bits) that the signed session cookie carries; the database keeps only its
SHA-256, with the account and the moment it expires. Every request looks the token up: logging out deletes
the row, and a password change deletes every row of the account (`Accounts.set_password`), so a copy of an
old cookie replayed later opens nothing. Removing an account removes its logins with it (a foreign key).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from mockinterviewer.store.account_tables import UserRow, WebLoginRow
from mockinterviewer.store.accounts import Account, account_from_row
from mockinterviewer.store.store import Store


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Logins:
    """Start, look up and end browser logins."""

    def __init__(self, store: Store, *, lifetime: timedelta) -> None:
        self.store, self.lifetime = store, lifetime

    def start(self, account: Account, now: datetime) -> str:
        """A new login for `account`: the token for its cookie (expired logins are cleared meanwhile)."""
        token = secrets.token_urlsafe(32)
        with self.store._tx() as orm:
            orm.execute(delete(WebLoginRow).where(WebLoginRow.expires_at < now))
            orm.add(WebLoginRow(token_hash=token_hash(token), user_id=account.id, created_at=now,
                                expires_at=now + self.lifetime))
        return token

    def account(self, token: str, now: datetime) -> Account | None:
        """The account logged in with `token`, if that login has neither ended nor expired."""
        with self.store._tx() as orm:
            row = orm.scalar(select(UserRow).join(WebLoginRow, WebLoginRow.user_id == UserRow.id)
                             .where(WebLoginRow.token_hash == token_hash(token), WebLoginRow.expires_at > now))
            return account_from_row(row) if row is not None else None

    def end(self, token: str) -> None:
        with self.store._tx() as orm:
            orm.execute(delete(WebLoginRow).where(WebLoginRow.token_hash == token_hash(token)))
