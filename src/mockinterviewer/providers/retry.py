"""The retry policy for model calls: which failures are retried, how long to wait, when to stop.

The openai client's own retries are switched off (max_retries=0) and this policy decides
instead, so it can be tested and reasoned about in one place:

- retried: connection refused/reset, timeouts, HTTP 408/429/5xx, a stream cut before its end,
  malformed or schema-violating output; never other 4xx (bad request, auth, unknown model);
- delay before retry n (1-based): uniform(0, min(cap, base * 2**(n-1))) ("full jitter"), but at
  least the server's Retry-After on a 429/503; a Retry-After longer than `retry_after_max`
  or past the call's deadline ends the call at once rather than stalling the interview;
- a `Breaker` remembers that the server is down: after a call fails on transport errors, calls
  skip the model (fail fast, kind "circuit_open") until `cooldown` seconds pass, then one call
  probes it again (half-open).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import openai

# Failure kinds, as stored in Move.meta["error_kind"] and shown in fallback labels.
CONNECTION = "connection"
TIMEOUT = "timeout"
RATE_LIMIT = "rate_limit"
SERVER_ERROR = "server_error"
STREAM_CUT = "stream_cut"
BAD_OUTPUT = "bad_output"
CLIENT_ERROR = "client_error"
AUTH = "auth"
CIRCUIT_OPEN = "circuit_open"
DEADLINE = "deadline"
UNKNOWN = "unknown"

TRANSPORT_KINDS = frozenset({CONNECTION, TIMEOUT, RATE_LIMIT, SERVER_ERROR, STREAM_CUT})


class BadOutput(Exception):
    """The model answered, but not with something usable (malformed JSON, schema violation ...)."""


class StreamCut(Exception):
    """The stream ended before the server said it was complete (no finish_reason)."""


@dataclass(frozen=True)
class Failure:
    kind: str
    retryable: bool
    message: str
    retry_after: float | None = None
    status: int | None = None


def _retry_after(response: Any) -> float | None:  # an httpx-like response (openai may vendor its own)
    if response is None:
        return None
    value = response.headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def classify(exc: BaseException) -> Failure:
    """What kind of failure `exc` is and whether trying again may help."""
    message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, BadOutput | json.JSONDecodeError):
        return Failure(BAD_OUTPUT, True, message)
    if isinstance(exc, StreamCut):
        return Failure(STREAM_CUT, True, message)
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        return Failure(TIMEOUT, True, message)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        retry_after = _retry_after(exc.response)
        if status == 429:
            return Failure(RATE_LIMIT, True, message, retry_after, status)
        if status >= 500 or status == 408:
            return Failure(SERVER_ERROR, True, message, retry_after, status)
        if status in (401, 403):
            return Failure(AUTH, False, message, None, status)
        return Failure(CLIENT_ERROR, False, message, None, status)
    if isinstance(exc, openai.APIResponseValidationError):
        return Failure(BAD_OUTPUT, True, message)
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError | ConnectionError):
        # A stream the server drops midway surfaces as httpx.RemoteProtocolError/ReadError.
        kind = STREAM_CUT if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError) else CONNECTION
        return Failure(kind, True, message)
    if isinstance(exc, openai.APIError):
        # e.g. an error event inside an SSE stream
        return Failure(SERVER_ERROR, True, message)
    return Failure(UNKNOWN, False, message)


@dataclass
class RetryPolicy:
    """Bounded retries with capped exponential backoff and full jitter (see the module doc)."""

    retries: int = 2
    base: float = 0.5
    cap: float = 8.0
    retry_after_max: float = 30.0
    deadline: float = 120.0
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    @property
    def attempts(self) -> int:
        return self.retries + 1

    def backoff(self, retry_number: int) -> float:
        """The jittered delay before retry `retry_number` (1 for the first retry)."""
        ceiling = min(self.cap, self.base * (2 ** (retry_number - 1)))
        return self.rng.uniform(0, ceiling)

    def delay(self, retry_number: int, failure: Failure, *, elapsed: float) -> float | None:
        """Seconds to wait before the next attempt, or None when the call should stop now."""
        delay = self.backoff(retry_number)
        if failure.retry_after is not None:
            if failure.retry_after > self.retry_after_max:
                return None
            delay = max(delay, failure.retry_after)
        if elapsed + delay >= self.deadline:
            return None
        return delay


@dataclass
class Breaker:
    """Fail fast while a server that just failed is presumed down (closed -> open -> half-open)."""

    cooldown: float = 60.0
    clock: Callable[[], float] = time.monotonic
    opened_at: float | None = None
    last_kind: str | None = None

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        return self.clock() - self.opened_at >= self.cooldown  # half-open: let one call probe

    def record_success(self) -> None:
        self.opened_at = None
        self.last_kind = None

    def record_failure(self, kind: str) -> None:
        if kind in TRANSPORT_KINDS and self.cooldown > 0:
            self.opened_at = self.clock()
            self.last_kind = kind
