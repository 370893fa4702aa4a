"""A channel fed from an answers file: a YAML list of strings, each the candidate's next reply.

A reply may also be code for a coding question: `{code: PATH, lang: python}` (PATH relative to the
answers file) or a string holding a fenced block (```python ... ```). Code in an answers file is a
submission: the interview runs it against the hidden tests (the reply's meta says `submit_code`).
Every code file is read when the answers file is loaded, so a missing one fails before anything
is recorded. Files are read with a size cap, so a huge file or a device such as /dev/zero is
refused at once.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from mockinterviewer.channels.base import Channel, Reply
from mockinterviewer.channels.code_input import LANGUAGES, fence, language_of_path, split_code
from mockinterviewer.errors import InputError
from mockinterviewer.safe_files import read_capped

MAX_CODE_FILE_BYTES = 1_000_000
_CODE_KEYS = {"code", "lang"}

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
    if not isinstance(data, list) or not all(isinstance(item, (str, int, float, dict)) for item in data):
        raise InputError(
            f"Answers file {path} must be a YAML list of strings (one per reply).",
            hint='Example:\n- "My first answer ..."\n- "/skip"\n- {code: solution.py, lang: python}\n- "no questions"',
        )
    return [_code_reply(item, Path(path), number) if isinstance(item, dict) else str(item)
            for number, item in enumerate(data, 1)]


def _code_reply(item: dict[object, object], answers_path: Path, number: int) -> str:
    """A `{code: PATH, lang: L}` reply as a fenced block of the file's code."""
    where = f"Answers file {answers_path}, reply {number}"
    unknown = sorted(str(k) for k in item if k not in _CODE_KEYS)
    code_path = item.get("code")
    if unknown or not isinstance(code_path, str) or not code_path.strip():
        raise InputError(f"{where}: a code reply is {{code: PATH, lang: LANGUAGE}}"
                         + (f"; unknown keys: {', '.join(unknown)}" if unknown else "; 'code' must be a file path")
                         + ".", hint="Example: - {code: solutions/lru.py, lang: python}")
    lang = str(item.get("lang") or language_of_path(code_path) or "").lower()
    if lang not in LANGUAGES:
        raise InputError(f"{where}: unknown language '{lang}'.", hint=f"Use one of: {', '.join(LANGUAGES)}.")
    source = (answers_path.parent / code_path).expanduser()
    data = read_capped(source, MAX_CODE_FILE_BYTES, what="Code file")
    try:
        code = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{where}: code file {source} is not UTF-8 text.", hint="Save it as UTF-8.") from None
    if not code.strip():
        raise InputError(f"{where}: code file {source} is empty.", hint="Write the solution in it.")
    return fence(code, lang)


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
        meta = {"submit_code": True} if split_code(text).block is not None else {}
        return Reply(text=text, seconds=words / SPEAKING_WPM * 60, source="answers-file", meta=meta)

    @property
    def remaining(self) -> int:
        return len(self.answers) - self.position
