"""Persistence: sessions, turns, grades and answer audio; accounts and coach review."""

from mockinterviewer.store import account_tables  # noqa: F401  (registers the account and review tables)
from mockinterviewer.store.store import SessionSummary, Store, open_store

__all__ = ["SessionSummary", "Store", "open_store"]
