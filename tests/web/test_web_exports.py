"""Exporting a session from the web app: Markdown, JSON and a printable page, built on the CLI's report, with
the coach's overrides and the comments marked as such, candidate text escaped, for the candidate and their
coaches only."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from mockinterviewer.grading.render import render
from mockinterviewer.grading.report import build_report
from mockinterviewer.transcript import CodeReview
from mockinterviewer.web.exports import FORMATS
from tests.web.conftest import Site, add_session, csrf_of, logged_in
from tests.web.spoken_session import SPOKEN_ID, add_spoken_session

HOSTILE = ("<script>alert('answer')</script> **bold** [a link](http://evil.example) <img src=x onerror=alert(1)> "
           "# not a heading")


def _review(client: TestClient, session_id: str) -> None:
    """carol overrides depth twice (the first is kept as history) and comments on the answer, then edits it."""
    page = f"/sessions/{session_id}"
    for score, reason in (("3", "First look: <b>better</b>"), ("3.5", "Measured p99 before guessing.")):
        client.post(f"{page}/overrides", data={"csrf": csrf_of(client, page), "question_id": "q1",
                                               "criterion_id": "depth", "score": score, "reason": reason})
    client.post(f"{page}/comments", data={"csrf": csrf_of(client, page), "turn_index": "1",
                                          "text": "Say which dashboard. <script>alert('comment')</script>"})
    comment_id = re.search(rf'action="{page}/comments/(\d+)"', client.get(page).text)
    assert comment_id
    client.post(f"{page}/comments/{comment_id.group(1)}",
                data={"csrf": csrf_of(client, page), "text": "Say which dashboard, and why p99."})


@pytest.fixture
def reviewed(site: Site) -> Site:
    add_session(site.store, "cccc3333", "ada", answer=HOSTILE)
    add_spoken_session(site.store, grades=site.store.load_grades("aaaa1111"))
    carol = logged_in(site, "carol")
    for session_id in ("aaaa1111", "cccc3333", SPOKEN_ID):
        _review(carol, session_id)
    return site


def _export(site: Site, name: str, session_id: str, fmt: str) -> str:
    response = logged_in(site, name).get(f"/sessions/{session_id}/export/{fmt}")
    assert response.status_code == 200, (name, fmt, response.text[:300])
    assert response.headers["content-type"] == FORMATS[fmt]
    return response.text


def test_markdown_is_the_cli_report_with_the_review_and_transcript(reviewed: Site) -> None:
    response = logged_in(reviewed, "ada").get("/sessions/aaaa1111/export/md")
    assert response.headers["content-disposition"] == 'attachment; filename="session-aaaa1111.md"'
    text = response.text
    session = reviewed.store.load_session("aaaa1111")
    loop = reviewed.client.app.state.web.interviews.bank.loop(session.loop_id)  # type: ignore[attr-defined]
    assert text.startswith(render(build_report(session, loop, reviewed.store.load_grades("aaaa1111")), "md").rstrip())
    assert "## Coach review" in text
    assert "**Session score with coach overrides:** 3.25/4 (grader: 2.5/4)" in text
    assert "- **Coach override** · Q1 · Depth: grader 2/4, coach **3.5/4**, by carol" in text
    assert "Reason: Measured p99 before guessing." in text
    assert "Earlier overrides, replaced by the ones above:" in text and r"First look: \<b\>better\</b\>" in text
    assert "## Transcript" in text and "> I measured p99 latency first." in text
    assert "- **Comment** by carol" in text and "(edited): Say which dashboard, and why p99." in text
    assert "  - earlier version, " in text


def test_json_holds_the_report_review_and_transcript(reviewed: Site) -> None:
    response = logged_in(reviewed, "carol").get(f"/sessions/{SPOKEN_ID}/export/json")
    assert response.headers["content-disposition"] == f'attachment; filename="session-{SPOKEN_ID}.json"'
    assert response.text.isascii()
    data = json.loads(response.text)
    assert data["status"] == "interrupted"  # in progress, and no process runs it: as the sessions list says
    assert data["report"]["session_id"] == SPOKEN_ID and data["report"]["questions"][0]["score"] == 2.5
    review = data["review"]
    assert review["overridden"] and review["score"] == 3.25 and review["grader_score"] == 2.5
    overrides = review["overrides"]
    assert [(o["kind"], o["score"], o["grader_score"], o["counts"]) for o in overrides] == [
        ("coach override", 3.0, 2.0, False), ("coach override", 3.5, 2.0, True)]
    (comment,) = review["comments"]
    assert comment["kind"] == "comment" and comment["edited"] and comment["turn_index"] == 1
    assert comment["earlier_versions"][0]["text"].startswith("Say which dashboard. <script>")
    answer = data["transcript"][1]
    assert answer["audio"] == "turn-0001.wav" and answer["delivery"]["wpm"] == 90.0
    assert data["report"]["delivery"]["answers"][0]["audio"] == "turn-0001.wav"
    home = str(reviewed.store.data_dir)
    assert home not in response.text  # where the server keeps the audio is not given away


def test_the_printable_page_has_print_css_and_no_script(reviewed: Site) -> None:
    page = _export(reviewed, "ada", SPOKEN_ID, "html")
    assert '<link rel="stylesheet" href="/static/print.css">' in page
    assert "<script" not in page.lower() and "<form" not in page.lower()
    assert '<span class="override">Coach override: <strong>3.5 / 4</strong></span>' in page
    assert "earlier: 3 by carol" in page
    assert '<span class="overridden">with coach overrides: <strong>3.25</strong> / 4</span>' in page
    assert '<span class="label">Comment</span> by carol' in page and "(edited)" in page
    assert "Delivery: 90 words/min" in page and "audio: turn-0001.wav" in page
    assert "· interrupted" in page
    css = reviewed.new_client().get("/static/print.css")
    assert css.status_code == 200 and "@media print" in css.text and "break-inside: avoid" in css.text


def test_candidate_text_is_escaped_in_every_format(reviewed: Site) -> None:
    md = _export(reviewed, "ada", "cccc3333", "md")
    assert not re.search(r"(?<!\\)[<\[]", md.split("## Transcript")[1])  # every < and [ escaped: no HTML, no link
    assert not re.search(r"(?<!\\)<", md) and "](http" not in md
    assert r"\<script\>alert\('answer'\)\</script\>" in md and r"\*\*bold\*\*" in md and r"\[a link\]\(http" in md
    assert r"\# not a heading" in md
    assert r"Say which dashboard, and why p99." in md
    html = _export(reviewed, "carol", "cccc3333", "html")
    assert "<script" not in html and "<img" not in html and "<b>better" not in html
    assert "&lt;script&gt;alert(&#39;answer&#39;)&lt;/script&gt;" in html and "&lt;b&gt;better&lt;/b&gt;" in html
    data = json.loads(_export(reviewed, "ada", "cccc3333", "json"))
    assert data["transcript"][1]["text"] == HOSTILE  # JSON carries the text itself, as data


def test_a_coding_questions_code_and_tests_are_exported_as_text(site: Site) -> None:
    code = "def f(x):\n    return '</code><script>alert(1)</script>'\n"
    add_session(site.store, "eeee5555", "ada")
    (grade,) = site.store.load_grades("eeee5555")
    tests = [{"name": "hidden-1", "status": "passed"},
             {"name": "hidden-2", "status": "failed", "input": [1], "expected": 2, "got": "<b>3</b>"}]
    grade.code = CodeReview(lang="python", code=code, passed=1, total=2, tests=tests)
    site.store.save_grades("eeee5555", [grade])
    html = _export(site, "ada", "eeee5555", "html")
    assert "1 of 2\n    hidden tests passed" in html and "hidden-1: passed" in html
    assert "hidden-2: " in html and "&lt;b&gt;3&lt;/b&gt;" in html
    assert "&lt;/code&gt;&lt;script&gt;" in html and "<script" not in html
    md = _export(site, "ada", "eeee5555", "md")
    assert "    return '</code><script>alert(1)</script>'" in md.split("```python")[1]  # inside the CLI's fence


def test_only_the_candidate_and_assigned_coaches_export(reviewed: Site) -> None:
    for fmt in FORMATS:
        for name in ("ada", "carol"):
            assert logged_in(reviewed, name).get(f"/sessions/aaaa1111/export/{fmt}").status_code == 200
        for name in ("bob", "dave"):  # another candidate; a coach not assigned to ada
            response = logged_in(reviewed, name).get(f"/sessions/aaaa1111/export/{fmt}")
            assert response.status_code == 404 and "I measured p99" not in response.text
        logged_out = reviewed.new_client().get(f"/sessions/aaaa1111/export/{fmt}", follow_redirects=False)
        assert logged_out.status_code == 303 and logged_out.headers["location"] == "/login"


def test_unknown_formats_and_prefixes(reviewed: Site) -> None:
    client = logged_in(reviewed, "ada")
    assert client.get("/sessions/aaaa1111/export/pdf").status_code == 404
    assert client.get("/sessions/nope0000/export/md").status_code == 404
    prefix = client.get("/sessions/aaaa/export/md", follow_redirects=False)
    assert prefix.status_code == 303 and prefix.headers["location"] == "/sessions/aaaa1111/export/md"


def test_an_ungraded_session_exports_its_transcript(site: Site) -> None:
    add_spoken_session(site.store, "dddd4444")
    md = _export(site, "ada", "dddd4444", "md")
    assert "No coach overrides" in md and "> Um, I measured p99 latency first, like, before guessing." in md
    assert "Not graded yet." in _export(site, "ada", "dddd4444", "html")


def test_the_session_page_links_the_exports(reviewed: Site) -> None:
    page = logged_in(reviewed, "carol").get("/sessions/aaaa1111").text
    for fmt in FORMATS:
        assert f'href="/sessions/aaaa1111/export/{fmt}"' in page
