"""A whole technical phone screen through the CLI with --answers and solution files, on the real runner:
a wrong submission, the interviewer's questions about complexity and the failing cases, a fix, and a
report that quotes the code and the hidden tests' results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mockinterviewer.interview.plan import plan_session
from tests.e2e.test_cli_interview import cli, session_json

pytest.importorskip("mockinterviewer.coding")

ROUND = "technical-phone-screen"


def coding_seed(bank):  # type: ignore[no-untyped-def]
    """A seed whose phone screen asks a coding question offered in Python (the plan is deterministic)."""
    loop = bank.loop("netflix-senior-swe")
    for seed in range(300):
        plan = plan_session(loop, list(bank.questions.values()), round_id=ROUND, count=1, seed=seed,
                            asked_before=set())
        question = bank.question(plan.rounds[0].questions[0].question_id)
        coding = getattr(question, "coding", None)
        if coding is not None and "python" in coding.signatures:
            return seed, question
    pytest.skip("no coding question in the technical phone screen yet")


def test_phone_screen_with_solution_files_ends_in_a_report_quoting_the_code(  # type: ignore[no-untyped-def]
    bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed, question = coding_seed(bank)
    spec = question.coding
    wrong = next(w for w in spec.wrong if w.lang == "python")
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "first.py").write_text(wrong.code)
    (tmp_path / "solutions" / "fixed.py").write_text(spec.references["python"])
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump([
        "I would start from the contract and the examples, pick the data structure that makes every operation "
        "cheap, write it, and test the edge cases.",
        {"code": "solutions/first.py", "lang": "python"},
        f"Time should be {spec.time_complexity} and space {spec.space_complexity}. The failing case is one my "
        "first version does not handle.",
        {"code": "solutions/fixed.py"},
        "Now every case is handled; I would add tests for the smallest and the largest inputs.",
        "no questions",
    ]))
    code, out, err = cli(capsys, "interview", "--round", ROUND, "--questions", "1", "--seed", str(seed),
                         "--answers", str(answers), "--candidate", "ada", "--max-follow-ups", "3")
    assert code == 0, out + err
    said = " ".join(out.split())  # the console wraps long lines
    assert "Hidden tests:" in said and "time and space complexity" in said
    assert "Would you like to fix it?" in said
    [summary] = session_json(capsys)
    assert summary["status"] == "completed"

    code, out, _ = cli(capsys, "report", summary["id"], "--format", "json")
    report = json.loads(out)
    [graded] = report["questions"]
    review = graded["code"]
    assert review["code"].strip() == spec.references["python"].strip()
    assert review["submitted"] and review["versions"] == 2
    assert review["passed"] == review["total"] == len(spec.hidden)
    assert {t["name"] for t in review["tests"]} == {t.name for t in spec.hidden}
    approach = next(c for c in graded["criteria"] if c["id"] == "approach")
    assert approach["score"] == 4.0 and approach["evidence"][0].startswith("Hidden tests:")

    code, md, _ = cli(capsys, "report", summary["id"], "--format", "md")
    assert code == 0
    first_line = next(line for line in spec.references["python"].splitlines() if line.strip())
    assert first_line in md and "hidden tests passed" in " ".join(md.split())  # the console wraps long lines
    assert all(f"- {t.name}: passed" in md.replace("\\-", "-") for t in spec.hidden)
