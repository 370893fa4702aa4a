"""Two real `mockinterviewer serve` processes on one PostgreSQL: a write through one is read through the
other at once, and overrides saved at the same moment through both are all kept in history."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockinterviewer.store import Store
from mockinterviewer.store.accounts import Accounts, Role
from mockinterviewer.store.review import Reviews
from mockinterviewer.store.session_search import SessionFilter, SessionSearch
from tests.store.conftest import fresh_url
from tests.web.conftest import PASSWORD, add_session

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SESSION = "aaaa1111"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, home: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(home), "MOCKINTERVIEWER_DATABASE_URL": url}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "mockinterviewer", "serve", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"{base} did not start: {log.read_text(errors='replace')}")


def _csrf(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match, path
    return match.group(1)


def _login(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    response = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": _csrf(client, "/login")})
    assert response.status_code == 303, response.text
    return client


def _override(client: httpx.Client, score: str, reason: str, token: str | None = None) -> httpx.Response:
    return client.post(f"/sessions/{SESSION}/overrides", data={
        "csrf": token or _csrf(client, f"/sessions/{SESSION}"), "question_id": "q1", "criterion_id": "depth",
        "score": score, "reason": reason})


@pytest.fixture
def two_servers(postgres_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, str, Store]]:
    url = fresh_url("postgresql", tmp_path, request)
    store = Store(url, tmp_path / "setup")
    accounts = Accounts(store)
    accounts.add_user("carol", Role.COACH, PASSWORD)
    accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    accounts.assign("carol", "ada")
    add_session(store, SESSION, "ada")
    processes, bases = [], []
    for name in ("one", "two"):  # each its own data directory: only the database is shared
        port, log = _free_port(), tmp_path / f"{name}.log"
        processes.append((_serve(url, tmp_path / name, port, log), log))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for (process, log), base in zip(processes, bases, strict=True):
            _wait_up(base, process, log)
        yield bases[0], bases[1], store
    finally:
        for process, _log in processes:
            process.terminate()
        for process, _log in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        store.engine.dispose()


def test_a_write_through_one_server_is_read_through_the_other_at_once(two_servers: tuple[str, str, Store]) -> None:
    one, two, _store = two_servers
    carol_one, carol_two, ada_two = _login(one, "carol"), _login(two, "carol"), _login(two, "ada")
    assert _override(carol_one, "3.5", "Named the p99: deeper than graded.").status_code == 303
    page = carol_two.get(f"/sessions/{SESSION}").text  # the very next request, on the other process
    assert "Named the p99: deeper than graded." in page and "3.5 / 4" in page
    assert "deeper than graded" in ada_two.get(f"/sessions/{SESSION}").text
    assert SESSION in carol_two.get("/sessions?min_score=3").text  # the listed score moved too
    comment = {"csrf": _csrf(carol_two, f"/sessions/{SESSION}"), "turn_index": "1", "text": "Say which trace tool."}
    assert carol_two.post(f"/sessions/{SESSION}/comments", data=comment).status_code == 303
    assert "Say which trace tool." in carol_one.get(f"/sessions/{SESSION}").text


def test_overrides_saved_at_the_same_moment_through_both_servers_are_all_kept(
        two_servers: tuple[str, str, Store]) -> None:
    one, two, store = two_servers
    clients = [_login(one, "carol"), _login(two, "carol"), _login(one, "carol"), _login(two, "carol")]
    tokens = [_csrf(c, f"/sessions/{SESSION}") for c in clients]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def save(index: int) -> None:
        start.wait()
        statuses.append(_override(clients[index], str(index), f"reason {index}", tokens[index]).status_code)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [303] * len(clients)
    history = Reviews(store).override_history(Accounts(store).get("carol"), SESSION)
    assert sorted(o.reason for o in history) == [f"reason {i}" for i in range(len(clients))]
    newest = history[-1]  # the one that counts is the last saved, and the listed score agrees with it
    page = clients[0].get(f"/sessions/{SESSION}").text
    assert f"reason {newest.score:g}" in page and "earlier overrides (3)" in page
    expected = (newest.score + 3.0) / 2  # depth overridden, clarity 3 by the grader, equal weights
    assert SessionSearch(store).page(SessionFilter()).sessions[0].score == pytest.approx(expected, abs=0.01)
