"""Logins kept on the server and the login limit kept in the database (issue 10, "Security"):

- a copy of the session cookie taken before logging out opens nothing after it, nor after a password change;
- wrong passwords counted by one server are counted by every other server on the same database (SQLite and
  the real PostgreSQL), and by the real `serve --workers 2` processes when tries arrive at once.
"""

from __future__ import annotations

import io
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from mockinterviewer.config import load_settings
from mockinterviewer.store.account_tables import WebLoginRow
from mockinterviewer.store.accounts import Role
from mockinterviewer.transcript import utcnow
from mockinterviewer.web import create_app
from tests.cli.helpers import cli
from tests.conftest import PROJECT_ROOT
from tests.store.conftest import fresh_url
from tests.web.conftest import CSRF, PASSWORD, Site, csrf_of, logged_in, login


def _logins(site: Site) -> int:
    with site.store._tx() as orm:
        return int(orm.scalar(select(func.count()).select_from(WebLoginRow)) or 0)


def _copy(client: TestClient) -> dict[str, str]:
    return dict(client.cookies.items())


def _replay(site: Site, cookies: dict[str, str]) -> TestClient:
    """A new browser holding a copy of an old cookie."""
    thief = site.new_client()
    for name, value in cookies.items():
        thief.cookies.set(name, value)
    return thief


def test_a_cookie_copied_before_logout_opens_nothing_after_it(site: Site) -> None:
    ada = logged_in(site, "ada")
    other_browser = logged_in(site, "ada")
    token = csrf_of(ada, "/sessions/aaaa1111")
    copied = _copy(ada)
    assert "aaaa1111" in _replay(site, copied).get("/sessions").text  # the copy works while the login lasts
    assert _logins(site) == 2
    assert ada.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert _logins(site) == 1
    thief = _replay(site, copied)
    for path in ("/sessions", "/sessions/aaaa1111", "/interviews/new", "/"):
        response = thief.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    comment = _replay(site, copied).post("/sessions/aaaa1111/comments",  # the old cookie with its own CSRF token
                                         data={"csrf": token, "turn_index": "1", "text": "replayed"},
                                         follow_redirects=False)
    assert comment.status_code == 303 and comment.headers["location"] == "/login"
    assert not site.client.app.state.web.reviews.comments(site.accounts.get("ada"), "aaaa1111")
    assert "aaaa1111" in other_browser.get("/sessions").text  # logging out one browser leaves the others


def test_a_password_change_ends_every_login_of_the_account(site: Site, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, carol = logged_in(site, "ada"), logged_in(site, "ada"), logged_in(site, "carol")
    copied = _copy(first)
    new_password = "a brand new passphrase"
    monkeypatch.setattr(sys, "stdin", io.StringIO(new_password + "\n"))
    code, out, err = cli(capsys, "user", "password", "ada")
    assert code == 0, err
    assert "New password set for ada; 2 browser logins ended." in out and new_password not in out + err
    for client in (first, second, _replay(site, copied)):
        assert client.get("/sessions", follow_redirects=False).headers["location"] == "/login"
    assert "aaaa1111" in carol.get("/sessions").text  # another account's login goes on
    fresh = site.new_client()
    assert login(fresh, "ada").status_code == 401  # the old password no longer opens it
    assert login(fresh, "ada", new_password).status_code == 303


def test_password_for_an_unknown_user_is_one_clear_message(capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("whatever password\n"))
    code, _out, err = cli(capsys, "user", "password", "nobody")
    assert code == 3 and "No user named 'nobody'" in err and "Traceback" not in err


def _apps(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
          monkeypatch: pytest.MonkeyPatch) -> tuple[FastAPI, FastAPI]:
    """Two servers over one database, each with its own data directory (so its own cookie secret), with ada's
    account."""
    monkeypatch.setenv("MOCKINTERVIEWER_DATABASE_URL", fresh_url(backend, tmp_path, request))
    first = create_app(load_settings())
    monkeypatch.setenv("MOCKINTERVIEWER_HOME", str(tmp_path / "second-server"))
    second = create_app(load_settings())
    first.state.web.accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    return first, second


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_servers_on_one_database_share_the_login_limit(backend: str, tmp_path: Path,
                                                        request: pytest.FixtureRequest,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = (TestClient(app) for app in _apps(backend, tmp_path, request, monkeypatch))
    for _ in range(5):
        assert login(one, "ada", "wrong password!").status_code == 401
        assert login(two, "ada", "wrong password!").status_code == 401
    blocked = login(one, "ada")  # even the right password, on either app
    assert blocked.status_code == 429 and login(two, "ada").status_code == 429
    assert 240 < int(blocked.headers["retry-after"]) <= 300
    message = re.search(r"Too many wrong passwords[^<]*", blocked.text)
    assert message and re.fullmatch(r"Too many wrong passwords for this name or from this address\. Try again "
                                    r"in 5 minutes \(after \d\d:\d\d UTC\)\.", message.group(0)), blocked.text
    later = utcnow() + timedelta(minutes=5, seconds=1)
    for client in (one, two):
        assert isinstance(client.app, FastAPI)
        client.app.state.web.limiter.clock = lambda: later
    assert login(two, "ada").status_code == 303  # a right password after the block works
    for _ in range(9):  # and the name starts from zero again
        assert login(one, "ada", "wrong password!").status_code == 401
    assert login(one, "ada").status_code == 303


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_tries_at_once_against_serve_with_two_workers_check_ten_passwords(isolated_home: Path,
                                                                           tmp_path: Path) -> None:
    settings = load_settings()
    create_app(settings).state.web.accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    port, log = _free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "mockinterviewer", "serve", "--port", str(port),
                                   "--workers", "2"], stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        browsers = [httpx.Client(base_url=url, timeout=120) for _ in range(30)]
        tokens = []
        for browser in browsers:
            match = CSRF.search(browser.get("/login").text)
            assert match
            tokens.append(match.group(1))
        start, statuses = threading.Barrier(len(browsers)), []

        def wrong_password(browser: httpx.Client, token: str) -> None:
            start.wait()
            statuses.append(browser.post("/login", data={"name": "ada", "password": "wrong password!",
                                                         "csrf": token}).status_code)

        threads = [threading.Thread(target=wrong_password, args=pair) for pair in zip(browsers, tokens, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [401] * 10 + [429] * 20, log.read_text()
        right = browsers[0].post("/login", data={"name": "ada", "password": PASSWORD, "csrf": tokens[0]})
        assert right.status_code == 429
    finally:
        server.terminate()
        server.wait(timeout=30)
