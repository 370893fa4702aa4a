"""Blind answers: how a grader ranks answers written from each question's prompt alone.

Owns the held-out check of issue 8. Each entry of a blind file (evals/data/blind_answers.yaml) has
a strong, a mediocre, a weak answer and the strong one again in plain words, written by someone
who saw only the question's prompt, never its rubric. The figures: the share of questions where
strong > mediocre > weak, the mean scores, how far the plain answer falls below the jargon one,
whether it still beats the mediocre answer, and how many weak answers reach level 3 on any
criterion. The set checks generalisation: nothing may be tuned on it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from mockinterviewer.bank.loader import Bank
from mockinterviewer.errors import InputError
from mockinterviewer.grading.base import Grader

__all__ = ["KINDS", "BlindEntry", "BlindResult", "evaluate_blind", "load_blind"]

KINDS = ("strong", "mediocre", "weak", "plain")
HIGH_LEVEL = 3  # a weak answer should reach no criterion at this level or above


class BlindEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question_id: str
    strong: str
    mediocre: str
    weak: str
    plain: str


@dataclass(frozen=True)
class BlindQuestion:
    question_id: str
    scores: dict[str, float]
    ordered: bool
    weak_high_criteria: list[str]


@dataclass(frozen=True)
class BlindResult:
    questions: int
    ordered: int
    means: dict[str, float]
    plain_gap: float  # mean of strong - plain
    plain_above_mediocre: int
    weak_with_high_level: int
    per_question: list[BlindQuestion]

    @property
    def ordered_share(self) -> float:
        return self.ordered / self.questions if self.questions else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ordered_share": round(self.ordered_share, 3)}


def load_blind(path: Path) -> list[BlindEntry]:
    """The entries of a blind file, or of every *.yaml file of a folder in name order; InputError naming
    the file and entry when one is malformed."""
    if path.is_dir():
        files = sorted(path.glob("*.yaml"))
        if not files:
            raise InputError(f"{path} holds no *.yaml file of answers.", hint="Pass a YAML list with --answers.")
        return [entry for file in files for entry in load_blind(file)]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(
            f"Cannot read the blind answers {path}: {exc}", hint="Pass a YAML list with --answers."
        ) from exc
    if not isinstance(raw, list) or not raw:
        raise InputError(f"{path} holds no list of answers.", hint="See evals/data/blind_answers.yaml for the format.")
    entries = []
    for index, item in enumerate(raw, 1):
        try:
            entries.append(BlindEntry.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "entry"
            raise InputError(
                f"{path}, entry {index}: {where}: {first['msg']}",
                hint=f"Each entry needs question_id and {', '.join(KINDS)}.",
            ) from exc
    return entries


def evaluate_blind(bank: Bank, entries: Sequence[BlindEntry], grader: Grader) -> BlindResult:
    """Grade every answer of every entry whose question is in the bank."""
    per_question: list[BlindQuestion] = []
    for entry in entries:
        if entry.question_id not in bank.questions:
            continue
        question = bank.question(entry.question_id)
        grades = {kind: grader.grade(question, [getattr(entry, kind)]) for kind in KINDS}
        scores = {kind: grade.score for kind, grade in grades.items()}
        per_question.append(
            BlindQuestion(
                question_id=entry.question_id,
                scores=scores,
                ordered=scores["strong"] > scores["mediocre"] > scores["weak"],
                weak_high_criteria=[c.id for c in grades["weak"].criteria if c.level >= HIGH_LEVEL],
            )
        )
    if not per_question:
        raise InputError("None of the blind answers is for a question of this bank.", hint="Check the question ids.")
    return BlindResult(
        questions=len(per_question),
        ordered=sum(q.ordered for q in per_question),
        means={k: round(statistics.mean(q.scores[k] for q in per_question), 2) for k in KINDS},
        plain_gap=round(statistics.mean(q.scores["strong"] - q.scores["plain"] for q in per_question), 2),
        plain_above_mediocre=sum(q.scores["plain"] > q.scores["mediocre"] for q in per_question),
        weak_with_high_level=sum(bool(q.weak_high_criteria) for q in per_question),
        per_question=per_question,
    )
