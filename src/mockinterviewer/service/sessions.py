"""The session life cycle as one library API, the same for the CLI and the web app.

`Interviews` owns: starting a session (plan, hold, record), resuming one, taking the candidate's
replies through a Channel (the terminal, an answers file, the voice channel, later a browser
channel), finishing it (grade, save the grades and build the report, once), and loading a report.
It returns data (Session, Report, SessionStatus) and says nothing on a console: the faces
(`cli/`, later `web/`) parse their input, call it and render what it returns.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from mockinterviewer.bank.loader import Bank, load_bank
from mockinterviewer.bank.schema import LEVELS, Loop
from mockinterviewer.channels.base import Channel, Reply
from mockinterviewer.config import Settings
from mockinterviewer.errors import InputError
from mockinterviewer.grading.base import Grader
from mockinterviewer.grading.report import Report, build_report
from mockinterviewer.grading.session import asked_questions, grade_session
from mockinterviewer.interview.interviewer import Interviewer
from mockinterviewer.interview.orchestrator import Orchestrator
from mockinterviewer.interview.plan import plan_session
from mockinterviewer.interview.styles import get_style
from mockinterviewer.service.fitting import (
    Document,
    Fitting,
    candidate_bank_questions,
    question_drafter,
    saved_drafts,
)
from mockinterviewer.service.wiring import build_grader, build_interviewer
from mockinterviewer.store import SessionSummary, Store, open_store
from mockinterviewer.store.locks import Hold
from mockinterviewer.store.review import Reviews
from mockinterviewer.store.store import new_session_id
from mockinterviewer.transcript import QuestionGrade, Session, SessionStatus

Notice = Callable[[str], None]


@dataclass
class Running:
    """A session this process holds (others see it as running, not interrupted) and will run.

    `run()` releases the hold; a caller that gives up before running must call `release()`.
    """

    session: Session
    hold: Hold
    interviewer: Interviewer
    label: str  # which interviewer runs, for the user ("Interviewer: offline scripted (...)")
    seed: int | None = None  # the seed of a new session's question choice
    shortfalls: list[str] = field(default_factory=list)  # rounds that got fewer questions than asked for
    fit_notes: list[str] = field(default_factory=list)  # how the session fits the job and the résumé

    def release(self) -> None:
        self.hold.release()


class _OneReply:
    """A channel that gives one reply, then says the input has ended; everything else goes to `inner`
    (its optional abilities too, such as `edit` and `close`)."""

    def __init__(self, inner: Channel, reply: Reply | None) -> None:
        self.inner = inner
        self.pending: Reply | None = reply

    def say(self, text: str, *, kind: str) -> None:
        self.inner.say(text, kind=kind)

    def partial(self, chunk: str) -> None:
        self.inner.partial(chunk)

    def retract(self) -> None:
        retract = getattr(self.inner, "retract", None)
        if retract is not None:
            retract()

    def info(self, text: str) -> None:
        self.inner.info(text)

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        reply, self.pending = self.pending, None
        return reply

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


class Interviews:
    """The session life cycle over one store and one question bank, both opened on first use.

    `notice` receives what opening the store changed on the way (e.g. a data directory made private).
    """

    def __init__(self, settings: Settings, *, notice: Notice | None = None) -> None:
        self.settings = settings
        self._notice = notice
        self._bank: Bank | None = None
        self._store: Store | None = None

    # what it works on ------------------------------------------------------------------------

    @property
    def bank(self) -> Bank:
        if self._bank is None:
            self._bank = load_bank(self.settings.bank_dir)
        return self._bank

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings)
            for line in self._store.notices:
                if self._notice is not None:
                    self._notice(line)
        return self._store

    def loop(self, loop_id: str | None = None) -> Loop:
        """The loop to interview for (default: the configured one); InputError names the known ones."""
        return self.bank.loop(loop_id or self.settings.default_loop)

    def grader(self) -> tuple[Grader, str]:
        return build_grader(self.settings)

    def list_sessions(self, candidate: str | None = None) -> list[SessionSummary]:
        return self.store.list_sessions(candidate)

    # starting and resuming -------------------------------------------------------------------

    def _hold(self, session_id: str) -> Hold:
        hold = self.store.hold_session(session_id)
        if hold is None:
            raise InputError(f"Session {session_id} is running in another process right now.",
                             hint="Continue it there, or stop that process and run this command again.")
        return hold

    def start(
        self,
        *,
        candidate: str,
        loop_id: str | None = None,
        round_id: str | None = None,
        questions: int | None = None,
        seed: int | None = None,
        max_follow_ups: int | None = None,
        job: Document | None = None,
        resume: Document | None = None,
        level: str | None = None,
        style: str | None = None,
        draft_questions: int | None = None,
    ) -> Running:
        """Plan and record a new session (questions the candidate had before are not repeated), held.

        `job`: a job description's text: each round's questions are ranked by its requirements, and
        the opening and the report name its role and team. `resume`: a résumé's text: behavioral and
        hiring-manager rounds open with a question about one of the candidate's own projects. Both
        are read here, offline; they are stored only in the session's plan. `level` (mid, senior,
        staff; default: the loop's) asks only questions written for it and sets the report's bar;
        `style` (warm, neutral, tough) is the interviewer's; both are kept in the plan.
        `draft_questions`: with a job and a model, how many questions to draft for the requirements no
        bank question covers (None: a default; see Fitting.draft); they are saved to the candidate's
        own bank folder in the data directory."""
        the_loop = self.loop(loop_id)
        if level is not None and level not in LEVELS:
            raise InputError(f"Unknown level '{level}'.", hint=f"Use one of: {', '.join(LEVELS)}.")
        get_style(style)  # an unknown style fails before anything is recorded
        if draft_questions is not None and job is None:
            raise InputError("--draft-questions drafts questions from a job description.",
                             hint="Add --job FILE, or leave --draft-questions out.")
        own_bank = candidate_bank_questions(self.settings.home, candidate)
        saved, saved_notes = saved_drafts(own_bank, self.bank.questions) if job is not None else ([], [])
        fitting = Fitting.read(job, resume, the_loop, list(self.bank.questions.values()), round_id, saved)
        fitting.draft_notes += saved_notes
        if job is not None:
            in_use = {*self.bank.questions, *(p.stem for p in own_bank.glob("*.yaml"))}
            fitting.draft(question_drafter(self.settings), draft_questions, level or the_loop.level, in_use,
                          notice=self._notice)
            fitting.save_drafts(own_bank)
        store = self.store
        chosen_seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
        interviewer, label = build_interviewer(self.settings)
        session_id = new_session_id()
        hold = self._hold(session_id)  # held before the session exists: it is never seen as interrupted
        bank = self.bank

        def new_session(taken: set[str]) -> Session:
            own = fitting.own_questions(taken)
            plan = plan_session(
                the_loop, [*bank.questions.values(), *fitting.saved, *fitting.drafts], round_id=round_id,
                count=questions,
                seed=chosen_seed,
                asked_before=taken, focus=fitting.focus, own_questions=own, level=level, style=style,
            )
            plan = fitting.record(plan, own)
            return Session(
                id=session_id, candidate=candidate, loop_id=the_loop.id, plan=plan, interviewer=interviewer.name,
                max_follow_ups=max_follow_ups if max_follow_ups is not None else self.settings.max_follow_ups,
            )

        try:
            session = store.create_planned_session(candidate, new_session)
        except BaseException:
            hold.release()
            raise
        shortfalls = []
        for planned in session.plan.rounds:
            round_ = the_loop.round(planned.round_id)
            wanted = questions if questions is not None else round_.questions
            if len(planned.questions) < wanted:
                shortfalls.append(f"{round_.name}: {len(planned.questions)} of the {wanted} questions asked for "
                                  f"fit its {round_.duration_minutes} minutes and the bank.")
        return Running(session=session, hold=hold, interviewer=interviewer, label=label, seed=chosen_seed,
                       shortfalls=shortfalls, fit_notes=fitting.notes(session.plan))

    def check_resumable(self, session_id: str) -> Session:
        """The session (by id or unique prefix); InputError when it is already complete."""
        session = self.store.load_session(session_id)
        if session.status is SessionStatus.COMPLETED:
            raise InputError(f"Session {session.id} is already complete.",
                             hint=f"See its report: mockinterviewer report {session.id}")
        return session

    def resume(self, session_id: str) -> Running:
        """Hold an unfinished session and reload its turns as the last process left them."""
        session = self.check_resumable(session_id)
        hold = self._hold(session.id)
        try:
            session = self.store.load_session(session.id)
            interviewer, label = build_interviewer(self.settings)
        except BaseException:
            hold.release()
            raise
        return Running(session=session, hold=hold, interviewer=interviewer, label=label)

    # taking replies --------------------------------------------------------------------------

    def run(self, running: Running, channel: Channel, *, quiet: bool = False) -> SessionStatus:
        """Take the candidate's replies through `channel` until the session ends, the input ends or the
        candidate quits; every turn is saved as it happens. Releases the hold and closes the channel
        (a KeyboardInterrupt still does both, with the session saved as unfinished, and propagates).
        `quiet` (a request-at-a-time face): no resume greeting, no repeated question, no "saved as
        unfinished" line, and the interviewer's label only on the session's first request."""
        try:
            if not quiet or not running.session.turns:
                channel.info(running.label)
            orchestrator = Orchestrator(bank=self.bank.for_plan(running.session.plan), store=self.store,
                                        session=running.session, interviewer=running.interviewer, channel=channel,
                                        quiet=quiet)
            try:
                return orchestrator.run()
            finally:
                close = getattr(channel, "close", None)
                if close is not None:
                    close()  # release the microphone
        finally:
            running.release()

    def take_reply(self, session: str | Running, reply: Reply | str | None, channel: Channel, *,
                   quiet: bool = True) -> SessionStatus:
        """One reply for a request-at-a-time face (the browser): hold the session (a session id is
        resumed; a `Running` from `start` is already held), take `reply`, let the interviewer answer it
        through `channel`, and save the session as unfinished again, or completed when that reply ended
        it. `None` takes no reply: the interviewer only says what comes next (e.g. the first question).
        Quiet by default (see `run`): the face shows the transcript itself on every request."""
        running = self.resume(session) if isinstance(session, str) else session
        one = _OneReply(channel, Reply(text=reply) if isinstance(reply, str) else reply)
        return self.run(running, one, quiet=quiet)

    # finishing and reports -------------------------------------------------------------------

    def _grade(self, session: Session) -> list[QuestionGrade]:
        grader, _label = self.grader()
        grades = grade_session(session, self.bank.for_plan(session.plan).question, grader)
        self.store.save_grades(session.id, grades)
        Reviews(self.store).relist(session.id)  # a coach's overrides still count in the listed score
        return grades

    def finish(self, session_id: str) -> Report:
        """Grade every question the session asked, save the grades and return the report."""
        session = self.store.load_session(session_id)
        return build_report(session, self.bank.for_plan(session.plan).loop(session.loop_id), self._grade(session))

    def report(self, session_id: str) -> Report:
        """The session's report from its saved grades; graded again when it was never graded or turns
        were added after it was."""
        session = self.store.load_session(session_id)
        bank = self.bank.for_plan(session.plan)
        grades = self.store.load_grades(session.id)
        if len(grades) != len(asked_questions(session)):
            grades = self._grade(session)
        return build_report(session, bank.loop(session.loop_id), grades)
