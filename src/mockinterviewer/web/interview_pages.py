"""The browser interview (issue 10): a candidate picks a loop and round, answers question by question,
skips, hears the question again or quits with buttons, sees the time left, and reads the report at the
end; the same `Interviews` (orchestrator and store) as the CLI.

Nothing is held between requests: each POST resumes the session, takes one reply
(`Interviews.take_reply`, quiet) and saves it again, so closing the tab loses nothing and opening the
page again continues it. With a model configured, the page's script (`static/stream.js`) posts the
same form to `.../stream` and shows the interviewer's words as they come (`web.streaming`); without
the script, or without a model, every button is a plain form post.

Only candidates hold interviews, and only their own (a coach gets 403, a session of another candidate
is a 404, like one that does not exist). A coach opening the interview of an assigned candidate is sent to
its review page instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from mockinterviewer.bank.schema import LEVELS
from mockinterviewer.channels.base import Reply
from mockinterviewer.errors import InputError, ModelError, NotFoundError
from mockinterviewer.grading.render import render
from mockinterviewer.interview.orchestrator import time_left
from mockinterviewer.interview.state import InterviewState, Step, replay
from mockinterviewer.interview.styles import style_names
from mockinterviewer.service.fitting import MODEL_HINT
from mockinterviewer.service.sessions import Running
from mockinterviewer.service.wiring import use_llm
from mockinterviewer.store.accounts import Account, Role
from mockinterviewer.transcript import SessionStatus, Speaker
from mockinterviewer.web.channel import BrowserChannel
from mockinterviewer.web.code_pages import add_code_routes, editor_for
from mockinterviewer.web.fit_form import MAX_PASTED, given_documents
from mockinterviewer.web.security import csrf_ok
from mockinterviewer.web.streaming import stream_reply
from mockinterviewer.web.voice_pages import add_voice_routes

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

log = logging.getLogger(__name__)

# the buttons, as the commands the CLI takes
ACTIONS = {"skip": "/skip", "repeat": "/repeat", "quit": "/quit", "time": "/time"}
MAX_SECONDS = 3600.0  # longest a page may count as time spent on one reply
WAITING = (Step.LISTEN_ANSWER, Step.LISTEN_CANDIDATE_QUESTION)

Page = Callable[[Request, Account | None], Response]
FLASH_MAX = 700  # characters of the fit notes carried to the interview page (they ride in the session cookie)


def _shortened(text: str) -> str:
    return text if len(text) <= FLASH_MAX else text[: FLASH_MAX - 1].rstrip() + "…"


def spent(state: InterviewState, seconds: float) -> InterviewState:
    """`state` with `seconds` more spent on the question in progress and in the round (the time the candidate
    has had the page since it asked for this reply), for the time left it shows."""
    if state.current is None:
        return state
    return replace(state, current=replace(state.current, seconds=state.current.seconds + seconds),
                   round_seconds=state.round_seconds + seconds)


def add_interview_routes(app: FastAPI, web: Web, *, not_found: Page, refused: Page) -> None:
    """Add the interview pages to `app` (`web` is the app's `Web`)."""
    interviews = web.interviews
    add_code_routes(app, web, not_found=not_found, refused=refused)  # the live-coding editor's Run and Submit
    add_voice_routes(app, web, not_found=not_found, refused=refused)  # a spoken answer's upload and commit

    def forbidden(request: Request, viewer: Account) -> Response:
        return web.page(request, "error.html", {
            "viewer": viewer, "title": "Candidates only",
            "message": "Interviews are held by candidates; a coach reads them from the sessions list."}, 403)

    def candidate(request: Request) -> Account | Response:
        viewer: Account | None = web.viewer(request)
        if viewer is None:
            return RedirectResponse("/login", status_code=303)
        if viewer.role is not Role.CANDIDATE:
            return forbidden(request, viewer)
        return viewer

    async def candidate_form(request: Request) -> tuple[Account, dict[str, str]] | Response:
        """The candidate posting and the form's fields, or the answer for anyone else or a form without its
        CSRF token."""
        viewer = candidate(request)
        if not isinstance(viewer, Account):
            return viewer
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        if not csrf_ok(request.session, fields.get("csrf")):
            return refused(request, viewer)
        return viewer, fields

    def own_session(viewer: Account, session_id: str) -> str:
        """The full id of the viewer's own session (a candidate sees no other: NotFoundError)."""
        return web.accounts.require_session(viewer, session_id)

    def keep_notes(request: Request, session_id: str, channel: BrowserChannel) -> None:
        request.session["interview_notes"] = {"id": session_id, "notes": channel.notes()}

    def streams() -> bool:
        """Whether the interviewer's words come from a model, and so are worth streaming."""
        try:
            return use_llm(interviews.settings)
        except ModelError:  # MOCKINTERVIEWER_LLM=llm without a model: starting says so
            return False

    def for_candidate(running: Running) -> Running:
        """`running` with a label the candidate can read ('Interviewer: offline scripted'): how to configure a
        model is the operator's business, so the full label goes to the server's log instead."""
        if not running.session.turns:  # the label is shown on the session's first request only
            log.warning("Session %s: %s", running.session.id, running.label)
        kind = "language model" if streams() else "offline scripted"  # as the service chose it
        return replace(running, label=f"Interviewer: {kind}")

    def take(request: Request, session: str | Running, reply: str | None,
             seconds: float = 0.0, channel: BrowserChannel | None = None) -> tuple[SessionStatus, str]:
        channel = channel or BrowserChannel()
        running = for_candidate(interviews.resume(session) if isinstance(session, str) else session)
        session_id = running.session.id
        status = interviews.take_reply(running, Reply(text=reply, seconds=seconds) if reply is not None else None,
                                       channel)
        if status is SessionStatus.COMPLETED:
            interviews.finish(session_id)  # graded and saved once; the page shows the report
        keep_notes(request, session_id, channel)
        return status, session_id

    def new_form(request: Request, viewer: Account, kept: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
        """The new-interview form; `kept`: what was posted, shown again when it was refused."""
        loops = sorted(interviews.bank.loops.values(), key=lambda loop: loop.id)
        return web.page(request, "interview_new.html", {
            "viewer": viewer, "loops": loops, "default": interviews.settings.default_loop, "streams": streams(),
            "levels": LEVELS, "styles": style_names(), "kept": kept or {}, "max_pasted": MAX_PASTED},
            status_code=status_code)

    @app.get("/interviews/new", response_class=HTMLResponse)
    def new_interview(request: Request) -> Response:
        viewer = candidate(request)
        if not isinstance(viewer, Account):
            return viewer
        return new_form(request, viewer)

    @app.post("/interviews")
    async def start_interview(request: Request) -> Response:
        posted = await candidate_form(request)
        if isinstance(posted, Response):
            return posted
        viewer, fields = posted
        loop_id, _, round_id = fields.get("round", "").partition("/")
        try:
            count = int(fields["questions"]) if fields.get("questions", "").strip() else None
            if count is not None and not 1 <= count <= 20:
                raise ValueError
        except ValueError:
            web.flash_error(request, "Not started: the number of questions must be 1 to 20.")
            return RedirectResponse("/interviews/new", status_code=303)
        try:
            the_loop = interviews.loop(loop_id)
            if round_id not in {r.id for r in the_loop.rounds}:
                raise InputError("Pick a round of the loop.")
            job, resume = await given_documents(await request.form())  # the form read by candidate_form

            def begin() -> tuple[SessionStatus, str, list[str]]:
                running = interviews.start(candidate=viewer.name, loop_id=the_loop.id, round_id=round_id,
                                           questions=count, level=fields.get("level") or None,
                                           style=fields.get("style") or None, job=job, resume=resume)
                # the candidate does not run the server: no environment variables in what they read
                notes = [n.replace(MODEL_HINT, " (this server has none)") for n in running.fit_notes]
                notes += running.shortfalls
                if fields.get("stream") == "1":  # the page's script streams the opening words (a "continue")
                    running.release()
                    return SessionStatus.IN_PROGRESS, running.session.id, notes
                return (*take(request, running, None), notes)

            _status, session_id, notes = await run_in_threadpool(begin)
        except (InputError, NotFoundError, ModelError) as exc:  # a bad choice, no questions at the level ...
            web.flash_error(request, f"Not started: {exc.message}")
            if fields.get("job", "").strip() or fields.get("resume", "").strip():
                # shown again with what was pasted, so nothing has to be pasted twice
                return new_form(request, viewer, {k: fields.get(k, "") for k in ("job", "resume")}, 400)
            return RedirectResponse("/interviews/new", status_code=303)
        if notes:
            request.session["flash"] = _shortened(" ".join(notes))
        return RedirectResponse(f"/interviews/{session_id}", status_code=303)

    def review_instead(request: Request, session_id: str) -> Response | None:
        """A coach's way from an assigned candidate's interview to its review page; None for anyone else
        (who gets the usual 403, whether the session exists or not)."""
        viewer: Account | None = web.viewer(request)
        if viewer is None or viewer.role is not Role.COACH:
            return None
        try:
            full_id = own_session(viewer, session_id)  # the sessions of the coach's candidates only
        except NotFoundError:
            return None
        return RedirectResponse(f"/sessions/{full_id}", status_code=303)

    @app.get("/interviews/{session_id}", response_class=HTMLResponse)
    def interview_page(request: Request, session_id: str) -> Response:
        viewer = candidate(request)
        if not isinstance(viewer, Account):
            return review_instead(request, session_id) or viewer
        try:
            full_id = own_session(viewer, session_id)
        except NotFoundError:
            return not_found(request, viewer)
        if full_id != session_id:
            return RedirectResponse(f"/interviews/{full_id}", status_code=303)
        session = interviews.store.load_session(full_id)
        kept = request.session.pop("interview_notes", None)
        notes = kept.get("notes", []) if isinstance(kept, dict) and kept.get("id") == full_id else []
        context: dict[str, Any] = {"viewer": viewer, "session": session, "turns": session.turns, "notes": notes,
                                   "report": None, "time_left": "", "waiting": False, "editor": None,
                                   "loop_title": web.loop_title(session.loop_id)}
        if session.status is SessionStatus.COMPLETED:
            context["report"] = render(interviews.report(full_id), "text")
        else:
            state = replay(session.plan, session.turns)
            context["waiting"] = state.step in WAITING
            # a coding question waiting for code (a question made from a résumé or a job is in the session's plan)
            context["editor"] = editor_for(interviews.bank.for_plan(session.plan), session)
            replies = sum(1 for t in session.turns if t.speaker is Speaker.CANDIDATE)
            asked = request.session.get("asked")
            if not (isinstance(asked, dict) and asked.get("id") == full_id and asked.get("replies") == replies
                    and isinstance(asked.get("at"), (int, float))):  # a reload or Repeat keeps the clock going
                asked = {"id": full_id, "at": time.time(), "replies": replies}  # when the page asked for this reply
                request.session["asked"] = asked
            if not state.done:
                thinking = min(max(time.time() - float(asked["at"]), 0.0), MAX_SECONDS)
                context["time_left"] = time_left(interviews.bank.loop(session.loop_id), spent(state, thinking))
                if request.session.pop("time_asked", None) == full_id:
                    notes.append(context["time_left"])
        context["streams"] = streams()
        return web.page(request, "interview.html", context)

    async def posted_reply(request: Request, session_id: str) -> tuple[str, str, str | None, float] | Response:
        """The session's full id, the button pressed, the reply it stands for (None: let the interviewer go
        on) and the seconds since the page showed the question; or the answer to a form that is refused."""
        posted = await candidate_form(request)
        if isinstance(posted, Response):
            return posted
        viewer, fields = posted
        try:
            full_id = await run_in_threadpool(own_session, viewer, session_id)
        except NotFoundError:
            return not_found(request, viewer)
        action = fields.get("action", "send")
        text: str | None = None if action == "continue" else ACTIONS.get(action) or fields.get("text", "")
        if text is not None and not text.strip():
            web.flash_error(request, "Type an answer first (or Skip).")
            return RedirectResponse(f"/interviews/{full_id}", status_code=303)
        asked = request.session.get("asked")
        seconds = 0.0
        if isinstance(asked, dict) and asked.get("id") == full_id and isinstance(asked.get("at"), (int, float)):
            seconds = min(max(time.time() - float(asked["at"]), 0.0), MAX_SECONDS)
        return full_id, action, text, seconds

    @app.post("/interviews/{session_id}")
    async def reply(request: Request, session_id: str) -> Response:
        posted = await posted_reply(request, session_id)
        if isinstance(posted, Response):
            return posted
        full_id, action, text, seconds = posted
        if action == "time":  # the page works it out with the time spent on this reply so far
            request.session["time_asked"] = full_id
            return RedirectResponse(f"/interviews/{full_id}", status_code=303)
        try:
            status, _ = await run_in_threadpool(take, request, full_id, text, seconds)
        except InputError as exc:
            web.flash_error(request, exc.message)
            return RedirectResponse(f"/interviews/{full_id}", status_code=303)
        if action == "quit" and status is not SessionStatus.COMPLETED:
            request.session["flash"] = "Saved as unfinished. Open it again from Sessions to continue."
            return RedirectResponse("/sessions", status_code=303)
        return RedirectResponse(f"/interviews/{full_id}", status_code=303)

    @app.post("/interviews/{session_id}/stream")
    async def reply_streamed(request: Request, session_id: str) -> Response:
        """The same reply for the page's script, the interviewer's words streamed as they are produced
        (`web.streaming`); a refused form gets the same answer as above (not a stream)."""
        posted = await posted_reply(request, session_id)
        if isinstance(posted, Response):
            return posted
        full_id, action, text, seconds = posted
        page = f"/interviews/{full_id}"

        def work(channel: BrowserChannel) -> str:
            status, _ = take(request, full_id, text, seconds, channel)
            return "/sessions" if action == "quit" and status is not SessionStatus.COMPLETED else page

        return stream_reply(work, page)
