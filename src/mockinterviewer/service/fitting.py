"""Fit a new session to a job description and a résumé: read them (pure parsers in bank/), rank
the questions by the job's requirements, make the questions about the candidate's own projects,
and record both in the plan, so that resuming, grading and the report see exactly what was fitted.
The texts are only parsed and the results stored with the session; with a model configured, the job's
role, level and uncovered requirements (nothing else) are sent to it to draft questions (`draft`),
which are asked first in their rounds, stored in the plan and saved to the candidate's own bank
folder (`save_drafts`). A later session fitted to a job offers the saved ones again (`saved_drafts`),
ranked against its requirements like the bank's own, with no model needed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mockinterviewer.bank.drafting import (
    DEFAULT_DRAFTS,
    DRAFT_MARK,
    DraftOutcome,
    DraftRequest,
    draft_requests,
    question_yaml,
)
from mockinterviewer.bank.guide_model import slugify
from mockinterviewer.bank.job import JobDescription, parse_job
from mockinterviewer.bank.loader import lint_bank
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
from mockinterviewer.config import Settings
from mockinterviewer.errors import InputError
from mockinterviewer.safe_files import private_dir, write_output
from mockinterviewer.service.wiring import use_llm
from mockinterviewer.transcript import JobFit, Plan

MAX_NAMED = 3  # requirements quoted in a note at the start; the report lists them all
MODEL_HINT = " (set OPENAI_BASE_URL or OPENAI_API_KEY)"  # for whoever runs it; the web app words it for candidates
NEEDS_A_MODEL = ("Drafting questions for the {n} requirement(s) no bank question covers needs a language model"
                 + MODEL_HINT + "; nothing from the job description was sent anywhere.")


Drafter = Callable[[Sequence[DraftRequest], Collection[str]], DraftOutcome]  # requests, ids taken


def question_drafter(settings: Settings) -> Drafter | None:
    """The configured model as a drafter (its own caller, temperature 0); None offline."""
    if not use_llm(settings):
        return None
    from mockinterviewer.providers.chat import build_caller
    from mockinterviewer.providers.question_drafts import draft_questions
    from mockinterviewer.providers.structured import resolve_json_mode

    caller = build_caller(settings, temperature=0.0)
    json_mode = resolve_json_mode(settings.llm_json_mode, settings.openai_base_url)

    def drafter(requests: Sequence[DraftRequest], taken: Collection[str] = ()) -> DraftOutcome:
        return draft_questions(caller, requests, json_mode=json_mode, taken=taken, prompts_dir=settings.prompts_dir)

    return drafter


def candidate_bank_questions(home: Path, candidate: str) -> Path:
    """The folder of the candidate's own questions: `<data dir>/banks/<candidate as a slug>/questions`
    (a bank folder `mockinterviewer bank lint` reads)."""
    return home / "banks" / slugify(candidate, 8) / "questions"


def saved_drafts(folder: Path, taken: Collection[str]) -> tuple[list[Question], list[str]]:
    """The questions saved in the candidate's own bank folder by earlier sessions (drafts), read as
    `bank lint` reads that folder, and a note for each file that could not be read (it is left out;
    nothing else changes). `taken`: the bank's ids, which a saved question may not reuse."""
    if not folder.is_dir():
        return [], []
    own, problems = lint_bank(folder.parent)
    notes = [f"Your saved question {p.path.name} was left out: {p.message}. Check the folder with: "
             f"mockinterviewer bank lint {folder.parent}" for p in problems if p.blocking and p.path.is_file()]
    questions = [q for q in own.questions.values() if q.id not in taken]
    notes += [f"Your saved question {q.id} has the id of a bank question; it was left out."
              for q in own.questions.values() if q.id in taken]
    return questions, notes


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
    bank_focus: JobFocus | None = None  # the bank's own match, before any draft
    drafts: list[Question] = field(default_factory=list)
    draft_notes: list[str] = field(default_factory=list)
    saved: list[Question] = field(default_factory=list)  # drafted for this candidate in earlier sessions

    @classmethod
    def read(cls, job: Document | None, resume: Document | None, loop: Loop, questions: list[Question],
             round_id: str | None, saved: Sequence[Question] = ()) -> Fitting:
        """`saved`: the candidate's questions drafted in earlier sessions, offered again when a job is given."""
        rounds = [round_id] if round_id is not None else [r.id for r in loop.rounds]
        fitting = cls(loop=loop, questions=questions, rounds=rounds, saved=list(saved) if job is not None else [])
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
            requirements = [r.text for r in fitting.job.requirements]
            fitting.bank_focus = job_focus([*questions, *own], requirements)
            # the candidate's earlier drafts compete with the bank's questions; the bank's verdict stands
            fitting.focus = job_focus([*questions, *fitting.saved, *own], requirements) if fitting.saved \
                else fitting.bank_focus
        return fitting

    def uncovered(self) -> list[int]:
        """The job's requirements (indexes) no question of the bank exercises."""
        if self.job is None or self.focus is None:
            return []
        return [i for i in range(len(self.job.requirements)) if i not in self.focus.covered]

    def draft(self, drafter: Drafter | None, count: int | None, level: str, taken: Collection[str] = (), *,
              notice: Callable[[str], None] | None = None) -> None:
        """Draft up to `count` questions (None: DEFAULT_DRAFTS with a model, 0 without) for the
        uncovered requirements, and rank the valid ones first in their rounds. `drafter` None: no
        model is configured, which a note says when there was something to draft. `taken`: ids in use;
        `notice` hears that drafting starts (a model may take a while)."""
        uncovered = self.uncovered()
        if self.job is None or self.focus is None or not uncovered or count == 0:
            return
        if drafter is None:
            self.draft_notes.append(NEEDS_A_MODEL.format(n=len(uncovered)))
            return
        rounds = [r for r in self.loop.rounds if r.id in self.rounds]
        requests = draft_requests([r.text for r in self.job.requirements], set(uncovered), role=self.job.role,
                                  level=level, rounds=rounds, count=DEFAULT_DRAFTS if count is None else count,
                                  source=self.job_name)
        if not requests:
            self.draft_notes.append("No round of this session can ask a drafted question (a coding round needs "
                                    "tests a draft cannot supply), so none was drafted.")
            return
        if notice is not None:
            notice(f"Drafting {len(requests)} question(s) for requirements the bank does not cover with the "
                   "language model...")
        outcome = drafter(requests, taken)
        self.draft_notes += outcome.notes
        if not outcome.questions:
            return
        self.drafts = [q for _, q in outcome.questions]
        top = max(self.focus.scores.values(), default=0.0) + 1.0
        self.focus = JobFocus(
            scores={**self.focus.scores, **{q.id: top for q in self.drafts}},
            exercised={**self.focus.exercised, **{q.id: (req.index,) for req, q in outcome.questions}},
            requirements=self.focus.requirements,
        )

    def save_drafts(self, folder: Path) -> list[Path]:
        """Write each draft as `<folder>/<id>.yaml` (owner-only folders and files; an existing file is
        left as it is). A folder that cannot be written gets a note: the drafts are then used in this
        session only."""
        if not self.drafts:
            return []
        saved = []
        try:
            for private in (folder.parent.parent, folder.parent, folder):  # banks/, banks/<candidate>/, questions/
                private_dir(private)
            for question in self.drafts:
                path = folder / f"{question.id}.yaml"
                if not path.exists():
                    write_output(path, question_yaml(question).encode("utf-8"))
                saved.append(path)
        except (OSError, InputError) as exc:
            reason = exc.message if isinstance(exc, InputError) else (exc.strerror or str(exc))
            self.draft_notes.append(f"Could not save the drafted questions in {folder} ({reason}); they are used "
                                    "in this session only.")
        return saved

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
                covered=self.bank_focus.covers_job if self.bank_focus is not None else True,
            )
        made = [*own.values(), *self.saved, *self.drafts]
        own_data = [q.model_dump(mode="json") for q in made if q.id in planned]
        return plan.model_copy(update={"job": job_fit, "own_questions": own_data})

    def notes(self, plan: Plan) -> list[str]:
        """What to tell the candidate at the start: how the session fits the job and the résumé."""
        said: list[str] = []
        fit = plan.job
        if fit is not None:
            where = f" ({fit.team} team)" if fit.team else ""
            at = f" at {fit.company}" if fit.company else ""
            covered = self.bank_focus.covered if self.bank_focus is not None else set()
            drafted = [q for q in self.drafts if q.id in plan.question_ids()]
            again = [q for q in self.saved if q.id in plan.question_ids()]
            if not fit.covered:
                said.append(f"The question bank does not cover this job ({fit.role}{where}{at}): only "
                            f"{len(covered)} of its {len(fit.requirements)} requirements match any question, so "
                            + ("the rounds ask the drafted questions below and the loop's usual questions."
                               if drafted else "the rounds ask the loop's usual questions instead."))
            else:
                exercised = {i for found in fit.exercised.values() for i in found}
                said.append(f"Fitted to {fit.role}{where}{at} from {fit.source}: the questions exercise "
                            f"{len(exercised)} of its {len(fit.requirements)} requirements.")
                missing = [text for i, text in enumerate(fit.requirements) if i not in covered]
                if missing:
                    more = f" and {len(missing) - MAX_NAMED} more" if len(missing) > MAX_NAMED else ""
                    said.append("The bank has no question on: "
                                + "; ".join(m.rstrip(".") for m in missing[:MAX_NAMED]) + more + ".")
            if drafted:
                said.append(f"The model drafted {len(drafted)} question(s) for requirements the bank does not cover, "
                            f"asked first in their rounds and marked in the report ({DRAFT_MARK}): "
                            + "; ".join(f'"{q.prompt}"' for q in drafted))
            if again:
                said.append(f"Asked again from the questions drafted for you in earlier sessions ({DRAFT_MARK}): "
                            + "; ".join(f'"{q.prompt}"' for q in again))
            said += self.draft_notes
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
