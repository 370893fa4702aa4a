"""Polarity of a clause: which of its words are denied ("fine without any locks", "never measured it").

A negation cue (grading/data/negation-cues.txt) denies the words after it up to the end of its
clause or `SCOPE` words, whichever comes first; phrases like "not only" are not cues
(negation-exceptions.txt). Denying a harm ("no duplicate charges", "without downtime") affirms good
practice, so words that name a harm (problem-words.txt) are reported apart: the matcher treats a
clause that denies a rubric's practice as a contradiction, and one that denies a harm as support.
A sentence that waves a concern away ("so we don't have to worry about losing writes", "it should be
fine"; dismissal-cues.txt) is `dismissive`: the grader never takes it as evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from mockinterviewer.grading.data import data_lines, phrase_pattern
from mockinterviewer.grading.text import Token, is_past_participle, stem

__all__ = ["SCOPE", "denied_stems", "dismissive", "harm_stems", "is_negative", "mentioned_as_denied"]

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


@cache
def _causal() -> frozenset[str]:
    return frozenset(stem(w) for line in data_lines("causal-verbs.txt") for w in line.split())


def _causes_harm(scope: Sequence[str]) -> bool:
    """True when the scope says a causal verb and then a harm ("... and cause a thundering herd")."""
    for i, s in enumerate(scope):
        if s in _causal():
            return bool(harm_stems().intersection(scope[i + 1 :]))
    return False


# Third persons in a candidate's words (`spoken`): "she didn't feel comfortable asking openly" tells what
# someone else did or felt, the scene of a story, not a practice the speaker denies. (A rubric's "they"
# is the candidate: "honest about what they did not know" is a denial it asks for.)
SUBJECT_GAP = 2  # a cue within this many words after a third-person pronoun is theirs ("she was not")


@cache
def _others() -> frozenset[str]:
    return frozenset(data_lines("third-person-subjects.txt"))


def _someone_else(tokens: Sequence[Token], i: int) -> bool:
    return any(t.lower in _others() for t in tokens[max(0, i - SUBJECT_GAP) : i])


def _before_then(tokens: Sequence[Token], i: int) -> bool:
    """A past perfect ("I'd never worked on that part", "we hadn't planned for it", "I had no say"): what
    the speaker had not done before the story, its scene, measured to be said by strong answers."""
    if tokens[i].lower == "hadn't" or any(t.lower == "had" for t in tokens[max(0, i - SUBJECT_GAP) : i]):
        return True
    after = tokens[i + 1].lower if i + 1 < len(tokens) else ""
    return i > 0 and tokens[i - 1].lower.endswith("'d") and is_past_participle(after)


def denied_stems(tokens: Sequence[Token], *, spoken: bool = False) -> frozenset[str]:
    """Stems of the content words that a negation cue denies, unless what it denies is a harm.

    A cue denies its head (its first content word that is not a light verb) and the word after it:
    "fine without any locks" denies "locks". When the head is a harm, or the clause goes on to a
    causal verb and a harm, the cue denies the harm and nothing good is denied: "never get
    duplicate charges", "so clients don't retry in lockstep and cause a thundering herd". With
    `spoken` (a candidate's words), a cue that follows he, she or they, or is part of a past perfect
    ("I'd never worked on it"), denies nothing the speaker does.
    """
    out: set[str] = set()
    for i in range(len(tokens)):
        if not _is_cue(tokens, i) or (spoken and (_someone_else(tokens, i) or _before_then(tokens, i))):
            continue
        scope = [t.stem for t in tokens[i + 1 : i + 1 + SCOPE] if not t.stop or t.stem in _light()]
        denied = [s for s in scope if s not in _light()][:HEAD_WORDS]
        rest = [t.stem for t in tokens[i + 1 :] if not t.stop]
        if not denied or denied[0] in harm_stems() or _causes_harm(rest):
            continue
        out.update(denied)
    return frozenset(out)


def mentioned_as_denied(tokens: Sequence[Token]) -> frozenset[str]:
    """Every content word that a rubric text puts after a negation cue, "not just" included.

    A rubric that says "not by tickets closed or features shipped" or "not just shipping features"
    itself denies those words, so a candidate denying them agrees with it.
    """
    out: set[str] = set()
    for i, token in enumerate(tokens):
        if token.lower.replace("’", "'") in _cues():
            out.update(t.stem for t in tokens[i + 1 : i + 1 + SCOPE] if not t.stop)
    return frozenset(out)


def is_negative(tokens: Sequence[Token]) -> bool:
    """True when the clause denies a practice (not merely a harm)."""
    return bool(denied_stems(tokens))


def dismissive(text: str) -> bool:
    """True when the text waves a concern away instead of dealing with it ("no need to worry about ...")."""
    return bool(phrase_pattern("dismissal-cues.txt").search(text.replace("’", "'")))
