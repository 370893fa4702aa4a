"""What the interviewers say around code: asking for it, answering a submission (complexity, the failing
cases), asking once for a fix; and what the LLM interviewer's prompt is told about the code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mockinterviewer.interview.interviewer import CodeStatus, MoveKind
from mockinterviewer.interview.llm import LLMInterviewer
from mockinterviewer.interview.scripted import FIX_IT, WRITE_IT, ScriptedInterviewer
from tests.llm.helpers import ScriptedChatModel, move_json, no_sleep_policy, question_ctx


def submission(statuses: list[str], error: str | None = None) -> dict:  # type: ignore[type-arg]
    tests = [{"name": f"t{i}", "status": s, "input": f"in{i}", "expected": "1", "got": "2", "seconds": 0.1,
              "message": ""} for i, s in enumerate(statuses)]
    return {"hidden": True, "passed": statuses.count("passed"), "total": len(statuses), "tests": tests,
            "error": error}


@pytest.fixture
def lru(bank):  # type: ignore[no-untyped-def]
    return bank.question("lru-cache-o1")


def ctx(bank, lru, code: CodeStatus, **kwargs):  # type: ignore[no-untyped-def]
    return replace(question_ctx(bank.loop("netflix-senior-swe"), lru, ["I'd use a map and a list."], **kwargs),
                   code=code)


@pytest.mark.parametrize(("statuses", "error", "expected"), [
    (["passed", "timeout"], None, "ran out of time"),
    (["passed", "failed"], None, "which cases does your code not handle"),
    (["passed", "passed"], None, "Which cases would you still test"),
    (["error"], "SyntaxError", "did not run as submitted"),
])
def test_a_submission_is_answered_with_complexity_and_the_cases(bank, lru, statuses, error, expected) -> None:  # type: ignore[no-untyped-def]
    code = CodeStatus(lang="python", code="x", submissions=1, just_submitted=True,
                      last_submission=submission(statuses, error))
    move = ScriptedInterviewer().after_answer(ctx(bank, lru, code, follow_ups_asked=2))  # even at the limit
    assert move.kind is MoveKind.FOLLOW_UP
    assert "time and space complexity" in move.text and expected in move.text
    assert move.probes == ["complexity", "edge-cases"]


def test_the_code_is_asked_for_once_and_a_fix_once(bank, lru) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedInterviewer()
    first = scripted.after_answer(ctx(bank, lru, CodeStatus(lang="python")))
    assert WRITE_IT in first.text and first.meta == {"code_prompt": True}
    after_prompt = scripted.after_answer(ctx(bank, lru, CodeStatus(lang="python", prompted=True)))
    assert WRITE_IT not in after_prompt.text
    failing = CodeStatus(lang="python", code="x", submissions=1, last_submission=submission(["failed"]), prompted=True)
    assert scripted.after_answer(ctx(bank, lru, failing)).text == FIX_IT
    asked = replace(failing, fix_asked=True)
    assert scripted.after_answer(ctx(bank, lru, asked)).text != FIX_IT


def test_the_llm_is_shown_the_code_and_may_follow_up_a_submission_past_the_limit(bank, lru) -> None:  # type: ignore[no-untyped-def]
    model = ScriptedChatModel(replies=[move_json("follow_up", "What is the complexity of that?", ["complexity"])])
    iv = LLMInterviewer.from_chat_model(model, model_name="fake", policy=no_sleep_policy(), json_mode="json_object")
    code = CodeStatus(lang="python", code="class LRUCache:\n    pass\n", submissions=1, just_submitted=True,
                      last_submission=submission(["passed", "timeout"]))
    move = iv.after_answer(ctx(bank, lru, code, follow_ups_asked=2))
    assert move.kind is MoveKind.FOLLOW_UP and move.probes == ["complexity"]
    schema = model.kwargs_seen[0]["extra_body"]["response_format"]["schema"]
    assert "follow_up" in schema["properties"]["kind"]["enum"]
    prompt = "\n".join(str(m.content) for m in model.seen[0])
    assert "<code>\nclass LRUCache:\n    pass\n</code>" in prompt
    assert "1 of 2 hidden tests passed" in prompt and "t1: ran longer than its time limit" in prompt
    assert "They just submitted" in prompt
