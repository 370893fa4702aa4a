"""A coach in a real browser: logs in, opens a candidate's session, overrides a criterion's score with a
reason, reloads and still sees the override beside the grader's score, with the totals marked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Dialog, Page, expect

from mockinterviewer.store.review import Reviews
from tests.browser.conftest import LiveApp, log_in

REASON = "Quoted p99 before guessing <img src=x onerror=alert(1)> and it held up."


def test_a_coach_overrides_a_score_and_it_survives_a_reload(page: Page, live_app: LiveApp,
                                                            screenshot: Callable[[Page, str], Path]) -> None:
    dialogs: list[str] = []  # an alert() from injected markup would land here

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    log_in(page, "carol")
    sessions = page.locator("table.list")
    expect(sessions).to_contain_text("aaaa1111")  # ada's, assigned to carol
    expect(sessions).not_to_contain_text("bbbb2222")  # bob's belongs to another coach
    expect(sessions.locator("td.status-interrupted")).to_have_text("interrupted")  # no process holds it

    page.get_by_role("link", name="aaaa1111").click()
    expect(page).to_have_url(f"{live_app.url}/sessions/aaaa1111")
    expect(page.locator("p.facts")).to_contain_text("interrupted")  # as the list says, not "in progress"
    depth = page.locator("#q-q1-depth")
    expect(depth.locator(".grader-score")).to_have_text("2 / 4")
    expect(depth.locator(".coach-score")).to_contain_text("none")
    screenshot(page, "session-before-override")

    depth.get_by_text("Override", exact=True).click()  # opens the row's form
    depth.get_by_label("Score").fill("3.5")
    depth.get_by_label("Reason").fill(REASON)
    with page.expect_navigation():
        depth.get_by_role("button", name="Save override").click()
    expect(page.get_by_role("status")).to_have_text("Override saved.")

    page.reload()
    depth = page.locator("#q-q1-depth")
    expect(depth.locator(".grader-score")).to_have_text("2 / 4")  # the grader's score stays, beside it
    expect(depth.locator(".coach-score .override")).to_have_text("3.5 / 4")
    expect(depth.locator(".coach-score .meta")).to_contain_text("by carol")
    expect(depth.locator(".coach-score .reason")).to_have_text(REASON)  # markup shown as text
    expect(page.locator(".coach-score img")).to_have_count(0)
    question = page.locator("#q-q1 .total")
    expect(question).to_contain_text("3.25")  # (3.5 + 3) / 2 with the override
    expect(question).to_contain_text("with coach overrides")
    expect(question).to_contain_text("(grader: 2.5)")
    expect(page.locator(".session-total")).to_contain_text("(grader: 2.5)")
    expect(page.get_by_role("status")).to_have_count(0)  # the flash was shown once
    screenshot(page, "session-after-override")
    assert not dialogs, dialogs

    kept = Reviews(live_app.store, live_app.accounts).override_history(live_app.accounts.get("carol"),
                                                                      "aaaa1111")
    assert [(o.criterion_id, o.score, o.reason, o.author) for o in kept] == [("depth", 3.5, REASON, "carol")]
