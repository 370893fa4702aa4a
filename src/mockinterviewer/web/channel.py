"""The browser channel: what the interviewer and the program say during one request, kept for the page.

The browser holds an interview one request at a time (`Interviews.take_reply`): the reply comes with
the request, so `listen` has nothing more to give. The interviewer's recorded words are shown from the
transcript; what is not recorded (a repeated question, the time left, a problem with an answer) is kept
here as notes for the next page.

With a `listener` (the streamed reply, `web.streaming`), the interviewer's words also go to it as they
come: each streamed piece (`partial`), a withdrawal (`retract`) and each whole utterance (`say`).

The page has buttons where the terminal has commands, so the interviewer's opening names the buttons
(`controls`, the interview page's own labels).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mockinterviewer.channels.base import Reply
from mockinterviewer.safe_text import strip_controls

MAX_NOTE = 200  # characters of one note kept (the last one always fits below, escaped for JSON)
MAX_NOTES_JSON = 1500  # the notes travel in the signed session cookie (about 4 kB in all): the last that fit
BUTTON_CONTROLS = "Use the Repeat, Skip, Time left and Quit buttons at any point."


Listener = Callable[[dict[str, Any]], None]


@dataclass
class BrowserChannel:
    controls: ClassVar[str] = BUTTON_CONTROLS  # what the opening says about repeating, skipping, time and stopping
    said: list[tuple[str, str]] = field(default_factory=list)  # (turn kind, text), in order
    infos: list[str] = field(default_factory=list)
    listener: Listener | None = None  # receives {"type": "partial" | "retract" | "say", ...} as they happen

    def say(self, text: str, *, kind: str) -> None:
        self.said.append((kind, text))
        if self.listener is not None:
            self.listener({"type": "say", "kind": kind, "text": strip_controls(text)})

    def partial(self, chunk: str) -> None:
        if self.listener is not None:  # without one, the page shows whole utterances
            self.listener({"type": "partial", "text": strip_controls(chunk)})

    def retract(self) -> None:
        if self.listener is not None:
            self.listener({"type": "retract"})

    def info(self, text: str) -> None:
        self.infos.append(text)

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        return None

    def notes(self) -> list[str]:
        """What the page shows above the transcript: program messages and repeated questions, short."""
        lines = [f"Repeated: {text}" if kind == "repeat" else "" for kind, text in self.said] + self.infos
        kept = [strip_controls(line) for line in lines if line]
        notes = [line if len(line) <= MAX_NOTE else line[:MAX_NOTE] + "…" for line in kept]
        while notes and len(json.dumps(notes)) > MAX_NOTES_JSON:
            notes.pop(0)
        return notes
