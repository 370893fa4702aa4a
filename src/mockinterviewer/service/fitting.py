"""Fit a new session to a job description and a résumé: read them (pure parsers in bank/), rank
the questions by the job's requirements, make the questions about the candidate's own projects,
and record both in the plan, so that resuming, grading and the report see exactly what was fitted.
Nothing here leaves the process: the texts are only parsed and the results stored with the session."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mockinterviewer.bank.job import JobDescription, parse_job
from mockinterviewer.bank.resume import (
    Claim,
    is_behavioral_round,
    own_project_question,
    ownership_template,
    parse_resume,
    resume_questions,
)
from mockinterviewer.bank.schema import Loop, Question
from mockinterviewer.bank.select import JobFocus, job_focus
from mockinterviewer.errors import InputError
from mockinterviewer.transcript import JobFit, Plan

MAX_NAMED = 3  # requirements quoted in a note at the start; the report lists them all


@dataclass(frozen=True)
class Document:
    """A job description's or résumé's text and the name it is shown by (its file name)."""

    text: str
    name: str


@dataclass
class Fitting:
    loop: Loop
    questions: list[Question]
    rounds: list[str]
    job: JobDescription | None = None
    job_name: str = ""
    focus: JobFocus | None = None
    claims: list[Claim] = field(default_factory=list)
    resume_name: str = ""

    @classmethod
    def read(cls, job: Document | None, resume: Document | None, loop: Loop, questions: list[Question],
             round_id: str | None) -> Fitting:
        rounds = [round_id] if round_id is not None else [r.id for r in loop.rounds]
        fitting = cls(loop=loop, questions=questions, rounds=rounds)
        if resume is not None:
            fitting.claims = parse_resume(resume.text)
            fitting.resume_name = resume.name
            if not fitting.claims:
                raise InputError(f"No experience lines found in the résumé {resume.name}.",
                                 hint="List what you did as bullet points under an 'Experience' heading "
                                      "(e.g. '- Led the migration of billing to PostgreSQL').")
            if ownership_template(questions) is None:
                raise InputError("The question bank has no behavioral question with an ownership rubric (a criterion "
                                 "marked own_part), so the résumé cannot be asked about.",
                                 hint="Run without --resume, or add such a question to the bank.")
        if job is not None:
            fitting.job = parse_job(job.text)
            fitting.job_name = job.name
            template = ownership_template(questions)
            # the résumé's questions are matched too: a project on the résumé can exercise a requirement
            own = [own_project_question(c, template, "any") for c in fitting.claims] if template else []
            fitting.focus = job_focus([*questions, *own], [r.text for r in fitting.job.requirements])
        return fitting

    def own_questions(self, asked_before: Iterable[str]) -> dict[str, Question]:
        if not self.claims:
            return {}
        return resume_questions(self.loop, self.questions, self.claims, rounds=self.rounds, exclude=asked_before)

    def record(self, plan: Plan, own: dict[str, Question]) -> Plan:
        """The plan with the job's fit and the résumé's questions (`own`, as planned) stored in it."""
        planned = plan.question_ids()
        job_fit = None
        if self.job is not None and self.focus is not None:
            job_fit = JobFit(
                role=self.job.role, team=self.job.team, company=self.job.company, source=self.job_name,
                requirements=[r.text for r in self.job.requirements],
                exercised={qid: list(self.focus.exercised[qid]) for qid in planned if self.focus.exercised.get(qid)},
                covered=self.focus.covers_job,
            )
        own_data = [q.model_dump(mode="json") for q in own.values() if q.id in planned]
        return plan.model_copy(update={"job": job_fit, "own_questions": own_data})

    def notes(self, plan: Plan) -> list[str]:
        """What to tell the candidate at the start: how the session fits the job and the résumé."""
        said: list[str] = []
        fit = plan.job
        if fit is not None:
            where = f" ({fit.team} team)" if fit.team else ""
            at = f" at {fit.company}" if fit.company else ""
            covered = self.focus.covered if self.focus is not None else set()
            if not fit.covered:
                said.append(f"The question bank does not cover this job ({fit.role}{where}{at}): only "
                            f"{len(covered)} of its {len(fit.requirements)} requirements match any question, so "
                            "the rounds ask the loop's usual questions instead.")
            else:
                exercised = {i for found in fit.exercised.values() for i in found}
                said.append(f"Fitted to {fit.role}{where}{at} from {fit.source}: the questions exercise "
                            f"{len(exercised)} of its {len(fit.requirements)} requirements.")
                missing = [text for i, text in enumerate(fit.requirements) if i not in covered]
                if missing:
                    more = f" and {len(missing) - MAX_NAMED} more" if len(missing) > MAX_NAMED else ""
                    said.append("The bank has no question on: "
                                + "; ".join(m.rstrip(".") for m in missing[:MAX_NAMED]) + more + ".")
        if self.claims:
            rounds = {r.id: r.name for r in self.loop.rounds}
            asked = [rounds.get(q["round_types"][0], q["round_types"][0]) for q in plan.own_questions]
            if asked:
                said.append(f"From your résumé ({self.resume_name}): {', '.join(asked)} open with a question "
                            "about your own projects.")
            elif not any(is_behavioral_round(r) for r in self.loop.rounds if r.id in self.rounds):
                said.append("No behavioral or hiring-manager round in this session, so the résumé is not used.")
            else:
                said.append("Every project on the résumé was asked about before, so the rounds keep their questions.")
        return said
