"""The interviewer eval runs scripted personas through real rounds; every check must pass."""

from __future__ import annotations

import json

import pytest

from mockinterviewer.bank.schema import Question
from mockinterviewer.cli.app import run
from mockinterviewer.evals.interviewer_eval import evaluate_interviewer, leaked_text
from mockinterviewer.grading.rubric import RubricGrader
from mockinterviewer.interview.interviewer import Move, MoveKind, QuestionContext
from mockinterviewer.interview.scripted import ScriptedInterviewer


def test_offline_interviewer_passes_every_check_on_a_sample(bank) -> None:  # type: ignore[no-untyped-def]
    result = evaluate_interviewer(bank, ScriptedInterviewer(), RubricGrader(),
                                  rounds=["onsite-technical-deep-dive", "onsite-behavioral", "technical-phone-screen"])
    failed = [(p, c) for p, data in result["personas"].items() for c in data["checks"] if not c["passed"]]
    assert failed == []
    means = {p: d["mean_score"] for p, d in result["personas"].items()}
    assert means["strong"] > means["partial"] > means["silent"] == 0
    assert means["gibberish"] == means["off-topic"] == means["injection"] == 0


class LeakyInterviewer(ScriptedInterviewer):
    """Misbehaves on purpose: reads out the exemplar and ignores which criteria are covered."""

    name = "leaky"

    def after_answer(self, ctx: QuestionContext) -> Move:
        if ctx.follow_ups_asked >= ctx.max_follow_ups:
            return self.move_on(ctx)
        covered = sorted(ctx.covered) or [ctx.question.rubric.criteria[0].id]
        return Move(kind=MoveKind.FOLLOW_UP, probes=[covered[0]],
                    text="A strong answer would say: " + ctx.question.rubric.exemplar[0])


def test_the_eval_catches_a_misbehaving_interviewer(bank) -> None:  # type: ignore[no-untyped-def]
    result = evaluate_interviewer(bank, LeakyInterviewer(), RubricGrader(), personas=["strong", "partial", "silent"],
                                  rounds=["onsite-technical-deep-dive"])
    assert result["passed"] is False
    checks = {c["name"]: c["passed"] for c in result["personas"]["strong"]["checks"]}
    assert checks["no_rubric_or_exemplar_leak"] is False
    assert checks["follow_ups_target_uncovered_criteria"] is False


def test_leak_detection_ignores_the_question_itself(bank) -> None:  # type: ignore[no-untyped-def]
    question: Question = bank.question("retry-backoff-strategy")
    assert leaked_text(question, "Question 1 of 2: " + question.prompt) is None
    assert leaked_text(question, "Hint: " + question.rubric.criteria[0].anchors[4]) is not None


def test_cli_json_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["eval", "interviewer", "--json", "--round", "recruiter-screen", "--persona", "strong",
                "--persona", "partial", "--persona", "silent"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["passed"] is True
    assert all(isinstance(c["passed"], bool) for p in data["personas"].values() for c in p["checks"])
    assert run(["eval", "interviewer", "--persona", "nobody"]) != 0
