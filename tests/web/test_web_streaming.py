"""The streamed browser interview, fast: a fake chat model that streams word by word (slowly, so the test
can tell pieces arriving from a buffered answer) behind the real LLM interviewer, served by a real
uvicorn; and the stream endpoint's refusals and errors, and the page without a model (no script)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from mockinterviewer.config import Settings, load_settings
from mockinterviewer.interview.llm import LLMInterviewer
from mockinterviewer.interview.scripted import ScriptedInterviewer
from mockinterviewer.providers.call import ChatCaller
from mockinterviewer.providers.retry import RetryPolicy
from mockinterviewer.store.accounts import Role
from mockinterviewer.transcript import SessionStatus
from mockinterviewer.web import create_app
from mockinterviewer.web.channel import BrowserChannel
from mockinterviewer.web.security import LoginLimiter
from tests.web.conftest import PASSWORD, Site, csrf_of, logged_in
from tests.web.live import (
    ANSWER,
    LEAD_IN,
    MOVE_ON,
    ROUND,
    csrf,
    live_client,
    model_reply,
    read_events,
    serving,
    utterances,
)

WORD_DELAY = 0.05  # seconds between the fake model's words


def _reply(messages: list[BaseMessage]) -> str:
    return model_reply(str(messages[-1].content))


class SlowChatModel(GenericFakeChatModel):
    """Streams its reply word by word, WORD_DELAY apart, then a finish reason (as a server does)."""

    messages: Iterator[Any] = Field(default_factory=lambda: iter(()))

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        pieces = re.findall(r"\s*\S+", _reply(messages))
        for piece in pieces:
            time.sleep(WORD_DELAY)
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        yield ChatGenerationChunk(message=AIMessageChunk(
            content="", response_metadata={"finish_reason": "stop"},
            usage_metadata={"input_tokens": 50, "output_tokens": len(pieces), "total_tokens": 50 + len(pieces)}))

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=_reply(messages)))])


def _model_settings() -> Settings:
    # a base URL makes a model "configured" (the page streams); the fake model below is what answers
    return load_settings(llm="auto", openai_base_url="http://127.0.0.1:9/v1", model="fake")


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(settings: Settings) -> tuple[LLMInterviewer, str]:
        caller = ChatCaller(SlowChatModel(), model_name="fake", policy=RetryPolicy(retries=0))
        return LLMInterviewer(caller, fallback=ScriptedInterviewer(), prompts_dir=settings.prompts_dir), \
            "Interviewer: LLM (fake)"

    monkeypatch.setattr("mockinterviewer.service.sessions.build_interviewer", build)


def test_the_interviewers_words_arrive_in_pieces_as_the_model_produces_them(fake_model: None) -> None:
    app = create_app(_model_settings(), limiter=LoginLimiter())
    web = app.state.web
    web.accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    with serving(app) as base, live_client(base, "ada", PASSWORD) as ada:
        new_page = ada.get("/interviews/new").text
        assert '<script src="/static/stream.js" defer></script>' in new_page and "data-stream-start" in new_page
        started = ada.post("/interviews", data={"csrf": csrf(ada, "/interviews/new"), "round": ROUND,
                                                "questions": "2", "stream": "1"})
        session_id = str(started.url).rsplit("/", 1)[1]
        page = started.text
        assert 'data-stream="/interviews/' in page and "data-continue" in page and 'class="turn' not in page

        events = read_events(ada, f"/interviews/{session_id}/stream",
                             {"csrf": csrf(ada, f"/interviews/{session_id}"), "action": "continue"})
        said = utterances(events)
        assert [kind for kind, _, _ in said] == ["opening", "question"]
        for _kind, text, streamed in said:
            assert streamed == text  # what arrived in pieces is what was recorded
        assert sum(e.data["type"] == "partial" for e in events) > 10
        first_piece = next(e.at for e in events if e.data["type"] == "partial")
        done = events[-1]
        assert done.data == {"type": "done", "location": f"/interviews/{session_id}",
                             "notes": ["Interviewer: language model"]}  # not the model or its server's address
        # the opening alone is 22 words 0.05 s apart: a buffered answer would bring every piece at the end
        assert done.at - first_piece > 0.5, (first_piece, done.at)
        print(f"\nfirst piece after {first_piece * 1000:.0f} ms, last line after {done.at * 1000:.0f} ms")

        events = read_events(ada, f"/interviews/{session_id}/stream", {
            "csrf": csrf(ada, f"/interviews/{session_id}"), "action": "send", "text": ANSWER})
        said = utterances(events)
        assert [kind for kind, _, _ in said] == ["move_on", "question"]
        assert said[0][1] == MOVE_ON == said[0][2] and said[1][1].startswith(LEAD_IN)
        assert events[-1].data["type"] == "done"

    session = web.interviews.store.load_session(session_id)
    assert [t.kind.value for t in session.turns] == ["opening", "question", "answer", "move_on", "question"]
    assert session.turns[2].text == ANSWER and session.turns[3].source == "llm"


def test_a_browser_that_goes_away_mid_answer_loses_nothing(fake_model: None) -> None:
    app = create_app(_model_settings(), limiter=LoginLimiter())
    web = app.state.web
    web.accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    with serving(app) as base, live_client(base, "ada", PASSWORD) as ada:
        started = ada.post("/interviews", data={"csrf": csrf(ada, "/interviews/new"), "round": ROUND,
                                                "questions": "2"})  # no script: the opening comes whole
        session_id = str(started.url).rsplit("/", 1)[1]
        form = {"csrf": csrf(ada, f"/interviews/{session_id}"), "action": "send", "text": ANSWER}
        with ada.stream("POST", f"/interviews/{session_id}/stream", data=form) as response:
            first = next(line for line in response.iter_lines() if line.strip())
            assert json.loads(first)["type"] == "partial"
        # the tab is closed (the response dropped) while the model still speaks: the reply goes on and is saved
        store = web.interviews.store
        deadline = time.monotonic() + 30
        while len(store.load_session(session_id).turns) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        turns = store.load_session(session_id).turns
        assert [t.kind.value for t in turns] == ["opening", "question", "answer", "move_on", "question"]
        while store.list_sessions("ada")[0].running and time.monotonic() < deadline:
            time.sleep(0.1)
        assert store.list_sessions("ada")[0].shown_status == "unfinished"  # released: it can be continued
        page = ada.get(f"/interviews/{session_id}").text
        assert MOVE_ON in page and 'name="text"' in page


def test_without_a_model_the_page_has_no_script_and_plain_forms(site: Site) -> None:
    ada = logged_in(site, "ada")
    assert "stream.js" not in ada.get("/interviews/new").text
    response = ada.post("/interviews", data={"csrf": csrf_of(ada, "/interviews/new"), "round": ROUND,
                                             "questions": "1"}, follow_redirects=False)
    assert response.status_code == 303
    page = ada.get(response.headers["location"]).text
    assert "stream.js" not in page and "data-stream" not in page and 'class="turn interviewer"' in page


def test_the_stream_endpoint_works_offline_too(site: Site) -> None:
    ada = logged_in(site, "ada")
    response = ada.post("/interviews", data={"csrf": csrf_of(ada, "/interviews/new"), "round": ROUND,
                                             "questions": "2"}, follow_redirects=False)
    path = response.headers["location"]
    answer = ada.post(f"{path}/stream", data={"csrf": csrf_of(ada, path), "action": "send", "text": ANSWER})
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    events = [json.loads(line) for line in answer.text.splitlines()]
    assert events[-1]["type"] == "done" and not any(e["type"] == "partial" for e in events)  # whole utterances
    assert any(e["type"] == "say" for e in events)


def test_the_stream_endpoint_refuses_like_the_form(site: Site) -> None:
    ada = logged_in(site, "ada")
    response = ada.post("/interviews", data={"csrf": csrf_of(ada, "/interviews/new"), "round": ROUND,
                                             "questions": "1"}, follow_redirects=False)
    path = response.headers["location"]
    no_token = ada.post(f"{path}/stream", data={"action": "send", "text": "hello"})
    assert no_token.status_code == 403 and no_token.headers["content-type"].startswith("text/html")
    empty = ada.post(f"{path}/stream", data={"csrf": csrf_of(ada, path), "action": "send", "text": " "},
                     follow_redirects=False)
    assert empty.status_code == 303  # the page says "Type an answer first"
    bob = logged_in(site, "bob")
    assert bob.post(f"{path}/stream", data={"csrf": csrf_of(bob, "/interviews/new"), "action": "skip"}
                    ).status_code == 404
    carol = logged_in(site, "carol")
    assert carol.post(f"{path}/stream", data={"csrf": csrf_of(carol, "/sessions"), "action": "skip"}
                      ).status_code == 403
    assert len(site.store.load_session(path.rsplit("/", 1)[1]).turns) == 2  # nothing was taken


def test_an_input_error_is_the_streams_last_line(site: Site) -> None:
    ada = logged_in(site, "ada")
    site.store.set_status("aaaa1111", SessionStatus.COMPLETED)
    answer = ada.post("/interviews/aaaa1111/stream",
                      data={"csrf": csrf_of(ada, "/interviews/new"), "action": "send", "text": "more"})
    (event,) = [json.loads(line) for line in answer.text.splitlines()]
    assert event["type"] == "error" and "already complete" in event["message"]
    assert event["location"] == "/interviews/aaaa1111"


def test_the_channel_hands_the_words_to_its_listener_as_text() -> None:
    events: list[dict[str, Any]] = []
    channel = BrowserChannel(listener=events.append)
    channel.partial("Hel\x1b[31m")
    channel.retract()
    channel.partial("<b>Hi")
    channel.say("<b>Hi</b>", kind="question")
    assert events == [{"type": "partial", "text": "Hel"}, {"type": "retract"},
                      {"type": "partial", "text": "<b>Hi"}, {"type": "say", "kind": "question", "text": "<b>Hi</b>"}]
    assert channel.said == [("question", "<b>Hi</b>")]


def test_the_script_shows_text_never_html(site: Site) -> None:
    script = TestClient(site.client.app).get("/static/stream.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "textContent" in script.text
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in script.text, unsafe
