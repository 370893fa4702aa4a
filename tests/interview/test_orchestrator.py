"""The orchestrator with the scripted interviewer: follow-ups, limits, time, commands, persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockinterviewer.interview.orchestrator import Orchestrator
from mockinterviewer.interview.plan import plan_session
from mockinterviewer.interview.scripted import ScriptedInterviewer
from mockinterviewer.store import Store
from mockinterviewer.transcript import Session, SessionStatus, Speaker, TurnKind
from tests.interview.helpers import ScriptedChannel, keyword_coverage


def make(bank, tmp_path: Path, replies: list[str], *, round_id: str = "onsite-technical-deep-dive",  # type: ignore[no-untyped-def]
         count: int = 1, follow_ups: int = 2, seconds: float = 30.0, strict: bool = False):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    plan = plan_session(bank.loop("netflix-senior-swe"), list(bank.questions.values()), round_id=round_id,
                        count=count, seed=11)
    session = Session(id="s1", candidate="ada", loop_id="netflix-senior-swe", plan=plan,
                      max_follow_ups=follow_ups)
    store.create_session(session)
    channel = ScriptedChannel(replies, seconds=seconds, strict=strict)
    orchestrator = Orchestrator(bank=bank, store=store, session=session, interviewer=ScriptedInterviewer(),
                                channel=channel, coverage=keyword_coverage)
    return orchestrator, channel, store


def kinds(session: Session) -> list[TurnKind]:
    return [t.kind for t in session.turns]


def test_follow_ups_probe_uncovered_criteria_and_stop_at_the_limit(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, _, store = make(bank, tmp_path, ["I would build it.", "Not sure.", "Still not sure.", "no"])
    assert orch.run() is SessionStatus.COMPLETED
    session = store.load_session("s1")
    assert kinds(session) == [
        TurnKind.OPENING, TurnKind.QUESTION, TurnKind.ANSWER, TurnKind.FOLLOW_UP, TurnKind.ANSWER,
        TurnKind.FOLLOW_UP, TurnKind.ANSWER, TurnKind.MOVE_ON, TurnKind.INVITE_QUESTIONS,
        TurnKind.CANDIDATE_QUESTION, TurnKind.CLOSING,
    ]
    question = bank.question(session.turns[1].question_id)
    follow_ups = [t for t in session.turns if t.kind is TurnKind.FOLLOW_UP]
    probed = [t.probes[0] for t in follow_ups]
    weights = sorted((c.weight for c in question.rubric.criteria), reverse=True)
    assert [question.rubric.criterion(p).weight for p in probed] == weights[:2]
    assert len(set(probed)) == 2
    for turn in follow_ups:
        assert question.rubric.criterion(turn.probes[0]).follow_up in turn.text


def test_follow_up_skips_criteria_the_answer_covers(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, _, store = make(bank, tmp_path, ["placeholder"], follow_ups=1)
    question = bank.question(orch.state.planned_questions[0].question_id)
    heaviest = max(question.rubric.criteria, key=lambda c: c.weight)
    orch.channel.replies = [f"My answer: {heaviest.signals[0]}.", "no"]
    orch.run()
    follow_up = next(t for t in store.load_session("s1").turns if t.kind is TurnKind.FOLLOW_UP)
    assert follow_up.probes and follow_up.probes[0] != heaviest.id


def test_moves_on_when_the_time_is_spent(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, _, store = make(bank, tmp_path, ["A very long answer.", "no"], seconds=10_000)
    orch.run()
    turns = store.load_session("s1").turns
    assert TurnKind.FOLLOW_UP not in kinds(store.load_session("s1"))
    assert "at time" in next(t.text for t in turns if t.kind is TurnKind.MOVE_ON)


def test_zero_follow_ups_moves_straight_on(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, _, store = make(bank, tmp_path, ["answer", "no"], follow_ups=0)
    orch.run()
    assert TurnKind.FOLLOW_UP not in kinds(store.load_session("s1"))


def test_commands(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, channel, store = make(bank, tmp_path, ["/repeat", "/time", "/help", "", "/skip", "no"], count=1)
    orch.run()
    session = store.load_session("s1")
    assert kinds(session)[2:5] == [TurnKind.SKIP, TurnKind.MOVE_ON, TurnKind.INVITE_QUESTIONS]
    question_text = session.turns[1].text
    assert ("repeat", question_text) in channel.said
    assert any("minutes left on this question" in i for i in channel.infos)
    assert any("/skip" in i for i in channel.infos)  # /help and the empty answer both say what to do


def test_quit_and_input_end_leave_the_session_unfinished_and_resumable(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, _, store = make(bank, tmp_path, ["first answer", "/quit"], count=2)
    assert orch.run() is SessionStatus.UNFINISHED
    saved = store.load_session("s1")
    assert saved.status is SessionStatus.UNFINISHED
    count = len(saved.turns)
    assert saved.turns[-1].kind is TurnKind.FOLLOW_UP
    channel2 = ScriptedChannel(["more", "more", "/skip", "no"])
    resumed = Orchestrator(bank=bank, store=store, session=saved, interviewer=ScriptedInterviewer(),
                           channel=channel2, coverage=keyword_coverage)
    assert resumed.run() is SessionStatus.COMPLETED
    assert channel2.said[0] == ("follow_up", saved.turns[count - 1].text)  # asked again where it stopped
    final = store.load_session("s1")
    assert [t.index for t in final.turns] == list(range(len(final.turns)))
    assert final.turns[:count] == saved.turns[:count]


def test_rubric_never_leaks_into_what_the_interviewer_says(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, channel, store = make(bank, tmp_path, ["x", "y", "z", "no"], count=2)
    orch.run()
    for question_id in store.load_session("s1").plan.question_ids():
        rubric = bank.question(question_id).rubric
        secret = [*rubric.exemplar, *[a for c in rubric.criteria for a in c.anchors.values()]]
        for _, text in channel.said:
            assert not any(s in text for s in secret)


def test_speech_vocabulary_is_passed_for_answers(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, channel, store = make(bank, tmp_path, ["x", "y", "z", "no"])
    orch.run()
    question = bank.question(store.load_session("s1").plan.question_ids()[0])
    assert question.rubric.criteria[0].signals[0] in channel.vocabularies[0]


def test_interviewer_turns_are_saved_before_they_are_shown(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, channel, store = make(bank, tmp_path, [])
    seen: list[int] = []
    original = channel.say

    def say(text: str, *, kind: str) -> None:
        seen.append(len(store.load_session("s1").turns))
        original(text, kind=kind)

    channel.say = say  # type: ignore[method-assign]
    orch.run()
    assert seen and seen[0] == 1


def test_interrupt_marks_unfinished(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    orch, channel, store = make(bank, tmp_path, ["an answer"])

    def boom(*, vocabulary: str = "") -> None:
        raise KeyboardInterrupt

    orch.run()
    channel2 = channel
    channel2.listen = boom  # type: ignore[method-assign,assignment]
    session = store.load_session("s1")
    resumed = Orchestrator(bank=bank, store=store, session=session, interviewer=ScriptedInterviewer(),
                           channel=channel2, coverage=keyword_coverage)
    with pytest.raises(KeyboardInterrupt):
        resumed.run()
    assert store.load_session("s1").status is SessionStatus.UNFINISHED
    assert all(t.speaker in (Speaker.CANDIDATE, Speaker.INTERVIEWER) for t in store.load_session("s1").turns)


class FailingModelInterviewer(ScriptedInterviewer):
    """Stands in for an LLM interviewer whose model failed: every turn is the scripted fallback."""

    name = "scripted-fallback"
    last_meta = {"error_kind": "timeout", "latency_ms": 30000.0}


def test_fallback_turns_are_labelled_visibly_and_stored(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    plan = plan_session(bank.loop("netflix-senior-swe"), list(bank.questions.values()),
                        round_id="recruiter-screen", count=1, seed=1)
    session = Session(id="s2", candidate="ada", loop_id="netflix-senior-swe", plan=plan)
    store.create_session(session)
    channel = ScriptedChannel(["answer", "/skip", "no"])
    Orchestrator(bank=bank, store=store, session=session, interviewer=FailingModelInterviewer(),
                 channel=channel, coverage=keyword_coverage).run()
    labels = [i for i in channel.infos if "offline interviewer is taking" in i]
    assert len(labels) == 1 and "timeout" in labels[0]
    opening = store.load_session("s2").turns[0]
    assert opening.source == "scripted-fallback" and opening.meta["error_kind"] == "timeout"
