"""The browser interview's streamed words against a REAL OpenAI-compatible server (llama_cpp.server with
gemma-3-270m, started by conftest): the web app served by uvicorn, the page's stream read as it arrives.

The model is weak: its words often fail the interviewer's checks (markup instead of spoken words) and
are stopped at the first piece, for the offline words. So the test holds whatever it says: each
utterance reaches the browser while the next is still being produced, what stays on the page is what
was recorded, and every turn the model's own words made arrived piece by piece. Pieces arriving
steadily from a model are shown by the fast test with a slow fake model (tests/web/test_web_streaming.py).
"""

from __future__ import annotations

import pytest

from mockinterviewer.config import load_settings
from mockinterviewer.store.accounts import Role
from mockinterviewer.web import create_app
from mockinterviewer.web.security import LoginLimiter
from tests.web.conftest import PASSWORD
from tests.web.live import csrf, live_client, read_events, serving, utterances

pytestmark = pytest.mark.slow

ROUND = "netflix-senior-swe/onsite-technical-deep-dive"


def test_the_real_models_words_stream_into_the_browser_interview(llm_server: str) -> None:
    settings = load_settings(
        openai_base_url=llm_server, llm="llm", model="gemma-3-270m", llm_timeout=60, llm_deadline=90,
        llm_retries=1, llm_backoff_base=0.1, llm_max_tokens=48, llm_output_retries=0, llm_breaker_cooldown=600)
    app = create_app(settings, limiter=LoginLimiter())
    web = app.state.web
    web.accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    with serving(app) as base, live_client(base, "ada", PASSWORD) as ada:
        started = ada.post("/interviews", data={"csrf": csrf(ada, "/interviews/new"), "round": ROUND,
                                                "questions": "1", "stream": "1"})
        assert "/static/stream.js" in started.text and "data-continue" in started.text
        session_id = str(started.url).rsplit("/", 1)[1]
        events = read_events(ada, f"/interviews/{session_id}/stream",
                             {"csrf": csrf(ada, f"/interviews/{session_id}"), "action": "continue"})

    assert events[-1].data["type"] == "done", events[-1].data
    said = utterances(events)
    assert [kind for kind, _, _ in said] == ["opening", "question"]
    for _kind, text, streamed in said:
        assert streamed in (text, ""), (text, streamed)  # shown as recorded, or withdrawn for the offline words
    turns = web.interviews.store.load_session(session_id).turns
    assert all(t.meta.get("model") == "gemma-3-270m" for t in turns), [t.meta for t in turns]  # the model ran
    pieces = [e for e in events if e.data["type"] == "partial"]
    for turn, (_kind, text, streamed) in zip(turns, said, strict=True):
        assert turn.text == text
        if turn.source == "llm":
            assert streamed == text and len(pieces) >= 2  # the model's own words came piece by piece
    opening = next(e for e in events if e.data["type"] == "say")
    done = events[-1]
    assert opening.at <= done.at
    if turns[-1].source == "llm":
        # the opening is on the page while the model still produces the question's words (when the model's
        # words fail its checks at once, the offline question follows within moments: nothing to time)
        assert done.at - opening.at > 0.5, (opening.at, done.at)
    print(f"\nreal model: {len(pieces)} pieces; opening after {opening.at:.1f} s, last line after {done.at:.1f} s; "
          f"sources {[t.source for t in turns]}")
