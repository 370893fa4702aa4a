"""Bring a database's tables to the current schema with the numbered Alembic migrations.

Alembic is imported only when the database is behind (a new or older database), so opening an
up-to-date store stays fast. The upgrade runs under an inter-process lock and checks the revision
again once it holds it, so many processes opening a new database at once create it exactly once.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from mockinterviewer.store.locks import Locks

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0006"  # the newest file in migrations/versions; a test checks that they agree


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, locks: Locks) -> None:
    """Run every migration the database has not had yet (once, whatever other processes do)."""
    if current_revision(engine) == HEAD:
        return
    with locks.exclusive("schema-upgrade"):
        if current_revision(engine) != HEAD:  # another process may have upgraded it meanwhile
            _migrate(engine)


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
