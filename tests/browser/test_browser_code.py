"""A candidate in a real browser writes a solution in the code editor of a live-coding question: the editor
highlights and indents it, Run shows the examples' results beside it, Submit runs the hidden tests through
the sandbox, and every version is kept with the session."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from mockinterviewer.coding import stub
from mockinterviewer.transcript import TurnKind
from tests.browser.conftest import LiveApp, log_in, start_interview

ROUND = "netflix-senior-swe/technical-phone-screen"


def start_phone_screen(page: Page) -> str:
    return start_interview(page, ROUND)


def replace_code(page: Page, code: str) -> None:
    """Select everything in the editor and put `code` in its place, as a paste does."""
    page.locator("#code-editor .ace_content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def test_a_candidate_writes_runs_and_submits_code_in_the_editor(page: Page, live_app: LiveApp, bank,  # type: ignore[no-untyped-def]
                                                                screenshot: Callable[[Page, str], Path]) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.text} {m.location.get('url', '')}")
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    log_in(page, "ada")
    session_id = start_phone_screen(page)
    session = live_app.store.load_session(session_id)
    question = bank.question(next(t.question_id for t in session.turns if t.kind is TurnKind.QUESTION))
    spec = question.coding
    assert spec is not None

    editor = page.locator("#code-editor")
    expect(editor).to_be_visible()
    expect(page.locator("#code-text")).to_be_hidden()  # the plain textarea gave way to the editor
    expect(page.get_by_label("Language")).to_have_value("python")
    # syntax highlighting of the signature
    expect(editor.locator(".ace_keyword").first).to_have_text(re.compile(r"^(def|class)\s*$"))

    # the language picker starts each language from its own signature, and keeps the draft of the other
    value = "window.ace.edit('code-editor').getValue()"
    page.locator("#code-editor .ace_content").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\n# my python draft\n")
    python_draft = page.evaluate(value)
    page.get_by_label("Language").select_option("java")
    assert page.evaluate(value) == stub(question, "java")
    expect(editor.locator(".ace_keyword").first).to_be_visible()
    page.get_by_label("Language").select_option("python")
    assert page.evaluate(value) == python_draft

    # indentation: a new line after a colon is indented by four spaces
    replace_code(page, "def probe(x):")
    page.keyboard.press("Enter")
    page.keyboard.type("return x")
    assert page.evaluate(value) == "def probe(x):\n    return x"

    # code not yet run survives talking: an answer sent from the box below reloads the page
    page.get_by_role("textbox", name="Your answer").fill("I will scan once and keep what I have seen in a map.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("article.turn.candidate").last).to_contain_text("keep what I have seen")
    expect(page.locator("#code-editor")).to_be_visible()
    assert page.evaluate(value) == "def probe(x):\n    return x"

    wrong = next(w for w in spec.wrong if w.lang == "python").code
    replace_code(page, wrong)
    page.get_by_role("button", name="Run the examples").click()
    results = page.locator("#code-results")
    expect(results).to_contain_text("Ran python")
    expect(results).to_contain_text(re.compile(r"Examples: \d+ of \d+ passed"))
    expect(page.locator("#code-editor")).to_contain_text(wrong.strip().splitlines()[0])  # the code kept
    screenshot(page, "after-run")

    replace_code(page, spec.references["python"])
    page.get_by_role("button", name="Submit (hidden tests)").click()
    expect(results).to_contain_text("Submitted python")
    expect(results).to_contain_text(re.compile(r"Hidden tests: (\d+) of \1 passed"))
    expect(page.locator("article.turn.interviewer").last).to_be_visible()  # the interviewer answers it
    screenshot(page, "after-submit")

    saved = live_app.store.load_session(session_id)
    versions = [(t.meta["action"], t.meta["lang"]) for t in saved.turns if t.kind is TurnKind.CODE]
    assert versions == [("run", "python"), ("submit", "python")]
    last = [t for t in saved.turns if t.kind is TurnKind.CODE][-1]
    assert last.text.strip() == spec.references["python"].strip()
    assert last.meta["result"]["passed"] == last.meta["result"]["total"] > 0
    assert not problems, problems  # no script error, nothing refused by the CSP, no file missing


def test_without_javascript_the_editor_is_a_plain_textarea(browser, live_app: LiveApp, bank,  # type: ignore[no-untyped-def]
                                                           screenshot: Callable[[Page, str], Path]) -> None:
    context = browser.new_context(base_url=live_app.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "bob")
        session_id = start_phone_screen(page)
        session = live_app.store.load_session(session_id)
        question = bank.question(next(t.question_id for t in session.turns if t.kind is TurnKind.QUESTION))
        textarea = page.locator("#code-text")
        expect(textarea).to_be_visible()
        textarea.fill(question.coding.references["python"])
        page.get_by_role("button", name="Submit (hidden tests)").click()
        expect(page.locator("#code-results")).to_contain_text(re.compile(r"Hidden tests: (\d+) of \1 passed"))
        screenshot(page, "no-javascript")
    finally:
        context.close()

