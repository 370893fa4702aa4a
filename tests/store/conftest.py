"""A store on SQLite and one on the real PostgreSQL, both built by the numbered migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

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


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return Store(fresh_url(request.param, tmp_path, request), tmp_path)
