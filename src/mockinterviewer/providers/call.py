"""One model call, made robust: streaming, bounded retries, a deadline, latency and token usage.

`ChatCaller.call` streams a langchain-core chat model, passes each chunk through a `Sink` (which
turns raw output into the words to show, and may stop the stream), validates the whole output,
and retries per `RetryPolicy`: transport failures with backoff, unusable output by asking again
at once with the reason (up to `output_retries` times). When it gives up it raises
`ModelCallError` with the failure kind and the usage so far, scrubbed of secrets; callers turn
that into a labelled offline fallback. Token counts come from the response's usage metadata
(never from tiktoken, which needs the network); a server that sends none in its stream (llama.cpp)
gets an estimate (prompt characters / 4, one token per streamed chunk), labelled
`meta["usage"] == "estimated"`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, BaseMessageChunk, HumanMessage
from pydantic import SecretStr

from mockinterviewer.errors import ModelError
from mockinterviewer.providers.retry import (
    BAD_OUTPUT,
    CIRCUIT_OPEN,
    Breaker,
    RetryPolicy,
    StreamCut,
    classify,
)
from mockinterviewer.providers.secrets import scrub

T = TypeVar("T")


class Sink(Protocol):
    """Turns raw streamed output into the words to show; may raise `StopGeneration`."""

    def feed(self, chunk: str) -> str: ...

    def finish(self) -> str: ...


class PassThrough:
    def feed(self, chunk: str) -> str:
        return chunk

    def finish(self) -> str:
        return ""


class StopGeneration(Exception):
    """Raised by a sink to abandon the stream (e.g. a leak); `ChatCaller` re-raises it unchanged."""


class ModelCallError(ModelError):
    """The model could not give a usable answer within the retry policy."""

    def __init__(self, kind: str, message: str, *, attempts: int, meta: dict[str, Any]) -> None:
        self.kind = kind
        self.attempts = attempts
        self.meta = meta
        super().__init__(
            f"The language model failed ({kind}) after {attempts} attempt(s): {message}",
            hint="The offline interviewer/grader takes over; check OPENAI_BASE_URL, the key and the server.",
        )


@dataclass
class CallResult(Generic[T]):
    value: T
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


def chunk_text(chunk: BaseMessageChunk) -> str:
    content = chunk.content
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)


def _close(stream: object) -> None:
    """Close an abandoned stream now, so its HTTP response (and the server's generation) ends."""
    close = getattr(stream, "close", None)
    if close is not None:
        with contextlib.suppress(Exception):  # closing a broken stream must not hide the failure
            close()


def _identity(text: str) -> str:
    return text


class ChatCaller:
    """Calls one chat model under a retry policy and a circuit breaker (see the module doc)."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        model_name: str,
        policy: RetryPolicy | None = None,
        breaker: Breaker | None = None,
        secrets: Iterable[str | SecretStr | None] = (),
        expect_finish_reason: bool = False,
        output_retries: int = 1,
        local_server: bool = False,
    ) -> None:
        self.model = model
        self.model_name = model_name
        self.policy = policy or RetryPolicy()
        self.breaker = breaker or Breaker(cooldown=0)
        self.secrets = [s for s in secrets if s is not None]
        self.expect_finish_reason = expect_finish_reason
        self.output_retries = output_retries
        # For OpenAI-compatible servers other than OpenAI (llama.cpp, vLLM ...): langchain-openai
        # sends max_tokens as `max_completion_tokens`, which llama.cpp ignores, so it goes into the
        # body as plain `max_tokens`; and temperature 0 adds `top_k: 1` (the same greedy choice),
        # without which llama-cpp-python applies a JSON grammar to its whole vocabulary per token
        # (measured: 0.4 instead of 11 tokens/s with gemma-3-270m).
        self.local_server = local_server

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    def request_params(self, params: dict[str, Any] | None) -> dict[str, Any]:
        out = dict(params or {})
        if not self.local_server:
            return out
        body = dict(out.get("extra_body", {}))
        if "max_tokens" in out:
            body["max_tokens"] = out.pop("max_tokens")
        temperature = out.get("temperature", getattr(self.model, "temperature", None))
        if temperature == 0:
            body.setdefault("top_k", 1)
        if body:
            out["extra_body"] = body
        return out

    def call(
        self,
        messages: list[BaseMessage],
        *,
        params: dict[str, Any] | None = None,
        validate: Callable[[str], T] = _identity,  # type: ignore[assignment]
        sink_factory: Callable[[], Sink] = PassThrough,
        on_partial: Callable[[str], None] | None = None,
        on_reset: Callable[[], None] | None = None,
        output_retries: int | None = None,
    ) -> CallResult[T]:
        """Stream, validate and retry; raises ModelCallError (or a sink's StopGeneration)."""
        policy = self.policy
        clock = policy.clock
        started = clock()
        usage = {"input_tokens": 0, "output_tokens": 0}
        saw_usage = False
        estimated = {"input_tokens": 0, "output_tokens": 0}  # when the server reports no usage
        request = self.request_params(params)
        transport_retries = 0
        bad_outputs = 0
        max_bad = self.output_retries if output_retries is None else output_retries
        attempt = 0
        current = list(messages)

        def meta(**extra: Any) -> dict[str, Any]:
            counts = usage if saw_usage else estimated
            out: dict[str, Any] = {
                "model": self.model_name,
                "latency_ms": round((clock() - started) * 1000, 1),
                "input_tokens": counts["input_tokens"],
                "output_tokens": counts["output_tokens"],
                "usage": "server" if saw_usage else "estimated",
                "attempts": attempt,
            }
            out.update(extra)
            return out

        while True:
            attempt += 1
            if not self.breaker.allow():
                raise ModelCallError(
                    CIRCUIT_OPEN,
                    f"the server failed recently ({self.breaker.last_kind}); not retrying for a while",
                    attempts=attempt - 1,
                    meta=meta(
                        error_kind=CIRCUIT_OPEN,
                        error=f"skipped: the server failed recently ({self.breaker.last_kind})",
                    ),
                )
            emitted = False
            first_partial_ms: float | None = None
            stream: object = None
            try:
                sink = sink_factory()
                pieces: list[str] = []
                finish_reason: str | None = None
                estimated["input_tokens"] += sum(len(str(m.content)) for m in current) // 4 + 1
                stream = self.model.stream(current, **request)
                for chunk in stream:
                    if clock() - started > policy.deadline:
                        raise TimeoutError(f"the call took longer than its {policy.deadline:g} s deadline")
                    text = chunk_text(chunk)
                    if chunk.usage_metadata:
                        saw_usage = True
                        usage["input_tokens"] += int(chunk.usage_metadata.get("input_tokens") or 0)
                        usage["output_tokens"] += int(chunk.usage_metadata.get("output_tokens") or 0)
                    finish_reason = chunk.response_metadata.get("finish_reason") or finish_reason
                    if not text:
                        continue
                    estimated["output_tokens"] += 1  # servers stream about one token per chunk
                    pieces.append(text)
                    visible = sink.feed(text)
                    if visible and on_partial is not None:
                        if first_partial_ms is None:
                            first_partial_ms = round((clock() - started) * 1000, 1)
                        on_partial(visible)
                        emitted = True
                if self.expect_finish_reason and finish_reason is None:
                    raise StreamCut("the stream ended without a finish_reason")
                tail = sink.finish()
                if tail and on_partial is not None:
                    if first_partial_ms is None:
                        first_partial_ms = round((clock() - started) * 1000, 1)
                    on_partial(tail)
                    emitted = True
                raw = "".join(pieces)
                value = validate(raw)
            except StopGeneration:
                _close(stream)
                raise
            except Exception as exc:
                _close(stream)
                failure = classify(exc)
                message = self.scrub(failure.message)[:500]
                if emitted and on_reset is not None:
                    on_reset()
                if failure.kind == BAD_OUTPUT:
                    bad_outputs += 1
                    if bad_outputs <= max_bad:
                        current = [
                            *messages,
                            HumanMessage(
                                "Your previous reply could not be used: "
                                f"{message[:300]}. Reply again, following every instruction exactly."
                            ),
                        ]
                        continue
                    raise ModelCallError(
                        failure.kind,
                        message,
                        attempts=attempt,
                        meta=meta(error_kind=failure.kind, error=message),
                    ) from None
                delay = None
                if failure.retryable and transport_retries < policy.retries:
                    delay = policy.delay(transport_retries + 1, failure, elapsed=clock() - started)
                if delay is None:
                    self.breaker.record_failure(failure.kind)
                    raise ModelCallError(
                        failure.kind,
                        message,
                        attempts=attempt,
                        meta=meta(error_kind=failure.kind, error=message, status=failure.status),
                    ) from None
                transport_retries += 1
                policy.sleep(delay)
                continue
            self.breaker.record_success()
            return CallResult(
                value=value,
                text=raw,
                meta=meta(first_partial_ms=first_partial_ms, finish_reason=finish_reason),
            )

