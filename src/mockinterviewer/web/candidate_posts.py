"""Who may post to an interview beyond its reply form (the code editor, the voice answer): the candidate
who owns the session, with the page's CSRF token. Everyone else gets the same answers as the reply form:
the login page, 403 for a coach or a form without its token, 404 for a session not theirs. What the
interview page fetches for its candidate alone (the interviewer's spoken words) is the owner's too: anyone
else gets the login page or a 404."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from mockinterviewer.errors import NotFoundError
from mockinterviewer.store.accounts import Account, Role
from mockinterviewer.web.security import csrf_ok

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

Page = Callable[[Request, Account | None], Response]
MAX_REPLY_SECONDS = 3600.0  # the longest a page may count as time spent on one reply (as the reply form)


@dataclass(frozen=True)
class Posted:
    """A checked post: the candidate, the form and the full id of their session."""

    viewer: Account
    form: FormData
    session_id: str

    def field(self, name: str) -> str:
        value = self.form.get(name)
        return value if isinstance(value, str) else ""


async def candidate_post(web: Web, request: Request, session_id: str, *, not_found: Page, refused: Page,
                         form: FormData | None = None) -> Posted | Response:
    """The checked post, or the response for anyone else. `form`: already parsed (with upload limits)."""
    viewer = web.viewer(request)
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    if viewer.role is not Role.CANDIDATE:
        return refused(request, viewer)
    form = form if form is not None else await request.form()
    token = form.get("csrf")
    if not csrf_ok(request.session, token if isinstance(token, str) else None):
        return refused(request, viewer)
    try:
        full_id = await run_in_threadpool(web.accounts.require_session, viewer, session_id)
    except NotFoundError:
        return not_found(request, viewer)
    return Posted(viewer, form, full_id)


def viewed_session(web: Web, request: Request, session_id: str, *, not_found: Page) -> tuple[Account, str] | Response:
    """The viewer and the full id of a session they may see, or the login page or a 404 for anyone else."""
    viewer = web.viewer(request)
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    try:
        return viewer, web.accounts.require_session(viewer, session_id)
    except NotFoundError:
        return not_found(request, viewer)


def candidate_get(web: Web, request: Request, session_id: str, *, not_found: Page) -> str | Response:
    """The full id of the viewer's own session for a fetch at its own address, or the response for anyone else."""
    viewed = viewed_session(web, request, session_id, not_found=not_found)
    if isinstance(viewed, Response):
        return viewed
    viewer, full_id = viewed
    if viewer.role is not Role.CANDIDATE or full_id != session_id:  # a coach reads it; a prefix is not its address
        return not_found(request, viewer)
    return full_id


def seconds_on_reply(request: Request, session_id: str) -> float:
    """Seconds since the interview page showed the question (what the reply form counts as its time)."""
    asked = request.session.get("asked")
    if isinstance(asked, dict) and asked.get("id") == session_id and isinstance(asked.get("at"), (int, float)):
        return min(max(time.time() - float(asked["at"]), 0.0), MAX_REPLY_SECONDS)
    return 0.0


def keep_notes(request: Request, session_id: str, notes: list[str]) -> None:
    """What the next interview page shows above the transcript (the reply form keeps them the same way)."""
    request.session["interview_notes"] = {"id": session_id, "notes": notes}
