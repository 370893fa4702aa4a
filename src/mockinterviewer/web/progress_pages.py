"""The candidate progress pages: per category and per criterion, the score of each graded session as
an SVG chart (a coach's override counted and marked), with the weakest criteria named.

A candidate sees their own progress; a coach that of each assigned candidate; anyone else gets the
same 404 as for a name that does not exist. The numbers come from `store.progress` (pure); this
module reads the sessions, grades and overrides and draws the charts (`progress_chart`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from mockinterviewer.store.accounts import Account, Role, normal_name
from mockinterviewer.store.progress import RECENT, Progress, progress
from mockinterviewer.store.progress_reads import graded_sessions
from mockinterviewer.web.progress_chart import line_chart

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

Page = Callable[[Request, Account | None], Response]


def may_follow(web: Web, viewer: Account, candidate: str) -> bool:
    """Whether `viewer` may see `candidate`'s progress: their own, or an assigned candidate's."""
    if viewer.role is Role.CANDIDATE:
        return candidate == viewer.name
    return candidate in web.accounts.candidates_of(viewer)


def load_progress(web: Web, candidate: str) -> Progress:
    """The candidate's graded sessions with the newest overrides applied, as `store.progress` computes them
    (the caller has checked that the viewer may follow the candidate: `may_follow`)."""
    bank = web.interviews.bank
    sessions = graded_sessions(web.interviews.store, candidate)

    def category_of(question_id: str) -> str | None:
        question = bank.questions.get(question_id)
        return question.category if question is not None else None

    return progress(sessions, category_of)


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
        found = load_progress(web, name)
        timeline = [s.session_id for s in found.sessions]
        # Markup: the SVG's every text and attribute was escaped by ElementTree (`progress_chart`)
        charts = {c.category: Markup(line_chart(c.overall, timeline)) for c in found.categories}
        sparklines = {s.key: Markup(line_chart(s, timeline, width=160, height=40, compact=True))
                      for c in found.categories for s in c.criteria}
        return web.page(request, "progress.html", {
            "viewer": viewer, "candidate": name, "candidates": [], "progress": found, "charts": charts,
            "sparklines": sparklines, "recent": RECENT})
