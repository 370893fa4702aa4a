"""Grade every question a session asked, from its recorded turns (a coding question also from its code)."""

from __future__ import annotations

from collections.abc import Callable

from mockinterviewer.bank.schema import Question
from mockinterviewer.grading.base import Grader
from mockinterviewer.grading.code import CodeVersion, code_grade
from mockinterviewer.transcript import CriterionGrade, QuestionGrade, Session, Turn, TurnKind

FOLLOW_UP_SKIPPED = "follow_up_skipped"


def asked_questions(session: Session) -> list[tuple[str, str]]:
    """(round id, question id) of each question the interviewer actually asked, in order."""
    seen: list[tuple[str, str]] = []
    for turn in session.turns:
        if turn.kind is TurnKind.QUESTION and turn.question_id:
            key = (turn.round_id, turn.question_id)
            if key not in seen:
                seen.append(key)
    return seen


def ungraded(question: Question, round_id: str, *, flag: str, reason: str) -> QuestionGrade:
    """An honest 'not enough to grade': every criterion at 0 with the reason, no evidence."""
    scale = float(question.rubric.scale_max)
    return QuestionGrade(
        question_id=question.id,
        prompt=question.prompt,
        round_id=round_id,
        answer="",
        score=0.0,
        max_score=scale,
        criteria=[
            CriterionGrade(
                id=c.id,
                name=c.name,
                score=0.0,
                max_score=scale,
                weight=c.weight,
                evidence=[],
                rationale=reason,
                grader="rubric",
            )
            for c in question.rubric.criteria
        ],
        flags=[flag],
        gradable=False,
        summary=reason,
        gaps=[c.name for c in question.rubric.criteria],
        next_step="Answer this question out loud in a new session: even a partial answer can be graded.",
        grader="rubric",
    )


NO_CODE = "No code was run or submitted, so this coding question is graded only on what you said."


def code_versions(turns: list[Turn]) -> list[CodeVersion]:
    """Every version of the code run or submitted on a question, in order (from its `code` turns)."""
    return [
        CodeVersion(code=t.text, lang=str(t.meta.get("lang") or "python"), action=str(t.meta.get("action") or "run"),
                    result=t.meta["result"] if isinstance(t.meta.get("result"), dict) else {})
        for t in sorted(turns, key=lambda t: t.index)
        if t.kind is TurnKind.CODE
    ]


def _stub(question: Question, lang: str) -> str:
    if question.coding is None:
        return ""
    return next((text for name, text in question.coding.signatures.items() if name == lang), "")


def grade_session(session: Session, question_of: Callable[[str], Question], grader: Grader) -> list[QuestionGrade]:
    grades: list[QuestionGrade] = []
    for round_id, question_id in asked_questions(session):
        question = question_of(question_id)
        turns = [t for t in session.turns if t.question_id == question_id and t.round_id == round_id]
        answers = [t.text for t in turns if t.kind is TurnKind.ANSWER]
        skipped = any(t.kind is TurnKind.SKIP for t in turns)
        if answers:
            grade = grader.grade(question, answers, round_id=round_id)
            if skipped and FOLLOW_UP_SKIPPED not in grade.flags:
                # answered, then a follow-up skipped: graded on what was said, and it says so (not "skipped",
                # which is a question with no answer and no points)
                grade = grade.model_copy(update={"flags": [*grade.flags, FOLLOW_UP_SKIPPED]})
        elif skipped:
            grade = ungraded(
                question, round_id, flag="skipped", reason="Skipped: there is no answer to grade, so no points."
            )
        else:
            grade = ungraded(
                question,
                round_id,
                flag="no_answer",
                reason="Not answered before the session stopped: nothing to grade.",
            )
        versions = code_versions(turns)
        if versions:
            grade = code_grade(question, grade if answers else None, answers, versions,
                               stub=_stub(question, versions[-1].lang), round_id=round_id)
        elif question.coding is not None and grade.gradable:
            grade = grade.model_copy(update={"summary": f"{grade.summary} {NO_CODE}".strip()})
        grades.append(grade)
    return grades
