"""A scripted text channel for the voice tests: typed replies from a list, everything shown recorded."""

from __future__ import annotations

from collections.abc import Callable

from mockinterviewer.channels.base import Reply


class ScriptedText:
    """Stands in for the terminal under a VoiceChannel. Each reply is text, or a callable returning
    text (to wait for something first); asking for more replies than given fails the test."""

    def __init__(self, replies: list[str | Callable[[], str]] | None = None) -> None:
        self.replies = list(replies or [])
        self.said: list[tuple[str, str]] = []
        self.infos: list[str] = []
        self.listens = 0

    def say(self, text: str, *, kind: str) -> None:
        self.said.append((kind, text))

    def partial(self, chunk: str) -> None:
        pass

    def info(self, text: str) -> None:
        self.infos.append(text)

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        self.listens += 1
        if not self.replies:
            raise AssertionError(f"unexpected listen() #{self.listens}; infos so far: {self.infos}")
        reply = self.replies.pop(0)
        text = reply() if callable(reply) else reply
        return Reply(text=text, source="typed")

    def assert_complete(self) -> None:
        assert not self.replies, f"replies never asked for: {self.replies}"
