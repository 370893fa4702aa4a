"""Failures of a real HTTP server: retries, backoff, Retry-After, timeouts, cut streams, fallbacks."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from mockinterviewer.config import Settings, load_settings
from mockinterviewer.interview.llm import FALLBACK
from mockinterviewer.interview.orchestrator import Orchestrator
from mockinterviewer.interview.plan import plan_session
from mockinterviewer.service.wiring import build_grader, build_interviewer
from mockinterviewer.store import Store
from mockinterviewer.transcript import Session, SessionStatus, Speaker
from tests.interview.helpers import ScriptedChannel
from tests.llm.fault_server import fault_server
from tests.llm.helpers import Screen, move_json, question_ctx

SAY = "Thanks. How would you know in production that retries are happening?"
OK_MOVE = move_json("follow_up", SAY, ["code-and-observability"])
ANSWER = "I retry timeouts with exponential backoff."


def settings(base_url: str, **kw: object) -> Settings:
    values: dict[str, object] = dict(
        openai_base_url=base_url, llm="llm", model="fault-model", llm_timeout=0.5, llm_deadline=10,
        llm_retries=2, llm_backoff_base=0.1, llm_backoff_max=0.3, llm_retry_after_max=5, llm_breaker_cooldown=0,
    )
    values.update(kw)
    return load_settings(**values)


def after_answer(s: Settings, loop, question, screen: Screen | None = None):  # type: ignore[no-untyped-def]
    interviewer, _ = build_interviewer(s)
    screen = screen or Screen()
    return interviewer.after_answer(
        question_ctx(loop, question, [ANSWER], on_partial=screen.partial, on_retract=screen.retract)
    )


@pytest.mark.slow
def test_429_honours_retry_after(loop, question) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("429", 1), ("ok", OK_MOVE)]
        move = after_answer(settings(server.base_url), loop, question)
        assert move.source == "llm" and move.text == SAY
        assert move.meta["attempts"] == 2
        assert server.times[1] - server.times[0] >= 1.0  # waited for Retry-After, not the 0.1 s backoff


def test_retry_after_too_long_falls_back_at_once(loop, question) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("429", 3600)]
        started = time.monotonic()
        move = after_answer(settings(server.base_url), loop, question)
        assert time.monotonic() - started < 2
        assert move.source == FALLBACK and move.meta["error_kind"] == "rate_limit"
        assert len(server.times) == 1


def test_5xx_bounded_retries_with_backoff_then_fallback(loop, question) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("500", "boom")] * 3
        move = after_answer(settings(server.base_url), loop, question)
        assert move.source == FALLBACK and move.meta["error_kind"] == "server_error"
        assert move.meta["attempts"] == 3 and len(server.times) == 3
        gaps = [b - a for a, b in zip(server.times, server.times[1:], strict=False)]
        assert all(g < 0.3 + 0.25 for g in gaps)  # full jitter below the 0.1 s, then 0.2 s ceilings
        assert {"latency_ms", "input_tokens", "output_tokens", "model"} <= set(move.meta)


def test_garbage_stream_is_retried(loop, question) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("garbage", None), ("ok", OK_MOVE)]
        move = after_answer(settings(server.base_url), loop, question)
        assert move.source == "llm" and move.text == SAY and len(server.times) == 2


def test_schema_violating_json_is_asked_again(loop, question) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("ok", '{"kind": "sing", "probes": [], "say": "la la"}'), ("ok", OK_MOVE)]
        move = after_answer(settings(server.base_url), loop, question)
        assert move.source == "llm" and move.meta["attempts"] == 2
        assert "could not be used" in server.bodies[1]["messages"][-1]["content"]


def test_cut_stream_is_withdrawn_and_retried(loop, question) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("cut", OK_MOVE), ("ok", OK_MOVE)]
        screen = Screen()
        move = after_answer(settings(server.base_url), loop, question, screen)
        assert move.source == "llm" and move.text == SAY and move.meta["attempts"] == 2
        assert screen.retractions == 1 and screen.text.strip() == SAY


@pytest.mark.slow
def test_a_server_that_never_answers_times_out(loop, question) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("hang", 3)] * 3
        started = time.monotonic()
        move = after_answer(settings(server.base_url), loop, question)
        assert move.source == FALLBACK and move.meta["error_kind"] == "timeout"
        assert time.monotonic() - started < 3.5  # three 0.5 s timeouts and two short waits


def test_connection_refused(loop, question) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    move = after_answer(settings(f"http://127.0.0.1:{port}/v1"), loop, question)
    assert move.source == FALLBACK and move.meta["error_kind"] == "connection"
    assert move.meta["attempts"] == 3


def test_request_shape_for_a_local_server(loop, question) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("ok", OK_MOVE)]
        after_answer(settings(server.base_url, llm_max_tokens=77), loop, question)
        body = server.bodies[0]
        assert body["stream"] is True and body["max_tokens"] == 77 and "max_completion_tokens" not in body
        assert body["response_format"]["type"] == "json_object"
        assert body["response_format"]["schema"]["required"] == ["kind", "probes", "say"]


def test_secrets_never_reach_the_move_or_labels(loop, question) -> None:  # type: ignore[no-untyped-def]
    key = "sk-test-abcdefghijklmnopqrstuvwxyz123456"
    with fault_server() as server:
        server.script = [("401", None)]
        s = settings(server.base_url, openai_api_key=key)
        move = after_answer(s, loop, question)
        assert move.source == FALLBACK and move.meta["error_kind"] == "auth"
        assert len(server.times) == 1  # a bad key is not retried
        assert "invalid key" in move.meta["error"]
        _, label = build_interviewer(s)
        for text in (str(move.meta), move.model_dump_json(), label, repr(s), str(s.model_dump())):
            assert key not in text and "abcdefghijklmnop" not in text


def test_grader_falls_back_per_criterion_and_the_breaker_stops_hammering(question) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("500", None)] * 3
        grader, label = build_grader(settings(server.base_url, llm_breaker_cooldown=60))
        assert label.startswith("Grader: LLM judge (fault-model via http://127.0.0.1:")
        grade = grader.grade(question, [ANSWER])
        assert grade.grader == "rubric-fallback"
        assert all(c.grader == "rubric-fallback" for c in grade.criteria)
        assert len(server.times) == 3  # one criterion's retries; the others skipped the dead server


def test_a_whole_round_goes_on_when_every_call_fails(bank, loop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with fault_server() as server:
        server.script = [("500", None)] * 200
        s = settings(server.base_url, llm_retries=1, llm_breaker_cooldown=60)
        interviewer, label = build_interviewer(s)
        assert label == f"Interviewer: LLM (fault-model via {server.base_url})"
        store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
        plan = plan_session(loop, list(bank.questions.values()), round_id="onsite-technical-deep-dive", count=1, seed=3)
        session = Session(id="f1", candidate="ada", loop_id=loop.id, plan=plan, max_follow_ups=1)
        store.create_session(session)
        channel = ScriptedChannel([ANSWER, "More detail.", "no questions"], strict=True)
        orchestrator = Orchestrator(bank=bank, store=store, session=session, interviewer=interviewer,
                                    channel=channel)
        assert orchestrator.run() is SessionStatus.COMPLETED
        follow_up = next(t for t in store.load_session("f1").turns if t.kind.value == "follow_up")
        assert follow_up.source == FALLBACK and follow_up.meta["error_kind"] in {"server_error", "circuit_open"}
        assert all(t.text for t in store.load_session("f1").turns if t.speaker is Speaker.INTERVIEWER)
        assert len(server.times) == 2  # the first call's two attempts; the breaker spared the rest
