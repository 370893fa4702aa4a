"""Logging out in a real browser ends the login on the server: the session cookie copied before the logout,
put into a fresh browser afterwards, opens nothing (issue 10, "Security")."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveApp, log_in


def test_the_cookie_copied_before_logout_opens_nothing_after_it(page: Page, browser: Browser, live_app: LiveApp,
                                                                 browser_context_args: dict[str, Any]) -> None:
    log_in(page, "ada")
    copied = page.context.cookies()
    assert [c["name"] for c in copied] == ["mockinterviewer_session"] and copied[0]["httpOnly"]
    before = browser.new_context(**browser_context_args)  # the copy works while the login lasts
    before.add_cookies(copied)  # type: ignore[arg-type]
    replay = before.new_page()
    replay.goto("/sessions/aaaa1111")
    expect(replay).to_have_url(re.compile(r"/sessions/aaaa1111$"))
    before.close()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    after = browser.new_context(**browser_context_args)
    after.add_cookies(copied)  # type: ignore[arg-type]
    replay = after.new_page()
    for path in ("/sessions", "/sessions/aaaa1111"):
        replay.goto(path)
        expect(replay).to_have_url(re.compile(r"/login$"))
        expect(replay.get_by_role("button", name="Log in")).to_be_visible()
    after.close()
