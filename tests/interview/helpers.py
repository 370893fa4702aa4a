"""Test doubles for the interview layer: an in-memory channel and a keyword coverage function."""

from __future__ import annotations

from mockinterviewer.bank.schema import Question
from mockinterviewer.channels.base import Reply


class ScriptedChannel:
    """Replies from a list; records everything said. Raises if asked for more replies than given
    when `strict` (a test double that fails loudly on an unexpected call)."""

    def __init__(self, replies: list[str], *, seconds: float = 30.0, strict: bool = False) -> None:
        self.replies = list(replies)
        self.seconds = seconds
        self.strict = strict
        self.said: list[tuple[str, str]] = []
        self.infos: list[str] = []
        self.vocabularies: list[str] = []

    def say(self, text: str, *, kind: str) -> None:
        self.said.append((kind, text))

    def partial(self, chunk: str) -> None:
        pass

    def info(self, text: str) -> None:
        self.infos.append(text)

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        self.vocabularies.append(vocabulary)
        if not self.replies:
            if self.strict:
                raise AssertionError("the interview asked for more replies than the test gave")
            return None
        return Reply(text=self.replies.pop(0), seconds=self.seconds, source="test")


def keyword_coverage(question: Question, answers: list[str]) -> dict[str, list[str]]:
    """Covered when any whole signal phrase appears in an answer (case-insensitive)."""
    joined = " ".join(answers).lower()
    return {
        c.id: [s] for c in question.rubric.criteria for s in c.signals if s.lower() in joined
    }
