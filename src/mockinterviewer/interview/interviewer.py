"""The Interviewer protocol: what to say next, given where the conversation stands.

The orchestrator owns the flow (which phase, which question, when time is up); an interviewer
only chooses the words and, after an answer, whether to follow up or move on. Implementations:
`scripted.ScriptedInterviewer` (offline) and `llm.LLMInterviewer`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, Field

from mockinterviewer.bank.schema import Loop, Question, Round
from mockinterviewer.interview.styles import Style, get_style

# how a candidate repeats, skips, asks the time or stops where they type (a channel may word it otherwise)
TYPED_CONTROLS = "Type /repeat, /skip, /time or /quit at any point."


class MoveKind(StrEnum):
    ASK = "ask"
    FOLLOW_UP = "follow_up"
    MOVE_ON = "move_on"
    WRAP_UP = "wrap_up"


class Move(BaseModel):
    """What the interviewer does next and the words it says."""

    kind: MoveKind
    text: str = Field(min_length=1)
    probes: list[str] = Field(default_factory=list, description="Criterion ids a follow-up probes.")
    source: str = "scripted"
    meta: dict[str, object] = Field(default_factory=dict)


@dataclass(frozen=True)
class CodeStatus:
    """Where the code of a coding question stands (see `live_coding`); results as the runner's dicts."""

    lang: str
    code: str | None = None  # the latest version run or submitted
    runs: int = 0
    submissions: int = 0
    just_submitted: bool = False  # a submission arrived since the interviewer last spoke
    last_submission: dict[str, Any] | None = None  # the latest hidden-test result
    prompted: bool = False  # the interviewer already asked the candidate to write the code
    fix_asked: bool = False  # the interviewer already asked for a fix
    drafting: bool = False  # the candidate has code in progress (written, pasted or run)
    kept_going: int = 0  # "keep going" turns given while the candidate codes past the follow-up limit

    @property
    def coding_on(self) -> bool:
        """Still writing: code in progress and nothing submitted yet, or a fix asked for and not yet submitted."""
        return self.drafting and (self.submissions == 0 or (self.fix_asked and bool(self.failing)))

    @property
    def failing(self) -> list[dict[str, Any]]:
        tests = (self.last_submission or {}).get("tests") or []
        return [t for t in tests if isinstance(t, dict) and t.get("status") != "passed"]

    @property
    def all_passed(self) -> bool:
        result = self.last_submission or {}
        return bool(result) and not result.get("error") and result.get("passed") == result.get("total")


@dataclass(frozen=True)
class QuestionContext:
    """Everything an interviewer may know about the question in progress.

    `answers` are the candidate's turns on this question so far (the newest last); `covered`
    maps each criterion the answers already cover to the quotes that show it; `probed` lists
    criteria already followed up on.
    """

    loop: Loop
    round: Round
    question: Question
    answers: list[str]
    covered: dict[str, list[str]]
    probed: list[str]
    follow_ups_asked: int
    max_follow_ups: int
    seconds_left: float
    question_number: int
    questions_in_round: int
    transcript: list[tuple[str, str]] = field(default_factory=list)  # (speaker, text), this question
    on_partial: Callable[[str], None] | None = None  # streams words to the channel as produced
    # Withdraws the words streamed so far (the LLM's stream was cut, or they failed the leak check);
    # the interviewer then returns different words. None: the LLM interviewer streams a marker and
    # the replacement words instead.
    on_retract: Callable[[], None] | None = None
    code: CodeStatus | None = None  # set for a coding question
    style: Style = field(default_factory=lambda: get_style(None))  # the interviewer's style (see styles)
    level: str | None = None  # the level interviewed for; None: the loop's


@dataclass(frozen=True)
class RoundContext:
    loop: Loop
    round: Round
    candidate: str
    questions_in_round: int
    controls: str = TYPED_CONTROLS  # how the candidate repeats, skips, asks the time or stops, in this channel
    candidate_question: str | None = None  # for reply(): what the candidate asked
    on_partial: Callable[[str], None] | None = None
    on_retract: Callable[[], None] | None = None  # see QuestionContext.on_retract
    style: Style = field(default_factory=lambda: get_style(None))
    level: str | None = None


class Interviewer(Protocol):
    name: str

    def opening(self, ctx: RoundContext) -> str: ...

    def ask(self, ctx: QuestionContext) -> str: ...

    def after_answer(self, ctx: QuestionContext) -> Move:
        """Follow up on the question in progress or move on (the orchestrator enforces limits)."""
        ...

    def invite_questions(self, ctx: RoundContext) -> str: ...

    def reply(self, ctx: RoundContext) -> str:
        """Answer the candidate's own question (ctx.candidate_question) at the end of a round."""
        ...

    def closing(self, ctx: RoundContext) -> str: ...
