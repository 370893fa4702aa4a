"""Passwords never appear in clear in any log nor in the database (issue 10, "Security").

Accounts are made through the real command (`user add`, `user password`) and the library; a real uvicorn
server (in a thread, log level TRACE, access log on) takes right and wrong logins, a password typed into
the name field, a login after a password change and a logout, while every logger is captured at its most
verbose: uvicorn's, FastAPI's and SQLAlchemy's (engine echo on: statements with their parameters and the
rows read). Then no password is in the logs, the terminal output, any column of any table (SQLite and the
real PostgreSQL), nor in any byte of the data directory's files (the SQLite database and its WAL included).
"""

from __future__ import annotations

import io
import logging
import re
import socket
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import MetaData, select

from mockinterviewer.config import load_settings
from mockinterviewer.store.accounts import Role
from mockinterviewer.web import create_app
from tests.cli.helpers import cli
from tests.store.conftest import fresh_url
from tests.web.conftest import CSRF

TRACE = 5  # uvicorn's level below DEBUG
LOGGERS = ["", "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi", "fastapi", "starlette", "sqlalchemy",
           "sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm", "alembic", "httpx", "httpcore", "mockinterviewer"]
CLI_PASSWORD = "cli-made-Passw0rd-7d1e"
LIB_PASSWORD = "library-made-Passw0rd-a93b"
NEW_PASSWORD = "changed-Passw0rd-5c27"
WRONG = "wrong-guess-Passw0rd-e640"
SECRETS = [CLI_PASSWORD, LIB_PASSWORD, NEW_PASSWORD, WRONG]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _login(client: httpx.Client, name: str, password: str) -> int:
    match = CSRF.search(client.get("/login").text)
    assert match
    return client.post("/login", data={"name": name, "password": password, "csrf": match.group(1)}).status_code


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_no_password_in_any_log_table_or_file(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
                                              monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    if backend == "postgresql":
        monkeypatch.setenv("MOCKINTERVIEWER_DATABASE_URL", fresh_url(backend, tmp_path, request))
    for name in LOGGERS:
        caplog.set_level(TRACE, logger=name)
    monkeypatch.setattr(sys, "stdin", io.StringIO(CLI_PASSWORD + "\n"))
    code, out, err = cli(capsys, "user", "add", "carol", "--role", "coach")
    assert code == 0, err
    terminal = out + err

    app = create_app(load_settings())
    web = app.state.web
    engine = web.interviews.store.engine
    monkeypatch.setattr(logging.getLogger("sqlalchemy.engine.Engine"), "handlers", [])  # echo's handler goes after
    engine.echo = "debug"  # SQLAlchemy echo: every statement, its parameters and the rows it reads
    web.accounts.add_user("ada", Role.CANDIDATE, LIB_PASSWORD)
    web.accounts.assign("carol", "ada")

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="trace",
                                           access_log=True, log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        base = f"http://127.0.0.1:{server.config.port}"
        with httpx.Client(base_url=base) as ada, httpx.Client(base_url=base) as carol:
            assert _login(ada, "ada", WRONG) == 401
            assert _login(ada, LIB_PASSWORD, LIB_PASSWORD) == 401  # the password typed into the name field
            assert _login(ada, "ada", LIB_PASSWORD + "x") == 401
            assert _login(ada, "ada", LIB_PASSWORD) == 303
            assert _login(carol, "carol", CLI_PASSWORD) == 303
            monkeypatch.setattr(sys, "stdin", io.StringIO(NEW_PASSWORD + "\n"))
            code, out, err = cli(capsys, "user", "password", "carol")
            assert code == 0, err
            terminal += out + err
            assert _login(carol, "carol", CLI_PASSWORD) == 401
            assert _login(carol, "carol", NEW_PASSWORD) == 303
            match = CSRF.search(ada.get("/sessions").text)
            assert match and ada.post("/logout", data={"csrf": match.group(1)}).status_code == 303
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    terminal += "".join(capsys.readouterr())

    logged = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    # the capture did see what it looks into: SQL with its parameters, uvicorn's access log, the login rows
    assert "INSERT INTO users" in logged and "$argon2id$" in logged and "web_logins" in logged
    assert re.search(r'"POST /login HTTP/1\.1" 401', logged) and "login_failures" in logged
    for secret in SECRETS:
        assert secret not in logged, f"{secret} in the logs"
        assert secret not in terminal, f"{secret} on the terminal"

    tables = MetaData()
    tables.reflect(engine)
    assert {"users", "web_logins", "login_failures"} <= set(tables.tables)
    with engine.connect() as connection:
        for table in tables.sorted_tables:
            for row in connection.execute(select(table)):
                for column, value in zip(table.columns.keys(), row, strict=True):
                    for secret in SECRETS:
                        assert secret not in str(value), f"{secret} in {table.name}.{column}"
    if backend == "sqlite":
        engine.dispose()
        files = [p for p in load_settings().home.rglob("*") if p.is_file()]
        assert any(p.name.endswith(".db") for p in files)
        for path in files:
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, f"{secret} in {path}"
