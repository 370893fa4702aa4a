"""Polarity of a clause: which of its words are denied ("fine without any locks", "never measured it").

A negation cue (grading/data/negation-cues.txt) denies the words after it up to the end of its
clause or `SCOPE` words, whichever comes first; phrases like "not only" are not cues
(negation-exceptions.txt). Denying a harm ("no duplicate charges", "without downtime") affirms good
practice, so words that name a harm (problem-words.txt) are reported apart: the matcher treats a
clause that denies a rubric's practice as a contradiction, and one that denies a harm as support.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from mockinterviewer.grading.data import data_lines
from mockinterviewer.grading.text import Token, stem

__all__ = ["SCOPE", "denied_stems", "harm_stems", "is_negative"]

SCOPE = 7  # words after a cue in which to look for what it denies
# content words a cue denies: the head and the word after it ("without any locks", "never use exponential backoff")
HEAD_WORDS = 2


@cache
def _cues() -> frozenset[str]:
    return frozenset(data_lines("negation-cues.txt"))


@cache
def _exceptions() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(line.split()) for line in data_lines("negation-exceptions.txt"))


@cache
def harm_stems() -> frozenset[str]:
    """Stems of the words that name a harm."""
    return frozenset(stem(w) for line in data_lines("problem-words.txt") for w in line.split())


def _is_cue(tokens: Sequence[Token], i: int) -> bool:
    word = tokens[i].lower.replace("’", "'")
    if word not in _cues():
        return False
    return all(tuple(t.lower for t in tokens[i : i + len(phrase)]) != phrase for phrase in _exceptions())


@cache
def _light() -> frozenset[str]:
    return frozenset(stem(w) for line in data_lines("light-verbs.txt") for w in line.split())


def denied_stems(tokens: Sequence[Token]) -> frozenset[str]:
    """Stems of the content words that a negation cue denies, unless what it denies is a harm.

    The head of a cue's scope is its first content word that is not a light verb: "never get
    duplicate charges" has the head "duplicate" (a harm, so nothing good is denied); "fine without
    any locks" has the head "locks" (a practice, denied).
    """
    out: set[str] = set()
    for i in range(len(tokens)):
        if not _is_cue(tokens, i):
            continue
        scope = [t.stem for t in tokens[i + 1 : i + 1 + SCOPE] if not t.stop or t.stem in _light()]
        head = next((s for s in scope if s not in _light()), None)
        if head is None or head in harm_stems():
            continue
        out.update([s for s in scope if s not in _light()][:HEAD_WORDS])
    return frozenset(out)


def is_negative(tokens: Sequence[Token]) -> bool:
    """True when the clause denies a practice (not merely a harm)."""
    return bool(denied_stems(tokens))
