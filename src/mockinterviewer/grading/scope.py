"""What an answer shows of a staff engineer's scope: work across several teams, and technical
strategy. Read from the candidate's own words with the cue lists of `data/` (multi-team-cues.txt,
strategy-cues.txt); used for the report's notes at staff level, never for a score."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from mockinterviewer.grading.data import data_lines


@cache
def _pattern(name: str) -> re.Pattern[str]:
    parts = []
    for cue in data_lines(name):
        body = re.escape(cue.rstrip("*")).replace(r"\ ", r"\s+")
        parts.append(body + (r"\w*" if cue.endswith("*") else ""))
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Scope:
    """The cues found in an answer (as the candidate wrote them), per kind of scope."""

    multi_team: tuple[str, ...]
    strategy: tuple[str, ...]


def answer_scope(answer: str) -> Scope:
    """The multi-team and strategy cues in `answer`, each once, in order of appearance."""

    def found(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.group(0).lower() for m in _pattern(name).finditer(answer)))

    return Scope(multi_team=found("multi-team-cues.txt"), strategy=found("strategy-cues.txt"))
