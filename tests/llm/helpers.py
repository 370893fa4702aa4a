"""Test doubles for the LLM layer: fake chat models (langchain-core), contexts, a recording channel."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from mockinterviewer.bank.schema import Loop, Question
from mockinterviewer.interview.interviewer import QuestionContext, RoundContext
from mockinterviewer.providers.retry import RetryPolicy

Reply = str | BaseException | Callable[[list[BaseMessage]], str]


def fake(*replies: str) -> GenericFakeChatModel:
    """langchain-core's own fake chat model, streaming each reply word by word."""
    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


class ScriptedChatModel(GenericFakeChatModel):
    """A fake chat model that records every prompt and can fail: each reply is a string, an
    exception to raise before streaming, a callable of the messages, or `cut(text)` (stream part of
    `text`, then raise). Fails loudly when asked for more replies than it was given."""

    replies: list[Any] = Field(default_factory=list)
    seen: list[list[BaseMessage]] = Field(default_factory=list)
    kwargs_seen: list[dict[str, Any]] = Field(default_factory=list)
    messages: Iterator[Any] = Field(default_factory=lambda: iter(()))

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> Any:
        self.seen.append(list(messages))
        self.kwargs_seen.append(dict(kwargs))
        if not self.replies:
            raise AssertionError("the fake chat model was called more often than the test expected")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        if callable(reply) and not isinstance(reply, Cut):
            reply = reply(messages)
        return reply

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self._next(messages, kwargs)
        text = reply.text if isinstance(reply, Cut) else reply
        pieces = re.findall(r"\s*\S+", text) or [text]
        if isinstance(reply, Cut):
            pieces = pieces[: max(1, int(len(pieces) * reply.fraction))]
        for piece in pieces:
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        if isinstance(reply, Cut):
            raise reply.error
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata={"input_tokens": 100, "output_tokens": len(pieces), "total_tokens": 100 + len(pieces)},
                response_metadata={"finish_reason": "stop"},
            )
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(c.message.content for c in self._stream(messages, stop, run_manager, **kwargs))  # type: ignore[misc]
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def assert_complete(self) -> None:
        assert not self.replies, f"{len(self.replies)} scripted replies were never used"


class Cut:
    """A reply whose stream stops partway (at `fraction` of its words) with `error`."""

    def __init__(self, text: str, error: BaseException, fraction: float = 0.9) -> None:
        self.text = text
        self.error = error
        self.fraction = fraction


def no_sleep_policy(retries: int = 2, **kw: Any) -> RetryPolicy:
    slept: list[float] = []
    policy = RetryPolicy(retries=retries, sleep=slept.append, **kw)
    policy.slept = slept  # type: ignore[attr-defined]
    return policy


def move_json(kind: str, say: str, probes: list[str] | None = None) -> str:
    return json.dumps({"kind": kind, "probes": probes or [], "say": say})


def judgement(score: float, evidence: list[str], rationale: str = "Because.") -> str:
    return json.dumps({"score": score, "evidence": evidence, "rationale": rationale})


def question_ctx(
    loop: Loop,
    question: Question,
    answers: list[str],
    *,
    covered: dict[str, list[str]] | None = None,
    follow_ups_asked: int = 0,
    seconds_left: float = 600.0,
    on_partial: Callable[[str], None] | None = None,
    on_retract: Callable[[], None] | None = None,
) -> QuestionContext:
    round_ = loop.round("onsite-technical-deep-dive")
    transcript = [("interviewer", question.prompt)] + [("candidate", a) for a in answers]
    return QuestionContext(
        loop=loop, round=round_, question=question, answers=answers, covered=covered or {}, probed=[],
        follow_ups_asked=follow_ups_asked, max_follow_ups=2, seconds_left=seconds_left, question_number=1,
        questions_in_round=2, transcript=transcript, on_partial=on_partial, on_retract=on_retract,
    )


def round_ctx(loop: Loop, *, on_partial: Callable[[str], None] | None = None,
              candidate_question: str | None = None) -> RoundContext:
    return RoundContext(loop=loop, round=loop.round("onsite-technical-deep-dive"), candidate="Ada",
                        questions_in_round=2, candidate_question=candidate_question, on_partial=on_partial)


class Screen:
    """Records streamed chunks and retractions like a terminal would show them."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.retractions = 0

    def partial(self, chunk: str) -> None:
        self.chunks.append(chunk)

    def retract(self) -> None:
        self.retractions += 1
        self.chunks.clear()

    @property
    def text(self) -> str:
        return "".join(self.chunks)
