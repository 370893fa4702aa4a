"""What the candidate typed: commands, and answers cleaned of binary garbage and bounded in size."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from mockinterviewer.safe_text import strip_controls

MAX_ANSWER_CHARS = 20_000


class Command(StrEnum):
    REPEAT = "/repeat"
    SKIP = "/skip"
    TIME = "/time"
    QUIT = "/quit"
    HELP = "/help"


def parse_command(text: str) -> Command | None:
    word = text.strip().lower()
    for command in Command:
        if word == command.value:
            return command
    return None


@dataclass(frozen=True)
class CleanAnswer:
    text: str
    problem: str | None = None  # why the answer cannot be used as it is, said to the candidate
    truncated_from: int | None = None


def clean_answer(raw: str) -> CleanAnswer:
    """Strip control characters, refuse binary garbage, and cut answers over MAX_ANSWER_CHARS."""
    if not raw.strip():
        return CleanAnswer("", problem="No answer received. Type your answer, or /skip to skip the question.")
    printable = [
        ch for ch in raw if ch in "\n\t" or unicodedata.category(ch)[0] != "C"
    ]
    visible = [ch for ch in printable if not ch.isspace()]
    replacement = sum(1 for ch in raw if ch == "\ufffd")
    controls = len(raw) - len(printable)
    if visible and (replacement + controls) / max(len(raw), 1) > 0.2:
        return CleanAnswer(
            "",
            problem="That looked like binary data, not an answer. Type or paste your answer as text, or /skip.",
        )
    text = strip_controls(raw).replace("\ufffd", "").strip()  # whole escape sequences go, not just ESC
    if not text:
        return CleanAnswer("", problem="No answer received. Type your answer, or /skip to skip the question.")
    if len(text) > MAX_ANSWER_CHARS:
        return CleanAnswer(text[:MAX_ANSWER_CHARS], truncated_from=len(text))
    return CleanAnswer(text)
