"""Numbered Alembic migrations of the store's tables (run by `Store` when a database is behind)."""
