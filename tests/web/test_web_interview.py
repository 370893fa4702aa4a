"""The browser interview (issue 10): a candidate holds a text interview question by question over HTTP,
closes the tab and comes back, finishes and reads the report; nobody else can see it or answer in it."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from mockinterviewer.config import load_settings
from mockinterviewer.transcript import SessionStatus, Speaker, TurnKind
from mockinterviewer.web import create_app
from mockinterviewer.web.security import LoginLimiter
from tests.web.conftest import Site, csrf_of, logged_in, seed

ROUND = "netflix-senior-swe/recruiter-screen"
ANSWER = ("I led the migration of our billing service to an event-driven design: I measured the p99 latency, "
          "split the work into stages, and we cut incidents by half while I mentored two engineers.")


def start(client: TestClient, questions: str = "2") -> str:
    token = csrf_of(client, "/interviews/new")
    response = client.post("/interviews", data={"csrf": token, "round": ROUND, "questions": questions},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/interviews/([0-9a-f]+)", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


ALERT = '<p class="error" role="alert">{}</p>'  # what was not done: the red alert, not the blue note


def post(client: TestClient, session_id: str, action: str = "send", text: str = ANSWER):  # type: ignore[no-untyped-def]
    token = csrf_of(client, f"/interviews/{session_id}")
    return client.post(f"/interviews/{session_id}", data={"csrf": token, "action": action, "text": text},
                       follow_redirects=False)


def test_a_candidate_holds_an_interview_closes_the_tab_comes_back_and_reads_the_report(site: Site) -> None:
    ada = logged_in(site, "ada")
    assert "/interviews/new" in ada.get("/sessions").text
    session_id = start(ada)
    page = ada.get(f"/interviews/{session_id}").text
    session = site.store.load_session(session_id)
    first = next(t for t in session.turns if t.kind is TurnKind.QUESTION)
    assert first.text.split("\n")[0][:40] in page.replace("&#39;", "'").replace("&#34;", '"')
    assert re.search(r'class="time-left">About \d+ minutes left on this question, \d+ minutes in the round\.',
                     page)  # worded as said, not "About 12.0 min"
    title = site.client.app.state.web.interviews.bank.loop("netflix-senior-swe").title  # type: ignore[attr-defined]
    assert re.search(rf'class="meta">{re.escape(title)} · in progress ·', page)  # its name; answered, not "unfinished"
    assert "netflix-senior-swe" not in page.split('class="meta">')[1].split("</p>")[0]
    # the candidate is told which interviewer runs, not how an operator configures a model
    assert "Interviewer: offline scripted" in page and "OPENAI" not in page
    for button in ("send", "skip", "repeat", "quit"):
        assert f'name="action" value="{button}"' in page
    assert len(session.plan.rounds[0].questions) == 2

    assert post(ada, session_id).status_code == 303  # the first answer
    saved = site.store.load_session(session_id)
    assert [t.text for t in saved.turns if t.kind is TurnKind.ANSWER] == [ANSWER]
    assert saved.status is SessionStatus.UNFINISHED

    # the tab is closed; a new one (a new login) opens the session again
    again = logged_in(site, "ada")
    assert f"/interviews/{session_id}" in again.get("/sessions").text
    page = again.get(f"/interviews/{session_id}").text
    assert "I led the migration" in page and "Resuming" not in page and "saved as unfinished" not in page
    before = len(site.store.load_session(session_id).turns)
    repeated = again.get(post(again, session_id, "repeat").headers["location"]).text
    assert "Repeated:" in repeated and len(site.store.load_session(session_id).turns) == before

    for _ in range(20):  # answer (follow-ups, the second question, questions for the interviewer) to the end
        if site.store.load_session(session_id).status is SessionStatus.COMPLETED:
            break
        assert post(again, session_id).status_code == 303
    final = site.store.load_session(session_id)
    assert final.status is SessionStatus.COMPLETED
    assert len({t.question_id for t in final.turns if t.kind is TurnKind.QUESTION}) == 2
    assert [t.index for t in final.turns] == list(range(len(final.turns)))
    assert sum(1 for t in final.turns if t.speaker is Speaker.CANDIDATE and t.kind is TurnKind.ANSWER) >= 2
    report = again.get(f"/interviews/{session_id}").text
    assert 'class="report"' in report and "Feedback report" in report and 'name="action"' not in report
    assert site.store.load_grades(session_id)


def test_another_candidate_cannot_see_or_answer_and_a_coach_cannot_answer(site: Site) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    turns = len(site.store.load_session(session_id).turns)
    bob = logged_in(site, "bob")
    assert bob.get(f"/interviews/{session_id}").status_code == 404
    assert bob.get(f"/sessions/{session_id}").status_code == 404
    assert post(bob, session_id).status_code == 404
    carol = logged_in(site, "carol")  # ada's coach
    assert carol.get("/interviews/new").status_code == 403
    token = csrf_of(carol, "/sessions")
    for path in (f"/interviews/{session_id}", "/interviews"):
        response = carol.post(path, data={"csrf": token, "action": "send", "text": ANSWER, "round": ROUND},
                              follow_redirects=False)
        assert response.status_code == 403, path
    # ada's coach opening her interview is taken to its review page (by the full id, from a prefix too)
    for asked in (session_id, session_id[:6]):
        opened = carol.get(f"/interviews/{asked}", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == f"/sessions/{session_id}"
    dave = logged_in(site, "dave")  # bob's coach, not ada's: the same 403 as for a session that does not exist
    assert dave.get(f"/interviews/{session_id}").status_code == 403
    assert dave.get("/interviews/0123456789abcdef").status_code == 403
    assert carol.get("/interviews/0123456789abcdef").status_code == 403
    assert len(site.store.load_session(session_id).turns) == turns  # nobody else's words got in


def test_script_in_an_answer_is_shown_as_text(site: Site) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    payload = "<script>alert('x')</script> I would measure the p99 latency first and then profile."
    assert post(ada, session_id, text=payload).status_code == 303
    page = ada.get(f"/interviews/{session_id}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_a_post_without_csrf_is_refused(site: Site) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    turns = len(site.store.load_session(session_id).turns)
    refused = ada.post(f"/interviews/{session_id}", data={"action": "send", "text": ANSWER}, follow_redirects=False)
    assert refused.status_code == 403
    wrong = ada.post(f"/interviews/{session_id}", data={"csrf": "forged", "action": "skip"}, follow_redirects=False)
    assert wrong.status_code == 403
    assert ada.post("/interviews", data={"round": ROUND}, follow_redirects=False).status_code == 403
    assert len(site.store.load_session(session_id).turns) == turns


def test_quit_saves_the_session_as_unfinished_and_an_empty_answer_is_not_sent(site: Site) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    turns = len(site.store.load_session(session_id).turns)
    empty = post(ada, session_id, text="   ")
    assert empty.headers["location"] == f"/interviews/{session_id}"
    assert ALERT.format("Type an answer first (or Skip).") in ada.get(empty.headers["location"]).text
    quit_ = post(ada, session_id, "quit")
    assert quit_.headers["location"] == "/sessions" and "Saved as unfinished" in ada.get("/sessions").text
    session = site.store.load_session(session_id)
    assert len(session.turns) == turns and session.status is SessionStatus.UNFINISHED


def test_time_left_counts_the_time_on_the_page_and_a_reload_does_not_restart_it(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from mockinterviewer.web import interview_pages

    now = [time.time()]
    monkeypatch.setattr(interview_pages.time, "time", lambda: now[0])
    ada = logged_in(site, "ada")
    session_id = start(ada, "1")

    def shown() -> float:
        page = ada.get(f"/interviews/{session_id}").text
        match = re.search(r'class="time-left">About (\d+) minutes left on this question', page)
        assert match, page
        return float(match.group(1))

    first = shown()
    now[0] += 120  # two minutes thinking
    assert shown() == pytest.approx(first - 2.0)
    assert shown() == pytest.approx(first - 2.0)  # a reload: the clock goes on, it does not start again
    page = ada.get(post(ada, session_id, "time").headers["location"]).text  # Time left says the same
    assert f'role="status">About {first - 2:.0f} minutes left on this question' in page
    now[0] += 30
    assert post(ada, session_id).status_code == 303  # the answer took the whole 150 s
    [answer] = [t for t in site.store.load_session(session_id).turns if t.kind is TurnKind.ANSWER]
    assert answer.seconds == pytest.approx(150.0)


def test_what_was_not_done_is_a_red_alert_not_a_note(site: Site) -> None:
    ada = logged_in(site, "ada")
    token = csrf_of(ada, "/interviews/new")
    for questions, message in (("99", "Not started: the number of questions must be 1 to 20."),
                               ("", "Not started: Pick a round of the loop.")):
        form = {"csrf": token, "round": ROUND if questions else "netflix-senior-swe/nosuch", "questions": questions}
        refused = ada.post("/interviews", data=form, follow_redirects=False)
        assert refused.headers["location"] == "/interviews/new"
        page = ada.get("/interviews/new").text
        assert ALERT.format(message) in page and 'class="flash"' not in page
    session_id = start(ada)
    spoken = ada.post(f"/interviews/{session_id}/voice-answer", follow_redirects=False,
                      data={"csrf": csrf_of(ada, f"/interviews/{session_id}"), "text": " ", "voice": ""})
    assert spoken.headers["location"] == f"/interviews/{session_id}"
    assert ALERT.format("Type an answer first (or Skip).") in ada.get(spoken.headers["location"]).text


@pytest.fixture
def unconfigured_site(monkeypatch: pytest.MonkeyPatch) -> Site:
    """A site whose operator set no model: auto mode with neither OPENAI_API_KEY nor OPENAI_BASE_URL."""
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "auto")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    limiter = LoginLimiter(limit=10, block=300)
    app = create_app(load_settings(), limiter=limiter)
    store, accounts = app.state.web.interviews.store, app.state.web.accounts
    seed(store, accounts)
    return Site(TestClient(app), store, accounts, limiter)


def test_the_candidate_sees_which_interviewer_and_the_server_log_how_to_configure_one(
        unconfigured_site: Site, caplog: pytest.LogCaptureFixture) -> None:
    ada = logged_in(unconfigured_site, "ada")
    with caplog.at_level("WARNING", logger="mockinterviewer.web.interview_pages"):
        session_id = start(ada)
    page = ada.get(f"/interviews/{session_id}").text
    assert "Interviewer: offline scripted" in page and "OPENAI" not in page  # nothing a candidate can act on
    logged = [r.getMessage() for r in caplog.records if r.name == "mockinterviewer.web.interview_pages"]
    assert logged == [f"Session {session_id}: Interviewer: offline scripted (no LLM configured; "
                      "set OPENAI_API_KEY or OPENAI_BASE_URL to use one)"]  # the operator's hint, kept
