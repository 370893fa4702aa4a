"""Grading a coding question: hidden tests for correctness, measured complexity, quality and testing read
from the code (verbatim quotes), communication from what was said; the report shows code and results."""

from __future__ import annotations

import json

import pytest

from mockinterviewer.grading.code import CodeVersion, code_grade, quality_finding
from mockinterviewer.grading.render import render
from mockinterviewer.grading.report import Report
from mockinterviewer.grading.rubric import RubricGrader
from tests.interview.coding_fakes import STUBS, coding_question

CLEAN = '''from collections import OrderedDict


class LRUCache:
    """Least recently used cache on an ordered dict."""

    def __init__(self, capacity):
        self.capacity = capacity
        self.entries = OrderedDict()

    def get(self, key):
        if key not in self.entries:
            return -1
        self._touch(key)
        return self.entries[key]

    def put(self, key, value):
        self.entries[key] = value
        self._touch(key)
        # evict the least recently used entry once over capacity
        if len(self.entries) > self.capacity:
            self.entries.popitem(last=False)

    def _touch(self, key):
        self.entries.move_to_end(key)


cache = LRUCache(1)
cache.put(1, 1)
assert cache.get(1) == 1
assert cache.get(2) == -1
'''

LRU_STUB = ("class LRUCache:\n    def __init__(self, capacity):\n        pass\n\n"
            "    def get(self, key):\n        pass\n\n    def put(self, key, value):\n        pass\n")
SAID = ["I use a hash map plus a doubly linked list so get and put are O(1) time and O(n) space.",
        "For edge cases I handle a capacity of one and updating an existing key."]


def result(statuses: dict[str, str], *, hidden: bool = True, error: str | None = None) -> dict:  # type: ignore[type-arg]
    tests = [{"name": n, "status": s, "input": f"ops for {n}", "expected": "1", "got": "2" if s == "failed" else "1",
              "seconds": 0.02, "message": ""} for n, s in statuses.items()]
    passed = sum(s == "passed" for s in statuses.values())
    return {"lang": "python", "hidden": hidden, "passed": passed, "total": len(tests), "tests": tests,
            "error": error, "seconds": 0.1, "sandboxed": True}


@pytest.fixture(scope="module")
def question(bank):  # type: ignore[no-untyped-def]
    return coding_question(bank)


def grade(question, versions, said=SAID):  # type: ignore[no-untyped-def]
    prose = RubricGrader().grade(question, said, round_id="technical-phone-screen") if said else None
    return code_grade(question, prose, said, versions, stub=LRU_STUB, round_id="technical-phone-screen")


def criterion(graded, cid):  # type: ignore[no-untyped-def]
    return next(c for c in graded.criteria if c.id == cid)


def test_all_hidden_tests_passing_is_full_correctness_with_the_tests_as_evidence(question) -> None:  # type: ignore[no-untyped-def]
    graded = grade(question, [CodeVersion(CLEAN, "python", "submit", result({"basic": "passed", "large": "passed"}))])
    approach = criterion(graded, "approach")
    assert approach.score == 4.0 and approach.grader == "code"
    assert approach.evidence[0] == "Hidden tests: 2 of 2 passed" and "Passed: basic, large" in approach.evidence
    assert graded.code is not None and graded.code.code == CLEAN and graded.code.passed == 2
    assert "Measured: every hidden test" in criterion(graded, "complexity").rationale
    assert any('Shown by: "Hidden tests: 2 of 2 passed"' in s for s in graded.strengths)


def test_failures_and_a_timeout_lower_correctness_complexity_and_edge_cases(question) -> None:  # type: ignore[no-untyped-def]
    statuses = {"basic": "passed", "capacity_one": "failed", "large": "timeout", "update": "passed"}
    graded = grade(question, [CodeVersion(CLEAN, "python", "submit", result(statuses))])
    approach = criterion(graded, "approach")
    assert approach.score == 2.0
    assert "Failed: capacity_one (wrong result), large (timed out)" in approach.evidence
    complexity = criterion(graded, "complexity")
    assert complexity.score <= 1.0 and "large ran out of time" in complexity.rationale
    edge = criterion(graded, "edge-cases")
    assert edge.score <= 2.0 and "capacity_one" in edge.rationale


def test_quality_and_testing_quote_the_code_verbatim(question) -> None:  # type: ignore[no-untyped-def]
    graded = grade(question, [CodeVersion(CLEAN, "python", "submit", result({"basic": "passed"}))])
    for cid in ("code-quality", "testing"):
        found = criterion(graded, cid)
        assert found.score > 0 and found.evidence
        for quote in found.evidence:
            assert quote in CLEAN or quote in " ".join(SAID), quote
    assert "assert cache.get(1) == 1" in criterion(graded, "testing").evidence
    assert "def _touch(self, key):" in criterion(graded, "code-quality").evidence
    for c in graded.criteria:  # every quote is in the graded answer (what was said, then the code)
        if c.grader == "code" and c.id != "approach":
            assert all(q in graded.answer for q in c.evidence)


def test_messy_code_scores_lower_on_quality_and_names_why() -> None:
    messy = "def f(q, z):\n" + "".join("    " * d + "if q:\n" for d in range(1, 8)) + "    " * 8 + "return z\n"
    finding = quality_finding("code-quality", messy, "python", STUBS["python"], ran=True, scale_max=4)
    clean = quality_finding("code-quality", CLEAN, "python", "", ran=True, scale_max=4)
    assert finding.score < clean.score
    assert any("Nested" in n for n in finding.notes) and any("Single-letter" in n for n in finding.notes)


def test_code_only_run_on_the_examples_is_held_down(question) -> None:  # type: ignore[no-untyped-def]
    graded = grade(question, [CodeVersion(CLEAN, "python", "run", result({"ex": "passed"}, hidden=False))])
    assert criterion(graded, "approach").score <= 2.0
    assert "never submitted" in criterion(graded, "approach").rationale
    assert graded.code is not None and not graded.code.submitted


def test_code_without_words_still_grades_the_code(question) -> None:  # type: ignore[no-untyped-def]
    graded = grade(question, [CodeVersion(CLEAN, "python", "submit", result({"basic": "passed"}))], said=[])
    assert criterion(graded, "approach").score == 4.0
    assert criterion(graded, "trade-offs").score == 0.0
    edge = criterion(graded, "edge-cases")
    assert edge.score == 2.0 and "Every hidden test passed" in edge.rationale
    assert "earns no points" not in edge.rationale


def test_code_that_does_not_run_earns_no_correctness(question) -> None:  # type: ignore[no-untyped-def]
    broken = result({"basic": "error"}, error="SyntaxError: invalid syntax (line 3).")
    graded = grade(question, [CodeVersion("def get(:\n", "python", "submit", broken)])
    assert criterion(graded, "approach").score == 0.0
    assert graded.code is not None and graded.code.error


def test_reports_show_the_code_and_results_escaped(question) -> None:  # type: ignore[no-untyped-def]
    code = 'def get(key):\n    """```\n<script>alert(1)</script>\n"""\n    return -1\n'
    graded = grade(question, [CodeVersion(code, "python", "submit", result({"basic": "passed", "big": "timeout"}))])
    report = Report(session_id="s", candidate="ada", loop_id="l", company="c", role="r", status="completed",
                    interviewer="scripted", score=graded.score, max_score=4, hire_signal="hire", rounds=[],
                    questions=[graded])
    text = render(report, "text")
    assert "Final code (python, 1 version run or submitted): 1 of 2 hidden tests passed" in text
    assert "    <script>alert(1)</script>" in text and "big: ran longer than its time limit" in text
    html = render(report, "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = render(report, "md")
    assert "````python\n" in md  # a fence longer than the ``` inside the code
    assert "- basic: passed" in md
    data = json.loads(render(report, "json"))
    assert data["questions"][0]["code"]["tests"][1]["status"] == "timeout"


def test_a_coding_question_answered_only_in_words_says_so(bank) -> None:  # type: ignore[no-untyped-def]
    from mockinterviewer.grading.session import NO_CODE, grade_session
    from mockinterviewer.transcript import Plan, PlannedQuestion, PlannedRound, Session, Speaker, Turn, TurnKind

    plan = Plan(loop_id="netflix-senior-swe", seed=1, rounds=[PlannedRound(
        round_id="technical-phone-screen", questions=[PlannedQuestion(question_id="lru-cache-o1", minutes=40)])])
    turns = [Turn(index=0, speaker=Speaker.INTERVIEWER, kind=TurnKind.QUESTION, text="q",
                  round_id="technical-phone-screen", question_id="lru-cache-o1"),
             Turn(index=1, speaker=Speaker.CANDIDATE, kind=TurnKind.ANSWER, text=SAID[0],
                  round_id="technical-phone-screen", question_id="lru-cache-o1")]
    session = Session(id="s", candidate="ada", loop_id="netflix-senior-swe", plan=plan, turns=turns)
    [graded] = grade_session(session, bank.question, RubricGrader())
    assert graded.code is None and graded.summary.endswith(NO_CODE)
