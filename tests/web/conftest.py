"""A web app on a fresh SQLite data directory with a coach, two candidates and graded sessions."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from mockinterviewer.config import load_settings
from mockinterviewer.store import Store
from mockinterviewer.store.accounts import Accounts, Role
from mockinterviewer.transcript import (
    CriterionGrade,
    Plan,
    PlannedQuestion,
    PlannedRound,
    QuestionGrade,
    Session,
    Speaker,
    Turn,
    TurnKind,
)
from mockinterviewer.web import create_app
from mockinterviewer.web.security import LoginLimiter

PASSWORD = "correct horse battery staple"
PLAN = Plan(loop_id="netflix-senior-swe", seed=1, rounds=[
    PlannedRound(round_id="r1", questions=[PlannedQuestion(question_id="q1", minutes=5)])])
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_session(store: Store, session_id: str, candidate: str, answer: str = "I measured p99 latency first.") -> None:
    store.create_session(Session(id=session_id, candidate=candidate, loop_id="netflix-senior-swe", plan=PLAN))
    store.save_turn(session_id, Turn(index=0, speaker=Speaker.INTERVIEWER, kind=TurnKind.QUESTION,
                                     text="How would you find a slow endpoint?", round_id="r1", question_id="q1"))
    store.save_turn(session_id, Turn(index=1, speaker=Speaker.CANDIDATE, kind=TurnKind.ANSWER, text=answer,
                                     round_id="r1", question_id="q1"))
    criteria = [CriterionGrade(id="depth", name="Depth", score=2.0, max_score=4, weight=1.0,
                               evidence=["I measured p99 latency"], rationale="Measured before guessing."),
                CriterionGrade(id="clarity", name="Clarity", score=3.0, max_score=4, weight=1.0, evidence=[],
                               rationale="Clear enough.")]
    store.save_grades(session_id, [QuestionGrade(question_id="q1", prompt="How would you find a slow endpoint?",
                                                 round_id="r1", answer=answer, score=2.5, max_score=4,
                                                 criteria=criteria)])


def seed(store: Store, accounts: Accounts) -> None:
    """Coaches carol and dave, candidates ada (carol's) and bob (dave's), each candidate with one graded session
    (aaaa1111 and bbbb2222); every password is PASSWORD."""
    for name, role in (("carol", Role.COACH), ("dave", Role.COACH), ("ada", Role.CANDIDATE),
                       ("bob", Role.CANDIDATE)):
        accounts.add_user(name, role, PASSWORD)
    accounts.assign("carol", "ada")
    accounts.assign("dave", "bob")
    add_session(store, "aaaa1111", "ada")
    add_session(store, "bbbb2222", "bob")


@dataclass
class Site:
    client: TestClient
    store: Store
    accounts: Accounts
    limiter: LoginLimiter

    def new_client(self) -> TestClient:
        return TestClient(self.client.app)


@pytest.fixture
def site() -> Site:
    limiter = LoginLimiter(limit=10, block=300)
    app = create_app(load_settings(), limiter=limiter)
    web = app.state.web
    store, accounts = web.interviews.store, web.accounts
    seed(store, accounts)
    return Site(TestClient(app), store, accounts, limiter)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(client)},
                       follow_redirects=False)


def logged_in(site: Site, name: str) -> TestClient:
    client = site.new_client()
    assert login(client, name).status_code == 303
    return client
