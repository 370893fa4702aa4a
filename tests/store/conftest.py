"""A store on SQLite and one on the real PostgreSQL, both built by the numbered migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from mockinterviewer.store import Store
from mockinterviewer.store.tables import Base


def fresh_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database: a new SQLite file, or the test PostgreSQL with every table dropped."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()
    return url


def engine_at(revision: str, backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Engine:
    """An empty database brought by the migrations to `revision` only (as a database made back then)."""
    from alembic import command
    from alembic.config import Config

    from mockinterviewer.store.schema import MIGRATIONS

    engine = create_engine(fresh_url(backend, tmp_path, request))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return Store(fresh_url(request.param, tmp_path, request), tmp_path)
