"""Interviewer styles: warm, neutral and tough change the follow-ups, the pressing, the cutting and
the words, and nothing else (the plan's questions, the grades)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockinterviewer.cli.interview_cmd import InterviewerStyle
from mockinterviewer.errors import InputError
from mockinterviewer.grading.rubric import RubricGrader
from mockinterviewer.grading.session import grade_session
from mockinterviewer.interview.interviewer import QuestionContext
from mockinterviewer.interview.llm import persona
from mockinterviewer.interview.orchestrator import Orchestrator
from mockinterviewer.interview.plan import plan_session
from mockinterviewer.interview.scripted import ScriptedInterviewer
from mockinterviewer.interview.styles import get_style, style_names
from mockinterviewer.providers.prompts import chat_prompt
from mockinterviewer.store import Store
from mockinterviewer.transcript import Session, TurnKind
from tests.interview.helpers import ScriptedChannel, keyword_coverage

ROUND = "onsite-behavioral"
VAGUE = ["It went fine overall, we handled it as a team.", "Hard to say, it depended on a lot of things.",
         "I'm not sure, it was a while ago.", "I don't remember the details.", "Nothing more to add.",
         "no questions"]
RAMBLE = ("So, yeah, um, that's a really interesting question, and it reminds me of a lot of things, you know, "
          "like the office move and the coffee machine, and honestly it was a whole journey. ") * 30


def run_style(bank, tmp_path: Path, style: str | None, replies: list[str], *, seconds: float = 30.0,  # type: ignore[no-untyped-def]
              count: int = 1, round_id: str = ROUND) -> Session:
    store = Store(f"sqlite:///{tmp_path / f'{style}.sqlite'}", tmp_path)
    plan = plan_session(bank.loop("netflix-senior-swe"), list(bank.questions.values()), round_id=round_id,
                        count=count, seed=5, style=style)
    session = Session(id=f"s-{style}", candidate="ada", loop_id="netflix-senior-swe", plan=plan, max_follow_ups=2)
    store.create_session(session)
    channel = ScriptedChannel(list(replies), seconds=seconds)
    Orchestrator(bank=bank, store=store, session=session, interviewer=ScriptedInterviewer(), channel=channel,
                 coverage=keyword_coverage).run()
    return store.load_session(session.id)


def follow_ups(session: Session) -> list[str]:
    return [t.text for t in session.turns if t.kind is TurnKind.FOLLOW_UP]


def test_the_cli_choices_are_the_styles_of_the_data() -> None:
    assert sorted(s.value for s in InterviewerStyle) == sorted(style_names()) == ["neutral", "tough", "warm"]


def test_tough_asks_more_follow_ups_than_neutral_than_warm_on_a_vague_answer(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sessions = {style: run_style(bank, tmp_path, style, VAGUE) for style in ("warm", "neutral", "tough")}
    counts = {style: len(follow_ups(s)) for style, s in sessions.items()}
    assert counts == {"warm": 1, "neutral": 2, "tough": 3}
    # only tough asks again for specifics on the point its follow-up probed
    pressed = {style: [t for t in s.turns if t.meta.get("pressed")] for style, s in sessions.items()}
    assert not pressed["warm"] and not pressed["neutral"] and len(pressed["tough"]) == 1
    first_probe = next(t for t in sessions["tough"].turns if t.kind is TurnKind.FOLLOW_UP).probes
    assert pressed["tough"][0].probes == first_probe
    assert "specifics" in pressed["tough"][0].text
    # the same plan in every style: a style never changes which questions are asked
    assert len({tuple(s.plan.question_ids()) for s in sessions.values()}) == 1
    assert {s.plan.style for s in sessions.values()} == {"warm", "neutral", "tough"}


def test_tough_cuts_a_rambling_answer_at_its_time_box_and_the_others_let_it_run(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    replies = [RAMBLE, RAMBLE, RAMBLE, RAMBLE, "no questions"]
    minutes_per_answer = len(RAMBLE.split()) / 130  # about 6 minutes of speech
    assert minutes_per_answer > 4
    sessions = {style: run_style(bank, tmp_path, style, replies, seconds=minutes_per_answer * 60)
                for style in ("warm", "neutral", "tough")}
    cut = {style: [t for t in s.turns if t.meta.get("cut_short")] for style, s in sessions.items()}
    assert not cut["warm"] and not cut["neutral"]
    first_reply = next(t for t in sessions["tough"].turns if t.index > 2 and t.speaker.value == "interviewer")
    assert first_reply.meta.get("cut_short") and first_reply.text.startswith("Let me stop you there")
    assert first_reply.kind is TurnKind.FOLLOW_UP and first_reply.probes  # asks for one open point in brief


def test_a_short_answer_is_never_cut(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    session = run_style(bank, tmp_path, "tough", VAGUE, seconds=60)
    assert not [t for t in session.turns if t.meta.get("cut_short")]


def test_grades_do_not_depend_on_the_style(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answers = ["I owned the incident: I paged the team, rolled back the deploy within ten minutes, wrote the "
               "postmortem and added a canary so it could not happen again."] * 4 + ["no questions"]
    tough = run_style(bank, tmp_path, "tough", answers)
    grader = RubricGrader()
    graded = grade_session(tough, bank.question, grader)
    for style in ("warm", "neutral", None):
        relabelled = tough.model_copy(update={"plan": tough.plan.model_copy(update={"style": style})})
        assert grade_session(relabelled, bank.question, grader) == graded


def test_neutral_is_the_interviewer_as_it_was(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    neutral = get_style("neutral")
    assert neutral == get_style(None)
    assert neutral.acknowledgements == ("Thanks.", "Okay, got it.", "Understood, thank you.",
                                        "Thanks, that's helpful context.")
    assert neutral.moving_on == ("Let's move on.", "Let's go to the next one.",
                                 "I'd like to use our time for another question.")
    assert neutral.at_time == "We're at time for this question, so let's move on."
    assert (neutral.follow_ups, neutral.press_vague, neutral.cut_long_answers) == (0, False, False)
    session = run_style(bank, tmp_path, "neutral", VAGUE)
    unstyled = run_style(bank, tmp_path, None, VAGUE)
    assert [(t.kind, t.text) for t in session.turns] == [(t.kind, t.text) for t in unstyled.turns]
    assert "Think out loud, and be specific about what you did yourself." in session.turns[0].text


def test_each_style_speaks_in_its_own_words(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    openings = {style: run_style(bank, tmp_path, style, ["/quit"]).turns[0].text for style in style_names()}
    assert len(set(openings.values())) == 3
    assert "Take your time" in openings["warm"] and "specifics" in openings["tough"]


def test_follow_up_limits_per_style() -> None:
    assert [get_style(s).max_follow_ups(2) for s in ("warm", "neutral", "tough")] == [1, 2, 3]
    assert [get_style(s).max_follow_ups(0) for s in ("warm", "neutral", "tough")] == [0, 0, 0]
    assert get_style("warm").max_follow_ups(1) == 1
    assert get_style("tough").answer_time_box(6) == 3 * 60 and get_style("tough").answer_time_box(45) == 4 * 60


def test_an_unknown_style_is_one_clear_message() -> None:
    with pytest.raises(InputError, match="Unknown interviewer style 'harsh'") as caught:
        get_style("harsh")
    assert "warm" in (caught.value.hint or "")


def test_the_llm_interviewer_is_told_its_style(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    round_ = loop.round(ROUND)
    question = bank.question(plan_session(loop, list(bank.questions.values()), round_id=ROUND, count=1,
                                          seed=5).question_ids()[0])
    ctx = QuestionContext(loop=loop, round=round_, question=question, answers=[], covered={}, probed=[],
                          follow_ups_asked=0, max_follow_ups=2, seconds_left=600, question_number=1,
                          questions_in_round=1)

    def system(style: str) -> str:
        variables = {**persona(loop, round_, get_style(style), "staff"), "question": "q", "criteria": "",
                     "covered": "", "probed": "", "follow_ups_asked": 0, "max_follow_ups": 2, "minutes_left": 5,
                     "number": 1, "total": 1, "conversation": "", "code": "", "kinds": "", "criterion_ids": ""}
        messages = chat_prompt("interviewer_system", "interviewer_after_answer", None).format_messages(**variables)
        return str(messages[0].content)

    assert "warm but neutral, brief (one to three sentences), one question at a time. Never praise" in \
        system("neutral")
    assert "demanding and direct" in system("tough") and "concrete example" in system("tough")
    assert "encouraging" in system("warm")
    assert "(staff level)" in system("tough")
    assert ctx.style == get_style("neutral")


def test_a_resumed_session_keeps_its_style(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path / 'resume.sqlite'}", tmp_path)
    plan = plan_session(bank.loop("netflix-senior-swe"), list(bank.questions.values()), round_id=ROUND, count=1,
                        seed=5, style="tough")
    session = Session(id="s-resume", candidate="ada", loop_id="netflix-senior-swe", plan=plan, max_follow_ups=2)
    store.create_session(session)
    Orchestrator(bank=bank, store=store, session=session, interviewer=ScriptedInterviewer(),
                 channel=ScriptedChannel([*VAGUE[:2], "/quit"]), coverage=keyword_coverage).run()
    stopped = store.load_session("s-resume")
    assert stopped.plan.style == "tough" and len(follow_ups(stopped)) == 2
    Orchestrator(bank=bank, store=store, session=stopped, interviewer=ScriptedInterviewer(),
                 channel=ScriptedChannel(VAGUE[2:]), coverage=keyword_coverage).run()
    resumed = store.load_session("s-resume")
    assert len(follow_ups(resumed)) == 3 and any(t.meta.get("pressed") for t in resumed.turns)
