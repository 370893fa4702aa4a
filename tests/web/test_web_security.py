"""The web app's security promises (issue 10), each a test over HTTP with FastAPI's TestClient."""

from __future__ import annotations

import logging
import os
import stat
from datetime import timedelta

import pytest

from mockinterviewer.config import load_settings
from mockinterviewer.transcript import utcnow
from mockinterviewer.web.security import SECRET_FILE
from tests.web.conftest import PASSWORD, Site, add_session, csrf_of, logged_in, login


def test_login_sets_an_httponly_samesite_cookie_and_logout_ends_it(site: Site) -> None:
    client = site.new_client()
    assert client.get("/sessions", follow_redirects=False).headers["location"] == "/login"
    response = login(client, "ada")
    assert response.status_code == 303 and response.headers["location"] == "/sessions"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "aaaa1111" in client.get("/sessions").text
    token = csrf_of(client, "/sessions")
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/sessions", follow_redirects=False).headers["location"] == "/login"


def test_the_secret_is_made_once_and_kept_owner_only(site: Site) -> None:
    path = load_settings().home / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_text()
    client = logged_in(site, "ada")
    from fastapi.testclient import TestClient

    from mockinterviewer.web import create_app

    again = TestClient(create_app(load_settings()))  # a restart (or another worker) reads the same secret
    again.cookies = client.cookies
    assert path.read_text() == before
    assert "aaaa1111" in again.get("/sessions").text


def test_a_wrong_password_is_refused(site: Site) -> None:
    client = site.new_client()
    response = login(client, "ada", "not the password")
    assert response.status_code == 401 and "Wrong name or password" in response.text
    assert login(client, "nobody", "not the password").status_code == 401  # the same answer for an unknown name


def test_a_candidate_asking_for_another_candidates_session_gets_404(site: Site) -> None:
    client = logged_in(site, "ada")
    assert client.get("/sessions/aaaa1111").status_code == 200
    for path in ("/sessions/bbbb2222", "/sessions/bbbb", "/sessions/nosuch00"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "bob" not in response.text
    assert "bbbb2222" not in client.get("/sessions").text
    token = csrf_of(client, "/sessions")
    refused = client.post("/sessions/bbbb2222/comments", data={"csrf": token, "turn_index": "1", "text": "hi"},
                          follow_redirects=False)
    assert refused.status_code == 404
    bob = site.accounts.get("bob")
    assert site.new_client() and not site.client.app.state.web.reviews.comments(bob, "bbbb2222")


def test_a_coach_sees_only_assigned_candidates(site: Site) -> None:
    add_session(site.store, "cccc3333", "ada")
    carol = logged_in(site, "carol")
    listing = carol.get("/sessions").text
    assert "aaaa1111" in listing and "cccc3333" in listing and "bbbb2222" not in listing
    assert carol.get("/sessions?candidate=bob").text.count("/sessions/bbbb2222") == 0
    assert carol.get("/sessions/bbbb2222").status_code == 404
    token = csrf_of(carol, "/sessions")
    response = carol.post("/sessions/bbbb2222/overrides", data={
        "csrf": token, "question_id": "q1", "criterion_id": "depth", "score": "4", "reason": "mine"},
        follow_redirects=False)
    assert response.status_code == 404
    dave = logged_in(site, "dave")
    assert "bbbb2222" in dave.get("/sessions").text and "aaaa1111" not in dave.get("/sessions").text


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                     "[bold red]rich[/] **md** <b>x</b>"])
def test_script_in_an_answer_or_a_comment_is_shown_as_text(site: Site, payload: str) -> None:
    add_session(site.store, "dddd4444", "ada", answer=f"My answer {payload}")
    carol = logged_in(site, "carol")
    token = csrf_of(carol, "/sessions/dddd4444")
    saved = carol.post("/sessions/dddd4444/comments", data={"csrf": token, "turn_index": "1",
                                                            "text": f"Comment {payload}"})
    assert saved.status_code == 200
    page = carol.get("/sessions/dddd4444").text
    assert payload not in page
    import html

    assert f"My answer {html.escape(payload)}" in page and f"Comment {html.escape(payload)}" in page
    assert "<script" not in page and "<img" not in page
    assert "content-security-policy" in carol.get("/sessions/dddd4444").headers


def test_a_form_without_a_valid_csrf_token_is_refused(site: Site) -> None:
    carol = logged_in(site, "carol")
    fields = {"question_id": "q1", "criterion_id": "depth", "score": "4", "reason": "because"}
    for data in (fields, {**fields, "csrf": "forged"}, {**fields, "csrf": ""}):
        assert carol.post("/sessions/aaaa1111/overrides", data=data).status_code == 403
        assert carol.post("/sessions/aaaa1111/comments", data={"turn_index": "1", "text": "x",
                                                               **{k: v for k, v in data.items() if k == "csrf"}}
                          ).status_code == 403
    assert carol.post("/logout", data={}).status_code == 403
    ada = site.accounts.get("ada")
    reviews = site.client.app.state.web.reviews
    assert not reviews.override_history(ada, "aaaa1111") and not reviews.comments(ada, "aaaa1111")
    fresh = site.new_client()  # a login form posted from elsewhere (no session, no token)
    assert fresh.post("/login", data={"name": "ada", "password": PASSWORD}).status_code == 403
    other = logged_in(site, "dave")  # another session's token is not this session's
    assert carol.post("/sessions/aaaa1111/overrides",
                      data={**fields, "csrf": csrf_of(other, "/sessions")}).status_code == 403


def test_ten_wrong_passwords_block_further_tries(site: Site) -> None:
    client = site.new_client()
    for _ in range(10):
        assert login(client, "ada", "wrong password!").status_code == 401
    blocked = login(client, "ada")  # even the right password, for a while
    assert blocked.status_code == 429 and "Too many wrong passwords" in blocked.text
    assert login(client, "carol").status_code == 303  # other names are not blocked
    site.limiter.clock = lambda: utcnow() + timedelta(minutes=6)  # the block has passed
    assert login(site.new_client(), "ada").status_code == 303


def test_ten_wrong_passwords_for_an_unknown_name_block_it_alike(site: Site) -> None:
    client = site.new_client()
    for _ in range(10):
        assert login(client, "nobody", "wrong password!").status_code == 401
    assert login(client, "nobody", "wrong password!").status_code == 429


def test_the_password_never_appears_in_a_response_or_a_log(site: Site, caplog: pytest.LogCaptureFixture,
                                                            capfd: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "a-wrong-password-9f3c"
    client = site.new_client()
    responses = [login(client, "ada", wrong), login(client, "ada", PASSWORD)]
    responses += [client.get(path) for path in ("/sessions", "/sessions/aaaa1111", "/login")]
    for response in responses:
        body = response.text + str(response.headers)
        assert PASSWORD not in body and wrong not in body
    logged = caplog.text + "".join(capfd.readouterr())
    assert PASSWORD not in logged and wrong not in logged
    home = load_settings().home
    for root, _dirs, names in os.walk(home):
        for name in names:
            data = (home / root / name).read_bytes()
            assert PASSWORD.encode() not in data and wrong.encode() not in data, name


def test_behind_https_the_cookie_is_secure(site: Site) -> None:
    from fastapi.testclient import TestClient

    from mockinterviewer.web import create_app

    client = TestClient(create_app(load_settings(), secure_cookie=True), base_url="https://testserver")
    assert "secure" in client.get("/login").headers["set-cookie"].lower()


def test_a_candidate_asking_for_another_candidates_override_gets_404(site: Site) -> None:
    ada = logged_in(site, "ada")
    token = csrf_of(ada, "/sessions")
    for session_id in ("bbbb2222", "bbbb"):
        response = ada.post(f"/sessions/{session_id}/overrides", data={
            "csrf": token, "question_id": "q1", "criterion_id": "depth", "score": "4", "reason": "mine"},
            follow_redirects=False)
        assert response.status_code == 404 and "bob" not in response.text
    dave = site.accounts.get("dave")
    assert not site.client.app.state.web.reviews.override_history(dave, "bbbb2222")


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "[bold red]rich[/] **md** <b>x</b>"])
def test_a_payload_in_an_override_reason_or_a_candidate_name_is_shown_as_text(site: Site, payload: str) -> None:
    import html

    name = f"eve {payload}"
    site.accounts.add_user(name, "candidate", PASSWORD)
    site.accounts.assign("carol", name)
    add_session(site.store, "eeee5555", name)
    carol = logged_in(site, "carol")
    saved = carol.post("/sessions/eeee5555/overrides", data={
        "csrf": csrf_of(carol, "/sessions/eeee5555"), "question_id": "q1", "criterion_id": "depth", "score": "3",
        "reason": f"Reason {payload}"})
    assert saved.status_code == 200 and "Override saved." in saved.text
    for page in (carol.get("/sessions/eeee5555").text, carol.get("/sessions").text):
        assert payload not in page and html.escape(payload) in page
        assert "<script" not in page and "<b>x" not in page
    assert f"Reason {html.escape(payload)}" in carol.get("/sessions/eeee5555").text
