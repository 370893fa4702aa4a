"""The terminal channel: Rich output, typed answers (a pasted multi-line answer arrives whole).

Everything it shows goes through `rich_safe`: no escape sequence or Rich markup in a model's
words or an echoed answer can clear the screen, colour the output or open a link.
"""

from __future__ import annotations

import contextlib
import io
import select
import sys
import time
from pathlib import Path
from typing import TextIO

from rich.console import Console

from mockinterviewer.channels import editor
from mockinterviewer.channels.base import Reply
from mockinterviewer.safe_text import rich_safe

_STYLES = {
    "question": "bold cyan",
    "follow_up": "cyan",
    "repeat": "cyan",
    "opening": "green",
    "closing": "green",
    "invite_questions": "green",
    "reply": "green",
    "move_on": "dim cyan",
}


def _more_waiting(stream: TextIO, wait: float) -> bool:
    """True when more input is already waiting (the rest of a paste)."""
    try:
        ready, _, _ = select.select([stream], [], [], wait)
    except (ValueError, OSError, io.UnsupportedOperation):
        return False
    return bool(ready)


class TerminalChannel:
    """Shows the interviewer in the terminal and reads the candidate's typed replies.

    One line is one reply; in a terminal, lines pasted together (arriving within `paste_window`
    seconds) are one reply; a reply that starts with ``` continues until a line that is only ```.
    """

    def __init__(
        self,
        console: Console | None = None,
        stdin: TextIO | None = None,
        *,
        interviewer_label: str = "Interviewer",
        paste_window: float = 0.05,
    ) -> None:
        self.console = console or Console(highlight=False, emoji=False)
        self.stdin = stdin or sys.stdin
        if hasattr(self.stdin, "reconfigure"):
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                self.stdin.reconfigure(errors="replace")  # binary garbage must not crash the session
        self.label = interviewer_label
        try:
            self._interactive = self.stdin.isatty()  # piped input: one line is one reply
        except (ValueError, AttributeError):
            self._interactive = False
        self.paste_window = paste_window
        self._streaming = False

    def say(self, text: str, *, kind: str) -> None:
        style = _STYLES.get(kind, "white")
        if self._streaming:
            self.console.print()
            self._streaming = False
            return
        self.console.print(f"\n[bold]{rich_safe(self.label)}:[/] [{style}]{rich_safe(text)}[/]")

    def partial(self, chunk: str) -> None:
        if not self._streaming:
            self.console.print(f"\n[bold]{rich_safe(self.label)}:[/] ", end="")
            self._streaming = True
        self.console.print(rich_safe(chunk), end="", style="cyan")

    def retract(self) -> None:
        if self._streaming:
            self.console.print(" [withdrawn]", style="dim", markup=False)
            self._streaming = False

    def info(self, text: str) -> None:
        self.console.print(f"[dim]{rich_safe(text)}[/]")

    def edit(self, path: Path) -> None:
        """Open the candidate's editor on `path` (see `channels.editor`) and wait for it to close."""
        editor.edit(path)

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        self.console.print("[bold magenta]You:[/] ", end="")
        started = time.monotonic()
        line = self.stdin.readline()
        if line == "":
            return None
        lines = [line.rstrip("\n")]
        if lines[0].strip().startswith("```"):
            while True:
                more = self.stdin.readline()
                if more == "":
                    break
                lines.append(more.rstrip("\n"))
                if more.strip() == "```":
                    break
        elif self._interactive:
            while _more_waiting(self.stdin, self.paste_window):
                more = self.stdin.readline()
                if more == "":
                    break
                lines.append(more.rstrip("\n"))
        return Reply(text="\n".join(lines), seconds=time.monotonic() - started, source="typed")
