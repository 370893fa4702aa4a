"""Human-graded short-answer datasets: read a CSV, recognise its layout from the header.

Owns the column layouts of the files in `shared/data/grading/` (see its README.md):

- ``mohler``: id, question, desired_answer, student_answer, score_me, score_other, score_avg
  (0..5; the grader is compared with score_avg, and score_me with score_other for the humans).
- ``saf``: question_id, question, reference_answer, student_answer, score (0..1), ...
- ``generic``: question, reference (or reference_answer / desired_answer), answer (or
  student_answer), score, optional question_id; the scale is 0..1 when every score is <= 1, else
  0..max rounded up.

Items are grouped per question by (question id, question text, reference), because the same id
can name different questions in different modules (SAF).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from mockinterviewer.errors import InputError
from mockinterviewer.evals.metrics import Scale

__all__ = ["Dataset", "Item", "detect_layout", "load_dataset"]

LAYOUTS: dict[str, set[str]] = {
    "mohler": {"id", "question", "desired_answer", "student_answer", "score_avg"},
    "saf": {"question_id", "question", "reference_answer", "student_answer", "score"},
}
_REFERENCE_COLUMNS = ("reference", "reference_answer", "desired_answer", "model_answer")
_ANSWER_COLUMNS = ("answer", "student_answer", "response")


@dataclass(frozen=True)
class Item:
    """One human-graded answer. `human_a`/`human_b` are the two separate grades when the file has them."""

    question_id: str
    question: str
    reference: str
    answer: str
    score: float
    human_a: float | None = None
    human_b: float | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.question_id, self.question, self.reference)


@dataclass
class Dataset:
    name: str
    layout: str
    scale: Scale
    items: list[Item] = field(default_factory=list)
    human_scale: Scale | None = None  # the scale of the separate human grades, when there are two

    @property
    def has_two_humans(self) -> bool:
        return self.human_scale is not None and all(i.human_a is not None for i in self.items)

    def by_question(self) -> dict[tuple[str, str, str], list[Item]]:
        groups: dict[tuple[str, str, str], list[Item]] = {}
        for item in self.items:
            groups.setdefault(item.key, []).append(item)
        return groups

    def limited(self, limit: int | None) -> Dataset:
        """At most `limit` items, spread evenly over the file (deterministic, covers every question)."""
        if limit is None or limit >= len(self.items):
            return self
        if limit <= 0:
            raise InputError("--limit must be a positive number of answers.")
        stride = len(self.items) / limit
        picked = [self.items[int(i * stride)] for i in range(limit)]
        return Dataset(self.name, self.layout, self.scale, picked, self.human_scale)


def detect_layout(header: list[str]) -> str:
    columns = {c.strip().lower() for c in header}
    for name, required in LAYOUTS.items():
        if required <= columns:
            return name
    if (
        "question" in columns
        and "score" in columns
        and columns & set(_REFERENCE_COLUMNS)
        and columns & set(_ANSWER_COLUMNS)
    ):
        return "generic"
    raise InputError(
        f"Unrecognised CSV header: {', '.join(header) or '(empty)'}.",
        hint="Expected the Mohler layout (id, question, desired_answer, student_answer, score_avg ...), "
        "the SAF layout (question_id, question, reference_answer, student_answer, score ...), or "
        "question, reference, answer, score.",
    )


def _number(value: str, column: str, line: int, path: Path) -> float:
    try:
        return float(value)
    except ValueError:
        raise InputError(
            f"{path}:{line}: column '{column}' is not a number: {value!r}.",
            hint="Every grade must be a number; fix or remove that row.",
        ) from None


def load_dataset(path: str | Path) -> Dataset:
    """Read a human-graded CSV; raises InputError (saying what to do) when it is missing or unknown."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"No such dataset file: {path}.",
            hint="Pass a CSV such as ../shared/data/grading/mohler_dev.csv with --dataset.",
        )
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            layout = detect_layout(header)
            rows = [{(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in reader]
    except UnicodeDecodeError:
        raise InputError(f"{path} is not a UTF-8 text CSV.", hint="Export it as UTF-8 CSV.") from None
    except csv.Error as exc:
        raise InputError(f"{path} is not a readable CSV: {exc}.", hint="Check its quoting.") from None
    items: list[Item] = []
    for line, row in enumerate(rows, start=2):
        if layout == "mohler":
            items.append(
                Item(
                    row["id"],
                    row["question"],
                    row["desired_answer"],
                    row["student_answer"],
                    _number(row["score_avg"], "score_avg", line, path),
                    _number(row["score_me"], "score_me", line, path) if row.get("score_me") else None,
                    _number(row["score_other"], "score_other", line, path) if row.get("score_other") else None,
                )
            )
        elif layout == "saf":
            items.append(
                Item(
                    row["question_id"],
                    row["question"],
                    row["reference_answer"],
                    row["student_answer"],
                    _number(row["score"], "score", line, path),
                )
            )
        else:
            reference = next(row[c] for c in _REFERENCE_COLUMNS if c in row)
            answer = next(row[c] for c in _ANSWER_COLUMNS if c in row)
            items.append(
                Item(
                    row.get("question_id") or row["question"][:40],
                    row["question"],
                    reference,
                    answer,
                    _number(row["score"], "score", line, path),
                )
            )
    if not items:
        raise InputError(f"{path} has a header but no rows.", hint="Pass a CSV with graded answers.")
    if layout == "mohler":
        scale = Scale(0.0, 5.0, 0.5, 1.0)
        human = (
            Scale(0.0, 5.0, 1.0, 1.0) if all(i.human_a is not None and i.human_b is not None for i in items) else None
        )
    elif layout == "saf":
        scale, human = Scale(0.0, 1.0, 0.25, 0.25), None
    else:
        top = max(i.score for i in items)
        if top <= 1:
            scale = Scale(0.0, 1.0, 0.25, 0.25)
        else:
            high = float(math.ceil(top))
            scale = Scale(0.0, high, 0.5, 1.0)
        human = None
    return Dataset(path.name, layout, scale, items, human)
