"""The Grader protocol shared by the offline rubric grader and the LLM judge."""

from __future__ import annotations

from typing import Protocol

from mockinterviewer.bank.schema import Question
from mockinterviewer.transcript import QuestionGrade


class Grader(Protocol):
    name: str

    def grade(self, question: Question, answers: list[str], *, round_id: str | None = None) -> QuestionGrade:
        """Grade the candidate's turns on one question; every score is backed by verbatim quotes."""
        ...
