"""The review pages: the list with its filters and pages, a session with its grades, overrides and comments."""

from __future__ import annotations

import re

from tests.web.conftest import Site, add_session, csrf_of, logged_in


def _override(client, score: str, reason: str, criterion: str = "depth"):  # type: ignore[no-untyped-def]
    return client.post("/sessions/aaaa1111/overrides", data={
        "csrf": csrf_of(client, "/sessions/aaaa1111"), "question_id": "q1", "criterion_id": criterion,
        "score": score, "reason": reason}, follow_redirects=False)


def _row(page: str, criterion: str) -> str:
    match = re.search(rf'<tr id="q-q1-{criterion}">(.*?)</tr>', page, re.S)
    assert match, criterion
    return match.group(1)


def test_a_coachs_override_survives_a_reload_beside_the_graders_score(site: Site) -> None:
    carol = logged_in(site, "carol")
    response = _override(carol, "3.5", "Named the p99 and the trace: deeper than graded.")
    assert response.status_code == 303 and response.headers["location"] == "/sessions/aaaa1111#q-q1"
    assert "Override saved." in carol.get(response.headers["location"]).text

    again = logged_in(site, "carol")  # a new login, a fresh page
    page = again.get("/sessions/aaaa1111").text
    row = _row(page, "depth")
    assert 'class="grader-score">2 / 4' in row  # the grader's score is kept
    assert "3.5 / 4" in row and "by carol" in row and "deeper than graded" in row
    assert "with coach overrides" in page and "(grader: 2.5)" in page  # totals marked
    assert "Session score:" in page and "<strong>3.25</strong>" in page

    _override(again, "3", "On a second reading, 3.")
    page = again.get("/sessions/aaaa1111").text
    row = _row(page, "depth")
    assert "3 / 4" in row and "On a second reading" in row
    assert "earlier overrides (1)" in row and "deeper than graded" in row  # history kept
    assert re.search(r"<li>3\.5 / 4 by carol, [^<]*: Named the p99", row)  # the earlier score on its scale
    ada = logged_in(site, "ada")  # the candidate reads it too, without the form
    page = ada.get("/sessions/aaaa1111").text
    assert "On a second reading" in _row(page, "depth") and "Save override" not in page


def test_a_bad_override_is_explained_and_not_saved(site: Site) -> None:
    carol = logged_in(site, "carol")
    for score, reason, criterion in (("9", "too high", "depth"), ("nan", "not a number", "depth"),
                                     ("2", "  ", "depth"), ("2", "no such", "nosuch")):
        response = _override(carol, score, reason, criterion)
        assert response.status_code == 303
        # the top of the page, where the message is: an anchor would scroll it out of sight
        assert response.headers["location"] == "/sessions/aaaa1111"
        assert '<p class="error" role="alert">Not saved:' in carol.get(response.headers["location"]).text
    page = carol.get(_override(carol, "9", "too high").headers["location"]).text
    assert "The score for &#39;Depth&#39; must be between 0 and 4." in page  # the criterion's name, not its id
    ada = logged_in(site, "ada")
    assert "Not saved" not in ada.get("/sessions/aaaa1111").text
    assert not site.client.app.state.web.reviews.override_history(site.accounts.get("ada"), "aaaa1111")


def test_a_candidate_cannot_override_but_can_comment(site: Site) -> None:
    ada = logged_in(site, "ada")
    response = _override(ada, "4", "I was great")
    assert "Only a coach" in ada.get(response.headers["location"]).text
    token = csrf_of(ada, "/sessions/aaaa1111")
    ada.post("/sessions/aaaa1111/comments", data={"csrf": token, "turn_index": "1", "text": "I forgot caching."})
    carol = logged_in(site, "carol")
    page = carol.get("/sessions/aaaa1111").text
    assert "I forgot caching." in page and "ada, " in page


def test_the_session_page_shows_turns_criteria_evidence_and_rationale(site: Site) -> None:
    page = logged_in(site, "carol").get("/sessions/aaaa1111").text
    assert "How would you find a slow endpoint?" in page and "I measured p99 latency</mark> first." in page
    assert "<q>I measured p99 latency</q>" in page and "Measured before guessing." in page
    assert "Depth" in page and "Clarity" in page and "no evidence quoted" in page
    assert page.index('id="t-1"') < page.index('id="q-q1"')  # the grades follow the question's turns


def test_the_list_filters_by_candidate_and_status_and_pages(site: Site) -> None:
    site.accounts.assign("carol", "bob")
    for i in range(30):
        add_session(site.store, f"e{i:07d}", "ada")
    carol = logged_in(site, "carol")
    first = carol.get("/sessions").text
    assert "32 sessions, newest first" in first and 'rel="next"' in first and 'rel="prev"' not in first
    older = re.search(r'<a rel="next" href="([^"]+)">', first)
    assert older is not None
    second = carol.get(older.group(1).replace("&amp;", "&")).text
    assert "32 sessions, newest first" in second and 'rel="prev"' in second and 'rel="next"' not in second
    only_bob = carol.get("/sessions?candidate=bob").text
    assert "bbbb2222" in only_bob and "aaaa1111" not in only_bob and "1 session, newest first" in only_bob
    assert "No sessions match" in carol.get("/sessions?status=completed").text
    assert "32 sessions, newest first" in carol.get("/sessions?status=interrupted").text


def test_a_prefix_redirects_and_unknown_pages_are_404(site: Site) -> None:
    carol = logged_in(site, "carol")
    response = carol.get("/sessions/aaaa", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/sessions/aaaa1111"
    assert carol.get("/no/such/page").status_code == 404
    assert carol.get("/static/style.css").status_code == 200


def test_every_page_has_the_shipped_icon(site: Site) -> None:
    """No page asks for /favicon.ico (a 404 in the server's log and the browser's console on every page)."""
    carol = logged_in(site, "carol")
    link = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    for path in ("/sessions", "/sessions/aaaa1111", "/sessions/aaaa1111/export/html", "/progress"):
        assert link in carol.get(path).text, path
    assert link in site.new_client().get("/login").text
    icon = carol.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_serve_is_a_command() -> None:
    from typer.testing import CliRunner

    from mockinterviewer.cli.app import _register, app

    _register()
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--workers" in result.output


def test_evidence_is_marked_in_the_answer_it_came_from() -> None:
    from mockinterviewer.web.highlight import pieces

    assert pieces("I measured p99 latency first.", ["I measured p99 latency"]) == [
        ("I measured p99 latency", True), (" first.", False)]
    assert pieces("a b a", ["a", "a b"]) == [("a b", True), (" ", False), ("a", True)]
    assert pieces("abcd", ["abc", "bcd"]) == [("abcd", True)]  # overlapping quotes merge
    assert pieces("none here", ["absent"]) == [("none here", False)]
    assert "".join(p for p, _ in pieces("x <y> x", ["x", "<y"])) == "x <y> x"


def test_the_session_page_says_which_interviewer_and_grader_ran(site: Site) -> None:
    [grade] = site.store.load_grades("aaaa1111")
    site.store.save_grades("aaaa1111", [grade.model_copy(update={"grader": "llm (gpt-4o-mini) <i>"})])
    page = logged_in(site, "carol").get("/sessions/aaaa1111").text
    assert re.search(r"interviewer \w+ ·\s+grader llm \(gpt-4o-mini\) &lt;i&gt; ·", page)


def test_the_session_page_marks_the_quotes_in_the_answer(site: Site) -> None:
    page = logged_in(site, "carol").get("/sessions/aaaa1111").text
    assert "<mark>I measured p99 latency</mark> first." in page


def test_a_refused_comment_is_an_alert_at_the_top_and_a_saved_one_goes_back_to_its_turn(site: Site) -> None:
    ada = logged_in(site, "ada")
    form = {"csrf": csrf_of(ada, "/sessions/aaaa1111"), "turn_index": "1"}
    refused = ada.post("/sessions/aaaa1111/comments", data={**form, "text": "   "}, follow_redirects=False)
    assert refused.headers["location"] == "/sessions/aaaa1111"
    assert '<p class="error" role="alert">Not saved: The comment is empty.</p>' in ada.get("/sessions/aaaa1111").text
    saved = ada.post("/sessions/aaaa1111/comments", data={**form, "text": "Noted."}, follow_redirects=False)
    assert saved.headers["location"] == "/sessions/aaaa1111#t-1"
    page = ada.get("/sessions/aaaa1111").text
    assert '<p class="flash" role="status">Comment saved.</p>' in page and 'role="alert"' not in page


def _flagged_grade(site: Site) -> None:
    """aaaa1111's question graded off topic, with a skipped follow-up, a summary and a cap."""
    [grade] = site.store.load_grades("aaaa1111")
    site.store.save_grades("aaaa1111", [grade.model_copy(update={
        "flags": ["off_topic", "skipped", "injection"], "summary": "No credit: it does not address the question.",
        "caps": ["A red flag <b>caps</b> it at 2."]})])


def test_the_graders_flags_summary_and_caps_are_in_words_on_the_session_page(site: Site) -> None:
    _flagged_grade(site)
    page = logged_in(site, "carol").get("/sessions/aaaa1111").text
    assert "Flagged by the grader: off topic · skipped · tried to instruct the grader" in page
    assert "off_topic" not in page
    assert "No credit: it does not address the question." in page
    assert "capped:" in page and "A red flag &lt;b&gt;caps&lt;/b&gt; it at 2." in page


def test_the_printable_page_words_the_flags_apart_from_the_overridden_score(site: Site) -> None:
    _flagged_grade(site)
    carol = logged_in(site, "carol")
    _override(carol, "3", "Deeper than graded.")
    page = carol.get("/sessions/aaaa1111/export/html").text
    assert '</span> <span class="flags">[off topic, skipped, tried to instruct the grader]</span>' in page


def test_a_comment_edit_keeps_the_old_version(site: Site) -> None:
    carol = logged_in(site, "carol")
    carol.post("/sessions/aaaa1111/comments", data={"csrf": csrf_of(carol, "/sessions/aaaa1111"),
                                                   "turn_index": "1", "text": "First thought."})
    thread = site.client.app.state.web.reviews.comments(site.accounts.get("carol"), "aaaa1111")[0]
    edit = f"/sessions/aaaa1111/comments/{thread.id}"
    assert carol.post(edit, data={"text": "no token"}).status_code == 403
    response = carol.post(edit, data={"csrf": csrf_of(carol, "/sessions/aaaa1111"), "text": "Second thought."},
                          follow_redirects=False)
    assert response.headers["location"] == "/sessions/aaaa1111#t-1"
    page = carol.get("/sessions/aaaa1111").text
    assert "Second thought." in page and "(edited)" in page and "earlier versions (1)" in page
    assert "First thought." in page
    ada = logged_in(site, "ada")  # not the author: no edit form, and an edit is refused
    assert "Save edit" not in ada.get("/sessions/aaaa1111").text
    ada.post(edit, data={"csrf": csrf_of(ada, "/sessions/aaaa1111"), "text": "Hijacked."})
    assert "Hijacked." not in carol.get("/sessions/aaaa1111").text
    add_session(site.store, "ffff6666", "ada")  # the comment under another session's address: 404
    assert carol.post(f"/sessions/ffff6666/comments/{thread.id}",
                      data={"csrf": csrf_of(carol, "/sessions"), "text": "x"}).status_code == 404
    bob = logged_in(site, "bob")  # another candidate's session: 404
    assert bob.post(edit, data={"csrf": csrf_of(bob, "/sessions"), "text": "x"}).status_code == 404
