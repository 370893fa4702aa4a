"""The sessions list as SQL: filter by candidate, loop, round, start date, status and score, and read one
page with the count of all that match, never loading every session.

Pages are read by seeking, not by OFFSET: the list is in a stable order, newest first by (created_at, id),
and a page is the `size` rows just past a `Position` (the first or last row of the page the viewer came
from), read through the index on that order. A deep page costs what the first does, and a session added
while a coach pages moves no row from one page to another (it appears on the newest page only).

Which candidates' sessions a viewer may see is given by the caller (`Accounts`' rules: a candidate's own
name, or `assigned_to(coach)`); a filter on a candidate outside them matches nothing. `interrupted` is a
session left in progress by a process that died: the store's locks tell it from a running one, so those
two statuses are told apart among the in-progress sessions that match the other filters (the running
ones are few: one per live process).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import Session

from mockinterviewer.store.account_tables import AssignmentRow, UserRow
from mockinterviewer.store.session_order import NEWEST_FIRST, OLDEST_FIRST, Position, beyond, position_of
from mockinterviewer.store.store import SessionSummary, Store
from mockinterviewer.store.tables import SessionRoundRow, SessionRow, TurnRow
from mockinterviewer.transcript import SessionStatus

INTERRUPTED = "interrupted"
STATUSES = ("completed", "unfinished", "in_progress", INTERRUPTED)


# whose sessions may be listed: names, a query giving them (`assigned_to`), or None for everyone's
Visible = Collection[str] | Select[Any] | None


def assigned_to(coach_id: int) -> Select[Any]:
    """The names of the candidates a coach follows, as a subquery (cheaper than a long list of names)."""
    return (select(UserRow.name).join(AssignmentRow, AssignmentRow.candidate_id == UserRow.id)
            .where(AssignmentRow.coach_id == coach_id))


@dataclass(frozen=True)
class SessionFilter:
    """What the list shows; None is 'any'. Dates are UTC days, both ends included; scores too."""

    candidate: str | None = None
    loop_id: str | None = None
    round_id: str | None = None
    started_from: date | None = None
    started_to: date | None = None
    status: str | None = None  # one of STATUSES
    min_score: float | None = None
    max_score: float | None = None


@dataclass(frozen=True)
class ListedSession:
    summary: SessionSummary
    score: float | None  # the session's total as it stands (coach overrides applied); None: not graded


@dataclass(frozen=True)
class SessionPage:
    sessions: list[ListedSession]
    total: int  # sessions matching the filter, on every page
    newer: Position | None = None  # seek newer than this for the page before (None: this is the newest page)
    older: Position | None = None  # seek older than this for the page after (None: nothing older matches)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class SessionSearch:
    """Filtered, paged reads of a store's sessions."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _where(self, query: Select[Any], wanted: SessionFilter, candidates: Visible) -> Select[Any]:
        """`query` narrowed to `wanted` (its status only as far as the stored one: in progress covers both
        running and interrupted)."""
        if isinstance(candidates, Select):
            query = query.where(SessionRow.candidate.in_(candidates))
        elif candidates is not None:
            query = query.where(SessionRow.candidate.in_(sorted(candidates)))
        if wanted.candidate is not None:
            query = query.where(SessionRow.candidate == wanted.candidate)
        if wanted.loop_id is not None:
            query = query.where(SessionRow.loop_id == wanted.loop_id)
        if wanted.round_id is not None:
            query = query.where(SessionRow.id.in_(
                select(SessionRoundRow.session_id).where(SessionRoundRow.round_id == wanted.round_id)))
        if wanted.started_from is not None:
            query = query.where(SessionRow.created_at >= _day_start(wanted.started_from))
        if wanted.started_to is not None:
            query = query.where(SessionRow.created_at < _day_start(wanted.started_to + timedelta(days=1)))
        if wanted.min_score is not None:
            query = query.where(SessionRow.score >= wanted.min_score)
        if wanted.max_score is not None:
            query = query.where(SessionRow.score <= wanted.max_score)
        if wanted.status is not None:
            stored = SessionStatus.IN_PROGRESS.value if wanted.status == INTERRUPTED else wanted.status
            query = query.where(SessionRow.status == stored)
        return query

    def _running(self, wanted: SessionFilter, candidates: Visible) -> Any:
        """For the statuses in progress and interrupted, the condition keeping the sessions a live process runs,
        or those none does (None for the other statuses)."""
        if wanted.status not in (SessionStatus.IN_PROGRESS.value, INTERRUPTED):
            return None
        with self.store._tx() as orm:
            ids = list(orm.scalars(self._where(select(SessionRow.id), wanted, candidates)).all())
        running = sorted(self.store.running_sessions(ids))
        if wanted.status == INTERRUPTED:
            return SessionRow.id.not_in(running) if running else true()
        return SessionRow.id.in_(running)

    def page(self, wanted: SessionFilter, *, candidates: Visible = None, older_than: Position | None = None,
             newer_than: Position | None = None, size: int = 25) -> SessionPage:
        """Up to `size` sessions matching `wanted` among those of `candidates` (None: everyone's), newest first:
        the newest ones, or those just older than `older_than`, or just newer than `newer_than` (when fewer than
        a page are newer than it, the newest page)."""
        if candidates is not None and not isinstance(candidates, Select) and not candidates:
            return SessionPage([], 0)
        running = self._running(wanted, candidates)
        count = self._where(select(func.count()).select_from(SessionRow), wanted, candidates)
        # the page's ids first (an index alone can answer it), then only those rows
        matching = self._where(select(SessionRow.id), wanted, candidates)
        if running is not None:
            count, matching = count.where(running), matching.where(running)
        with self.store._tx() as orm:
            total = orm.scalar(count) or 0
            ids, has_older, has_newer = self._seek(orm, matching, older_than, newer_than, size)
            by_id = {r.id: r for r in orm.scalars(select(SessionRow).where(SessionRow.id.in_(ids))).all()}
            rows = [by_id[i] for i in ids if i in by_id]
            if rows and has_newer is None:  # a page reached by seeking older: is anything newer than its top?
                top = position_of(rows[0].id, rows[0].created_at)
                has_newer = orm.scalar(matching.where(beyond(top, newer=True)).limit(1)) is not None
            counted = orm.execute(select(TurnRow.session_id, func.count()).where(TurnRow.session_id.in_(ids))
                                  .group_by(TurnRow.session_id)).all() if ids else []
            turns: dict[str, int] = {sid: n for sid, n in counted}
        in_progress = [r.id for r in rows if r.status == SessionStatus.IN_PROGRESS.value]
        live = self.store.running_sessions(in_progress)
        listed = [ListedSession(SessionSummary(
            id=r.id, candidate=r.candidate, loop_id=r.loop_id,
            rounds=[p["round_id"] for p in r.plan.get("rounds", [])], status=SessionStatus(r.status),
            turns=turns.get(r.id, 0), created_at=r.created_at, updated_at=r.updated_at, running=r.id in live),
            r.score) for r in rows]
        first, last = (position_of(r.id, r.created_at) for r in (rows[0], rows[-1])) if rows else (None, None)
        return SessionPage(listed, total, newer=first if has_newer else None, older=last if has_older else None)

    @staticmethod
    def _seek(orm: Session, matching: Select[Any], older_than: Position | None, newer_than: Position | None,
              size: int) -> tuple[list[str], bool, bool | None]:
        """The ids of the page (newest first), whether older rows match, and whether newer ones do (None: not
        known yet). One more row than a page is read to tell whether there is another page that way."""
        if newer_than is not None:  # read upwards from the position, then turn the page the right way round
            upwards = list(orm.scalars(matching.where(beyond(newer_than, newer=True))
                                       .order_by(*OLDEST_FIRST).limit(size + 1)).all())
            if len(upwards) > size:
                return upwards[:size][::-1], True, True
            older_than = None  # fewer than a page newer than it: the newest page
        seek = matching if older_than is None else matching.where(beyond(older_than, newer=False))
        ids = list(orm.scalars(seek.order_by(*NEWEST_FIRST)
                               .limit(size + 1)).all())
        return ids[:size], len(ids) > size, False if older_than is None else None
