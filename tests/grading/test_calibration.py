"""Calibration of the shipped rubrics: for each question, a strong, a mediocre and a weak answer
(written as candidates speak, in tests/data/calibration/) must land in the senior-bar bands."""

from __future__ import annotations

import pytest
import yaml

from mockinterviewer.grading.rubric import RubricGrader
from tests.conftest import PROJECT_ROOT

CALIBRATION = sorted((PROJECT_ROOT / "tests" / "data" / "calibration").glob("*.yaml"))
ENTRIES = [(path.stem, entry) for path in CALIBRATION for entry in yaml.safe_load(path.read_text())]


def test_calibration_sets_exist() -> None:
    assert CALIBRATION, "tests/data/calibration/*.yaml is missing"


@pytest.mark.parametrize(("group", "entry"), ENTRIES, ids=[f"{g}:{e['question_id']}" for g, e in ENTRIES])
def test_strong_mediocre_weak_land_in_their_bands(group: str, entry: dict, bank) -> None:  # type: ignore[no-untyped-def,type-arg]
    question = bank.question(entry["question_id"])
    grader = RubricGrader()
    strong, mediocre, weak = (grader.grade(question, [entry[k]]).score for k in ("strong", "mediocre", "weak"))
    assert strong >= 2.5, f"strong answer scored {strong}"
    assert weak <= 1.0, f"weak answer scored {weak}"
    assert strong > mediocre > weak or mediocre == weak == 0, (strong, mediocre, weak)
    assert mediocre <= 2.4, f"mediocre answer scored {mediocre}"


def test_every_question_of_the_bank_is_calibrated(bank) -> None:  # type: ignore[no-untyped-def]
    calibrated = {entry["question_id"] for _, entry in ENTRIES}
    assert sorted(set(bank.questions) - calibrated) == []
