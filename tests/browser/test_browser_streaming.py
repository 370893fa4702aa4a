"""The interviewer's words streaming into a real browser: the app served with a model (a local
OpenAI-compatible server in this process that streams its words slowly), Chromium running
static/stream.js under the page's CSP. The words appear piece by piece, then the page shows them as
recorded; the candidate's answer streams the next words the same way."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import LiveApp, log_in
from tests.web.live import ANSWER, LEAD_IN, MOVE_ON, OPENING, ROUND, model_reply

WORD_DELAY = 0.08  # seconds between the fake server's words


class _SlowModel(BaseHTTPRequestHandler):
    """/v1/chat/completions streamed as a server does it, one word every WORD_DELAY seconds."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = b'{"object": "list", "data": [{"id": "fake", "object": "model"}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        words = model_reply(str(body["messages"][-1]["content"])).split(" ")
        for i, word in enumerate(words):
            time.sleep(WORD_DELAY)
            self._event({"content": word if i == 0 else " " + word}, None)
        self._event({}, "stop")
        self._write(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")

    def _event(self, delta: dict[str, str], finish: str | None) -> None:
        chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        self._write(f"data: {json.dumps(chunk)}\n\n".encode())

    def _write(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


@pytest.fixture(scope="module")
def slow_model() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowModel)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def app_env(slow_model: str) -> dict[str, str]:
    return {"MOCKINTERVIEWER_LLM": "llm", "OPENAI_BASE_URL": slow_model, "MOCKINTERVIEWER_MODEL": "fake"}


# Every state of the utterance streaming on the page, logged by the page itself as it changes (an init
# script, injected by the test's browser, not the app): the test reads them from the console, so how late
# it looks does not matter, and they survive the page being opened again.
SHOW_PIECES = """
new MutationObserver(() => {
  const text = document.querySelector('#live article.streaming .text');
  if (text && text.textContent) console.log('streamed: ' + text.textContent);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def _growing(states: list[str], whole: str) -> list[str]:
    """The distinct shorter beginnings of `whole` the page showed, in order."""
    return list(dict.fromkeys(s for s in states if whole.startswith(s) and len(s) < len(whole)))


def _start_interview(page: Page) -> None:
    """ada logs in and starts a two-question interview with the model; the page streams its opening."""
    log_in(page, "ada")
    page.get_by_role("link", name="New interview").click()
    page.get_by_label("Loop and round").select_option(ROUND)
    page.get_by_role("spinbutton", name="Questions").fill("2")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/interviews/[0-9a-f]+$"))


def test_the_interviewers_words_stream_into_the_page(page: Page, live_app: LiveApp,
                                                     screenshot: Callable[[Page, str], Path]) -> None:
    refused: list[str] = []
    shown: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)
        elif message.text.startswith("streamed: "):
            shown.append(message.text.removeprefix("streamed: "))

    page.on("console", console)
    page.add_init_script(SHOW_PIECES)
    _start_interview(page)
    session_id = page.url.rsplit("/", 1)[1]

    page.wait_for_selector("#live article.streaming", timeout=30_000)
    screenshot(page, "streaming-opening")  # the opening, while the model is still producing it
    # when the answer ends the page is opened again and shows the turns as recorded
    expect(page.locator("article.turn.interviewer:not(.streaming) .text").nth(1)).to_contain_text(LEAD_IN,
                                                                                                    timeout=60_000)
    expect(page.locator("article.turn.interviewer .text").first).to_have_text(OPENING)
    expect(page.locator("p.flash.note")).to_contain_text("Interviewer: language model")  # the note survived, neutral
    assert len(_growing(shown, OPENING)) >= 5, shown  # the opening grew piece by piece on the page
    expect(page.locator("#live article")).to_have_count(0)

    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#live article.turn.candidate .text")).to_have_text(ANSWER)  # shown at once
    expect(page.locator("article.turn.interviewer:not(.streaming) .text")).to_have_count(4, timeout=60_000)
    assert len(_growing(shown, MOVE_ON)) >= 5, shown  # and so did the words after the answer
    expect(page.locator("#live article")).to_have_count(0)  # reloaded: the recorded turns
    texts = page.locator("article.turn .text").all_inner_texts()
    assert texts[2:4] == [ANSWER, MOVE_ON] and texts[4].startswith(LEAD_IN)

    turns = live_app.store.load_session(session_id).turns
    assert [t.kind.value for t in turns] == ["opening", "question", "answer", "move_on", "question"]
    assert [t.source for t in turns if t.speaker.value == "interviewer"] == ["llm"] * 4
    assert not refused, refused


def test_a_streamed_error_comes_back_as_the_red_alert(page: Page, live_app: LiveApp) -> None:
    """An error event's message is carried over the reload and shown as the server's own error line is."""
    _start_interview(page)
    expect(page.locator("article.turn.interviewer:not(.streaming) .text").nth(1)).to_contain_text(LEAD_IN,
                                                                                                    timeout=60_000)
    action = page.locator("form#reply").get_attribute("action")
    kept = json.dumps({"notes": ["The model server stopped answering."], "error": True})
    key = f"mockinterviewer-notes:{action}"
    page.evaluate("([key, value]) => window.sessionStorage.setItem(key, value)", [key, kept])
    page.reload()
    alert = page.locator("p.error[role=alert]")
    expect(alert).to_have_text("The model server stopped answering.")
    expect(page.locator("p.flash.note", has_text="stopped answering")).to_have_count(0)
