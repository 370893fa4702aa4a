"""`mockinterviewer interview | resume | sessions | report | grade`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mockinterviewer.bank.documents import read_document
from mockinterviewer.bank.drafting import DEFAULT_DRAFTS, MAX_DRAFTS
from mockinterviewer.channels.answers_file import AnswersChannel, load_answers
from mockinterviewer.channels.base import Channel
from mockinterviewer.channels.terminal import TerminalChannel
from mockinterviewer.cli.app import app
from mockinterviewer.config import load_settings
from mockinterviewer.errors import InputError
from mockinterviewer.grading.render import render
from mockinterviewer.safe_files import read_capped, write_output
from mockinterviewer.safe_text import rich_safe, strip_controls
from mockinterviewer.service import Interviews, Running
from mockinterviewer.service.fitting import Document
from mockinterviewer.transcript import SessionStatus

# emoji codes such as ":smile:" in an answer or a name are shown as typed, like markup
console = Console(highlight=False, emoji=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)



class Level(StrEnum):
    """--level; the same names as bank.schema.LEVELS (a test checks they agree)."""

    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"


class InterviewerStyle(StrEnum):
    """--style; the styles of interview/data/styles.yaml (a test checks they agree)."""

    WARM = "warm"
    NEUTRAL = "neutral"
    TOUGH = "tough"

MAX_CANDIDATE_CHARS = 100
MAX_ANSWER_FILE_BYTES = 1_000_000  # one answer; the grader keeps the first 20,000 characters


def _interviews() -> Interviews:
    """The library, saying once on stderr what opening the store changed (e.g. a data directory made private)."""
    return Interviews(load_settings(), notice=lambda line: err_console.print(line, markup=False))


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


def _run(interviews: Interviews, running: Running, channel: Channel) -> None:
    """Take the replies through the channel, then grade and show the feedback."""
    session_id = running.session.id
    try:
        status = interviews.run(running, channel)
    except KeyboardInterrupt:
        err_console.print(f"\nInterrupted. Everything you answered is saved. Continue with: "
                          f"mockinterviewer resume {session_id}", markup=False)
        raise typer.Exit(130) from None
    report = interviews.finish(session_id)
    console.rule("Feedback")
    console.print(render(report, "text"), markup=False)
    if status is SessionStatus.COMPLETED:
        console.print(f"\nSaved as session {session_id}. Export: mockinterviewer report {session_id} --format html "
                      f"-o report.html")


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
    job: Annotated[Path | None, typer.Option(
        "--job", help="A job description (text, Markdown or PDF): questions ranked by its requirements.")] = None,
    resume_file: Annotated[Path | None, typer.Option(
        "--resume", help="Your résumé (text, Markdown or PDF): behavioral rounds ask about your projects.")] = None,
    level: Annotated[Level | None, typer.Option(
        "--level", help="The level you interview for: its questions and hire bar (default: the loop's).")] = None,
    style: Annotated[InterviewerStyle, typer.Option(
        "--style", help="The interviewer: warm (fewer, gentler follow-ups), neutral, or tough (presses for "
                        "specifics, cuts long answers at their time box).")] = InterviewerStyle.NEUTRAL,
    draft_questions: Annotated[int | None, typer.Option(
        "--draft-questions", min=0, max=MAX_DRAFTS,
        help=f"With --job and a language model: draft up to N questions for requirements no bank question "
             f"covers (default {DEFAULT_DRAFTS}; 0: none), saved to your own bank folder.")] = None,
) -> None:
    """Hold a mock interview: one round, or the whole loop round by round.

    The question bank is read from MOCKINTERVIEWER_BANK_DIR (default: the shipped bank). The job
    description and résumé are read on this machine and stored with the session only.
    """
    interviews = _interviews()
    interviews.loop(loop)
    job_doc = Document(read_document(job, what="Job description"), job.name) if job is not None else None
    resume_doc = Document(read_document(resume_file, what="Résumé"), resume_file.name) \
        if resume_file is not None else None
    # a bad answers file or a missing voice library fails before anything is recorded
    channel = _channel(answers, voice, push_to_talk=push_to_talk, speak=speak)
    running = interviews.start(candidate=candidate, loop_id=loop, round_id=round_id, questions=questions, seed=seed,
                               max_follow_ups=max_follow_ups, job=job_doc, resume=resume_doc,
                               level=level.value if level is not None else None, style=style.value,
                               draft_questions=draft_questions)
    channel.info(f"Session {running.session.id} (seed {running.seed}). Type /help for commands.")
    for line in (*running.fit_notes, *running.shortfalls):
        channel.info(line)
    _run(interviews, running, channel)


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
    interviews = _interviews()
    _ = interviews.bank  # a broken bank fails before the store is opened, as for `interview`
    interviews.check_resumable(session_id)
    channel = _channel(answers, voice, push_to_talk=push_to_talk, speak=speak)
    _run(interviews, interviews.resume(session_id), channel)


@app.command("sessions")
def sessions(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    candidate: Annotated[str | None, typer.Option("--candidate", help="Only this candidate's sessions.")] = None,
) -> None:
    """List recorded sessions, newest first.

    A session left in progress by a process that no longer runs is shown as interrupted.
    """
    rows = _interviews().list_sessions(candidate)
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
    text = render(_interviews().report(session_id), fmt)  # type: ignore[arg-type]
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
    interviews = _interviews()
    question = interviews.bank.question(question_id)
    cleaned = clean_answer(answer)
    grader, _ = interviews.grader()
    result = grader.grade(question, [cleaned.text] if cleaned.text else [], round_id=None)
    if as_json:
        print(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    from mockinterviewer.grading.render import _question_lines

    console.print(strip_controls(f"{question.prompt}\n"), markup=False)
    console.print(strip_controls("\n".join(_question_lines(result, "  - ", '"'))), markup=False)

