"""Many processes opening a new data directory (or a new PostgreSQL database) at the same moment:
every one of them starts, and the schema is created exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mockinterviewer.store.tables import Base
from tests.conftest import PROJECT_ROOT

PROCESSES = 12

# Imports done before the common start time, so the processes really open the store together.
RACER = """
import sys, time
from mockinterviewer.cli.app import run, _register
_register()
import sqlalchemy, alembic.command, mockinterviewer.store.store
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
sys.exit(run(["sessions", "--json"]))
"""


def race(env: dict[str, str], processes: int = PROCESSES) -> list[tuple[int, str, str]]:
    start = time.time() + 4.0
    procs = [
        subprocess.Popen([sys.executable, "-c", RACER, str(start)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, cwd=PROJECT_ROOT, text=True)
        for _ in range(processes)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out, err))
    return results


def check(results: list[tuple[int, str, str]]) -> None:
    failures = [(code, err) for code, _, err in results if code != 0]
    assert not failures, failures[:3]
    assert all(json.loads(out) == [] for _, out, _ in results)


def test_many_processes_on_a_new_sqlite_data_dir(tmp_path: Path) -> None:
    home = tmp_path / "new-home"
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(home)}
    check(race(env))
    assert (home / "mockinterviewer.db").exists()


def test_many_processes_on_a_new_postgres_database(postgres_url: str, tmp_path: Path) -> None:
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)  # every table, the accounts and review ones too
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(tmp_path / "home"), "MOCKINTERVIEWER_DATABASE_URL": postgres_url}
    check(race(env))
    with create_engine(postgres_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_running_session_is_held_and_a_dead_one_is_not(backend: str, tmp_path: Path,
                                                        request: pytest.FixtureRequest) -> None:
    from mockinterviewer.store import Store

    url = f"sqlite:///{tmp_path / 'db.sqlite'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    store, other = Store(url, tmp_path), Store(url, tmp_path)
    hold = store.hold_session("s1")
    assert hold is not None
    assert other.hold_session("s1") is None  # a second process cannot run it at the same time
    assert other.running_sessions(["s1", "s2"]) == {"s1"}
    hold.release()
    assert other.running_sessions(["s1", "s2"]) == set()
    again = other.hold_session("s1")
    assert again is not None
    again.release()
