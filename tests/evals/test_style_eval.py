"""The interviewer eval checks each style's behaviour with the vague and rambling personas."""

from __future__ import annotations

import pytest

from mockinterviewer.evals.interviewer_eval import evaluate_interviewer
from mockinterviewer.grading.rubric import RubricGrader
from mockinterviewer.interview import styles
from mockinterviewer.interview.scripted import ScriptedInterviewer

ROUNDS = ["onsite-behavioral", "onsite-technical-deep-dive"]


def test_each_style_passes_its_checks(bank) -> None:  # type: ignore[no-untyped-def]
    result = evaluate_interviewer(bank, ScriptedInterviewer(), RubricGrader(), personas=["partial"], rounds=ROUNDS)
    style_result = result["styles"]
    assert style_result["passed"] and result["passed"]
    names = {c["name"] for c in style_result["checks"]}
    assert {"warm_fewer_follow_ups_than_neutral_than_tough", "only_tough_presses_a_vague_answer",
            "tough_cuts_the_rambler_at_its_time_box", "warm_and_neutral_never_cut_an_answer"} <= names
    assert {f"{s}/rambling/follow_up_limit" for s in ("warm", "neutral", "tough")} <= names
    figures = style_result["figures"]
    assert figures["tough"]["rambling"]["cut_short"] == figures["tough"]["rambling"]["answers_past_time_box"] > 0
    per_question = {s: figures[s]["partial"]["follow_ups_per_question"] for s in figures}
    assert per_question["warm"] < per_question["tough"]


def test_the_eval_catches_a_tough_style_that_neither_presses_nor_cuts(bank, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    known = dict(styles.styles())
    known["tough"] = known["tough"].model_copy(update={"press_vague": False, "cut_long_answers": False})
    monkeypatch.setattr(styles, "styles", lambda: known)
    result = evaluate_interviewer(bank, ScriptedInterviewer(), RubricGrader(), personas=["partial"],
                                  rounds=["onsite-behavioral"])
    failed = {c["name"] for c in result["styles"]["checks"] if not c["passed"]}
    assert {"only_tough_presses_a_vague_answer", "tough_cuts_the_rambler_at_its_time_box"} <= failed
    assert result["passed"] is False
