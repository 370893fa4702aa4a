"""The words an LLM interviewer may say, and how streamed words end up matching them.

`clean_utterance` turns a model reply into spoken words or rejects it (`BadOutput`): markup,
code, lists, JSON, recited instructions and placeholder text are refused; overly long replies are
cut at a sentence end; `check_spoken` applies the same refusals to the start of a stream, so
junk is stopped before it is shown. `Display` tracks what one utterance has streamed to the channel and, when
the final words differ (a retry, a leak, a fallback), withdraws or replaces what was shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mockinterviewer.interview.leak_guard import STOPWORDS, tokens
from mockinterviewer.providers.retry import BadOutput

RETRACT_MARK = " [withdrawn]\n"


class Display:
    """What one utterance has streamed so far, reconciled with the words finally returned.

    The channel's say() follows with the whole text; a terminal that streamed partials only ends
    the line then. So when the final words differ from what was streamed, they are withdrawn
    (`on_retract`, after which say() shows the final words), or, with no `on_retract`, a marker
    and the final words are streamed instead.
    """

    def __init__(self, on_partial: Callable[[str], None] | None, on_retract: Callable[[], None] | None):
        self.on_partial = on_partial
        self.on_retract = on_retract
        self.shown = ""
        self.streamed = False

    def partial(self, text: str) -> None:
        if self.on_partial is not None and text:
            self.on_partial(text)
            self.shown += text
            self.streamed = True

    def reset(self) -> None:
        """Withdraw streamed words (a failed attempt); the next attempt streams afresh."""
        if self.shown and self.on_partial is not None:
            if self.on_retract is not None:
                self.on_retract()
                self.streamed = False
            else:
                self.on_partial(RETRACT_MARK)
        self.shown = ""

    def finish(self, final: str) -> None:
        """Make what is on screen end up as `final`."""
        if self.on_partial is None:
            return
        if self.shown:
            shown = " ".join(self.shown.split())
            if final.startswith(shown):
                rest = final[len(shown) :]
                self.partial(rest.lstrip() if self.shown[-1:].isspace() else rest)
                return
            self.reset()
        if self.streamed and self.on_retract is None:
            self.partial(final)


_MARKUP = re.compile(r"<[^<>]{0,40}>|<<|>>|\[/?INST\]|\[\d+\]|```|[{}]|^\s*[-*#]\s", re.IGNORECASE | re.MULTILINE)
_ROLE_PROMPT = re.compile(r"^\W*you are (a|an|the|about to)\b")
_PLACEHOLDERS = ("the words you say", "your words", "criterion id", "criteria ids", "json")


def check_spoken(text: str, instructions: set[tuple[str, ...]] | None = None) -> None:
    """BadOutput unless `text` (whole or the start of a stream) reads as plain spoken words."""
    if _MARKUP.search(text):
        raise BadOutput("the reply contains markup, code or lists, not spoken words")
    lowered = " ".join(text.lower().split())
    if _ROLE_PROMPT.match(lowered):
        raise BadOutput("the reply recites a role prompt ('You are ...') instead of speaking to the candidate")
    if any(p in lowered for p in _PLACEHOLDERS):
        raise BadOutput("the reply repeats the instructions' placeholder text instead of speaking")
    if instructions:
        toks = tokens(text)
        if any(tuple(toks[i : i + 4]) in instructions for i in range(len(toks) - 3)):
            raise BadOutput("the reply recites the instructions")


def clean_utterance(raw: str, *, max_words: int, instructions: set[tuple[str, ...]] | None = None) -> str:
    """The words to say, or BadOutput: plain spoken words, no markup or recited instructions,
    bounded length (cut at the last full sentence when longer)."""
    text = raw.strip().strip('"').strip()
    text = re.sub(r"^\s*(interviewer|assistant)\s*:\s*", "", text, flags=re.IGNORECASE)
    check_spoken(text, instructions)
    text = re.sub(r"\s+", " ", text).strip()
    words = text.split()
    wordy = [w for w in words if re.search(r"[A-Za-z]{2,}", w)]
    if not words or len(wordy) < max(1, 0.7 * len(words)):
        raise BadOutput("the reply has no sentence to say")
    if len(words) > max_words:
        head = " ".join(words[:max_words])
        end = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
        if head.endswith((".", "?", "!")):
            end = len(head) - 1
        if end < len(head) // 3:
            raise BadOutput(f"the reply is longer than {max_words} words")
        text = head[: end + 1]
    return text


def instruction_grams(text: str) -> set[tuple[str, ...]]:
    """4-word runs of a prompt's own instructions (placeholders removed) with two content words."""
    words = tokens(re.sub(r"\{[^{}]*\}", " ", text))
    grams = {tuple(words[i : i + 4]) for i in range(len(words) - 3)}
    return {g for g in grams if sum(w not in STOPWORDS for w in g) >= 2}
