"""`interview --job --draft-questions` against the REAL llama.cpp server the suite starts (gemma-3-270m).

The small model rarely writes a whole valid question with a rubric. Whatever it manages, the flow
completes without a traceback: each draft is either used (asked, saved under the candidate's own
bank folder, clean under `bank lint`, marked in the report) or dropped with a one-line note. The
interviewer and grader run offline here, so the test time is the drafting's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockinterviewer.bank.drafting import DRAFT_MARK
from mockinterviewer.bank.loader import lint_bank
from tests.bank.test_drafting import DEEP_DIVE, IOS_JOB, _offline_interviewer_and_grader, _session_id
from tests.cli.helpers import cli, write_answers

pytestmark = pytest.mark.slow


def test_drafting_with_the_real_server_completes_whatever_the_model_writes(
        llm_server: str, tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in {"OPENAI_BASE_URL": llm_server, "MOCKINTERVIEWER_LLM": "auto",
                        "MOCKINTERVIEWER_MODEL": "gemma-3-270m", "MOCKINTERVIEWER_LLM_TIMEOUT": "60",
                        "MOCKINTERVIEWER_LLM_DEADLINE": "100", "MOCKINTERVIEWER_LLM_RETRIES": "0"}.items():
        monkeypatch.setenv(name, value)
    _offline_interviewer_and_grader(monkeypatch)
    answers = write_answers(tmp_path / "a.yaml", ["/skip", "/skip", "/skip", "no questions"])
    code, out, err = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(IOS_JOB), "--answers",
                         str(answers), "--seed", "1", "--draft-questions", "1", "--candidate", "ada")
    assert code == 0, err
    assert "Traceback" not in out + err and "Drafting 1 question(s)" in err
    flat = " ".join(out.split())
    folder = isolated_home / "banks" / "ada"
    saved = sorted((folder / "questions").glob("*.yaml")) if folder.exists() else []
    if saved:  # the model managed a valid question: used, saved, clean and marked
        assert "The model drafted 1 question(s)" in flat
        _, problems = lint_bank(folder)
        assert problems == []
        code, raw, _ = cli(capsys, "report", _session_id(out), "--format", "json")
        assert json.loads(raw)["drafted"] == [saved[0].stem]
        code, text, _ = cli(capsys, "report", _session_id(out))
        assert DRAFT_MARK in " ".join(text.split())
    else:  # dropped with a note, or the server failed with one: the session went on with the bank
        assert flat.count("Drafted question 1 (for ") + flat.count("Could not draft questions") == 1
        assert "Question 1 of 2" in flat
    print(" ".join(line for line in out.splitlines() if "draft" in line.lower()))
