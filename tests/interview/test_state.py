"""The state machine: replaying turns gives the right next step."""

from __future__ import annotations

from mockinterviewer.interview.state import Step, apply, is_decline, replay
from mockinterviewer.transcript import Plan, PlannedQuestion, PlannedRound, Speaker, Turn, TurnKind

PLAN = Plan(loop_id="l", seed=0, rounds=[
    PlannedRound(round_id="r1", questions=[PlannedQuestion(question_id="q1", minutes=1),
                                           PlannedQuestion(question_id="q2", minutes=1)]),
    PlannedRound(round_id="r2", questions=[PlannedQuestion(question_id="q3", minutes=1)]),
])


def turn(i: int, kind: TurnKind, text: str = "x", **kw) -> Turn:  # type: ignore[no-untyped-def]
    speaker = Speaker.CANDIDATE if kind in (TurnKind.ANSWER, TurnKind.SKIP, TurnKind.CANDIDATE_QUESTION) \
        else Speaker.INTERVIEWER
    return Turn(index=i, speaker=speaker, kind=kind, text=text, round_id="r1", **kw)


def test_full_flow_through_two_rounds() -> None:
    kinds = [TurnKind.OPENING, TurnKind.QUESTION, TurnKind.ANSWER, TurnKind.FOLLOW_UP, TurnKind.ANSWER,
             TurnKind.MOVE_ON, TurnKind.QUESTION, TurnKind.SKIP, TurnKind.MOVE_ON, TurnKind.INVITE_QUESTIONS]
    expected = [Step.ASK_QUESTION, Step.LISTEN_ANSWER, Step.DECIDE, Step.LISTEN_ANSWER, Step.DECIDE,
                Step.ASK_QUESTION, Step.LISTEN_ANSWER, Step.DECIDE, Step.INVITE_QUESTIONS,
                Step.LISTEN_CANDIDATE_QUESTION]
    state = replay(PLAN, [])
    assert state.step is Step.OPEN_ROUND
    for i, (kind, step) in enumerate(zip(kinds, expected, strict=True)):
        state = apply(state, turn(i, kind, seconds=10.0 if kind is TurnKind.ANSWER else 0.0))
        assert state.step is step, (i, kind)
    state = apply(state, turn(10, TurnKind.CANDIDATE_QUESTION, "What is on-call like?"))
    assert state.step is Step.REPLY
    state = apply(state, turn(11, TurnKind.REPLY))
    state = apply(state, turn(12, TurnKind.CANDIDATE_QUESTION, "no", meta={"declined": True}))
    assert state.step is Step.CLOSE_ROUND
    state = apply(state, turn(13, TurnKind.CLOSING))
    assert state.step is Step.OPEN_ROUND and state.round_id == "r2"
    for i, kind in enumerate([TurnKind.OPENING, TurnKind.QUESTION, TurnKind.ANSWER, TurnKind.MOVE_ON,
                              TurnKind.INVITE_QUESTIONS], start=14):
        state = apply(state, turn(i, kind))
    state = apply(state, turn(19, TurnKind.CANDIDATE_QUESTION, "none", meta={"declined": True}))
    state = apply(state, turn(20, TurnKind.CLOSING))
    assert state.done


def test_answer_time_and_follow_ups_accumulate() -> None:
    turns = [turn(0, TurnKind.OPENING), turn(1, TurnKind.QUESTION), turn(2, TurnKind.ANSWER, seconds=40),
             turn(3, TurnKind.FOLLOW_UP, probes=["a"]), turn(4, TurnKind.ANSWER, seconds=15)]
    state = replay(PLAN, turns)
    assert state.current is not None
    assert state.current.seconds == 55 and state.current.follow_ups == 1 and state.current.probed == ("a",)
    assert state.seconds_left_on_question == 5
    assert state.last_prompt == "x"


def test_replay_is_order_independent_of_storage() -> None:
    turns = [turn(0, TurnKind.OPENING), turn(1, TurnKind.QUESTION), turn(2, TurnKind.ANSWER)]
    assert replay(PLAN, list(reversed(turns))) == replay(PLAN, turns)


def test_decline_detection() -> None:
    for text in ("no", "No questions, thanks!", "nothing else", "I'm good", "", "that's all"):
        assert is_decline(text), text
    for text in ("How does on-call work?", "no idea what the team does, can you tell me?"):
        assert not is_decline(text), text
