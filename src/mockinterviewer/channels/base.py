"""The Channel protocol: how the orchestrator talks to the candidate (terminal, answers file, voice, web).

A channel shows or speaks the interviewer's words and returns the candidate's next reply. It
never decides anything about the interview; `None` from `listen` means the input has ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Reply:
    """One thing the candidate said or typed: an answer, or a command such as '/skip'."""

    text: str
    seconds: float = 0.0
    source: str = "typed"  # typed, answers-file, voice
    meta: dict[str, Any] = field(default_factory=dict)
    audio: bytes | None = None  # compressed audio of a spoken answer, stored beside the turn
    audio_format: str | None = None  # file extension of `audio`, e.g. "ogg"


class Channel(Protocol):
    def say(self, text: str, *, kind: str) -> None:
        """Show or speak an interviewer utterance (`kind` is the turn kind, e.g. 'question')."""
        ...

    def partial(self, chunk: str) -> None:
        """Show words of an utterance still being produced (streaming); `say` follows with the whole."""
        ...

    def retract(self) -> None:
        """Withdraw the words streamed so far by `partial` (they failed a check); more may follow."""
        ...

    def info(self, text: str) -> None:
        """A message from the program, not the interviewer (time left, saved, errors)."""
        ...

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        """The candidate's next reply, or None when there is no more input.

        `vocabulary` is the current question's own words (prompt and rubric signals), which a
        speech channel passes to speech-to-text as its prompt.
        """
        ...
