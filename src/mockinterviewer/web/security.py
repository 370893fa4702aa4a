"""What keeps the web app's sessions safe: the cookie-signing secret, CSRF tokens and the login limiter.

The secret is made once (`secrets.token_urlsafe`) and kept owner-only (0600) in the data directory,
so every `serve` worker and every restart signs and reads the same cookies. It is created with an
atomic link, so two workers starting at once agree on one secret.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mockinterviewer.safe_files import private_dir, private_file

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
class _Record:
    failures: int = 0
    blocked_until: float = 0.0


class LoginLimiter:
    """Wrong passwords in a row per user name: after `limit` of them, that name is blocked for `block`
    seconds (no password is even checked then), and each further failure blocks it again.

    Kept in the memory of one process: with N workers a name gets at most N * `limit` tries per block.
    Names that exist and names that do not are counted alike, so the limiter does not tell them apart.
    """

    def __init__(self, *, limit: int = 10, block: float = 300.0, capacity: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.block, self.capacity, self.clock = limit, block, capacity, clock
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, name: str) -> float:
        """Seconds until `name` may try again (0: it may try now)."""
        with self._lock:
            record = self._records.get(name)
            return max(0.0, record.blocked_until - self.clock()) if record is not None else 0.0

    def failed(self, name: str) -> None:
        with self._lock:
            record = self._records.pop(name, None) or _Record()
            record.failures += 1
            if record.failures >= self.limit:
                record.blocked_until = self.clock() + self.block
            self._records[name] = record  # the newest at the end
            while len(self._records) > self.capacity:
                self._records.popitem(last=False)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._records.pop(name, None)
