"""The feedback report: per-question grades rolled up per round (with a hire signal against the
bar of the level interviewed for) and per session, plus delivery figures of spoken answers when
there are any.

The level changes the bar and the wording, never a score: at staff level a story is also read for
scope (`scope`), and an answer that names no work beyond one team gets a note saying so."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from mockinterviewer.bank.schema import Kind, Loop
from mockinterviewer.grading.scope import answer_scope
from mockinterviewer.transcript import QuestionGrade, Session, TurnKind

STAFF = "staff"


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
    level: str = Field(default="senior", description="The level interviewed for.")
    bar: float = Field(default=2.5, description="The hire bar at that level, on the rubric scale.")
    level_notes: dict[str, str] = Field(
        default_factory=dict, description="Question id -> how its answer reads at the level (staff: scope).")
    drafted: list[str] = Field(
        default_factory=list, description="Ids of questions a model drafted for this session from the job "
                                          "description, whose rubric no person has reviewed.")

    @property
    def loop_name(self) -> str:
        """The loop as the reader sees it named: "Netflix Senior Software Engineer", or the role alone."""
        return f"{self.company} {self.role}".strip()


def drafted_questions(session: Session) -> list[str]:
    """The ids of the session's own questions whose rubric is a draft (drafted from the job description)."""
    return [str(q["id"]) for q in session.plan.own_questions if (q.get("rubric") or {}).get("draft")]


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


def level_reading(level: str, bar: float, scale: float) -> str:
    """One line on how the rubric is read at `level`."""
    line = (f"Read at {level} level: the hire bar is {bar:.1f} of {scale:g}. The rubric's level descriptors are "
            "the same for every level; the bar is what changes.")
    if level == STAFF:
        line += (" A staff answer also needs scope across several teams and the technical strategy behind the "
                 "work: stories that name neither are noted below (the note does not change a score).")
    return line


def staff_scope_note(answer: str) -> str | None:
    """At staff level, what a story's answer lacks of a staff engineer's scope; None when it shows both
    work across teams and technical strategy."""
    scope = answer_scope(answer)
    if scope.multi_team and scope.strategy:
        return None
    if not scope.multi_team:
        missing = "shows a single team's scope only: no other teams, organisation or company-wide work is named"
        if not scope.strategy:
            missing += ", nor a technical strategy or direction set beyond the project"
    else:
        missing = ("names work across teams (" + ", ".join(scope.multi_team[:3]) + ") but no technical strategy "
                   "or direction set beyond the project")
    return f"At staff level this answer {missing}."


def _level_notes(level: str, loop: Loop, grades: list[QuestionGrade]) -> dict[str, str]:
    """Per story question (a round that asks behavioral questions), its scope note at staff level."""
    if level != STAFF:
        return {}
    notes = {}
    for grade in grades:
        try:
            story_round = Kind.BEHAVIORAL in loop.round(grade.round_id or "").kinds
        except KeyError:
            story_round = False
        if story_round and grade.gradable and grade.answer.strip():
            note = staff_scope_note(grade.answer)
            if note:
                notes[grade.question_id] = note
    return notes


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
    level = session.plan.level or loop.level
    bar = loop.bar_for(level)
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
                hire_signal=hire_signal(score, bar, gradable=gradable),
                bar=bar,
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
        company=loop.company or "",
        role=loop.role,
        status=session.status.value,
        interviewer=session.interviewer,
        score=overall,
        max_score=scale,
        hire_signal=hire_signal(overall, bar, gradable=any(r.gradable for r in rounds)),
        rounds=rounds,
        questions=grades,
        delivery=_delivery(session),
        notes=notes,
        job=job_coverage(session, grades),
        level=level,
        bar=bar,
        level_notes=_level_notes(level, loop, grades),
        drafted=drafted_questions(session),
    )
