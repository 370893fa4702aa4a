"""What a grader found in an answer, before it is worded: the contract between matching and feedback.

The offline matcher (and the LLM judge, per criterion) produce `CriterionFinding`s; the red-flag
detector produces `RedFlagHit`s; `grading.feedback` turns them into the `QuestionGrade` the
candidate reads, applying the question-level caps. Plain frozen data, no logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CriterionFinding", "RedFlagHit"]


@dataclass(frozen=True, slots=True)
class CriterionFinding:
    """One criterion of one answer.

    `score` is on 0..scale_max before question-level caps; `quotes` are verbatim clauses of the
    candidate's answer that show the criterion (empty when `score` is 0). `problems` are verbatim
    clauses that deny or contradict what the criterion asks ("without any locks"): never evidence,
    always named in the feedback. `notes` say why a score was held down ("only listed as keywords").
    """

    criterion_id: str
    score: float
    quotes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()  # rubric signals the answer showed
    missing: tuple[str, ...] = ()  # rubric signals it did not
    notes: tuple[str, ...] = ()
    rationale: str = ""  # the judge's own words, when a model graded it
    grader: str = "rubric"
    coverage: float | None = field(default=None)  # share of what the rubric looks for (offline matcher only)


@dataclass(frozen=True, slots=True)
class RedFlagHit:
    """A red flag of the rubric shown in the answer, with the clause that shows it."""

    flag: str
    quote: str
    cap: float
