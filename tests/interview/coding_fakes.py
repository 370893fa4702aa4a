"""Test doubles for live coding: a coding question built from a bank question, and a fake runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mockinterviewer.bank.loader import Bank
from mockinterviewer.bank.schema import Question
from mockinterviewer.store import Store
from mockinterviewer.transcript import Plan, PlannedQuestion, PlannedRound, Session

QUESTION_ID = "lru-cache-o1"
ROUND_ID = "technical-phone-screen"
STUBS = {
    "python": "def echo(x):\n    pass\n",
    "javascript": "function echo(x) {\n}\n",
    "java": "class Solution {\n    static int echo(int x) { return 0; }\n}\n",
}


def coding_question(bank: Bank, *, show_failing_input: bool = True,
                    languages: tuple[str, ...] = ("python", "javascript", "java")) -> Question:
    """The bank's LRU question with a small coding spec attached (whatever the bank's own data)."""
    signatures = {lang: STUBS[lang] for lang in languages}
    spec = SimpleNamespace(statement="echo(x) returns x.", signatures=signatures, show_failing_input=show_failing_input,
                           time_complexity="O(1)", space_complexity="O(1)")
    return bank.question(QUESTION_ID).model_copy(update={"coding": spec})


def coding_bank(bank: Bank, **kwargs: Any) -> Bank:
    return Bank(root=bank.root, questions={**bank.questions, QUESTION_ID: coding_question(bank, **kwargs)},
                loops=bank.loops)


def coding_session(store: Store, *, follow_ups: int = 2) -> Session:
    plan = Plan(loop_id="netflix-senior-swe", seed=1, rounds=[
        PlannedRound(round_id=ROUND_ID, questions=[PlannedQuestion(question_id=QUESTION_ID, minutes=40)])])
    session = Session(id="c1", candidate="ada", loop_id="netflix-senior-swe", plan=plan, max_follow_ups=follow_ups)
    store.create_session(session)
    return session


@dataclass
class FakeResult:
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.data)


def _test(name: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "status": status, "input": extra.get("input"), "expected": extra.get("expected"),
            "got": extra.get("got"), "seconds": extra.get("seconds", 0.01), "message": extra.get("message", "")}


@dataclass
class FakeRunner:
    """Passes everything when the code contains 'return x'; otherwise a wrong result and a timeout."""

    calls: list[tuple[str, str, bool]] = field(default_factory=list)

    def stub(self, question: Question, lang: str) -> str:
        return STUBS[lang]

    def run_tests(self, question: Question, code: str, lang: str, *, hidden: bool) -> FakeResult:
        self.calls.append((code, lang, hidden))
        names = ["big_input", "negative", "zero"] if hidden else ["example_one", "example_two"]
        if "return x" in code:
            tests = [_test(n, "passed") for n in names]
        else:
            tests = [_test(names[0], "timeout", input="echo(10**6)", message="It ran longer than 2 s."),
                     _test(names[1], "failed", input="echo(-1)", expected="-1", got="None"),
                     *[_test(n, "passed") for n in names[2:]]]
        passed = sum(t["status"] == "passed" for t in tests)
        return FakeResult({"lang": lang, "hidden": hidden, "passed": passed, "total": len(tests), "tests": tests,
                           "error": None, "seconds": 0.05, "sandboxed": True, "failed": len(tests) - passed})


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
