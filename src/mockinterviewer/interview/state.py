"""The interview as a pure state machine, rebuilt from the recorded turns.

`replay(plan, turns)` folds the turns into an `InterviewState`; `next_step(state)` says what has
to happen next. Because the state is a function of the stored turns alone, resuming a session
after a crash is just replaying what was saved.

Phases, per round: opening -> (question -> answer -> follow-up* -> move on)* -> the candidate's
questions -> closing; then the next round, and finally done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from mockinterviewer.transcript import Plan, PlannedQuestion, Speaker, Turn, TurnKind

MAX_CANDIDATE_QUESTIONS = 2


class Step(StrEnum):
    OPEN_ROUND = "open_round"
    ASK_QUESTION = "ask_question"
    LISTEN_ANSWER = "listen_answer"
    DECIDE = "decide"  # an answer arrived: follow up or move on
    INVITE_QUESTIONS = "invite_questions"
    LISTEN_CANDIDATE_QUESTION = "listen_candidate_question"
    REPLY = "reply"
    CLOSE_ROUND = "close_round"
    DONE = "done"


@dataclass(frozen=True)
class QuestionProgress:
    """What happened so far on the question being asked."""

    question_id: str
    minutes: float
    answers: tuple[str, ...] = ()
    seconds: float = 0.0
    follow_ups: int = 0
    probed: tuple[str, ...] = ()
    skipped: bool = False
    submissions: int = 0  # code versions submitted against the hidden tests


@dataclass(frozen=True)
class InterviewState:
    plan: Plan
    step: Step = Step.OPEN_ROUND
    round_index: int = 0
    question_index: int = 0
    current: QuestionProgress | None = None
    candidate_questions: int = 0
    round_seconds: float = 0.0
    turns: int = 0
    last_prompt: str | None = field(default=None, compare=False)  # what /repeat repeats

    @property
    def round_id(self) -> str | None:
        if self.round_index >= len(self.plan.rounds):
            return None
        return self.plan.rounds[self.round_index].round_id

    @property
    def planned_questions(self) -> list[PlannedQuestion]:
        if self.round_index >= len(self.plan.rounds):
            return []
        return self.plan.rounds[self.round_index].questions

    @property
    def done(self) -> bool:
        return self.step is Step.DONE

    @property
    def seconds_left_on_question(self) -> float:
        if self.current is None:
            return 0.0
        return self.current.minutes * 60 - self.current.seconds


_DECLINE = re.compile(
    r"^\W*(no|nope|none|nothing|not really|no questions?|i'?m good|i am good|that'?s all|that is all|"
    r"all good|no,? thanks?( you)?|nothing else|no more( questions)?)\W*(thanks?( you)?)?\W*$",
    re.IGNORECASE,
)


def is_decline(text: str) -> bool:
    """True when the candidate has no (more) questions for the interviewer."""
    return not text.strip() or bool(_DECLINE.match(text.strip()))


def _after_question(state: InterviewState) -> InterviewState:
    """Leave the current question: the next one, or the candidate's questions."""
    index = state.question_index + 1
    if index < len(state.planned_questions):
        return replace(state, question_index=index, current=None, step=Step.ASK_QUESTION)
    return replace(state, question_index=index, current=None, step=Step.INVITE_QUESTIONS)


def apply(state: InterviewState, turn: Turn) -> InterviewState:
    """The state after `turn`. Pure: the same turns always give the same state."""
    state = replace(state, turns=state.turns + 1)
    kind = turn.kind
    if turn.speaker is Speaker.INTERVIEWER and kind in (TurnKind.QUESTION, TurnKind.FOLLOW_UP):
        state = replace(state, last_prompt=turn.text)
    if kind is TurnKind.OPENING:
        return replace(state, step=Step.ASK_QUESTION, question_index=0, candidate_questions=0, round_seconds=0.0)
    if kind is TurnKind.QUESTION:
        planned = state.planned_questions[state.question_index]
        return replace(
            state,
            current=QuestionProgress(question_id=planned.question_id, minutes=planned.minutes),
            step=Step.LISTEN_ANSWER,
        )
    if kind is TurnKind.ANSWER and state.current is not None:
        current = replace(
            state.current,
            answers=(*state.current.answers, turn.text),
            seconds=state.current.seconds + turn.seconds,
        )
        return replace(state, current=current, step=Step.DECIDE, round_seconds=state.round_seconds + turn.seconds)
    if kind is TurnKind.CODE and state.current is not None:
        # a run leaves the candidate coding; a submission is for the interviewer to respond to
        submitted = turn.meta.get("action") == "submit"
        current = replace(
            state.current,
            seconds=state.current.seconds + turn.seconds,
            submissions=state.current.submissions + int(submitted),
        )
        return replace(state, current=current, step=Step.DECIDE if submitted else state.step,
                       round_seconds=state.round_seconds + turn.seconds)
    if kind is TurnKind.SKIP and state.current is not None:
        return replace(state, current=replace(state.current, skipped=True), step=Step.DECIDE)
    if kind is TurnKind.FOLLOW_UP and state.current is not None:
        current = replace(
            state.current,
            follow_ups=state.current.follow_ups + 1,
            probed=(*state.current.probed, *turn.probes),
        )
        return replace(state, current=current, step=Step.LISTEN_ANSWER)
    if kind is TurnKind.MOVE_ON:
        return _after_question(state)
    if kind is TurnKind.INVITE_QUESTIONS:
        return replace(state, step=Step.LISTEN_CANDIDATE_QUESTION)
    if kind is TurnKind.CANDIDATE_QUESTION:
        if turn.meta.get("declined"):
            return replace(state, step=Step.CLOSE_ROUND)
        return replace(state, step=Step.REPLY, candidate_questions=state.candidate_questions + 1)
    if kind is TurnKind.REPLY:
        more = state.candidate_questions < MAX_CANDIDATE_QUESTIONS
        return replace(state, step=Step.LISTEN_CANDIDATE_QUESTION if more else Step.CLOSE_ROUND)
    if kind is TurnKind.CLOSING:
        index = state.round_index + 1
        step = Step.OPEN_ROUND if index < len(state.plan.rounds) else Step.DONE
        return replace(state, round_index=index, question_index=0, current=None, step=step, last_prompt=None)
    return state


def replay(plan: Plan, turns: list[Turn]) -> InterviewState:
    state = InterviewState(plan=plan)
    for turn in sorted(turns, key=lambda t: t.index):
        state = apply(state, turn)
    return state


def answers_by_question(turns: list[Turn]) -> dict[str, list[str]]:
    """The candidate's answer turns grouped by question id, in order."""
    grouped: dict[str, list[str]] = {}
    for turn in sorted(turns, key=lambda t: t.index):
        if turn.kind is TurnKind.ANSWER and turn.question_id:
            grouped.setdefault(turn.question_id, []).append(turn.text)
    return grouped


def skipped_questions(turns: list[Turn]) -> set[str]:
    return {t.question_id for t in turns if t.kind is TurnKind.SKIP and t.question_id}
