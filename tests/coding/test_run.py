"""run_tests and stub on the shipped bank: correct, wrong, crashing and uncompilable solutions."""

from __future__ import annotations

import pytest

from mockinterviewer.coding import LANGUAGES, CheckResult, run_tests, stub
from mockinterviewer.errors import InputError


@pytest.fixture(scope="module")
def lru(bank):  # type: ignore[no-untyped-def]
    return bank.question("lru-cache-o1")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_stub_states_the_task_and_carries_the_signature(lru, lang: str) -> None:  # type: ignore[no-untyped-def]
    text = stub(lru, lang)
    assert "least recently used" in text
    assert "LRUCache(2); put(1, 1)" in text
    assert lru.coding.signatures[lang].strip() in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_reference_passes_the_examples(lru, lang: str) -> None:  # type: ignore[no-untyped-def]
    result = run_tests(lru, lru.coding.references[lang], lang, hidden=False)
    assert isinstance(result, CheckResult)
    assert result.error is None, result.error
    assert (result.passed, result.total) == (2, 2)
    assert result.sandboxed
    data = result.as_dict()
    assert data["failed"] == 0 and data["tests"][0]["status"] == "passed"


def test_a_wrong_answer_shows_the_call_that_failed(lru) -> None:  # type: ignore[no-untyped-def]
    wrong = lru.coding.wrong[0].code
    result = run_tests(lru, wrong, "python", hidden=True)
    failed = result.first_failure
    assert failed is not None and failed.status == "failed"
    assert failed.message == "Call 5 of 6, get, returned -1 where 10 was expected."
    assert failed.input is not None and failed.input.endswith("get(1)")
    assert failed.got == "-1" and failed.expected == "10"


def test_a_crash_is_a_result_with_the_line(lru) -> None:  # type: ignore[no-untyped-def]
    code = "class LRUCache:\n    def __init__(self, capacity):\n        pass\n    def get(self, key):\n" \
           "        return 1 // 0\n    def put(self, key, value):\n        pass\n"
    result = run_tests(lru, code, "python", hidden=False)
    assert result.passed == 0
    assert result.tests[0].status == "error"
    assert "ZeroDivisionError" in result.tests[0].message and "line 5" in result.tests[0].message


@pytest.mark.parametrize(("lang", "code", "says"), [
    ("python", "class LRUCache(:\n", "could not be loaded: solution.py line 1"),
    ("python", "x = 1\n", "does not define the class LRUCache"),
    ("javascript", "class LRUCache {", "could not be loaded: syntax error"),
    ("java", "class LRUCache { int get(int k) { return k } }", "does not compile: line 1: ';' expected."),
])
def test_code_that_cannot_load_is_one_sentence(lru, lang: str, code: str, says: str) -> None:  # type: ignore[no-untyped-def]
    result = run_tests(lru, code, lang, hidden=False)
    assert result.error is not None and says in result.error
    assert result.passed == 0 and result.total == 2


def test_usage_mistakes_raise_input_error(bank, lru) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="Unknown language 'cobol'"):
        run_tests(lru, "", "cobol", hidden=False)
    talk = next(q for q in bank.questions.values() if q.coding is None)
    with pytest.raises(InputError, match="no coding spec"):
        run_tests(talk, "", "python", hidden=False)
    with pytest.raises(InputError, match="no coding spec"):
        stub(talk, "python")


def test_without_bubblewrap_it_warns_and_still_applies_the_limits(lru, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from mockinterviewer.coding import SandboxWarning
    from mockinterviewer.coding.sandbox import Sandbox

    bare = Sandbox(isolate=False)
    with pytest.warns(SandboxWarning, match="bubblewrap"):
        result = run_tests(lru, lru.coding.references["python"], "python", hidden=False, sandbox=bare)
    assert result.ok and not result.sandboxed
    looping = "class LRUCache:\n    def __init__(self, capacity):\n        while True:\n            pass\n"
    with pytest.warns(SandboxWarning):
        result = run_tests(lru, looping, "python", hidden=False, sandbox=bare)
    assert [t.status for t in result.tests] == ["timeout", "timeout"]
    monkeypatch.setenv("MOCKINTERVIEWER_REQUIRE_SANDBOX", "1")
    result = run_tests(lru, lru.coding.references["python"], "python", hidden=False, sandbox=bare)
    assert result.error is not None and "requires it" in result.error and result.passed == 0


def test_a_timeout_is_recorded_and_the_other_tests_still_run(bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.question("merge-overlapping-intervals")
    code = ("def merge_intervals(intervals):\n    if intervals == [[1, 4], [4, 5]]:\n        while True:\n"
            "            pass\n    return sorted(intervals)[:1]\n")
    result = run_tests(question, code, "python", hidden=True)
    statuses = {t.name: t.status for t in result.tests}
    assert statuses["touching-merge"] == "timeout"
    assert statuses["single-point"] == "passed" and statuses["empty"] == "passed"
    assert len(statuses) == result.total == 7


@pytest.mark.parametrize("lang", ["javascript", "java"])
def test_without_bubblewrap_every_language_still_runs(lru, lang: str) -> None:  # type: ignore[no-untyped-def]
    from mockinterviewer.coding import SandboxWarning
    from mockinterviewer.coding.sandbox import Sandbox

    with pytest.warns(SandboxWarning):
        result = run_tests(lru, lru.coding.references[lang], lang, hidden=False, sandbox=Sandbox(isolate=False))
    assert result.ok and not result.sandboxed, result.error


def test_a_bubblewrap_that_cannot_run_here_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from mockinterviewer.coding import sandbox

    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/false" if name == "bwrap" else None)
    assert not sandbox.Sandbox().isolated


CRASHES = {
    "python": ("class LRUCache:\n    def __init__(self, capacity):\n        self.items = None\n"
               "    def get(self, key):\n        return self.items[key]\n    def put(self, key, value):\n"
               "        self.items[key] = value\n", "TypeError", "solution.py line 7"),
    "javascript": ("class LRUCache {\n  constructor(capacity) { this.items = null; }\n"
                   "  get(key) { return this.items.get(key); }\n  put(key, value) { this.items.set(key, value); }\n}\n",
                   "TypeError", "solution.js line 4"),
    "java": ("import java.util.Map;\n\nclass LRUCache {\n    private Map<Integer, Integer> items;\n"
             "    LRUCache(int capacity) {}\n    int get(int key) { return items.get(key); }\n"
             "    void put(int key, int value) { items.put(key, value); }\n}\n",
             "NullPointerException", "Solution.java line 7"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_crash_in_every_language_names_the_error_and_the_line(lru, lang: str) -> None:  # type: ignore[no-untyped-def]
    code, error, line = CRASHES[lang]
    result = run_tests(lru, code, lang, hidden=False)
    assert result.error is None and result.passed == 0
    first = result.tests[0]
    assert first.status == "error"
    assert first.message.startswith("The code raised an error in call 1 (put): " + error), first.message
    assert line in first.message
