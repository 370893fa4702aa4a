"""The candidate progress pages: per category and per criterion, the score of each graded session as
an SVG chart (a coach's override counted and marked), with the weakest criteria named.

A page covers a window of at most `WINDOW` graded sessions, the newest by default; "older"/"newer" links
move it (`?until=<session id>`: the window ending at that session), and the page says which sessions it
covers. Everything on it, the weakest criteria included, is computed over that window only, so a page costs
the same for a candidate with 2,000 sessions as with 20. An `until` that is not one of the candidate's
graded sessions (edited, or the session was deleted) is said in a message, and the newest window shown.

A candidate sees their own progress; a coach that of each assigned candidate; anyone else gets the
same 404 as for a name that does not exist. The numbers come from `store.progress` (pure); this
module reads the sessions, grades and overrides and draws the charts (`progress_chart`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from mockinterviewer.store.accounts import Account, Role, normal_name
from mockinterviewer.store.progress import RECENT, Progress, progress
from mockinterviewer.store.progress_reads import ProgressWindow, progress_window
from mockinterviewer.web.progress_chart import line_chart

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

Page = Callable[[Request, Account | None], Response]
WINDOW = 20  # graded sessions a page charts


def may_follow(web: Web, viewer: Account, candidate: str) -> bool:
    """Whether `viewer` may see `candidate`'s progress: their own, or an assigned candidate's."""
    if viewer.role is Role.CANDIDATE:
        return candidate == viewer.name
    return candidate in web.accounts.candidates_of(viewer)


def load_progress(web: Web, candidate: str, until: str | None = None) -> tuple[Progress, ProgressWindow]:
    """The progress over the window of the candidate's graded sessions ending at `until` (None: the newest),
    newest overrides applied, as `store.progress` computes it, and the window (the caller has checked that
    the viewer may follow the candidate: `may_follow`)."""
    bank = web.interviews.bank
    window = progress_window(web.interviews.store, candidate, WINDOW, until)

    def category_of(question_id: str) -> str | None:
        question = bank.questions.get(question_id)
        return question.category if question is not None else None

    return progress(window.sessions, category_of), window


def add_progress_routes(app: FastAPI, web: Web, *, not_found: Page) -> None:
    """Add `/progress` (a candidate: their own; a coach: the list of their candidates) and
    `/progress/{candidate}` to `app`."""

    @app.get("/progress", response_class=HTMLResponse)
    def progress_home(request: Request) -> Response:
        viewer = web.viewer(request)
        if viewer is None:
            return RedirectResponse("/login", status_code=303)
        if viewer.role is Role.CANDIDATE:
            return RedirectResponse(f"/progress/{viewer.name}", status_code=303)
        return web.page(request, "progress.html", {
            "viewer": viewer, "candidate": None, "candidates": web.accounts.candidates_of(viewer)})

    @app.get("/progress/{candidate:path}", response_class=HTMLResponse)
    def progress_page(request: Request, candidate: str) -> Response:
        viewer = web.viewer(request)
        if viewer is None:
            return RedirectResponse("/login", status_code=303)
        name = normal_name(candidate)
        if not may_follow(web, viewer, name):
            return not_found(request, viewer)
        until = str(request.query_params.get("until", "")).strip() or None
        found, window = load_progress(web, name, until)
        timeline = [s.session_id for s in found.sessions]
        # Markup: the SVG's every text and attribute was escaped by ElementTree (`progress_chart`)
        charts = {c.category: Markup(line_chart(c.overall, timeline)) for c in found.categories}
        sparklines = {s.key: Markup(line_chart(s, timeline, width=160, height=40, compact=True))
                      for c in found.categories for s in c.criteria}
        return web.page(request, "progress.html", {
            "viewer": viewer, "candidate": name, "candidates": [], "progress": found, "charts": charts,
            "sparklines": sparklines, "recent": RECENT, "window": window, "window_size": WINDOW,
            "last": window.first + len(window.sessions) - 1,
            "older": _window_link(name, window.older_until) if window.older_until else None,
            "newer": _window_link(name, window.newer_until) if window.newer else None})


def _window_link(candidate: str, until: str | None) -> str:
    """The address of the window of `candidate`'s progress ending at session `until` (None: the newest)."""
    return f"/progress/{quote(candidate)}" + (f"?until={quote(until)}" if until else "")
