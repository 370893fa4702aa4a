"""Persistence: sessions, turns, grades and answer audio."""

from mockinterviewer.store.store import SessionSummary, Store, open_store

__all__ = ["SessionSummary", "Store", "open_store"]
