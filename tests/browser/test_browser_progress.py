"""A coach follows a candidate's progress in a real browser: the charts are drawn (inline SVG under the
page's CSP), an overridden score is marked, the weakest criteria are named; a screenshot is saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, expect

from mockinterviewer.store.review import Reviews
from mockinterviewer.transcript import CriterionGrade, QuestionGrade, Session, utcnow
from tests.browser.conftest import LiveApp, log_in
from tests.web.conftest import PLAN

QUESTION = "retry-backoff-strategy"


def _graded(app: LiveApp, session_id: str, scores: dict[str, float], days_ago: int) -> None:
    app.store.create_session(Session(id=session_id, candidate="ada", loop_id="netflix-senior-swe", plan=PLAN,
                                     created_at=utcnow() - timedelta(days=days_ago)))
    criteria = [CriterionGrade(id=cid, name=cid.replace("-", " ").capitalize(), score=s, max_score=4, weight=1.0,
                               evidence=["quote"] if s else [], rationale="r") for cid, s in scores.items()]
    app.store.save_grades(session_id, [QuestionGrade(
        question_id=QUESTION, prompt="p", round_id="r1", answer="a", score=round(sum(scores.values()) / len(scores), 2),
        max_score=4, criteria=criteria)])


def test_a_coach_follows_a_candidates_progress(page: Page, live_app: LiveApp,
                                               screenshot: Callable[[Page, str], Path]) -> None:
    for number, (scores, days_ago) in enumerate([({"which-errors": 1, "backoff": 1}, 20),
                                                 ({"which-errors": 2, "backoff": 1}, 10),
                                                 ({"which-errors": 3, "backoff": 2}, 2)]):
        _graded(live_app, f"ffff000{number}", scores, days_ago)
    Reviews(live_app.store, live_app.accounts).add_override(
        live_app.accounts.get("carol"), "ffff0002", QUESTION, "backoff", 3.5, "Named full jitter aloud.")
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if isinstance(message, ConsoleMessage)
            and "Content Security Policy" in message.text else None)

    log_in(page, "carol")
    page.get_by_role("link", name="Progress", exact=True).click()
    page.get_by_role("link", name="ada").click()
    expect(page.get_by_role("heading", name="Progress of ada")).to_be_visible()
    chart = page.locator("figure.chart svg").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100  # drawn, not an empty box
    expect(page.locator("svg polygon.overridden").first).to_be_visible()  # the coach's override, marked
    expect(page.locator("ol.weakest li").first).to_contain_text("%")
    screenshot(page, "progress")
    assert not refused, refused
