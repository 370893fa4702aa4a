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
    assert strong >= 2.2, f"strong answer scored {strong}"  # the hire bar for most, see the next test
    assert weak <= 1.0, f"weak answer scored {weak}"
    assert strong > mediocre > weak or mediocre == weak == 0, (strong, mediocre, weak)
    assert mediocre <= 2.4, f"mediocre answer scored {mediocre}"


def test_strong_answers_reach_the_hire_bar(bank) -> None:  # type: ignore[no-untyped-def]
    """Measured 119 of 121 at 2.5 or more (2.39 and 2.47 the others) once a criterion's own name words
    stopped showing its signals alone and level 3 needed a likely quote and a concrete detail; 118 (2.23,
    2.41, 2.45) once the question's own words stopped showing them alone too."""
    grader = RubricGrader()
    scores = [grader.grade(bank.question(e["question_id"]), [e["strong"]]).score for _, e in ENTRIES]
    assert sum(s >= 2.5 for s in scores) >= 0.97 * len(scores), sorted(scores)[:5]


def test_every_question_of_the_bank_is_calibrated(bank) -> None:  # type: ignore[no-untyped-def]
    calibrated = {entry["question_id"] for _, entry in ENTRIES}
    assert sorted(set(bank.questions) - calibrated) == []


HELDOUT = sorted((PROJECT_ROOT / "tests" / "data" / "calibration-heldout").glob("*.yaml"))


def test_answers_never_used_for_tuning_keep_their_order_and_bands(bank) -> None:  # type: ignore[no-untyped-def]
    """Answers written before any signal or constant was tuned: the order must hold on average and weak
    answers must stay low; this set measures how the grader generalises, so its bounds are loose."""
    grader = RubricGrader()
    entries = [e for path in HELDOUT for e in yaml.safe_load(path.read_text())]
    assert entries
    scores = {k: [grader.grade(bank.question(e["question_id"]), [e[k]]).score for e in entries]
              for k in ("strong", "mediocre", "weak")}
    mean = {k: sum(v) / len(v) for k, v in scores.items()}
    # strong mean measured 2.18 (2.65 before issue 8's stricter evidence: a clause is quoted for the
    # criterion it states best and only when it states enough of it, one clause stays below level 3,
    # an own-part criterion needs an "I")
    assert mean["strong"] >= 2.0 and mean["strong"] > mean["mediocre"] + 0.8 > mean["weak"] + 0.8
    assert max(scores["weak"]) <= 1.25  # measured 1.07 once the rubrics gained plain-word signals
    assert sum(s > m for s, m in zip(scores["strong"], scores["mediocre"], strict=True)) >= 0.8 * len(entries)
