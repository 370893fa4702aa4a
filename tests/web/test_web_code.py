"""The live-coding editor in the browser interview: Run and Submit through the real sandboxed runner, every
version kept as a code turn, results beside the editor, the coach's view of the code, and the refusals."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from mockinterviewer.coding import stub
from mockinterviewer.transcript import TurnKind
from tests.web.conftest import Site, csrf_of, logged_in

ROUND = "netflix-senior-swe/technical-phone-screen"
SOLUTION = "def solve(x):\n    return x\n"


def start_coding(client: TestClient) -> str:
    """A phone screen of one question: a coding question (the round asks nothing else)."""
    token = csrf_of(client, "/interviews/new")
    response = client.post("/interviews", data={"csrf": token, "round": ROUND, "questions": "1"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


def code_post(client: TestClient, session_id: str, code: str, action: str, lang: str = "python",
              csrf: str | None = None):  # type: ignore[no-untyped-def]
    token = csrf if csrf is not None else csrf_of(client, f"/interviews/{session_id}")
    return client.post(f"/interviews/{session_id}/code",
                       data={"csrf": token, "code": code, "lang": lang, "action": action}, follow_redirects=False)


def coding_question(site: Site, session_id: str, bank):  # type: ignore[no-untyped-def]
    session = site.store.load_session(session_id)
    question = bank.question(next(t.question_id for t in session.turns if t.kind is TurnKind.QUESTION))
    assert question.coding is not None
    return question


def test_the_editor_shows_the_signature_in_each_language_and_works_without_javascript(site: Site, bank) -> None:  # type: ignore[no-untyped-def]
    ada = logged_in(site, "ada")
    session_id = start_coding(ada)
    page = ada.get(f"/interviews/{session_id}").text
    question = coding_question(site, session_id, bank)
    assert f'action="/interviews/{session_id}/code"' in page
    assert '<textarea name="code" id="code-text"' in page  # the form works with no script at all
    for lang in question.coding.signatures:
        assert f'<option value="{lang}"' in page
    stubs = re.search(r'<script type="application/json" id="code-stubs">(.*?)</script>', page, re.S)
    assert stubs and json.loads(stubs.group(1)) == {lang: stub(question, lang) for lang in question.coding.signatures}
    assert 'src="/static/vendor/ace/ace.js"' in page and 'src="/static/code_editor.js"' in page
    for path in ("/static/vendor/ace/ace.js", "/static/vendor/ace/mode-java.js", "/static/code_editor.js",
                 "/static/code.css", "/static/vendor/ace/css/ace.css", "/static/vendor/ace/css/theme/textmate.css"):
        assert ada.get(path).status_code == 200, path
    assert "<script>" not in page  # no inline script (CSP default-src 'self')


def test_run_and_submit_go_through_the_sandbox_and_every_version_is_kept(site: Site, bank) -> None:  # type: ignore[no-untyped-def]
    ada = logged_in(site, "ada")
    session_id = start_coding(ada)
    spec = coding_question(site, session_id, bank).coding
    wrong = next(w for w in spec.wrong if w.lang == "python").code

    response = code_post(ada, session_id, wrong, "run")
    assert response.status_code == 303 and response.headers["location"].endswith("#editor")
    page = ada.get(response.headers["location"]).text
    assert "Examples:" in page and "Ran python" in page
    code_turns = [t for t in site.store.load_session(session_id).turns if t.kind is TurnKind.CODE]
    assert [t.meta["action"] for t in code_turns] == ["run"]
    assert code_turns[0].text.strip() == wrong.strip() and code_turns[0].meta["result"]["hidden"] is False

    response = code_post(ada, session_id, wrong, "submit")
    page = ada.get(response.headers["location"]).text
    result = site.store.load_session(session_id).turns[-2].meta["result"]
    assert result["hidden"] is True and result["passed"] < result["total"]
    assert f"Hidden tests: {result['passed']} of {result['total']} passed" in page and "First failure" in page

    response = code_post(ada, session_id, spec.references["python"], "submit")
    page = ada.get(response.headers["location"]).text
    saved = site.store.load_session(session_id)
    code_turns = [t for t in saved.turns if t.kind is TurnKind.CODE]
    assert [t.meta["action"] for t in code_turns] == ["run", "submit", "submit"]
    result = code_turns[-1].meta["result"]
    assert result["passed"] == result["total"] > 0
    assert f"Hidden tests: {result['total']} of {result['total']} passed" in page
    # the interviewer answers each submission (complexity, the failing case) as in the terminal
    assert saved.turns[-1].speaker.value == "interviewer"

    # the coach's session page: the final code, its results and every version
    carol = logged_in(site, "carol")
    coach = carol.get(f"/sessions/{session_id}").text
    assert 'id="code"' in coach and f"Hidden tests: {result['total']} of {result['total']} passed" in coach
    assert "2 submissions, 3 versions in all." in coach
    assert coach.count('<pre class="code">') >= 4  # the final code and all three versions


def test_code_is_escaped_and_a_bad_post_is_refused_with_a_message(site: Site) -> None:
    ada = logged_in(site, "ada")
    session_id = start_coding(ada)
    hostile = "def solve(x):\n    return '</textarea><script>alert(1)</script>'\n"
    page = ada.get(code_post(ada, session_id, hostile, "run").headers["location"]).text
    assert "<script>alert(1)</script>" not in page and "&lt;/textarea&gt;&lt;script&gt;" in page

    before = len(site.store.load_session(session_id).turns)
    for code, lang, action, message in (("   ", "python", "run", "Write some code in the editor first."),
                                        ("x = 1\n", "cobol", "run", "Not run: This question is offered in"),
                                        ("x = 1\n", "python", "delete", "Not run: Choose Run or Submit."),
                                        ("x" * 100_001, "python", "run", "characters; at most 100,000")):
        response = code_post(ada, session_id, code, action, lang)
        assert response.status_code == 303 and "#" not in response.headers["location"]  # the message is at the top
        page = ada.get(response.headers["location"]).text
        assert message in page and '<p class="error" role="alert">' in page
    assert len(site.store.load_session(session_id).turns) == before  # nothing recorded, nothing lost


def test_only_the_candidate_who_owns_the_session_may_post_code(site: Site) -> None:
    ada = logged_in(site, "ada")
    session_id = start_coding(ada)
    before = len(site.store.load_session(session_id).turns)
    assert code_post(ada, session_id, SOLUTION, "run", csrf="forged").status_code == 403
    bob = logged_in(site, "bob")
    assert code_post(bob, session_id, SOLUTION, "run", csrf=csrf_of(bob, "/sessions")).status_code == 404
    carol = logged_in(site, "carol")  # her candidate's session, but a coach does not write the code
    assert code_post(carol, session_id, SOLUTION, "run", csrf=csrf_of(carol, "/sessions")).status_code == 403
    anonymous = site.new_client()
    response = anonymous.post(f"/interviews/{session_id}/code", data={"code": SOLUTION, "action": "run"},
                              follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert len(site.store.load_session(session_id).turns) == before


def test_a_talked_through_question_has_no_editor_and_refuses_code(site: Site) -> None:
    ada = logged_in(site, "ada")
    token = csrf_of(ada, "/interviews/new")
    response = ada.post("/interviews", data={"csrf": token, "round": "netflix-senior-swe/recruiter-screen",
                                             "questions": "1"}, follow_redirects=False)
    session_id = response.headers["location"].rsplit("/", 1)[1]
    assert 'id="code-text"' not in ada.get(f"/interviews/{session_id}").text
    response = code_post(ada, session_id, SOLUTION, "run")
    assert "No coding question is waiting for code now." in ada.get(response.headers["location"]).text
