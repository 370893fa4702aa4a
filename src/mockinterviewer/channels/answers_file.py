"""A channel fed from an answers file: a YAML list of strings, each the candidate's next reply.

The file is read with a size cap, so a huge file or a device such as /dev/zero is refused at once.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from mockinterviewer.channels.base import Channel, Reply
from mockinterviewer.errors import InputError
from mockinterviewer.safe_files import read_capped

# Speaking pace used to give scripted answers a realistic duration (words per minute).
SPEAKING_WPM = 130.0
# Largest answers file read (bytes): far above any real interview, far below a memory problem.
MAX_ANSWERS_BYTES = 5_000_000


def load_answers(path: Path) -> list[str]:
    raw = read_capped(Path(path), MAX_ANSWERS_BYTES, what="Answers file")
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"Cannot read answers file {path}: {exc}.",
                         hint="It must be a UTF-8 YAML file.") from None
    except yaml.YAMLError as exc:
        raise InputError(f"Answers file {path} is not valid YAML: {exc}",
                         hint="It must be a YAML list of strings, one per reply.") from None
    if not isinstance(data, list) or not all(isinstance(item, (str, int, float)) for item in data):
        raise InputError(
            f"Answers file {path} must be a YAML list of strings (one per reply).",
            hint='Example:\n- "My first answer ..."\n- "/skip"\n- "no questions"',
        )
    return [str(item) for item in data]


class AnswersChannel:
    """Replays answers in order; shows everything through `display` (another channel)."""

    def __init__(self, answers: list[str], display: Channel) -> None:
        self.answers = list(answers)
        self.position = 0
        self.display = display

    def say(self, text: str, *, kind: str) -> None:
        self.display.say(text, kind=kind)

    def partial(self, chunk: str) -> None:
        self.display.partial(chunk)

    def retract(self) -> None:
        self.display.retract()

    def info(self, text: str) -> None:
        self.display.info(text)

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        if self.position >= len(self.answers):
            return None
        text = self.answers[self.position]
        self.position += 1
        self.display.info(f"You: {text}")
        words = len(text.split())
        return Reply(text=text, seconds=words / SPEAKING_WPM * 60, source="answers-file")

    @property
    def remaining(self) -> int:
        return len(self.answers) - self.position
