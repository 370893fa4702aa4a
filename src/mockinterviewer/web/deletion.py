"""A candidate deletes one of their own sessions from the web app, after a confirmation page.

`GET /sessions/{id}/delete` says what will go (turns, grades, coach overrides and comments, audio
files) and asks to confirm; `POST /sessions/{id}/delete` with the CSRF token and the confirmation
deletes it (`store.deletion.delete_session`) and returns to the sessions list. Only the session's
candidate may: an assigned coach sees the session but gets 403, anyone else a 404 (as for an unknown
session). The POST takes the full id only, never a prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from mockinterviewer.errors import InputError, NotFoundError, StoreError
from mockinterviewer.store.accounts import Account, Role
from mockinterviewer.store.deletion import delete_session
from mockinterviewer.transcript import Session
from mockinterviewer.web.audio import spoken_answers
from mockinterviewer.web.security import csrf_ok

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

CONFIRM = "delete"  # the value the confirmation button sends

Page = Callable[[Request, Account | None], Response]


def may_delete(viewer: Account, session: Session) -> bool:
    """Only the candidate who held a session deletes it (their coach may read it, not remove it)."""
    return viewer.role is Role.CANDIDATE and session.candidate == viewer.name


def add_delete_routes(app: FastAPI, web: Web, *, not_found: Page, refused: Page) -> None:
    """Add the confirmation page and the delete action to `app` (`web` is the app's `Web`)."""
    store = web.interviews.store

    def coach_refused(request: Request, viewer: Account) -> Response:
        return web.page(request, "error.html", {
            "viewer": viewer, "title": "Only the candidate can delete a session",
            "message": "A coach reads and reviews a candidate's sessions but cannot delete them."}, 403)

    def load(viewer: Account, session_id: str) -> Session:
        return store.load_session(web.accounts.require_session(viewer, session_id))

    @app.get("/sessions/{session_id}/delete")
    def confirm_delete(request: Request, session_id: str) -> Response:  # run in the thread pool
        viewer = web.viewer(request)
        if viewer is None:
            return RedirectResponse("/login", status_code=303)
        try:
            session = load(viewer, session_id)
        except NotFoundError:
            return not_found(request, viewer)
        if session.id != session_id:
            return RedirectResponse(f"/sessions/{session.id}/delete", status_code=303)
        if not may_delete(viewer, session):
            return coach_refused(request, viewer)
        overrides = web.reviews.override_history(viewer, session.id)
        comments = web.reviews.comments(viewer, session.id)
        audio = sum(1 for s in spoken_answers(session, store.data_dir).values() if s.file_name)
        return web.page(request, "session_delete.html", {
            "viewer": viewer, "session": session, "loop_title": web.loop_title(session.loop_id),
            "overrides": len(overrides), "comments": len(comments),
            "audio_files": audio, "confirm": CONFIRM})

    @app.post("/sessions/{session_id}/delete")
    async def delete(request: Request, session_id: str) -> Response:
        viewer = await run_in_threadpool(web.viewer, request)
        if viewer is None:
            return RedirectResponse("/login", status_code=303)
        form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
        if not csrf_ok(request.session, form.get("csrf")):
            return refused(request, viewer)
        try:
            session = await run_in_threadpool(load, viewer, session_id)
        except NotFoundError:
            return not_found(request, viewer)
        if session.id != session_id:  # a prefix: deleting needs the exact id
            return not_found(request, viewer)
        if not may_delete(viewer, session):
            return coach_refused(request, viewer)
        if form.get("confirm") != CONFIRM:
            return RedirectResponse(f"/sessions/{session.id}/delete", status_code=303)
        try:
            deleted = await run_in_threadpool(delete_session, store, session.id)
        except NotFoundError:
            return not_found(request, viewer)
        except (InputError, StoreError) as exc:
            web.flash_error(request, f"Not deleted: {exc.message} {exc.hint or ''}".strip())
            return RedirectResponse(f"/sessions/{session.id}", status_code=303)
        # and its recordings uploaded from the interview page but never sent as an answer
        await run_in_threadpool(request.app.state.browser_voice.forget_session, session.id)
        request.app.state.hands_free_answers.forget_session((viewer.name, session.id))  # and one being listened to
        files = deleted.audio_files
        with_audio = f", with its {files} audio file{'' if files == 1 else 's'}" if files else ""
        request.session["flash"] = f"Session {deleted.session_id} deleted{with_audio}."
        return RedirectResponse("/sessions", status_code=303)
