"""The code editor of a live-coding question in the browser interview, and the coach's view of the code.

The page shows, while a coding question waits for the candidate, its signature in each offered language,
the code so far (the last version run or submitted, else the signature) and the results of the last run
beside the editor. Run and Submit post the code here; it goes through the same orchestrator, coding desk
and sandboxed runner as the terminal's `/run` and `/submit` (the code as a fenced block, then the
command), so every version is recorded as a `code` turn with its results before anything else happens.
The page works without JavaScript: the editor is then a plain textarea.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from mockinterviewer.bank.loader import Bank
from mockinterviewer.bank.schema import Question
from mockinterviewer.channels.base import Reply
from mockinterviewer.channels.code_input import fence, language
from mockinterviewer.errors import InputError
from mockinterviewer.interview.live_coding import (
    RUN,
    SUBMIT,
    CodeRunner,
    code_turns,
    default_runner,
    describe_result,
    is_coding,
    may_show_failing_input,
    offered,
)
from mockinterviewer.interview.state import Step, replay
from mockinterviewer.safe_text import strip_controls
from mockinterviewer.service import Interviews
from mockinterviewer.transcript import Session, SessionStatus, Turn, TurnKind
from mockinterviewer.web.candidate_posts import Page, candidate_post, keep_notes, seconds_on_reply
from mockinterviewer.web.channel import BrowserChannel

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

MAX_CODE_CHARS = 100_000  # far above any interview solution; the form field is refused above it
ACTION_COMMANDS = {RUN: "/run", SUBMIT: "/submit"}


@dataclass(frozen=True)
class CodeVersion:
    """One version the candidate ran or submitted, as the pages show it."""

    index: int  # the turn's index in the session
    action: str  # run | submit
    lang: str
    code: str
    passed: int
    total: int
    lines: list[str]  # the results in plain sentences (describe_result)


@dataclass(frozen=True)
class Editor:
    """The editor of the coding question waiting for the candidate."""

    question_id: str
    languages: list[str]
    lang: str
    code: str
    stubs: dict[str, str]  # language -> the signature to start from
    last: CodeVersion | None  # the last version run or submitted, with its results


@dataclass(frozen=True)
class QuestionCode:
    """Every version of one question's code, oldest first (the coach's session page)."""

    question_id: str
    versions: list[CodeVersion]

    @property
    def final(self) -> CodeVersion:
        return self.versions[-1]

    @property
    def submissions(self) -> list[CodeVersion]:
        return [v for v in self.versions if v.action == SUBMIT]


def version_of(turn: Turn, *, show_input: bool = True) -> CodeVersion:
    stored = turn.meta.get("result")
    result: dict[str, Any] = stored if isinstance(stored, dict) else {}
    return CodeVersion(index=turn.index, action=str(turn.meta.get("action", RUN)), lang=str(turn.meta.get("lang", "")),
                       code=turn.text, passed=int(result.get("passed", 0)), total=int(result.get("total", 0)),
                       lines=describe_result(result, show_input=show_input) if result else [])


def code_by_question(turns: Sequence[Turn]) -> list[QuestionCode]:
    """The code of every question that has some, in the order the questions came."""
    order: dict[str, list[Turn]] = {}
    for turn in turns:
        if turn.kind is TurnKind.CODE and turn.question_id is not None:
            order.setdefault(turn.question_id, []).append(turn)
    return [QuestionCode(qid, [version_of(t) for t in code]) for qid, code in order.items()]


def waiting_coding_question(bank: Bank, session: Session) -> Question | None:
    """The coding question the session waits on the candidate's answer to, or None."""
    if session.status is SessionStatus.COMPLETED:
        return None
    state = replay(session.plan, session.turns)
    if state.step is not Step.LISTEN_ANSWER or state.current is None:
        return None
    question = bank.question(state.current.question_id)
    return question if is_coding(question) else None


def editor_for(bank: Bank, session: Session, runner: CodeRunner | None = None) -> Editor | None:
    """What the page's editor shows, or None when no coding question waits for the candidate."""
    question = waiting_coding_question(bank, session)
    if question is None:
        return None
    runner = runner or default_runner()
    languages = offered(question)
    recorded = code_turns(session.turns, question.id)
    last = recorded[-1] if recorded else None
    lang = str(last.meta.get("lang")) if last is not None and last.meta.get("lang") in languages else languages[0]
    stubs = {lang_: runner.stub(question, lang_) for lang_ in languages}
    return Editor(question_id=question.id, languages=languages, lang=lang,
                  code=last.text if last is not None else stubs[lang], stubs=stubs,
                  last=version_of(last, show_input=may_show_failing_input(question)) if last is not None else None)


class _CodeReplies(BrowserChannel):
    """The browser channel fed the code as a fenced block, then the run or submit command."""

    def __init__(self, replies: list[Reply]) -> None:
        super().__init__()
        self.replies = replies

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        return self.replies.pop(0) if self.replies else None


def run_code(interviews: Interviews, session_id: str, code: str, lang: str, action: str,
             seconds: float) -> list[str]:
    """Run or submit `code` on the coding question `session_id` waits on; the notes for the page.

    InputError when no coding question waits, the language is not offered or the code cannot be taken."""
    if action not in ACTION_COMMANDS:
        raise InputError("Choose Run or Submit.")
    running = interviews.resume(session_id)
    try:
        question = waiting_coding_question(interviews.bank.for_plan(running.session.plan), running.session)
        if question is None:
            raise InputError("No coding question is waiting for code now.", hint="Answer in the box below.")
        if lang not in offered(question):
            raise InputError(f"This question is offered in {', '.join(offered(question))}.")
    except InputError:
        running.release()
        raise
    before = len(code_turns(running.session.turns, question.id))
    channel = _CodeReplies([Reply(text=fence(code, lang)), Reply(text=ACTION_COMMANDS[action], seconds=seconds)])
    status = interviews.run(running, channel, quiet=True)
    if status is SessionStatus.COMPLETED:
        interviews.finish(session_id)
    recorded = len(code_turns(running.session.turns, question.id)) > before
    # a recorded run's results are shown beside the editor; otherwise the desk's messages say why not
    return [] if recorded else channel.notes()


def add_code_routes(app: FastAPI, web: Web, *, not_found: Page, refused: Page) -> None:
    """Add the Run and Submit post to `app`, and the coach's code view to the templates."""
    interviews = web.interviews
    web.templates.env.globals["code_by_question"] = code_by_question

    @app.post("/interviews/{session_id}/code")
    async def post_code(request: Request, session_id: str) -> Response:
        posted = await candidate_post(web, request, session_id, not_found=not_found, refused=refused)
        if isinstance(posted, Response):
            return posted
        full_id = posted.session_id
        back = RedirectResponse(f"/interviews/{full_id}#editor", status_code=303)
        to_message = RedirectResponse(f"/interviews/{full_id}", status_code=303)  # the top, where it is shown
        code = strip_controls(posted.field("code"))
        lang = language(posted.field("lang")) or ""
        if not code.strip():
            web.flash_error(request, "Write some code in the editor first.")
            return to_message
        if len(code) > MAX_CODE_CHARS:
            web.flash_error(request, f"Not run: the code is {len(code):,} characters; at most {MAX_CODE_CHARS:,} "
                                     "are taken.")
            return to_message
        try:
            notes = await run_in_threadpool(run_code, interviews, full_id, code, lang, posted.field("action"),
                                            seconds_on_reply(request, full_id))
        except InputError as exc:
            web.flash_error(request, f"Not run: {exc.message}" + (f" {exc.hint}" if exc.hint else ""))
            return to_message
        keep_notes(request, full_id, notes)
        return back

