"""In a real browser: a spoken answer's player loads the audio and seeks in it (Range requests), the printable
export lays out for paper, and a candidate deletes the session through its confirmation page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, log_in
from tests.web.spoken_session import SPOKEN_ID, add_spoken_session

PAGE = f"/sessions/{SPOKEN_ID}"


@pytest.fixture(scope="module")
def spoken(live_app: LiveApp) -> Path:
    return add_spoken_session(live_app.store, grades=live_app.store.load_grades("aaaa1111"))


def test_the_player_loads_and_seeks(page: Page, live_app: LiveApp, spoken: Path,
                                    screenshot: Callable[[Page, str], Path]) -> None:
    log_in(page, "carol")  # the assigned coach listens too
    page.goto(PAGE)
    player = page.locator(".spoken audio")
    expect(player).to_have_count(1)
    expect(page.locator(".spoken .delivery")).to_contain_text("90 words/min")
    page.wait_for_function("document.querySelector('.spoken audio').readyState >= 1")  # metadata loaded
    duration = player.evaluate("a => a.duration")
    assert abs(duration - 1.0) < 0.05  # the 1 s WAV
    seekable_end = player.evaluate("a => a.seekable.length ? a.seekable.end(0) : 0")
    assert abs(seekable_end - 1.0) < 0.05  # the whole file is seekable: the server answers Range requests
    position = player.evaluate("""a => new Promise(done => {
        a.addEventListener('seeked', () => done(a.currentTime), {once: true});
        a.currentTime = 0.6;
    })""")
    assert abs(position - 0.6) < 0.05
    screenshot(page, "spoken-answer")


def test_the_printable_page_lays_out_for_paper(page: Page, live_app: LiveApp, spoken: Path,
                                              screenshot: Callable[[Page, str], Path]) -> None:
    log_in(page, "ada")
    page.goto(PAGE)
    page.get_by_role("link", name="printable page").click()
    expect(page).to_have_url(f"{live_app.url}{PAGE}/export/html")
    expect(page.locator("h1")).to_have_text(f"Feedback report: session {SPOKEN_ID}")
    assert page.locator("script").count() == 0
    page.emulate_media(media="print")
    assert page.locator(".transcript-title").evaluate("e => getComputedStyle(e).breakBefore") == "page"
    screenshot(page, "printable")


def test_the_candidate_deletes_the_session(page: Page, live_app: LiveApp, spoken: Path,
                                           screenshot: Callable[[Page, str], Path]) -> None:
    log_in(page, "ada")
    page.goto(PAGE)
    page.get_by_role("link", name="Delete this session").click()
    expect(page).to_have_url(f"{live_app.url}{PAGE}/delete")
    expect(page.locator("main")).to_contain_text("1 audio file")
    screenshot(page, "delete-confirmation")
    page.get_by_role("button", name="Delete this session").click()
    expect(page).to_have_url(f"{live_app.url}/sessions")
    expect(page.get_by_role("status")).to_have_text(f"Session {SPOKEN_ID} deleted, with its 1 audio file.")
    expect(page.locator("table.list")).not_to_contain_text(SPOKEN_ID)
    assert not spoken.parent.exists()
    assert page.goto(PAGE).status == 404  # type: ignore[union-attr]
