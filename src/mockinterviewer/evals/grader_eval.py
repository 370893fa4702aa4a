"""How well does a grader agree with human graders? Grades a whole human-graded dataset.

Owns the evaluation loop: for each question of the dataset, derive a Question from its reference
answer (`grading.reference`), grade every answer with the grader under test (the same code path as
an interview), map the grader's 0..scale_max onto the dataset's scale linearly, and compute the
agreement figures overall and per question; where the file has two human grades, the same figures
between the two humans.

By default the rubric grader runs exactly as in an interview. Optionally (`corpus_idf=True`) its
term weights use an inverse document frequency over all the answers to the same question, computed
from the answers alone, never their grades; measured on both development files it does not help
(Mohler 0.546 vs 0.551 Pearson), so it is off by default.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from mockinterviewer.bank.schema import Question
from mockinterviewer.evals.datasets import Dataset, Item
from mockinterviewer.evals.metrics import Agreement, agreement
from mockinterviewer.grading.base import Grader
from mockinterviewer.grading.reference import question_from_reference
from mockinterviewer.grading.text import content_stems

__all__ = ["EvalResult", "QuestionResult", "answers_idf", "evaluate"]


@dataclass
class QuestionResult:
    question_id: str
    question: str
    agreement: Agreement
    human: Agreement | None = None


@dataclass
class EvalResult:
    dataset: str
    grader: str
    overall: Agreement
    per_question: list[QuestionResult]
    human: Agreement | None
    seconds: float
    predictions: list[float] = field(default_factory=list)
    gold: list[float] = field(default_factory=list)
    flags: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "grader": self.grader,
            "overall": self.overall.as_dict(),
            "human": self.human.as_dict() if self.human else None,
            "per_question": [
                {
                    "question_id": q.question_id,
                    "question": q.question,
                    **q.agreement.as_dict(),
                    "human": q.human.as_dict() if q.human else None,
                }
                for q in self.per_question
            ],
            "seconds": round(self.seconds, 3),
            "ms_per_answer": round(1000 * self.seconds / max(1, self.overall.n), 3),
            "flags": dict(self.flags),
        }


def answers_idf(answers: list[str]) -> Callable[[str], float]:
    """A smoothed, damped inverse document frequency over a set of answers (stems of their content words)."""
    docs = [set(content_stems(a)) for a in answers]
    n = len(docs)
    df: Counter[str] = Counter(s for d in docs for s in d)

    def idf(term: str) -> float:
        return math.sqrt(math.log((n + 1) / (df.get(term, 0) + 1)) + 1.0)

    return idf


def _slug(text: str) -> str:
    return "q-" + (re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x")


def evaluate(
    dataset: Dataset,
    grader_for: Callable[[Question, list[str]], Grader],
    *,
    label: str | None = None,
) -> EvalResult:
    """Grade every answer of `dataset`; `grader_for(question, all_answers)` returns the grader to use."""
    scale = dataset.scale
    started = time.perf_counter()
    predictions: list[float] = []
    gold: list[float] = []
    per_question: list[QuestionResult] = []
    flags: Counter[str] = Counter()
    name = label or ""
    for (qid, question_text, reference), items in dataset.by_question().items():
        question = question_from_reference(question_text, reference, question_id=_slug(qid))
        grader = grader_for(question, [i.answer for i in items])
        name = name or grader.name
        q_pred: list[float] = []
        for item in items:
            grade = grader.grade(question, [item.answer])
            flags.update(grade.flags)
            q_pred.append(scale.low + (scale.high - scale.low) * grade.score / grade.max_score)
        q_gold = [i.score for i in items]
        predictions.extend(q_pred)
        gold.extend(q_gold)
        per_question.append(
            QuestionResult(qid, question_text, agreement(q_pred, q_gold, scale), _human(dataset, items))
        )
    seconds = time.perf_counter() - started
    return EvalResult(
        dataset=dataset.name,
        grader=name,
        overall=agreement(predictions, gold, scale),
        per_question=per_question,
        human=_human(dataset, dataset.items),
        seconds=seconds,
        predictions=predictions,
        gold=gold,
        flags=flags,
    )


def _human(dataset: Dataset, items: list[Item]) -> Agreement | None:
    if not dataset.has_two_humans or dataset.human_scale is None:
        return None
    a = [float(i.human_a) for i in items if i.human_a is not None]
    b = [float(i.human_b) for i in items if i.human_b is not None]
    return agreement(a, b, dataset.human_scale)


def rubric_grader_for(*, corpus_idf: bool = False) -> Callable[[Question, list[str]], Grader]:
    """The offline rubric grader, optionally with term weights from the question's answers."""
    from mockinterviewer.grading.rubric import RubricGrader

    plain = RubricGrader()

    def factory(question: Question, answers: list[str]) -> Grader:
        return RubricGrader(idf=answers_idf(answers)) if corpus_idf else plain

    return factory
