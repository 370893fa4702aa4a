"""What keeps the web app's sessions safe: the cookie-signing secret, CSRF tokens and the login limit's policy
(the counting itself is in the database: `store/login_limits.py`).

The secret is made once (`secrets.token_urlsafe`) and kept owner-only (0600) in the data directory,
so every `serve` worker and every restart signs and reads the same cookies. It is created with an
atomic link, so two workers starting at once agree on one secret.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from mockinterviewer.safe_files import private_dir, private_file
from mockinterviewer.store import Store
from mockinterviewer.store.login_limits import LoginAttempts
from mockinterviewer.transcript import utcnow

SECRET_FILE = "web-secret"
CSRF_KEY = "csrf"


def load_secret(data_dir: Path) -> str:
    """The secret in `data_dir/web-secret`, made on first use (the folder 0700, the file 0600)."""
    private_dir(data_dir)
    path = data_dir / SECRET_FILE
    if not path.exists():
        temporary = data_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, secrets.token_urlsafe(48).encode())
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)  # fails when another worker got there first: its secret is kept
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    private_file(path)  # tighten one that was made readable by others
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path} holds no usable secret: delete it and start the server again.")
    return secret


def csrf_token(session: dict[str, object]) -> str:
    """The session's CSRF token (made on first use); every form carries it in a hidden field."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_KEY] = token
    return token


def csrf_ok(session: dict[str, object], sent: str | None) -> bool:
    token = session.get(CSRF_KEY)
    return isinstance(token, str) and bool(token) and isinstance(sent, str) and hmac.compare_digest(token, sent)


@dataclass
class LoginLimiter:
    """The login limit's policy: after `limit` wrong passwords in a row for a name (`address_limit` from one
    client address), further tries are refused for `block` seconds. The counts live in the database
    (`LoginAttempts`), so every worker and every server process shares them; `clock` tells the time."""

    limit: int = 10
    address_limit: int = 50
    block: float = 300.0
    forget: float = 86_400.0  # a day without a wrong password starts a key from zero
    clock: Callable[[], datetime] = utcnow

    def attempts(self, store: Store) -> LoginAttempts:
        return LoginAttempts(store, limit=self.limit, address_limit=self.address_limit,
                             block=timedelta(seconds=self.block),
                             forget=timedelta(seconds=self.forget))
