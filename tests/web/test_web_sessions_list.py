"""The sessions list page: each filter, paging that keeps the filters, who sees what, and bad filter values
answered with a message on the page; on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mockinterviewer.config import load_settings
from mockinterviewer.store.accounts import Role
from mockinterviewer.transcript import SessionStatus
from mockinterviewer.web import create_app
from mockinterviewer.web.security import LoginLimiter
from tests.store.conftest import fresh_url
from tests.store.test_session_search import add
from tests.web.conftest import PASSWORD, login

ROW = re.compile(r'<a href="/sessions/([^"/]+)">')


@pytest.fixture(params=["sqlite", "postgresql"])
def app_client(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    if request.param == "postgresql":
        monkeypatch.setenv("MOCKINTERVIEWER_DATABASE_URL", fresh_url("postgresql", tmp_path, request))
    app = create_app(load_settings(), limiter=LoginLimiter(limit=10, block=300))
    store, accounts = app.state.web.interviews.store, app.state.web.accounts
    for name, role in (("carol", Role.COACH), ("ada", Role.CANDIDATE), ("bob", Role.CANDIDATE),
                       ("eve", Role.CANDIDATE)):
        accounts.add_user(name, role, PASSWORD)
    accounts.assign("carol", "ada")
    accounts.assign("carol", "bob")
    loop = "netflix-senior-swe"
    add(store, "s01", "ada", days=0, loop=loop, rounds=("recruiter-screen", "onsite-coding"), score=1.0)
    add(store, "s02", "ada", days=1, loop=loop, rounds=("onsite-coding",), score=3.5)
    add(store, "s03", "bob", days=2, loop=loop, status=SessionStatus.UNFINISHED)
    add(store, "s04", "bob", days=3, loop="other-loop", status=SessionStatus.IN_PROGRESS)
    add(store, "s05", "eve", days=4, loop=loop, score=2.0)  # nobody's coach sees it
    return TestClient(app)


def as_user(client: TestClient, name: str) -> TestClient:
    fresh = TestClient(client.app)
    assert login(fresh, name).status_code == 303
    return fresh


def listed(client: TestClient, query: str = "") -> list[str]:
    response = client.get("/sessions" + query)
    assert response.status_code == 200, response.text
    return ROW.findall(response.text)


def test_each_filter(app_client: TestClient) -> None:
    carol = as_user(app_client, "carol")
    assert listed(carol) == ["s04", "s03", "s02", "s01"]  # eve's session is not carol's to see
    assert listed(carol, "?candidate=bob") == ["s04", "s03"]
    assert listed(carol, "?loop=other-loop") == ["s04"]
    assert listed(carol, "?round=onsite-coding") == ["s02", "s01"]
    assert listed(carol, "?from=2026-03-11&to=2026-03-12") == ["s03", "s02"]
    assert listed(carol, "?status=unfinished") == ["s03"]
    assert listed(carol, "?status=interrupted") == ["s04"]
    assert listed(carol, "?status=completed&min_score=2") == ["s02"]
    assert listed(carol, "?max_score=1.5") == ["s01"]
    assert listed(carol, "?candidate=eve") == []  # not assigned: nothing, and nothing tells it exists


def test_the_form_keeps_the_filters_and_offers_the_bank_s_loops_and_rounds(app_client: TestClient) -> None:
    page = as_user(app_client, "carol").get("/sessions?round=onsite-coding&min_score=2").text
    assert '<option value="onsite-coding" selected>' in page
    assert 'name="min_score" size="4" value="2"' in page
    assert '<option value="netflix-senior-swe">' in page
    assert "3.5" in page  # the score column


def test_a_candidate_sees_only_their_own(app_client: TestClient) -> None:
    ada = as_user(app_client, "ada")
    assert listed(ada) == ["s02", "s01"]
    assert listed(ada, "?candidate=bob") == []
    assert listed(as_user(app_client, "eve")) == ["s05"]


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)">', page)
    return html.unescape(found.group(1)) if found else None


def test_pages_keep_the_filters(app_client: TestClient) -> None:
    store = app_client.app.state.web.interviews.store  # type: ignore[attr-defined]
    for i in range(30):
        add(store, f"p{i:02d}", "ada", days=10 + i, rounds=("onsite-coding",), score=3.0)
    carol = as_user(app_client, "carol")
    first = carol.get("/sessions?round=onsite-coding&min_score=2.5").text
    assert "31 sessions, newest first" in first and len(ROW.findall(first)) == 25
    assert _link(first, "prev") is None
    link = _link(first, "next")
    assert link is not None
    assert "round=onsite-coding" in link and "min_score=2.5" in link and "older_than=" in link
    second = carol.get(link).text
    assert ROW.findall(second) == ["p04", "p03", "p02", "p01", "p00", "s02"]
    assert _link(second, "next") is None
    newer = _link(second, "prev")
    assert newer is not None and "newer_than=" in newer and "round=onsite-coding" in newer
    assert ROW.findall(carol.get(newer).text) == ROW.findall(first)  # back to the newest page


def test_paging_by_links_visits_each_session_once_while_one_is_added(app_client: TestClient) -> None:
    store = app_client.app.state.web.interviews.store  # type: ignore[attr-defined]
    for i in range(60):
        add(store, f"p{i:02d}", "ada", days=10 + i)
    carol = as_user(app_client, "carol")
    seen: list[str] = []
    link: str | None = "/sessions"
    while link is not None:
        page = carol.get(link).text
        seen += ROW.findall(page)
        if len(seen) == 25:  # a coach reads the first page, then the candidate starts a session
            add(store, "late", "ada", days=200)
        link = _link(page, "next")
    assert len(seen) == 64 and len(set(seen)) == 64  # OFFSET paging would show p35 twice


BAD_CURSORS = ["garbage", "20260310T120000.000000Z", "~s01", "2026-03-10~s01", "20261310T120000.000000Z~s01",
               "20260310T120000.000000Z~" + "x" * 200, "20260310T120000.000000Z~s\x01", "%00%ff~%0a"]


def test_a_broken_page_link_shows_the_newest_page_with_a_message(app_client: TestClient) -> None:
    carol = as_user(app_client, "carol")
    for cursor in BAD_CURSORS:
        for direction in ("older_than", "newer_than"):
            response = carol.get("/sessions", params={direction: cursor, "candidate": "ada"})
            assert response.status_code == 200, cursor
            assert "That page link is broken" in response.text and "Traceback" not in response.text, cursor
            assert ROW.findall(response.text) == ["s02", "s01"], cursor  # the filters still apply
    # well formed but made up: a place in the order like any other
    assert listed(carol, "?older_than=20260311T000000.000000Z~zzz") == ["s01"]
    assert listed(carol, "?older_than=00010101T000000.000000Z~a") == []
    assert listed(carol, "?newer_than=99991231T235959.999999Z~a") == ["s04", "s03", "s02", "s01"]


BAD_VALUES = [
    ("?from=2026-13-45", "'2026-13-45' is not a date"),
    ("?to=yesterday", "'yesterday' is not a date"),
    ("?min_score=abc", "'abc' is not a score"),
    ("?max_score=nan", "'nan' is not a score"),
    ("?min_score=-1", "'-1' is not a score"),
    ("?max_score=-3", "give the highest score as a number between 0 and 4 (left out)"),  # the rubric's scale
    ("?max_score=4.5", "'4.5' is not a score: give the highest score as a number between 0 and 4"),
    ("?status=deleted", "Unknown status 'deleted': pick one from the menu: completed, unfinished, in progress,"),
    ("?older_than=page-two", "That page link is broken"),
    ("?from=2026-03-12&to=2026-03-10", "The 'from' day is after the 'to' day"),
    ("?min_score=3&max_score=1", "The lowest score is above the highest"),
    ("?round=" + "x" * 500, "That round cannot exist"),
]


def test_a_bad_filter_value_gets_a_message_on_the_page(app_client: TestClient) -> None:
    carol = as_user(app_client, "carol")
    for query, message in BAD_VALUES:
        response = carol.get("/sessions" + query)
        # 200: the page answers the mistake itself; a 400 would be logged by the browser as a console error
        assert response.status_code == 200, query
        assert response.headers["content-type"].startswith("text/html")
        alert = re.search(r'<div class="flash problems" role="alert">.*?</div>', response.text, re.S)
        assert alert is not None, query
        assert message in html.unescape(alert.group()) and "Traceback" not in response.text, query
        assert "in_progress" not in alert.group(), query  # worded as the menu words it
        assert ROW.findall(response.text) == ["s04", "s03", "s02", "s01"], query  # left out, the list shown


def test_a_bad_value_is_left_out_and_the_good_ones_still_apply(app_client: TestClient) -> None:
    response = as_user(app_client, "carol").get("/sessions?candidate=ada&min_score=high")
    assert response.status_code == 200 and ROW.findall(response.text) == ["s02", "s01"]
    assert "&#39;high&#39; is not a score" in response.text


def test_the_loop_column_names_the_loop_as_the_filter_does(app_client: TestClient) -> None:
    bank = app_client.app.state.web.interviews.bank  # type: ignore[attr-defined]
    title = bank.loop("netflix-senior-swe").title
    page = as_user(app_client, "carol").get("/sessions").text
    cells = re.findall(r"<td>([^<]*)</td>\s*<td>[^<]*</td>\s*<td class=\"status-", page)
    assert cells.count(html.escape(title)) == 3 and cells.count("other-loop") == 1  # unknown: its id
    assert "<td>netflix-senior-swe</td>" not in page
    assert f'<option value="netflix-senior-swe">{html.escape(title)}</option>' in page
    assert listed(as_user(app_client, "carol"), "?max_score=4") == ["s02", "s01"]  # the top of the scale is valid


def test_a_hostile_filter_value_is_shown_as_text(app_client: TestClient) -> None:
    page = as_user(app_client, "carol").get("/sessions?status=<script>alert(1)</script>&from=<b>x").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<b>x" not in page


def test_logged_out_goes_to_login(app_client: TestClient) -> None:
    response = app_client.get("/sessions?min_score=x", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
