"""The progress page: who may open it, the charts (well-formed SVG, overrides marked), the weakest
criteria, the message when there is too little data, and names shown as text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from mockinterviewer.store import Store
from mockinterviewer.store.accounts import Role
from mockinterviewer.transcript import CriterionGrade, QuestionGrade, Session, utcnow
from tests.web.conftest import PASSWORD, PLAN, Site, add_session, csrf_of, logged_in

SVG = re.compile(r"<svg\b.*?</svg>", re.S)
SVG_NS = "{http://www.w3.org/2000/svg}"
QUESTION = "retry-backoff-strategy"  # in the shipped bank: category "Clean Code and Best Practices"


def _graded(store: Store, session_id: str, candidate: str, scores: dict[str, float], *, days_ago: int = 0,
            names: dict[str, str] | None = None) -> None:
    store.create_session(Session(id=session_id, candidate=candidate, loop_id="netflix-senior-swe", plan=PLAN,
                                 created_at=utcnow() - timedelta(days=days_ago)))
    criteria = [CriterionGrade(id=cid, name=(names or {}).get(cid, cid.title()), score=s, max_score=4, weight=1.0,
                               evidence=["quote"] if s else [], rationale="r") for cid, s in scores.items()]
    mean = round(sum(scores.values()) / len(scores), 2)
    store.save_grades(session_id, [QuestionGrade(question_id=QUESTION, prompt="p", round_id="r1", answer="a",
                                                 score=mean, max_score=4, criteria=criteria)])


def _svgs(page: str) -> list[ET.Element]:
    found = [ET.fromstring(chunk) for chunk in SVG.findall(page)]  # each must parse: well-formed XML
    assert found, "no chart on the page"
    return found


def test_a_candidate_sees_their_own_progress_from_the_menu(site: Site) -> None:
    ada = logged_in(site, "ada")
    assert 'href="/progress"' in ada.get("/sessions").text
    response = ada.get("/progress", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/progress/ada"
    page = ada.get("/progress/ada")
    assert page.status_code == 200 and "Progress of ada" in page.text
    assert "Too little data for a trend" in page.text  # one graded session
    assert "Weakest criteria" in page.text and "Depth" in page.text and "1 answer" in page.text
    for svg in _svgs(page.text):
        assert svg.tag == f"{SVG_NS}svg"


def test_access_coach_of_the_candidate_only_others_404(site: Site) -> None:
    carol = logged_in(site, "carol")
    assert carol.get("/progress/ada").status_code == 200
    home = carol.get("/progress").text
    assert 'href="/progress/ada"' in home and "/progress/bob" not in home
    assert 'href="/progress/ada"' in carol.get("/sessions").text
    for path in ("/progress/bob", "/progress/nobody", "/progress/carol", "/progress/dave"):
        assert carol.get(path).status_code == 404, path
    ada = logged_in(site, "ada")
    for path in ("/progress/bob", "/progress/carol", "/progress/nobody"):
        assert ada.get(path).status_code == 404, path
    anonymous = site.new_client()
    response = anonymous.get("/progress/ada", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_overrides_count_in_the_chart_and_are_marked(site: Site) -> None:
    _graded(site.store, "cccc0001", "ada", {"clarity": 1, "design": 2}, days_ago=3)
    _graded(site.store, "cccc0002", "ada", {"clarity": 1, "design": 3}, days_ago=1)
    carol = logged_in(site, "carol")
    response = carol.post("/sessions/cccc0002/overrides", data={
        "csrf": csrf_of(carol, "/progress"), "question_id": QUESTION, "criterion_id": "clarity",
        "score": "4", "reason": "Clearer than graded."}, follow_redirects=False)
    assert response.status_code == 303
    page = carol.get("/progress/ada").text
    assert "Too little data" not in page and "3 graded sessions" in page
    assert "Clean Code and Best Practices" in page and "Other" in page  # q1 is not in the bank
    charts = _svgs(page)
    marks = [m for svg in charts for m in svg.iter(f"{SVG_NS}polygon")]
    assert marks, "the overridden points are diamonds"
    tooltips = [t.text or "" for m in marks for t in m.iter(f"{SVG_NS}title")]
    assert all("coach's override" in t for t in tooltips)
    assert any("100%" in t for t in tooltips)  # the coach's 4 of 4 counts for clarity in the latest session
    lines = [svg for svg in charts if list(svg.iter(f"{SVG_NS}polyline"))]
    assert lines, "two sessions of a category draw a line"
    weakest = page.split("Weakest criteria", 1)[1].split("</ol>", 1)[0]
    # clarity: (1 + 4) / 2 answers = 62%; design (2 + 3) / 2 = 62% too, tie on answers: by name
    # depth (Other): 2 of 4 = 50% over 1 answer is the weakest
    assert re.search(r"<strong>Depth</strong> \(Other\): 50% over 1 answer", weakest)
    assert ("<strong>Clarity</strong> (Clean Code and Best Practices): 62% over 2 answers "
            "<span class=\"overridden\">with a coach's override") in weakest


def test_too_little_data_is_said_plainly(site: Site) -> None:
    site.accounts.add_user("erin", Role.CANDIDATE, PASSWORD)
    erin = logged_in(site, "erin")
    page = erin.get("/progress/erin").text
    assert "Too little data: erin has no graded session yet" in page and "<svg" not in page
    site.store.create_session(Session(id="eeee0001", candidate="erin", loop_id="netflix-senior-swe", plan=PLAN))
    assert "no graded session yet" in erin.get("/progress/erin").text  # an unfinished session: still none


def test_names_are_shown_as_text_in_the_page_and_the_svg(site: Site) -> None:
    hostile = "<script>alert(1)</script>"
    site.accounts.add_user(f"x{hostile}", Role.CANDIDATE, PASSWORD)
    site.accounts.assign("carol", f"x{hostile}")
    add_session(site.store, "dddd0001", f"x{hostile}")
    _graded(site.store, "dddd0002", f"x{hostile}", {"c1": 2}, names={"c1": f"[bold]{hostile}&amp;"})
    carol = logged_in(site, "carol")
    assert "&lt;script&gt;" in carol.get("/progress").text
    page = carol.get(f"/progress/x{hostile}")
    assert page.status_code == 200
    assert "<script" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    titles = [t.text or "" for svg in _svgs(page.text) for t in svg.iter(f"{SVG_NS}title")]
    assert any(f"[bold]{hostile}&amp;" in t for t in titles)  # parsed back: the exact text, never markup


def _marks(svg: ET.Element) -> int:
    return len(list(svg.iter(f"{SVG_NS}circle"))) + len(list(svg.iter(f"{SVG_NS}polygon")))


def _window_link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)">', page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_a_page_charts_a_window_of_sessions_and_says_which(site: Site) -> None:
    site.accounts.add_user("erin", Role.CANDIDATE, PASSWORD)
    site.accounts.assign("carol", "erin")
    for n in range(25):  # 'legacy' was only assessed (and weak) in the first five sessions
        scores = {"clarity": 2, "legacy": 0} if n < 5 else {"clarity": 2, "depth": 4}
        _graded(site.store, f"e{n:03d}", "erin", scores, days_ago=30 - n)
    carol = logged_in(site, "carol")
    newest = carol.get("/progress/erin").text
    assert "Graded sessions 6 to 25 of 25" in newest and "(at most 20 a page)" in newest
    category = _svgs(newest)[0]
    assert _marks(category) == 20  # one point a session of the window
    weakest = newest.split("Weakest criteria", 1)[1].split("</ol>", 1)[0]
    assert "Legacy" not in weakest and "<strong>Clarity</strong>" in weakest  # over the window only
    assert "Legacy" not in newest
    assert _window_link(newest, "next") is None
    older_link = _window_link(newest, "prev")
    assert older_link == "/progress/erin?until=e004"
    older = carol.get(older_link).text
    assert "Graded sessions 1 to 5 of 25" in older and _marks(_svgs(older)[0]) == 5
    assert re.search(r"<strong>Legacy</strong> \(Clean Code and Best Practices\): 0% over 3 answers",
                     older.split("Weakest criteria", 1)[1])
    assert _window_link(older, "prev") is None and _window_link(older, "next") == "/progress/erin"


def test_a_window_link_naming_no_graded_session_shows_the_newest(site: Site) -> None:
    _graded(site.store, "cccc0001", "ada", {"clarity": 1}, days_ago=2)
    carol = logged_in(site, "carol")
    for until in ("nope", "bbbb2222", "<script>x</script>", "x" * 5000):  # bbbb2222: bob's, not ada's
        response = carol.get("/progress/ada", params={"until": until})
        assert response.status_code == 200, until
        assert "That link names no graded session of ada" in response.text, until
        assert "All 2 graded sessions" in response.text and "<script>x" not in response.text, until
    assert "That link names no graded session" not in carol.get("/progress/ada?until=cccc0001").text
