"""The feedback report: per-question grades rolled up per round (with a hire signal against the
level's bar) and per session, plus delivery figures of spoken answers when there are any."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from mockinterviewer.bank.schema import Loop
from mockinterviewer.transcript import QuestionGrade, Session, TurnKind


class RoundReport(BaseModel):
    round_id: str
    name: str
    score: float
    max_score: float
    hire_signal: str
    bar: float
    questions: list[str]
    gradable: bool


class JobCoverage(BaseModel):
    """How the questions asked covered the job the session was fitted to (`interview --job`)."""

    role: str
    team: str | None = None
    company: str | None = None
    source: str = ""
    covered_by_bank: bool = True
    exercised: dict[str, list[str]] = Field(default_factory=dict, description="Question id -> requirements.")
    not_covered: list[str] = Field(default_factory=list, description="Requirements no question asked exercised.")


def job_coverage(session: Session, grades: list[QuestionGrade]) -> JobCoverage | None:
    """Per question asked, the job's requirements it exercised, and the requirements none did."""
    fit = session.plan.job
    if fit is None:
        return None
    asked = [g.question_id for g in grades]
    exercised = {qid: [fit.requirements[i] for i in fit.exercised.get(qid, []) if i < len(fit.requirements)]
                 for qid in asked if fit.exercised.get(qid)}
    hit = {text for texts in exercised.values() for text in texts}
    return JobCoverage(role=fit.role, team=fit.team, company=fit.company, source=fit.source,
                       covered_by_bank=fit.covered, exercised=exercised,
                       not_covered=[text for text in fit.requirements if text not in hit])


class Report(BaseModel):
    session_id: str
    candidate: str
    loop_id: str
    company: str
    role: str
    status: str
    interviewer: str
    score: float
    max_score: float
    hire_signal: str
    rounds: list[RoundReport]
    questions: list[QuestionGrade]
    delivery: dict[str, Any] | None = None
    notes: list[str] = Field(default_factory=list)
    job: JobCoverage | None = None


def hire_signal(score: float, bar: float, *, gradable: bool) -> str:
    """Strong hire / hire / lean no hire / no hire against the level's bar on the rubric scale."""
    if not gradable:
        return "not enough to grade"
    if score >= bar + 0.75:
        return "strong hire"
    if score >= bar:
        return "hire"
    if score >= bar - 0.75:
        return "lean no hire"
    return "no hire"


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def _delivery(session: Session) -> dict[str, Any] | None:
    spoken = [t for t in session.turns if t.kind is TurnKind.ANSWER and isinstance(t.meta.get("delivery"), dict)]
    if not spoken:
        return None
    per_answer = [t.meta["delivery"] for t in spoken]
    answers = [
        {"turn": t.index, "question_id": t.question_id, "audio": t.meta.get("audio"), **t.meta["delivery"]}
        for t in spoken
    ]
    try:
        from mockinterviewer.speech.delivery import feedback, summarize
    except ImportError:
        return {"answers": answers}
    summary = summarize(per_answer)
    return {"session": summary, "answers": answers, "feedback": feedback(summary)}


def build_report(session: Session, loop: Loop, grades: list[QuestionGrade]) -> Report:
    rounds: list[RoundReport] = []
    scale = max((g.max_score for g in grades), default=4.0)
    for planned in session.plan.rounds:
        in_round = [g for g in grades if g.round_id == planned.round_id]
        if not in_round:
            continue
        try:
            name = loop.round(planned.round_id).name
        except KeyError:
            name = planned.round_id
        gradable = any(g.gradable for g in in_round)
        score = _mean([g.score for g in in_round])
        rounds.append(
            RoundReport(
                round_id=planned.round_id,
                name=name,
                score=score,
                max_score=scale,
                hire_signal=hire_signal(score, loop.hire_bar, gradable=gradable),
                bar=loop.hire_bar,
                questions=[g.question_id for g in in_round],
                gradable=gradable,
            )
        )
    overall = _mean([r.score for r in rounds])
    notes = []
    if session.status.value != "completed":
        notes.append(
            f"The session is {session.status.value.replace('_', ' ')}: only the questions asked so "
            f"far are graded. Continue it with 'mockinterviewer resume {session.id}'."
        )
    fallbacks = sorted({c.grader for g in grades for c in g.criteria if c.grader != "rubric"})
    if fallbacks:
        notes.append("Graders used: " + ", ".join(sorted({c.grader for g in grades for c in g.criteria})) + ".")
    return Report(
        session_id=session.id,
        candidate=session.candidate,
        loop_id=loop.id,
        company=loop.company,
        role=loop.role,
        status=session.status.value,
        interviewer=session.interviewer,
        score=overall,
        max_score=scale,
        hire_signal=hire_signal(overall, loop.hire_bar, gradable=any(r.gradable for r in rounds)),
        rounds=rounds,
        questions=grades,
        delivery=_delivery(session),
        notes=notes,
        job=job_coverage(session, grades),
    )
