"""The app factory and its pages: log in and out, the sessions list, a session with its grades, the
coach's overrides and the comments on turns.

Every page is rendered on the server by Jinja2 with autoescaping on: what candidates and models wrote
is always shown as text. Who may see what is decided by `Accounts` and `Reviews` (a session the viewer
may not see is a 404, exactly like one that does not exist). Every form carries the session's CSRF
token and a POST without it is refused (403).
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockinterviewer.config import Settings, load_settings
from mockinterviewer.errors import InputError, NotFoundError
from mockinterviewer.safe_text import strip_controls
from mockinterviewer.service import Interviews
from mockinterviewer.store.accounts import MAX_NAME, MAX_PASSWORD, Account, Accounts, Role, aware, normal_name
from mockinterviewer.store.login_limits import LoginAttempts
from mockinterviewer.store.logins import Logins
from mockinterviewer.store.review import CommentThread, Override, QuestionTotal, Reviews, newest, session_totals
from mockinterviewer.transcript import QuestionGrade, SessionStatus, Speaker
from mockinterviewer.web.audio import add_audio_routes
from mockinterviewer.web.deletion import add_delete_routes
from mockinterviewer.web.exports import add_export_routes
from mockinterviewer.web.highlight import pieces
from mockinterviewer.web.interview_pages import add_interview_routes
from mockinterviewer.web.progress_pages import add_progress_routes
from mockinterviewer.web.security import LoginLimiter, csrf_ok, csrf_token, load_secret
from mockinterviewer.web.sessions_list import add_sessions_list_routes

log = logging.getLogger(__name__)

SESSION_COOKIE = "mockinterviewer_session"
SESSION_MAX_AGE = 12 * 3600
LOGIN_KEY = "login"  # the session cookie's login token (see store/logins.py)
SECURE_COOKIE_ENV = "MOCKINTERVIEWER_WEB_SECURE_COOKIE"  # "1": set by `serve --secure-cookie` for its workers
FLASH_ERROR = "flash_error"  # the next page's message saying what was not done (shown as an alert, at its top)
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class _SecurityHeaders:
    """Adds the headers above to every response, and `Cache-Control: no-store` to the pages (unless a response
    sets its own, as the interviewer's spoken words do)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if not static and not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))  # a response that says otherwise knows why
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _when(moment: datetime | None) -> str:
    return aware(moment).strftime("%Y-%m-%d %H:%M UTC") if moment is not None else ""


def _score(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


FLAG_WORDS = {"injection": "tried to instruct the grader", "no_answer": "no answer"}


def _flag(flag: str) -> str:
    """A grader's flag on a question in words ("off_topic" -> "off topic")."""
    return FLAG_WORDS.get(flag, flag.replace("_", " "))


@dataclass
class Web:
    """What the routes share: the library objects, the templates, the server-side logins and the login limit."""

    interviews: Interviews
    accounts: Accounts
    reviews: Reviews
    templates: Jinja2Templates
    limiter: LoginLimiter
    attempts: LoginAttempts
    logins: Logins

    def viewer(self, request: Request) -> Account | None:
        """The logged-in account: the cookie's login token looked up in the database on every request (a
        logout, a password change or a removed account ends it, whatever copies of the cookie exist)."""
        token = request.session.get(LOGIN_KEY)
        if not isinstance(token, str):
            return None
        account = self.logins.account(token, self.limiter.clock())
        if account is None:
            request.session.clear()
        return account

    def loop_title(self, loop_id: str) -> str:
        """The loop's name as the bank gives it; its id when the bank no longer has it."""
        loop = self.interviews.bank.loops.get(loop_id)
        return loop.title if loop is not None else loop_id

    @staticmethod
    def flash_error(request: Request, message: str) -> None:
        """`message`, saying what was not done and why, at the top of the next page, shown as an alert."""
        request.session[FLASH_ERROR] = message

    def page(self, request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
        flash = request.session.pop("flash", None)
        flash_error = request.session.pop(FLASH_ERROR, None)
        return self.templates.TemplateResponse(request, template, {
            "csrf": csrf_token(request.session), "viewer": context.pop("viewer", None), "flash": flash,
            "flash_error": flash_error, **context,
        }, status_code=status_code)


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mockinterviewer.web", "templates"),
        autoescape=True,  # every {{ }} is escaped, in every template
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["score"] = _score
    env.filters["flag"] = _flag
    env.filters["clean"] = strip_controls
    return Jinja2Templates(env=env)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def create_app(settings: Settings | None = None, *, limiter: LoginLimiter | None = None,
               secure_cookie: bool = False) -> FastAPI:
    """The web app over the store and accounts `settings` point at; `secure_cookie` when it is served over
    HTTPS (behind a TLS proxy): the browser then never sends the login cookie over plain HTTP."""
    settings = settings or load_settings()
    interviews = Interviews(settings, notice=log.warning)
    store = interviews.store
    accounts = Accounts(store)
    limiter = limiter or LoginLimiter()
    web = Web(interviews, accounts, Reviews(store, accounts), _templates(), limiter, limiter.attempts(store),
              Logins(store, lifetime=timedelta(seconds=SESSION_MAX_AGE)))

    app = FastAPI(title="mockinterviewer", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SessionMiddleware, secret_key=load_secret(Path(settings.home)), session_cookie=SESSION_COOKIE,
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=secure_cookie)
    app.add_middleware(_SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(files("mockinterviewer.web") / "static")), name="static")
    app.state.web = web

    def not_found(request: Request, viewer: Account | None) -> Response:
        return web.page(request, "error.html", {"viewer": viewer, "title": "Not found",
                                                "message": "There is no such page or session."}, 404)

    def refused(request: Request, viewer: Account | None) -> Response:
        return web.page(request, "error.html", {
            "viewer": viewer, "title": "Form refused",
            "message": "The form was out of date or did not come from this site. Reload the page and try again."}, 403)

    def to_login() -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        return RedirectResponse("/sessions" if web.viewer(request) else "/login", status_code=303)

    # logging in and out --------------------------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> Response:
        viewer = web.viewer(request)
        if viewer is not None:
            return RedirectResponse("/sessions", status_code=303)
        return web.page(request, "login.html", {"name": "", "error": None})

    @app.post("/login", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        form = await _form(request)
        if not csrf_ok(request.session, form.get("csrf")):
            return refused(request, None)
        name = normal_name(form.get("name", ""))[:MAX_NAME]
        password = form.get("password", "")[:MAX_PASSWORD + 1]
        keys = await run_in_threadpool(web.attempts.keys, name, request.client.host if request.client else "")
        now = web.limiter.clock()
        until = await run_in_threadpool(web.attempts.begin, keys, now)  # counted before the password is checked
        if until is not None:
            return _too_many_tries(web, request, name, until, now)
        account = await run_in_threadpool(web.accounts.authenticate, name, password) if name and password else None
        if account is None:
            log.info("failed login for a user name")  # neither the name typed nor the password
            return web.page(request, "login.html", {"name": name, "error": "Wrong name or password."}, 401)
        await run_in_threadpool(web.attempts.succeeded, keys)
        token = await run_in_threadpool(web.logins.start, account, now)
        request.session.clear()  # a fresh session (and CSRF token) for the account
        request.session[LOGIN_KEY] = token
        return RedirectResponse("/sessions", status_code=303)

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        form = await _form(request)
        if not csrf_ok(request.session, form.get("csrf")):
            return refused(request, web.viewer(request))
        token = request.session.get(LOGIN_KEY)
        if isinstance(token, str):
            await run_in_threadpool(web.logins.end, token)  # a copy of this cookie opens nothing any more
        request.session.clear()
        return to_login()

    # a session -----------------------------------------------------------------------------------

    @app.get("/sessions/{session_id}", response_class=HTMLResponse)
    def session_page(request: Request, session_id: str) -> Response:
        viewer = web.viewer(request)
        if viewer is None:
            return to_login()
        try:
            full_id = web.accounts.require_session(viewer, session_id)
        except NotFoundError:
            return not_found(request, viewer)
        if full_id != session_id:  # a prefix: the page has one address
            return RedirectResponse(f"/sessions/{full_id}", status_code=303)
        return web.page(request, "session.html", {"viewer": viewer, **_session_view(web, viewer, full_id)})

    @app.post("/sessions/{session_id}/overrides")
    async def add_override(request: Request, session_id: str) -> Response:
        return await _review_post(request, session_id, "override")

    @app.post("/sessions/{session_id}/comments")
    async def add_comment(request: Request, session_id: str) -> Response:
        return await _review_post(request, session_id, "comment")

    @app.post("/sessions/{session_id}/comments/{comment_id}")
    async def edit_comment(request: Request, session_id: str, comment_id: int) -> Response:
        return await _review_post(request, session_id, "edit", comment_id)

    async def _review_post(request: Request, session_id: str, what: str, comment_id: int = 0) -> Response:
        viewer = web.viewer(request)
        if viewer is None:
            return to_login()
        form = await _form(request)
        if not csrf_ok(request.session, form.get("csrf")):
            return refused(request, viewer)
        try:
            full_id = await run_in_threadpool(web.accounts.require_session, viewer, session_id)
        except NotFoundError:
            return not_found(request, viewer)
        anchor = ""
        try:
            if what == "override":
                question, criterion = form.get("question_id", ""), form.get("criterion_id", "")
                anchor = f"#q-{question}"
                try:
                    score = float(form.get("score", ""))
                except ValueError:
                    raise InputError("The score must be a number.") from None
                if not math.isfinite(score):
                    raise InputError("The score must be a number.")
                await run_in_threadpool(web.reviews.add_override, viewer, full_id, question, criterion, score,
                                        form.get("reason", ""))
                request.session["flash"] = "Override saved."
            elif what == "edit":
                threads = await run_in_threadpool(web.reviews.comments, viewer, full_id)
                if not any(v.id == comment_id for t in threads for v in t.versions):  # a comment of this session
                    return not_found(request, viewer)
                comment = await run_in_threadpool(web.reviews.edit_comment, viewer, comment_id, form.get("text", ""))
                anchor = f"#t-{comment.turn_index}"
                request.session["flash"] = "Comment edited."
            else:
                try:
                    turn = int(form.get("turn_index", ""))
                except ValueError:
                    raise InputError("No such turn.") from None
                anchor = f"#t-{turn}"
                await run_in_threadpool(web.reviews.add_comment, viewer, full_id, turn, form.get("text", ""))
                request.session["flash"] = "Comment saved."
        except (InputError, NotFoundError) as exc:
            web.flash_error(request, f"Not saved: {exc.message}")
            anchor = ""  # the top of the page, where the message is
        return RedirectResponse(f"/sessions/{full_id}{anchor}", status_code=303)

    add_sessions_list_routes(app, web)
    add_interview_routes(app, web, not_found=not_found, refused=refused)
    add_audio_routes(app, web, not_found=not_found)
    add_export_routes(app, web, not_found=not_found)
    add_delete_routes(app, web, not_found=not_found, refused=refused)
    add_progress_routes(app, web, not_found=not_found)

    @app.exception_handler(404)
    async def unknown_page(request: Request, _exc: Exception) -> Response:
        return not_found(request, None)

    return app


def _too_many_tries(web: Web, request: Request, name: str, until: datetime, now: datetime) -> Response:
    """The login page saying when to try again (429, with Retry-After)."""
    seconds = max(1, math.ceil((until - now).total_seconds()))
    minutes = max(1, math.ceil(seconds / 60))
    error = (f"Too many wrong passwords for this name or from this address. Try again in {minutes} minute"
             f"{'s' if minutes > 1 else ''} (after {aware(until).strftime('%H:%M')} UTC).")
    response = web.page(request, "login.html", {"name": name, "error": error}, 429)
    response.headers["retry-after"] = str(seconds)
    return response


@dataclass
class _QuestionView:
    grade: QuestionGrade
    total: QuestionTotal | None
    history: dict[str, list[Override]]  # criterion id -> every override, oldest first


def _session_view(web: Web, viewer: Account, session_id: str) -> dict[str, Any]:
    store = web.interviews.store
    session = store.load_session(session_id)
    grades = store.load_grades(session_id)
    history = web.reviews.override_history(viewer, session_id)
    totals = session_totals(session_id, grades, newest(history))  # from what is loaded: no second read
    threads: dict[int, list[CommentThread]] = {}
    for thread in web.reviews.comments(viewer, session_id):
        threads.setdefault(thread.current.turn_index, []).append(thread)
    by_question = {q.question_id: q for q in totals.questions}
    questions: dict[str, _QuestionView] = {}
    for grade in grades:
        view = _QuestionView(grade, by_question.get(grade.question_id), {})
        for override in history:
            if override.question_id == grade.question_id:
                view.history.setdefault(override.criterion_id, []).append(override)
        questions[grade.question_id] = view
    last_turn: dict[str, int] = {}
    for turn in session.turns:
        if turn.question_id is not None:
            last_turn[turn.question_id] = turn.index
    after: dict[int, list[_QuestionView]] = {}  # each grade is shown after its question's last turn
    for question_id, view in questions.items():
        after.setdefault(last_turn.get(question_id, -1), []).append(view)
    quotes: dict[str, list[str]] = {g.question_id: [q for c in g.criteria for q in c.evidence] for g in grades}
    texts = {t.index: pieces(t.text, quotes.get(t.question_id or "", []) if t.speaker is Speaker.CANDIDATE else [])
             for t in session.turns}
    return {
        "session": session, "loop_title": web.loop_title(session.loop_id), "turns": session.turns, "texts": texts,
        "threads": threads, "after": after,
        "totals": totals, "graded": bool(grades), "can_override": viewer.role is Role.COACH,
        "graders": list(dict.fromkeys(g.grader for g in grades)),  # which graders ran, in question order
        "shown_status": "interrupted" if session.status is SessionStatus.IN_PROGRESS  # as the sessions list says
        and not store.running_sessions([session.id]) else session.status.value,
    }


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory` (each worker builds its own app from the environment's settings)."""
    return create_app(load_settings(), secure_cookie=os.environ.get(SECURE_COOKIE_ENV) == "1")
