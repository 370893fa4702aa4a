"""The bank's coding questions: enough of them, every reference passes its tests in every language it
offers, every wrong solution fails at least one hidden test, and lint catches broken coding specs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mockinterviewer.bank.loader import lint_bank, load_bank
from mockinterviewer.bank.schema import Kind
from mockinterviewer.coding import LANGUAGES, run_tests
from tests.conftest import BANK_DIR

BANK = load_bank(BANK_DIR)
CODING = sorted((q for q in BANK.questions.values() if q.coding is not None), key=lambda q: q.id)


def _slow(lang: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.slow] if lang == "java" else []  # a javac per solution: about a second each


REFERENCES = [pytest.param(q.id, lang, id=f"{q.id}-{lang}", marks=_slow(lang))
              for q in CODING for lang in q.coding.languages]  # type: ignore[union-attr]
WRONG = [pytest.param(q.id, i, id=f"{q.id}-{w.lang}-{i}", marks=_slow(w.lang))
         for q in CODING for i, w in enumerate(q.coding.wrong)]  # type: ignore[union-attr]


def test_enough_coding_questions_at_the_senior_bar() -> None:
    assert len(CODING) >= 12
    coding_kind = [q.id for q in BANK.questions.values() if q.kind is Kind.CODING]
    assert sorted(coding_kind) == [q.id for q in CODING], "every coding question carries a coding spec"
    for question in CODING:
        assert "senior" in question.levels and question.difficulty.value in ("medium", "hard"), question.id
        assert set(question.coding.languages) == set(LANGUAGES), question.id  # type: ignore[union-attr]
    screen = BANK.loop("netflix-senior-swe").round("technical-phone-screen")
    phone = [q for q in CODING if screen.id in q.round_types]
    assert len(phone) >= 2 * screen.questions, "the phone screen runs twice without a repeat"


@pytest.mark.parametrize(("question_id", "lang"), REFERENCES)
def test_every_reference_passes_its_examples_and_hidden_tests(question_id: str, lang: str) -> None:
    question = BANK.question(question_id)
    code = question.coding.references[lang]  # type: ignore[union-attr, index]
    for hidden in (False, True):
        result = run_tests(question, code, lang, hidden=hidden)
        failures = [(t.name, t.status, t.message) for t in result.tests if not t.passed]
        assert result.error is None and not failures, (result.error, failures)
        assert result.passed == result.total > 0


@pytest.mark.parametrize(("question_id", "index"), WRONG)
def test_every_wrong_solution_fails_a_hidden_test(question_id: str, index: int) -> None:
    question = BANK.question(question_id)
    wrong = question.coding.wrong[index]  # type: ignore[union-attr]
    result = run_tests(question, wrong.code, wrong.lang, hidden=True)
    assert result.error is None, result.error  # wrong, but it compiles and runs
    assert result.passed < result.total, f"'{wrong.flaw}' passes every hidden test"


def _broken_bank(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path / "bank"
    shutil.copytree(BANK_DIR, root)
    path = root / "questions" / "coding" / "merge-overlapping-intervals.yaml"
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def test_lint_names_an_entry_point_the_code_does_not_define(tmp_path: Path) -> None:
    def rename(data: dict) -> None:  # type: ignore[type-arg]
        data["coding"]["entry"] = "merge_ranges"
    _, problems = lint_bank(_broken_bank(tmp_path, rename))
    fields = {p.field for p in problems if "merge-overlapping" in str(p.path)}
    assert {"coding.signatures", "coding.references"} <= fields
    assert any("does not mention mergeRanges" in p.message for p in problems)


@pytest.mark.parametrize(("edit", "says"), [
    (lambda d: d["coding"]["hidden"].append({"name": "x", "init": [], "ops": [["get", [1], 1]]}),
     "a function task's tests use args and expected"),
    (lambda d: d["coding"].pop("wrong"), "required field is missing"),
    (lambda d: d["coding"]["references"].pop("java"), "must cover the same languages"),
    (lambda d: d["coding"]["signatures"].update(ruby="def merge_intervals; end"), "coding.signatures.ruby"),
    (lambda d: d["coding"].update(hidden=d["coding"]["hidden"][:2]), "at least 3"),
])
def test_lint_checks_the_coding_fields(tmp_path: Path, edit, says: str) -> None:  # type: ignore[no-untyped-def]
    _, problems = lint_bank(_broken_bank(tmp_path, edit))
    text = "\n".join(str(p) for p in problems)
    assert "merge-overlapping-intervals.yaml" in text and says in text, text


def test_lint_checks_operations_of_a_class_task(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    shutil.copytree(BANK_DIR, root)
    path = root / "questions" / "coding" / "lru-cache-o1.yaml"
    data = yaml.safe_load(path.read_text())
    data["coding"]["hidden"][0]["ops"].append(["get", 1])
    data["coding"]["hidden"][1]["ops"].append({"repeat": 0, "ops": [["get", [1], 1]]})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    _, problems = lint_bank(root)
    text = "\n".join(str(p) for p in problems)
    assert "each op is [method, [args], expected]" in text and "a repeat block is" in text, text
