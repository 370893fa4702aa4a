"""Concrete detail: does a clause say something specific, or only something anyone could say?

A platitude ("it would be a great place to grow and work with talented people", "overall the
project went well") is made of everyday words; a concrete clause counts or measures something
("cut storage costs by about thirty-five percent"), names something ("Open Connect", "Ana") or uses
a word that is uncommon in general English ("approvals", "tombstones"). Word commonness comes from
wordfreq's general-English frequency list (Zipf scale: 3 is once per million words), not from any
answer or rubric of ours. The list is loaded on first use (about 0.1 s).
"""

from __future__ import annotations

import re

from mockinterviewer.grading.data import data_lines

__all__ = ["RARE_ZIPF", "details"]

# A word used at most about four times per million words of general English counts as specific
# ("pipeline" 4.0 and "storage" 4.6 are common; "approvals" 3.1, "encoding" 3.4 are not). Set on the
# tuning answers (tests/data/tuning): level-3 quotes of mediocre behavioral answers had no such word
# in about two cases in three, strong ones in about one in six.
RARE_ZIPF = 3.6
MIN_WORD = 3  # shorter words ("db", "ok") are abbreviations or noise, not detail

_WORD = re.compile(r"\d[\d.,:%x]*|[A-Za-z][A-Za-z'-]*")
_NUMBERS = frozenset(w for line in data_lines("number-words.txt") for w in line.split())
_TIME_UNITS = r"(?:second|minute|hour|day|week|weekend|month|quarter|year|sprint)s?"
# "a week", "two sprints", "an hour": a stretch of time counted is a detail, though its words are common
_SPAN_OF_TIME = re.compile(rf"\b(?:a|an|{'|'.join(sorted(_NUMBERS))})\s+{_TIME_UNITS}\b", re.IGNORECASE)


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # imported here: the interview starts before the grader is needed

    return float(zipf_frequency(word, "en"))


def details(text: str) -> int:
    """How many concrete details `text` carries: numbers, names, and words uncommon in English."""
    count = len(_SPAN_OF_TIME.findall(text))
    for i, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        lower = word.lower()
        if word[0].isdigit() or lower in _NUMBERS or any(part in _NUMBERS for part in lower.split("-")):
            count += 1
        elif len(word) < MIN_WORD:
            continue
        elif i > 0 and word[0].isupper() and word != "I" and not _after_stop(text, match.start()):
            count += 1  # a name inside a sentence ("Open Connect", "Ana")
        elif _zipf(lower) < RARE_ZIPF:
            count += 1
    return count


def _after_stop(text: str, start: int) -> bool:
    """The word starts a sentence: only spaces and quotes since a full stop, ? or !."""
    before = text[:start].rstrip(" \"'(")
    return not before or before[-1] in ".?!:\n"
