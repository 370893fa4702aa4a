"""The stable order of sessions, by (created_at, id), and a place in it: what seek paging compares with.

Two sessions started in the same microsecond are told apart by their id, so the order is total and a
`Position` (taken from a row already shown) splits the sessions into those before it and those after it,
whatever has been added since. Both comparisons are one row-value comparison that the
(…, created_at, id) indexes answer as a range, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, literal, tuple_

from mockinterviewer.store.tables import SessionRow


@dataclass(frozen=True)
class Position:
    """A place in the order: the session started at `created_at` (UTC) with id `session_id`."""

    created_at: datetime
    session_id: str


def position_of(session_id: str, created_at: datetime) -> Position:
    """The position of a stored session (SQLite gives its time back without a zone: it is UTC)."""
    return Position(created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC), session_id)


def beyond(position: Position, *, newer: bool, inclusive: bool = False) -> ColumnElement[bool]:
    """The sessions newer (or older) than `position`; `inclusive`: its own session too."""
    order = tuple_(SessionRow.created_at, SessionRow.id)
    at = tuple_(literal(position.created_at, SessionRow.created_at.type),
                literal(position.session_id, SessionRow.id.type))
    if newer:
        return order >= at if inclusive else order > at
    return order <= at if inclusive else order < at


NEWEST_FIRST = (SessionRow.created_at.desc(), SessionRow.id.desc())
OLDEST_FIRST = (SessionRow.created_at, SessionRow.id)
