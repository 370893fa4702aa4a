"""The grader's data files: word lists (each says where it came from) and the static embedding model."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


@cache
def data_lines(name: str) -> tuple[str, ...]:
    """The non-empty, non-comment lines of a data file of this folder."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


@cache
def phrase_pattern(name: str) -> re.Pattern[str]:
    """A case-insensitive pattern matching any phrase of a data file (one a line) as whole words."""
    phrases = (re.escape(line).replace(r"\ ", r"\s+") for line in data_lines(name))
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)
