"""The one root error of the library. Every message says what went wrong and how to fix it."""

from __future__ import annotations


class MockInterviewerError(Exception):
    """Base class: the CLI prints the message (no traceback) and exits with `exit_code`."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n{hint}")


class BankError(MockInterviewerError):
    """A question bank or loop file is missing or invalid."""

    exit_code = 2


class NotFoundError(MockInterviewerError):
    """An unknown loop, round, question or session id."""

    exit_code = 3


class StoreError(MockInterviewerError):
    """The data directory or database cannot be used."""

    exit_code = 4


class InputError(MockInterviewerError):
    """Input the candidate gave cannot be used (an unreadable answers file, binary data ...)."""

    exit_code = 5


class ModelError(MockInterviewerError):
    """A language model failed, stalled or answered something unusable."""

    exit_code = 6


class SpeechError(MockInterviewerError):
    """Audio in or out cannot be used (no microphone, no speech model, unreadable file ...)."""

    exit_code = 7
