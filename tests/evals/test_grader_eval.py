"""Grader agreement: metrics, dataset layouts, the CLI, and the acceptance bar on the Mohler data."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mockinterviewer.errors import InputError
from mockinterviewer.evals.datasets import detect_layout, load_dataset
from mockinterviewer.evals.grader_eval import evaluate, rubric_grader_for
from mockinterviewer.evals.metrics import Scale, agreement, pearson, qwk, spearman

GRADING = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "grading"
MOHLER = GRADING / "mohler_dev.csv"
SAF = GRADING / "saf_train.csv"
FIVE = Scale(0.0, 5.0, 0.5, 1.0)


def _need(path: Path) -> Path:
    assert path.is_file(), f"missing {path}: the shared grading data must sit beside the project"
    return path


# --- metrics ---------------------------------------------------------------------------------------


def test_perfect_agreement() -> None:
    gold = [0, 1.5, 2, 3, 4.5, 5]
    a = agreement(gold, gold, FIVE)
    assert a.pearson == pytest.approx(1) and a.spearman == pytest.approx(1) and a.qwk == pytest.approx(1)
    assert a.mae == 0 and a.rmse == 0 and a.exact == 1 and a.within_one == 1 and a.n == 6


def test_metrics_against_hand_computed_values() -> None:
    x = [1.0, 2.0, 3.0, 4.0]
    y = [1.0, 3.0, 2.0, 5.0]
    assert pearson(x, y) == pytest.approx(np.corrcoef(x, y)[0, 1])
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486833, abs=1e-6)  # ties get average ranks
    a = agreement([1.0, 2.0, 4.9], [1.0, 3.5, 5.0], FIVE)
    assert a.mae == pytest.approx((0 + 1.5 + 0.1) / 3)
    assert a.rmse == pytest.approx(math.sqrt((0 + 2.25 + 0.01) / 3))
    assert a.exact == pytest.approx(2 / 3)  # 4.9 snaps to 5.0
    assert a.within_one == pytest.approx(2 / 3)


def test_qwk_penalises_far_disagreement_more() -> None:
    gold = [0, 1, 2, 3, 4, 5] * 3
    near = [min(5, g + 1) for g in gold]
    far = [5 - g for g in gold]
    scale = Scale(0, 5, 1, 1)
    assert qwk(near, gold, scale) > 0.5 > qwk(far, gold, scale)
    assert qwk(far, gold, scale) < 0


def test_undefined_figures_are_none() -> None:
    a = agreement([3, 3, 3], [1, 2, 3], FIVE)
    assert a.pearson is None and a.spearman is None
    assert agreement([], [], FIVE).n == 0


# --- datasets ------------------------------------------------------------------------------------


def test_layouts_are_detected_from_the_header() -> None:
    assert (
        detect_layout(["id", "question", "desired_answer", "student_answer", "score_me", "score_other", "score_avg"])
        == "mohler"
    )
    assert detect_layout(["split", "question_id", "question", "reference_answer", "student_answer", "score"]) == "saf"
    assert detect_layout(["question", "reference", "answer", "score"]) == "generic"
    with pytest.raises(InputError, match="Unrecognised CSV header"):
        detect_layout(["a", "b"])


def test_missing_and_unrecognised_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such dataset file"):
        load_dataset(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,age\nx,1\n")
    with pytest.raises(InputError, match="Unrecognised"):
        load_dataset(bad)
    notnum = tmp_path / "generic.csv"
    notnum.write_text("question,reference,answer,score\nWhat?,A thing.,A thing.,high\n")
    with pytest.raises(InputError, match="not a number"):
        load_dataset(notnum)


def test_generic_layout_is_graded(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text(
        "question,reference,answer,score\n"
        "What is a stack?,A last-in first-out collection of items.,"
        "A collection where the last item in is the first out.,1\n"
        "What is a stack?,A last-in first-out collection of items.,A kind of tree.,0\n"
        "What is a stack?,A last-in first-out collection of items.,I don't know,0\n"
    )
    data = load_dataset(path)
    assert data.layout == "generic" and data.scale.high == 1
    result = evaluate(data, rubric_grader_for())
    assert result.predictions[0] > result.predictions[1] >= result.predictions[2] == 0


def test_mohler_file_layout_and_two_humans() -> None:
    data = load_dataset(_need(MOHLER))
    assert data.layout == "mohler" and len(data.items) == 1553 and data.has_two_humans
    assert len(data.by_question()) == 55
    limited = data.limited(100)
    assert len(limited.items) == 100 and len(limited.by_question()) >= 40


def test_saf_groups_questions_that_share_an_id() -> None:
    data = load_dataset(_need(SAF))
    assert data.layout == "saf" and data.scale.high == 1 and not data.has_two_humans
    ids = [qid for qid, _, _ in data.by_question()]
    assert len(ids) > len(set(ids))  # the same id names different questions in different modules


# --- the eval ------------------------------------------------------------------------------------


def test_sample_of_mohler_agrees_with_humans() -> None:
    data = load_dataset(_need(MOHLER)).limited(700)
    result = evaluate(data, rubric_grader_for())
    assert result.overall.n == 700
    assert result.overall.pearson is not None and result.overall.pearson >= 0.50
    assert result.human is not None and result.human.pearson is not None
    assert all(q.agreement.n >= 1 for q in result.per_question)


def test_full_mohler_reaches_the_acceptance_bar_within_a_minute() -> None:
    data = load_dataset(_need(MOHLER))
    started = time.perf_counter()
    result = evaluate(data, rubric_grader_for())
    assert time.perf_counter() - started < 60
    assert result.overall.n == 1553
    assert result.overall.pearson is not None and result.overall.pearson >= 0.55
    assert result.overall.spearman is not None and result.overall.spearman >= 0.55
    assert result.human is not None and 0.55 < (result.human.pearson or 0) < 0.65


def test_saf_agreement_beats_the_similarity_baselines() -> None:
    result = evaluate(load_dataset(_need(SAF)), rubric_grader_for())
    assert result.overall.pearson is not None and result.overall.pearson >= 0.653  # MiniLM cosine: 0.652
    assert result.flags["no_answer"] >= 100  # "No response." rows


# --- the CLI -------------------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str]:
    from mockinterviewer.cli.app import _register, app

    _register()
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_cli_json_output() -> None:
    code, out = _cli("eval", "grader", "--dataset", str(_need(MOHLER)), "--limit", "120", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data["overall"]) >= {"pearson", "spearman", "qwk", "mae", "rmse", "exact", "within_one", "n"}
    assert data["overall"]["n"] == 120
    assert data["human"]["pearson"] is not None
    assert data["per_question"] and {"question_id", "pearson", "n"} <= set(data["per_question"][0])


def test_cli_table_output() -> None:
    code, out = _cli("eval", "grader", "--dataset", str(_need(SAF)), "--limit", "60")
    assert code == 0
    assert "pearson" in out and "Per question" in out and "ms per answer" in out


def test_cli_reports_a_missing_dataset_as_an_input_error(tmp_path: Path) -> None:
    from mockinterviewer.cli.app import run

    assert run(["eval", "grader", "--dataset", str(tmp_path / "missing.csv")]) == InputError.exit_code
    assert run(["eval", "grader", "--dataset", str(_need(MOHLER)), "--grader", "nope"]) == InputError.exit_code
