"""Locks shared by every process using one store: around a schema upgrade, around planning a
candidate's next session, and held by the process running a session (so others can tell a running
session from one whose process died).

On PostgreSQL they are advisory locks, valid across machines; on SQLite, `flock` on files in the
data directory's `locks/` folder. Both are released by the operating system or the server when
their process dies, so a killed process never leaves a lock behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from mockinterviewer.safe_files import PRIVATE_FILE_MODE, private_dir


def _key(name: str) -> int:
    """A stable signed 64-bit key for a PostgreSQL advisory lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _file_name(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock"


class Hold:
    """A lock kept until `release()` (or the end of the process)."""

    def __init__(self, held: Connection | int, key: int | None = None) -> None:
        self._held: Connection | int | None = held
        self._key = key

    def release(self) -> None:
        held, self._held = self._held, None
        if isinstance(held, int):
            os.close(held)  # closing the descriptor drops the flock
        elif held is not None:
            # the pool keeps the server session alive, so the advisory lock is dropped explicitly
            held.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            held.commit()
            held.close()


class Locks:
    """Named inter-process locks for one store."""

    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.folder = Path(data_dir) / "locks"

    # files (SQLite) -----------------------------------------------------------------------------

    def _open(self, name: str, *, create: bool = True) -> int | None:
        path = self.folder / _file_name(name)
        if not create and not path.exists():
            return None
        private_dir(self.folder)
        return os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)

    # the three uses -----------------------------------------------------------------------------

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Wait for the lock `name`, hold it for the `with` block."""
        if self.postgres:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _key(name)})
                connection.commit()
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _key(name)})
                    connection.commit()
            return
        fd = self._open(name)
        assert fd is not None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def try_hold(self, name: str) -> Hold | None:
        """Take the lock `name` without waiting and keep it; None when another process holds it."""
        if self.postgres:
            connection = self.engine.connect()
            got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(name)}).scalar()
            connection.commit()
            if got:
                return Hold(connection, _key(name))
            connection.close()
            return None
        fd = self._open(name)
        assert fd is not None
        for attempt in range(3):  # `held()` takes a shared lock for an instant: try again past it
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return Hold(fd)
            except BlockingIOError:
                time.sleep(0.05 * (attempt + 1))
        os.close(fd)
        return None

    def held(self, names: list[str]) -> set[str]:
        """Which of `names` some process holds with `try_hold` right now."""
        if not names:
            return set()
        if self.postgres:
            keys = {_key(n): n for n in names}
            with self.engine.connect() as connection:
                rows = (
                    connection.execute(
                        text(
                            "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks "
                            "WHERE locktype = 'advisory' AND objsubid = 1 AND granted"
                        )
                    )
                    .scalars()
                    .all()
                )
            return {keys[k] for k in rows if k in keys}
        try:  # one listing rather than a look-up per name: most sessions never had a lock file
            present = set(os.listdir(self.folder))
        except FileNotFoundError:
            return set()
        found = set()
        for name in names:
            if _file_name(name) not in present:
                continue
            fd = self._open(name, create=False)
            if fd is None:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                found.add(name)
            finally:
                os.close(fd)
        return found
