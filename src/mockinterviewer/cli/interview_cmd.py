"""`mockinterviewer interview | resume | sessions | report | grade`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mockinterviewer.bank.loader import Bank, load_bank
from mockinterviewer.channels.answers_file import AnswersChannel, load_answers
from mockinterviewer.channels.base import Channel
from mockinterviewer.channels.terminal import TerminalChannel
from mockinterviewer.cli.app import app
from mockinterviewer.config import Settings, load_settings
from mockinterviewer.errors import InputError
from mockinterviewer.grading.base import Grader
from mockinterviewer.grading.render import Format, render
from mockinterviewer.grading.report import Report, build_report
from mockinterviewer.grading.session import grade_session
from mockinterviewer.interview.interviewer import Interviewer
from mockinterviewer.interview.orchestrator import Orchestrator
from mockinterviewer.interview.plan import plan_session
from mockinterviewer.safe_files import read_capped, write_output
from mockinterviewer.safe_text import rich_safe, strip_controls
from mockinterviewer.store import Store, open_store
from mockinterviewer.store.locks import Hold
from mockinterviewer.store.store import new_session_id
from mockinterviewer.transcript import Session, SessionStatus

# emoji codes such as ":smile:" in an answer or a name are shown as typed, like markup
console = Console(highlight=False, emoji=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

MAX_CANDIDATE_CHARS = 100
MAX_ANSWER_FILE_BYTES = 1_000_000  # one answer; the grader keeps the first 20,000 characters


def _open_store(settings: Settings) -> Store:
    """The store; says once what it changed on the way (e.g. a data directory made private)."""
    store = open_store(settings)
    for notice in store.notices:
        err_console.print(notice, markup=False)
    return store


def _candidate_name(raw: str) -> str:
    """The --candidate name as stored and shown: no control characters, one line, not empty."""
    name = " ".join(strip_controls(raw).split())
    if not name:
        raise typer.BadParameter("the name is empty once control characters are removed; give a printable name.",
                                 param_hint="--candidate")
    if len(name) > MAX_CANDIDATE_CHARS:
        raise typer.BadParameter(f"at most {MAX_CANDIDATE_CHARS} characters, got {len(name)}.",
                                 param_hint="--candidate")
    return name


def _hold(store: Store, session_id: str) -> Hold:
    hold = store.hold_session(session_id)
    if hold is None:
        raise InputError(f"Session {session_id} is running in another process right now.",
                         hint="Continue it there, or stop that process and run this command again.")
    return hold


def build_interviewer(settings: Settings) -> tuple[Interviewer, str]:
    from mockinterviewer.providers.factory import build_interviewer as build

    return build(settings)


def build_grader(settings: Settings) -> tuple[Grader, str]:
    from mockinterviewer.providers.factory import build_grader as build

    return build(settings)


def _channel(answers: Path | None, voice: bool, *, push_to_talk: bool = False, speak: bool = True) -> Channel:
    terminal = TerminalChannel(console)
    channel: Channel = terminal
    if voice:
        from mockinterviewer.channels.voice import build_voice_channel

        overrides: dict[str, object] = {}
        if push_to_talk:
            overrides["push_to_talk"] = True
        if not speak:
            overrides["tts"] = "off"
        channel = build_voice_channel(terminal, load_settings(), **overrides)
    if answers is not None:
        channel = AnswersChannel(load_answers(answers), display=terminal)
    return channel


def _finish(settings: Settings, store: Store, bank: Bank, session_id: str, status: SessionStatus) -> None:
    session = store.load_session(session_id)
    grader, _label = build_grader(settings)
    grades = grade_session(session, bank.question, grader)
    store.save_grades(session.id, grades)
    report = build_report(session, bank.loop(session.loop_id), grades)
    console.rule("Feedback")
    console.print(render(report, "text"), markup=False)
    if status is SessionStatus.COMPLETED:
        console.print(f"\nSaved as session {session.id}. Export: mockinterviewer report {session.id} --format html "
                      f"-o report.html")


def _run(settings: Settings, store: Store, bank: Bank, session: Session, channel: Channel, hold: Hold) -> None:
    """Run the session while this process holds it (others see it as running, not interrupted)."""
    try:
        interviewer, label = build_interviewer(settings)
        channel.info(label)
        orchestrator = Orchestrator(bank=bank, store=store, session=session, interviewer=interviewer,
                                    channel=channel)
        try:
            status = orchestrator.run()
        except KeyboardInterrupt:
            err_console.print(f"\nInterrupted. Everything you answered is saved. Continue with: "
                              f"mockinterviewer resume {session.id}", markup=False)
            raise typer.Exit(130) from None
        finally:
            close = getattr(channel, "close", None)
            if close is not None:
                close()  # release the microphone
    finally:
        hold.release()
    _finish(settings, store, bank, session.id, status)


@app.command("interview")
def interview(
    loop: Annotated[str | None, typer.Option("--loop", help="Loop id (default: netflix-senior-swe).")] = None,
    round_id: Annotated[str | None, typer.Option("--round", help="Round id; default: the whole loop.")] = None,
    questions: Annotated[int | None, typer.Option("--questions", min=1, max=20,
                                                  help="Questions per round (default: the round's).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for a reproducible question choice.")] = None,
    candidate: Annotated[str, typer.Option("--candidate", help="Your name; questions you had are not repeated.",
                                           callback=_candidate_name)] = "candidate",
    answers: Annotated[Path | None, typer.Option("--answers", help="YAML list of replies, instead of typing.")]
    = None,
    voice: Annotated[bool, typer.Option("--voice", help="Hear the questions and answer aloud.")] = False,
    push_to_talk: Annotated[bool, typer.Option("--push-to-talk", help="With --voice: Enter starts and stops.")]
    = False,
    speak: Annotated[bool, typer.Option("--speak/--no-speak", help="With --voice: speak the questions.")] = True,
    max_follow_ups: Annotated[int | None, typer.Option("--max-follow-ups", min=0, max=5)] = None,
) -> None:
    """Hold a mock interview: one round, or the whole loop round by round.

    The question bank is read from MOCKINTERVIEWER_BANK_DIR (default: the shipped bank).
    """
    import random

    settings = load_settings()
    bank = load_bank(settings.bank_dir)
    the_loop = bank.loop(loop or settings.default_loop)
    # a bad answers file or a missing voice library fails before anything is recorded
    channel = _channel(answers, voice, push_to_talk=push_to_talk, speak=speak)
    store = _open_store(settings)
    chosen_seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    interviewer_obj, _ = build_interviewer(settings)
    session_id = new_session_id()
    hold = _hold(store, session_id)  # held before the session exists: it is never seen as interrupted

    def new_session(taken: set[str]) -> Session:
        plan = plan_session(
            the_loop, list(bank.questions.values()), round_id=round_id, count=questions, seed=chosen_seed,
            asked_before=taken,
        )
        return Session(
            id=session_id, candidate=candidate, loop_id=the_loop.id, plan=plan, interviewer=interviewer_obj.name,
            max_follow_ups=max_follow_ups if max_follow_ups is not None else settings.max_follow_ups,
        )

    try:
        session = store.create_planned_session(candidate, new_session)
    except BaseException:
        hold.release()
        raise
    plan = session.plan
    channel.info(f"Session {session.id} (seed {chosen_seed}). Type /help for commands.")
    for planned in plan.rounds:
        round_ = the_loop.round(planned.round_id)
        wanted = questions if questions is not None else round_.questions
        if len(planned.questions) < wanted:
            channel.info(f"{round_.name}: {len(planned.questions)} of the {wanted} questions asked for fit its "
                         f"{round_.duration_minutes} minutes and the bank.")
    _run(settings, store, bank, session, channel, hold)


@app.command("resume")
def resume(
    session_id: Annotated[str, typer.Argument(help="Session id (or a unique prefix).")],
    answers: Annotated[Path | None, typer.Option("--answers", help="YAML list of replies, instead of typing.")]
    = None,
    voice: Annotated[bool, typer.Option("--voice", help="Answer aloud.")] = False,
    push_to_talk: Annotated[bool, typer.Option("--push-to-talk", help="With --voice: Enter starts and stops.")]
    = False,
    speak: Annotated[bool, typer.Option("--speak/--no-speak", help="With --voice: speak the questions.")] = True,
) -> None:
    """Continue an unfinished session exactly where it stopped."""
    settings = load_settings()
    bank = load_bank(settings.bank_dir)
    store = _open_store(settings)
    session = store.load_session(session_id)
    if session.status is SessionStatus.COMPLETED:
        raise InputError(f"Session {session.id} is already complete.",
                         hint=f"See its report: mockinterviewer report {session.id}")
    channel = _channel(answers, voice, push_to_talk=push_to_talk, speak=speak)
    hold = _hold(store, session.id)
    session = store.load_session(session.id)  # the turns as the last process left them
    _run(settings, store, bank, session, channel, hold)


@app.command("sessions")
def sessions(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    candidate: Annotated[str | None, typer.Option("--candidate", help="Only this candidate's sessions.")] = None,
) -> None:
    """List recorded sessions, newest first.

    A session left in progress by a process that no longer runs is shown as interrupted.
    """
    store = _open_store(load_settings())
    rows = store.list_sessions(candidate)
    if as_json:
        print(json.dumps([
            {"id": s.id, "candidate": s.candidate, "loop_id": s.loop_id, "rounds": s.rounds,
             "status": s.shown_status, "turns": s.turns, "created_at": s.created_at.isoformat(),
             "updated_at": s.updated_at.isoformat()}
            for s in rows
        ], indent=2))
        return
    if not rows:
        console.print("No sessions yet. Start one with: mockinterviewer interview")
        return
    table = Table(title=f"{len(rows)} session(s)")
    for column in ("id", "candidate", "rounds", "status", "turns", "started"):
        table.add_column(column)
    for s in rows:
        table.add_row(*(rich_safe(cell) for cell in (s.id, s.candidate, ", ".join(s.rounds), s.shown_status,
                                                     str(s.turns), s.created_at.strftime("%Y-%m-%d %H:%M"))))
    console.print(table)
    resumable = [s for s in rows if s.shown_status in ("interrupted", SessionStatus.UNFINISHED.value)]
    for s in resumable[:5]:
        console.print(f"Session {s.id} is {s.shown_status}: continue it with: mockinterviewer resume {s.id}",
                      markup=False)


def session_report(settings: Settings, session_id: str) -> Report:
    bank = load_bank(settings.bank_dir)
    store = _open_store(settings)
    session = store.load_session(session_id)
    grades = store.load_grades(session.id)
    asked = {(t.round_id, t.question_id) for t in session.turns if t.kind.value == "question"}
    if len(grades) != len(asked):  # never graded, or graded before more turns were added
        grader, _ = build_grader(settings)
        grades = grade_session(session, bank.question, grader)
        store.save_grades(session.id, grades)
    return build_report(session, bank.loop(session.loop_id), grades)


@app.command("report")
def report(
    session_id: Annotated[str, typer.Argument(help="Session id (or a unique prefix).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, md, html or json.")] = "text",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file (readable by you only).")]
    = None,
    force: Annotated[bool, typer.Option("--force", help="With -o: replace an existing file.")] = False,
) -> None:
    """Show or export a session's feedback report. An existing file is never replaced without --force,
    and a symbolic link is never followed."""
    if fmt not in ("text", "md", "html", "json"):
        raise InputError(f"Unknown format '{fmt}'.", hint="Use one of: text, md, html, json.")
    text = render(session_report(load_settings(), session_id), fmt)  # type: ignore[arg-type]
    if output is None:
        if fmt == "json":
            print(text)
        else:
            console.print(text, markup=False)
        return
    write_output(output, text.encode("utf-8"), overwrite=force)
    console.print(f"Wrote {output}", markup=False)


@app.command("grade")
def grade(
    question_id: Annotated[str, typer.Argument(help="Question id (see 'bank list').")],
    answer: Annotated[str | None, typer.Option("--answer", help="The answer text.")] = None,
    answer_file: Annotated[Path | None, typer.Option("--answer-file", help="A file with the answer ('-': stdin).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the grade as JSON.")] = False,
) -> None:
    """Grade one answer to one question against its rubric."""
    import sys

    from mockinterviewer.interview.answers import clean_answer

    if (answer is None) == (answer_file is None):
        raise InputError("Give exactly one of --answer TEXT or --answer-file FILE.")
    if answer_file is not None:
        source = sys.stdin.buffer if str(answer_file) == "-" else answer_file
        raw = read_capped(source, MAX_ANSWER_FILE_BYTES, what="Answer file")
        answer = raw.decode("utf-8", errors="replace")
    assert answer is not None
    settings = load_settings()
    question = load_bank(settings.bank_dir).question(question_id)
    cleaned = clean_answer(answer)
    grader, _ = build_grader(settings)
    result = grader.grade(question, [cleaned.text] if cleaned.text else [], round_id=None)
    if as_json:
        print(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    from mockinterviewer.grading.render import _question_lines

    console.print(strip_controls(f"{question.prompt}\n"), markup=False)
    console.print(strip_controls("\n".join(_question_lines(result, "  - ", '"'))), markup=False)


__all__ = ["Format", "build_grader", "build_interviewer", "session_report"]
