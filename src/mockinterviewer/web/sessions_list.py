"""The sessions list page: filters read from the query string, one page of the sessions the viewer may see
(filtered and paged in SQL by `SessionSearch`), and "newer"/"older" links that keep the filters.

A page link carries a cursor, the first or last session of the page it leaves as `<UTC time>~<id>`
(`older_than=` or `newer_than=`); the next page is read by seeking past it, so paging is as fast deep in
the list as at its top and never skips or repeats a session added meanwhile. A cursor that cannot be read
(edited, cut short) is named in a message and the newest page is shown.

A filter value that cannot be used (a wrong date, a letter where a score goes, an unknown status) is
named in a plain message on the page and left out; the other filters still apply, and the page is served
with 200 (it is a full answer, not a failure a browser should log). Nothing here raises a 422 or a
traceback for what a user typed in the address bar.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from mockinterviewer.safe_text import strip_controls
from mockinterviewer.store.accounts import MAX_NAME, Role, normal_name
from mockinterviewer.store.session_order import Position
from mockinterviewer.store.session_search import STATUSES, SessionFilter, SessionPage, SessionSearch, assigned_to

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

PAGE_SIZE = 25
MAX_ID = 80  # a loop's or round's id, as stored
DEFAULT_SCALE_MAX = 4  # a rubric's scale when the bank has no question
FIELDS = ("candidate", "loop", "round", "from", "to", "status", "min_score", "max_score")
CURSOR_TIME = "%Y%m%dT%H%M%S.%fZ"
MAX_SESSION_ID = 32  # as stored (sessions.id)


@dataclass
class ListRequest:
    """The filters as typed (shown back in the form), the ones that could be used, and what was wrong."""

    typed: dict[str, str]
    wanted: SessionFilter
    older_than: Position | None = None
    newer_than: Position | None = None
    problems: list[str] = field(default_factory=list)

    def link(self, direction: str, position: Position) -> str:
        """The address of the page `direction` ("older_than" or "newer_than") of `position`, same filters."""
        return "/sessions?" + urlencode({**{k: v for k, v in self.typed.items() if v},
                                         direction: cursor_text(position)})


def cursor_text(position: Position) -> str:
    """A position as a page link carries it: `<UTC time to the microsecond>~<session id>`."""
    return f"{position.created_at.astimezone(UTC).strftime(CURSOR_TIME)}~{position.session_id}"


def parse_cursor(text: str) -> Position | None:
    """The position a page link's cursor names, or None if it cannot be one (`cursor_text` makes them)."""
    moment, sep, session_id = text.partition("~")
    if not sep or not session_id or len(session_id) > MAX_SESSION_ID or not session_id.isprintable():
        return None
    try:
        return Position(datetime.strptime(moment, CURSOR_TIME).replace(tzinfo=UTC), session_id)
    except ValueError:
        return None


def _shown(value: str) -> str:
    value = strip_controls(value)
    return value if len(value) <= 40 else value[:40] + "…"


def _date(value: str, what: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"'{_shown(value)}' is not a date: give the {what} day as YYYY-MM-DD (left out).")
        return None


def _score(value: str, what: str, scale_max: float, problems: list[str]) -> float | None:
    if not value:
        return None
    try:
        score = float(value)
    except ValueError:
        score = math.nan
    if not math.isfinite(score) or not 0 <= score <= scale_max:
        problems.append(f"'{_shown(value)}' is not a score: give the {what} score as a number between 0 and "
                        f"{scale_max:g} (left out).")
        return None
    return score


def _text(value: str, limit: int, what: str, problems: list[str]) -> str | None:
    if not value:
        return None
    if len(value) > limit or not value.isprintable():
        problems.append(f"That {what} cannot exist: pick one from the list (left out).")
        return None
    return value


def status_name(status: str) -> str:
    """A status as the Status menu words it: 'in progress', not 'in_progress'."""
    return status.replace("_", " ")


def parse_list_request(query: Mapping[str, str], scale_max: float = DEFAULT_SCALE_MAX) -> ListRequest:
    """The list's filters from the query string; every value that cannot be used is named in `problems`.

    `scale_max` is the top of the score scale: a score filter outside 0..scale_max is left out."""
    typed = {name: str(query.get(name, "")).strip() for name in FIELDS}
    problems: list[str] = []
    status = typed["status"] or None
    if status is not None and status not in STATUSES:
        problems.append(f"Unknown status '{_shown(status)}': pick one from the menu: "
                        f"{', '.join(map(status_name, STATUSES))} (left out).")
        status = None
    started_from, started_to = _date(typed["from"], "first", problems), _date(typed["to"], "last", problems)
    if started_from and started_to and started_from > started_to:
        problems.append("The 'from' day is after the 'to' day: no session can match (dates left out).")
        started_from = started_to = None
    min_score = _score(typed["min_score"], "lowest", scale_max, problems)
    max_score = _score(typed["max_score"], "highest", scale_max, problems)
    if min_score is not None and max_score is not None and min_score > max_score:
        problems.append("The lowest score is above the highest: no session can match (scores left out).")
        min_score = max_score = None
    cursors: dict[str, Position | None] = {}
    for direction in ("older_than", "newer_than"):
        text = str(query.get(direction, "")).strip()
        cursors[direction] = parse_cursor(text) if text else None
        if text and cursors[direction] is None:
            problems.append("That page link is broken (it may have been cut short or edited): showing the "
                            "newest sessions.")
            cursors = {}
            break
    candidate = _text(normal_name(typed["candidate"]), MAX_NAME, "candidate", problems)
    wanted = SessionFilter(candidate=candidate, loop_id=_text(typed["loop"], MAX_ID, "loop", problems),
                           round_id=_text(typed["round"], MAX_ID, "round", problems), started_from=started_from,
                           started_to=started_to, status=status, min_score=min_score, max_score=max_score)
    return ListRequest(typed, wanted, cursors.get("older_than"), cursors.get("newer_than"), problems)


def add_sessions_list_routes(app: FastAPI, web: Web) -> None:
    """Add `GET /sessions` to `app` (`web` is the app's `Web`)."""
    search = SessionSearch(web.interviews.store)

    @app.get("/sessions", response_class=HTMLResponse)
    async def sessions(request: Request) -> Response:
        viewer = await run_in_threadpool(web.viewer, request)
        if viewer is None:
            return RedirectResponse("/login", status_code=303)
        bank = await run_in_threadpool(lambda: web.interviews.bank)
        scale_max = max((q.rubric.scale_max for q in bank.questions.values()), default=DEFAULT_SCALE_MAX)
        asked = parse_list_request(request.query_params, scale_max)
        candidates = [viewer.name] if viewer.role is Role.CANDIDATE else await run_in_threadpool(
            web.accounts.candidates_of, viewer)
        visible = candidates if viewer.role is Role.CANDIDATE else assigned_to(viewer.id)
        found: SessionPage = await run_in_threadpool(
            lambda: search.page(asked.wanted, candidates=visible, older_than=asked.older_than,
                                newer_than=asked.newer_than, size=PAGE_SIZE))
        loops = sorted((loop.id, loop.title) for loop in bank.loops.values())
        rounds = sorted({r.id: r.name for loop in bank.loops.values() for r in loop.rounds}.items(),
                        key=lambda pair: pair[1])
        return web.page(request, "sessions.html", {
            "viewer": viewer, "sessions": found.sessions, "total": found.total, "candidates": sorted(candidates),
            "statuses": STATUSES, "loops": loops,
            "rounds": rounds, "loop_names": dict(loops), "typed": asked.typed, "problems": asked.problems,
            "filtered": any(asked.typed.values()),
            "newer": asked.link("newer_than", found.newer) if found.newer else None,
            "older": asked.link("older_than", found.older) if found.older else None,
        })  # 200 even with problems: the page answers them, and a browser would log a 400 as an error
