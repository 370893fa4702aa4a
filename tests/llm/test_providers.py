"""Providers in isolation: retry policy, failure classes, breaker, secrets, JSON output, leak guard."""

from __future__ import annotations

import random

import httpx
import openai
import pytest
from pydantic import BaseModel

from mockinterviewer.interview.leak_guard import LeakDetector, Leaked, LeakGuardSink
from mockinterviewer.providers.retry import (
    BadOutput,
    Breaker,
    Failure,
    RetryPolicy,
    StreamCut,
    classify,
)
from mockinterviewer.providers.secrets import safe_url, scrub
from mockinterviewer.providers.structured import (
    JsonStringField,
    parse_json,
    resolve_json_mode,
    response_format_params,
)


def _status_error(status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://x/v1/chat/completions")
    response = httpx.Response(status, headers=headers or {}, request=request)
    cls = {429: openai.RateLimitError, 500: openai.InternalServerError, 401: openai.AuthenticationError,
           400: openai.BadRequestError, 503: openai.InternalServerError}[status]
    return cls("error", response=response, body=None)


@pytest.mark.parametrize(
    ("exc", "kind", "retryable"),
    [
        (openai.APIConnectionError(request=httpx.Request("POST", "http://x")), "connection", True),
        (openai.APITimeoutError(request=httpx.Request("POST", "http://x")), "timeout", True),
        (httpx.RemoteProtocolError("peer closed connection"), "stream_cut", True),
        (StreamCut("no finish_reason"), "stream_cut", True),
        (BadOutput("malformed JSON"), "bad_output", True),
        (_status_error(500), "server_error", True),
        (_status_error(429, {"Retry-After": "7"}), "rate_limit", True),
        (_status_error(401), "auth", False),
        (_status_error(400), "client_error", False),
        (ValueError("a bug"), "unknown", False),
    ],
)
def test_classify(exc: BaseException, kind: str, retryable: bool) -> None:
    failure = classify(exc)
    assert (failure.kind, failure.retryable) == (kind, retryable)


def test_retry_after_header_forms() -> None:
    assert classify(_status_error(429, {"Retry-After": "7"})).retry_after == 7
    assert classify(_status_error(503, {"retry-after-ms": "250"})).retry_after == 0.25
    date = classify(_status_error(429, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})).retry_after
    assert date == 0  # a date in the past: retry now


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(base=0.5, cap=4.0, rng=random.Random(1))
    ceilings = [0.5, 1.0, 2.0, 4.0, 4.0]
    for n, ceiling in enumerate(ceilings, start=1):
        delays = [policy.backoff(n) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > 0.8 * ceiling  # full jitter spreads over the whole range
        assert len({round(d, 6) for d in delays}) > 150


def test_delay_honours_retry_after_and_the_deadline() -> None:
    policy = RetryPolicy(base=0.1, cap=0.2, retry_after_max=10, deadline=30, rng=random.Random(0))
    assert policy.delay(1, Failure("rate_limit", True, "", retry_after=3), elapsed=0) == 3
    assert policy.delay(1, Failure("rate_limit", True, "", retry_after=11), elapsed=0) is None
    assert policy.delay(1, Failure("rate_limit", True, "", retry_after=3), elapsed=28) is None
    assert 0 <= policy.delay(1, Failure("server_error", True, ""), elapsed=0) <= 0.1  # type: ignore[operator]


def test_breaker_opens_on_transport_failures_and_half_opens() -> None:
    now = [0.0]
    breaker = Breaker(cooldown=10, clock=lambda: now[0])
    breaker.record_failure("bad_output")
    assert breaker.allow()  # the server answered; only its words were bad
    breaker.record_failure("timeout")
    assert not breaker.allow()
    now[0] = 10.5
    assert breaker.allow()  # half-open: one probe
    breaker.record_success()
    assert breaker.allow() and breaker.opened_at is None


def test_scrub_removes_keys_tokens_and_url_credentials() -> None:
    key = "sk-proj-ABCDEFGHIJKLMNOPQRSTUV"
    text = (f"Incorrect API key provided: {key}. Authorization: Bearer abc.def.ghi123 "
            "url http://user:hunter2@host:8080/v1 api_key=mysecretvalue and my-own-secret")
    clean = scrub(text, ["my-own-secret"])
    for secret in (key, "abc.def.ghi123", "hunter2", "mysecretvalue", "my-own-secret"):
        assert secret not in clean
    assert safe_url("http://user:pw@127.0.0.1:8080/v1?key=abc") == "http://127.0.0.1:8080/v1"
    assert safe_url(None) == "https://api.openai.com/v1"


class Thing(BaseModel):
    kind: str
    n: int


def test_parse_json_tolerates_fences_and_rejects_the_rest() -> None:
    assert parse_json('```json\n{"kind": "a", "n": 1}\n```', Thing) == Thing(kind="a", n=1)
    assert parse_json('Sure: {"kind": "a", "n": 2} done', Thing).n == 2
    assert parse_json('{"kind": "line\nbreak", "n": 3}', Thing).kind == "line\nbreak"  # raw newline
    for bad in ("no json here", '{"kind": "a", "n": ', '{"kind": "a", "n": "many"}', "[1, 2]"):
        with pytest.raises(BadOutput):
            parse_json(bad, Thing)


def test_json_modes() -> None:
    assert resolve_json_mode("auto", None) == "json_schema"
    assert resolve_json_mode("auto", "https://api.openai.com/v1") == "json_schema"
    assert resolve_json_mode("auto", "http://127.0.0.1:8080/v1") == "json_object"
    schema = {"type": "object"}
    assert response_format_params("json_object", "x", schema) == {
        "extra_body": {"response_format": {"type": "json_object", "schema": schema}}
    }
    strict = response_format_params("json_schema", "x", schema)["extra_body"]["response_format"]
    assert strict["type"] == "json_schema" and strict["json_schema"]["strict"] is True
    assert response_format_params("prompt", "x", schema) == {}


def test_json_string_field_streams_only_the_field() -> None:
    raw = '{"kind": "follow_up", "probes": ["a"], "say": "He said \\"hi\\"\\n then \\u00e9t\\u00e9."}'
    for size in (1, 3, 7, len(raw)):
        sink = JsonStringField("say")
        out = "".join(sink.feed(raw[i : i + size]) for i in range(0, len(raw), size))
        assert out == 'He said "hi"\n then été.'


def test_leak_guard_holds_back_the_leaking_words(question) -> None:  # type: ignore[no-untyped-def]
    sink = LeakGuardSink(LeakDetector(question))
    shown = []
    with pytest.raises(Leaked) as info:
        for word in "Thanks, that helps. Could you add random jitter to that design?".split(" "):  # noqa: SIM905
            shown.append(sink.feed(word + " "))
    assert info.value.phrase == "random jitter"
    assert "jitter" not in "".join(shown)


def test_leak_detector_allows_the_question_probes_and_plain_talk(question) -> None:  # type: ignore[no-untyped-def]
    detector = LeakDetector(question)
    fine = [
        "How would you structure retries in code, and when would you use exponential backoff with jitter?",
        *(c.follow_up for c in question.rubric.criteria),
        "Okay, thanks. Let's go to the next one.",
        "What would you do if the downstream service kept failing for minutes?",
    ]
    for text in fine:
        assert detector.find(text) is None, text
    leaks = ["Compare full jitter or decorrelated jitter.", "Use a bulkhead per dependency.",
             "Would an idempotency key help?", "Think about random jitter.",
             *(example for flag in question.rubric.red_flags for example in flag.examples)]
    for text in leaks:
        assert detector.find(text) is not None, text
