"""The shipped bank is complete and valid; broken bank files are reported with file, line and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mockinterviewer.bank.loader import lint_bank
from tests.conftest import BANK_DIR, SHARED

ROUND_MINIMUMS = {
    "recruiter-screen": 5,
    "hiring-manager-screen": 6,
    "technical-phone-screen": 5,
    "onsite-coding": 5,
    "onsite-system-design": 5,
    "onsite-technical-deep-dive": 4,
    "onsite-architecture-trade-offs": 4,
    "onsite-behavioral": 6,
    "onsite-leadership": 6,
    "onsite-hiring-manager": 6,
}


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_shipped_bank_has_no_problems() -> None:
    bank, problems = lint_bank(BANK_DIR)
    assert problems == []
    assert "netflix-senior-swe" in bank.loops


def test_every_question_has_a_complete_rubric(bank) -> None:  # type: ignore[no-untyped-def]
    for question in bank.questions.values():
        rubric = question.rubric
        assert 3 <= len(rubric.criteria) <= 6, question.id
        assert not rubric.draft, f"{question.id} still has a draft rubric"
        for criterion in rubric.criteria:
            assert set(criterion.anchors) == set(range(rubric.scale_max + 1)), (question.id, criterion.id)
            assert len(criterion.signals) >= 3 and criterion.follow_up.strip(), (question.id, criterion.id)
        assert rubric.red_flags and len(rubric.exemplar) >= 3, question.id


def test_every_guide_question_is_in_the_bank_word_for_word(bank) -> None:  # type: ignore[no-untyped-def]
    """Word for word, minus a difficulty label the guide leaks into a prompt ("Medium: ..."); a
    prompt may add what the guide leaves out (the code that actually races, 'when did you do it')."""
    guide = (SHARED / "guides" / "netflix-senior-swe.txt").read_text()
    lines = guide.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Frequently Asked"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Additional Information"))
    guide_questions = [
        re.sub(r"^(Easy|Medium|Hard):\s*", "", lines[i + 2].strip()) for i in range(start, end)
        if re.search(r"(Easy|Medium|Hard)(Technical|System Design)$", lines[i])
    ]
    assert len(guide_questions) == 10
    prompts = [_collapse(q.prompt) for q in bank.questions.values()]
    missing = [q for q in guide_questions if not any(p.startswith(_collapse(q)) for p in prompts)]
    assert missing == []
    assert not [p for p in prompts if re.match(r"(Easy|Medium|Hard):", p)]


def test_enough_questions_to_run_every_round_twice(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    assert [r.id for r in loop.rounds] == list(ROUND_MINIMUMS)
    for round_ in loop.rounds:
        available = len(bank.for_round(round_.id))
        assert available >= ROUND_MINIMUMS[round_.id], round_.id
        assert available >= 2 * round_.questions, round_.id


def _copy_bank(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(BANK_DIR, target)
    return target


def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    root = _copy_bank(tmp_path)
    broken = root / "questions" / "broken.yaml"
    broken.write_text("id: broken\nprompt: [unclosed\nkind: coding\n")
    _, problems = lint_bank(root)
    assert len(problems) == 1
    assert problems[0].path == broken and problems[0].line is not None
    assert "invalid YAML" in problems[0].message


def test_unknown_field_names_the_field_and_line(tmp_path: Path) -> None:
    root = _copy_bank(tmp_path)
    source = root / "questions" / "clean-code" / "retry-backoff-strategy.yaml"
    text = source.read_text().replace("difficulty: medium", "difficulty: medium\ndifficultly: hard")
    source.write_text(text)
    _, problems = lint_bank(root)
    assert [p.field for p in problems] == ["difficultly"]
    expected_line = text.splitlines().index("difficultly: hard") + 1
    assert problems[0].line == expected_line
    assert "unknown field" in problems[0].message


def test_missing_rubric_and_duplicate_id(tmp_path: Path) -> None:
    root = _copy_bank(tmp_path)
    source = root / "questions" / "clean-code" / "retry-backoff-strategy.yaml"
    text = source.read_text()
    (root / "questions" / "copy.yaml").write_text(text)
    (root / "questions" / "norubric.yaml").write_text(text.split("rubric:")[0].replace(
        "id: retry-backoff-strategy", "id: no-rubric"))
    _, problems = lint_bank(root)
    messages = {(p.path.name, p.field): p.message for p in problems}
    assert ("norubric.yaml", "rubric") in messages
    assert any("duplicate id" in m for m in messages.values())


@pytest.mark.parametrize("anchors_text", ["        4: x\n"])
def test_anchors_must_cover_every_level(tmp_path: Path, anchors_text: str) -> None:
    root = _copy_bank(tmp_path)
    source = root / "questions" / "clean-code" / "retry-backoff-strategy.yaml"
    lines = source.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("4:"))
    del lines[index]
    source.write_text("".join(lines))
    _, problems = lint_bank(root)
    assert problems and "missing [4]" in problems[0].message
