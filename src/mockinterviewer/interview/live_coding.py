"""Live coding inside an interview: the candidate's solution, its language, and running it.

`CodingDesk` serves the code commands of a coding question (see `code_input`): it keeps the
solution being written (per question, rebuilt from the stored turns on resume), opens the
channel's editor, reads a file, and runs the code through the runner (`mockinterviewer.coding`:
`stub`, `run_tests`). Every version run or submitted is recorded by the orchestrator as a `code`
turn (text: the code; meta: language, action and the runner's results), before anything else.
What the candidate sees of a result is worded here, in plain sentences.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mockinterviewer.bank.schema import Question
from mockinterviewer.channels.code_input import (
    EXTENSION_OF,
    LANGUAGES,
    CodeBlock,
    CodeCommand,
    CodeCommandKind,
    language,
    language_of_path,
)
from mockinterviewer.errors import InputError, MockInterviewerError
from mockinterviewer.grading.code import outcome_line, shown
from mockinterviewer.safe_files import read_capped
from mockinterviewer.safe_text import strip_controls
from mockinterviewer.transcript import Turn, TurnKind

MAX_CODE_BYTES = 1_000_000  # a solution file; far above any interview answer

RUN = "run"
SUBMIT = "submit"

class CheckResultLike(Protocol):
    def as_dict(self) -> dict[str, Any]: ...


class CodeRunner(Protocol):
    """What the interview needs of `mockinterviewer.coding`."""

    def stub(self, question: Question, lang: str) -> str: ...

    def run_tests(self, question: Question, code: str, lang: str, *, hidden: bool) -> CheckResultLike: ...


def default_runner() -> CodeRunner:
    """The sandboxed runner (imported on first use: an interview with no coding question never loads it)."""
    from mockinterviewer import coding

    return coding


def is_coding(question: Question) -> bool:
    """True for a question with code to write (it carries a coding spec)."""
    return question.coding is not None


def offered(question: Question) -> list[str]:
    """The languages the question can be solved in, in the usual order."""
    signatures = question.coding.signatures if question.coding is not None else {}
    return [lang for lang in LANGUAGES if lang in signatures]


def may_show_failing_input(question: Question) -> bool:
    """Whether the first failing hidden input may be shown to the candidate (the question's choice)."""
    return question.coding is None or question.coding.show_failing_input


def describe_result(result: dict[str, Any], *, show_input: bool = True) -> list[str]:
    """The lines the candidate reads after /run (every example) or /submit (a count, the first failure)."""
    hidden = bool(result.get("hidden"))
    passed, total = int(result.get("passed", 0)), int(result.get("total", 0))
    what = "Hidden tests" if hidden else "Examples"
    lines: list[str] = []
    if result.get("error"):
        lines.append(f"Your code did not run: {shown(result['error'])}")
    seconds = float(result.get("seconds") or 0.0)
    lines.append(f"{what}: {passed} of {total} passed ({seconds:.2f} s).")
    tests = [t for t in result.get("tests", []) if isinstance(t, dict)]
    if hidden:
        failing = next((t for t in tests if t.get("status") != "passed"), None)
        if failing is not None:
            lines.append("First failure: " + outcome_line(failing, with_input=show_input))
    else:
        lines.extend("  " + outcome_line(t) for t in tests)
    if result.get("sandboxed") is False:
        lines.append("(Run with resource limits only: the sandbox is not available here.)")
    return lines


def code_brief(languages: Sequence[str], lang: str, stub: str) -> str:
    """What the interviewer adds to a coding question: the signature and how to write and run code."""
    others = " or ".join(x for x in languages if x != lang)
    switch = f" (or /lang {others})" if others else ""
    return (
        f"Write it in {lang}{switch}, starting from this signature:\n\n{stub.rstrip()}\n\n"
        "/code opens your editor on it (or /code PATH takes a file, or paste it between ``` lines), "
        "/run tries the examples, /submit runs the hidden tests. Keep talking me through it as you go."
    )


@dataclass
class Workspace:
    """The solution in progress for one question."""

    question_id: str
    lang: str
    code: str | None = None
    path: Path | None = None
    drafts: dict[str, str] = field(default_factory=dict)  # the latest code per language


def code_turns(turns: Sequence[Turn], question_id: str) -> list[Turn]:
    return [t for t in turns if t.kind is TurnKind.CODE and t.question_id == question_id]


Record = Callable[[str, str, str, dict[str, Any]], None]  # (action, code, lang, result)


class CodingDesk:
    """Serves the code commands of one session; `record` persists a run or a submission as a turn."""

    def __init__(
        self,
        *,
        say: Callable[[str], None],
        edit: Callable[[Path], None] | None,
        runner: CodeRunner | None = None,
        default_lang: str = "python",
        workdir: Path | None = None,
    ) -> None:
        self.say = say
        self.edit = edit
        self._runner = runner
        self.default_lang = default_lang
        self._workdir = workdir
        self._spaces: dict[str, Workspace] = {}

    @property
    def runner(self) -> CodeRunner:
        if self._runner is None:
            self._runner = default_runner()
        return self._runner

    def workspace(self, question: Question, turns: Sequence[Turn]) -> Workspace:
        """The question's workspace; on resume, the last version recorded."""
        space = self._spaces.get(question.id)
        if space is None:
            recorded = code_turns(turns, question.id)
            last = recorded[-1] if recorded else None
            languages = offered(question) or [self.default_lang]
            default = self.default_lang if self.default_lang in languages else languages[0]
            lang = str(last.meta.get("lang")) if last and last.meta.get("lang") in languages else default
            space = Workspace(question.id, lang, code=last.text if last else None)
            if space.code is not None:
                space.drafts[lang] = space.code
            self._spaces[question.id] = space
        return space

    def brief(self, question: Question, turns: Sequence[Turn]) -> str:
        space = self.workspace(question, turns)
        return code_brief(offered(question), space.lang, self.runner.stub(question, space.lang))

    # commands ----------------------------------------------------------------------------------

    def command(self, question: Question, turns: Sequence[Turn], command: CodeCommand, record: Record) -> bool:
        """Serve one command; True when a submission was recorded (the interviewer speaks next)."""
        space = self.workspace(question, turns)
        kind = command.kind
        if kind is CodeCommandKind.LANG:
            self._set_lang(question, space, command.argument)
        elif kind is CodeCommandKind.CODE:
            if command.argument:
                self._take_file(question, space, Path(command.argument).expanduser())
            else:
                self._open_editor(question, space)
        elif kind is CodeCommandKind.RUN:
            self._run(question, space, RUN, record)
        elif kind is CodeCommandKind.SUBMIT:
            return self._run(question, space, SUBMIT, record)
        return False

    def pasted(self, question: Question, turns: Sequence[Turn], block: CodeBlock, record: Record, *,
               submit: bool) -> bool:
        """Take code pasted in a fenced block; submit it when the channel says so (an answers file)."""
        space = self.workspace(question, turns)
        if block.lang is not None and block.lang not in offered(question):
            self.say(f"This question is offered in {', '.join(offered(question))}, not {block.lang}; "
                     "paste it again in one of those.")
            return False
        if block.lang is not None and block.lang != space.lang:
            space.lang = block.lang
        elif block.lang is None and block.tag:
            self.say(f"'{shown(block.tag)}' is not a language here; taking the code as {space.lang}.")
        self._take(space, block.code, "pasted")
        if submit:
            return self._run(question, space, SUBMIT, record)
        return False

    def _set_lang(self, question: Question, space: Workspace, name: str) -> None:
        lang = language(name) if name else None
        languages = offered(question)
        if lang is None:
            self.say(f"Choose a language: /lang {'|'.join(languages)} (now: {space.lang}).")
            return
        if lang not in languages:
            self.say(f"This question is offered in {', '.join(languages)}, not {lang}; you stay in {space.lang}.")
            return
        if space.code is not None:
            space.drafts[space.lang] = space.code
        space.lang = lang
        space.code = space.drafts.get(lang)
        space.path = None
        self.say(f"Language: {lang}. The signature:\n{self.runner.stub(question, lang).rstrip()}")

    def _take(self, space: Workspace, code: str, where: str) -> None:
        space.code = code
        space.drafts[space.lang] = code
        lines = len(code.rstrip("\n").splitlines())
        self.say(f"Got your {space.lang} code ({where}, {lines} line{'s' if lines != 1 else ''}). "
                 "/run tries the examples, /submit runs the hidden tests.")

    def _take_file(self, question: Question, space: Workspace, path: Path) -> None:
        try:
            code = read_solution(path)
        except InputError as exc:
            self.say(exc.message + (f" {exc.hint}" if exc.hint else ""))
            return
        lang = language_of_path(path.name)
        if lang is not None and lang not in offered(question):
            self.say(f"{path.name} is {lang}, but this question is offered in {', '.join(offered(question))}.")
            return
        if lang is not None:
            space.lang = lang
        self._take(space, code, f"from {path.name}")

    def _file_for(self, question: Question, space: Workspace) -> Path:
        if space.path is None:
            base = self._workdir or Path(tempfile.mkdtemp(prefix="mockinterviewer-code-"))
            name = "Solution" if space.lang == "java" else "solution"
            space.path = base / question.id / f"{name}{EXTENSION_OF[space.lang]}"
            space.path.parent.mkdir(parents=True, exist_ok=True)
            space.path.write_text(space.code or self.runner.stub(question, space.lang), encoding="utf-8")
            space.path.chmod(0o600)
        return space.path

    def _open_editor(self, question: Question, space: Workspace) -> None:
        if self.edit is None:
            self.say("There is no editor here: paste your code between two ``` lines, or give a file: /code PATH.")
            return
        path = self._file_for(question, space)
        try:
            self.edit(path)
        except InputError as exc:
            self.say(exc.message + (f" {exc.hint}" if exc.hint else ""))
            return
        try:
            code = read_solution(path)
        except InputError as exc:
            self.say(exc.message)
            return
        self._take(space, code, f"saved in {path}")

    def _run(self, question: Question, space: Workspace, action: str, record: Record) -> bool:
        if space.code is None or not space.code.strip():
            self.say("There is no code yet: /code opens your editor, or paste it between two ``` lines.")
            return False
        hidden = action == SUBMIT
        self.say("Running the hidden tests..." if hidden else "Running the examples...")
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("default")
                result = self.runner.run_tests(question, space.code, space.lang, hidden=hidden).as_dict()
            for warning in caught:  # e.g. no sandbox here: said once, in plain words, not as a Python warning
                self.say(str(warning.message))
        except MockInterviewerError as exc:  # the runner cannot run at all (no runtime, no sandbox allowed)
            self.say(f"Your code could not be run: {exc.message}" + (f" {exc.hint}" if exc.hint else "")
                     + " Nothing is lost; keep talking me through it.")
            return False
        record(action, space.code, space.lang, result)
        for line in describe_result(result, show_input=may_show_failing_input(question)):
            self.say(line)
        return hidden


def read_solution(path: Path) -> str:
    """A solution file as text: UTF-8, at most MAX_CODE_BYTES, not empty."""
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file.", hint="Give the path of your solution file.")
    raw = read_capped(path, MAX_CODE_BYTES, what="Solution file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"Solution file {path} is not UTF-8 text.", hint="Save it as UTF-8 text.") from None
    text = strip_controls(text)
    if not text.strip():
        raise InputError(f"Solution file {path} is empty.", hint="Write your solution in it and save.")
    return text
