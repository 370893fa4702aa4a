"""The offline red-flag detector: which of a rubric's red flags an answer shows, and in which clause.

A red flag (bank/schema.py `RedFlag`) is written as the interviewer notes it plus a few ways a
candidate might say it. A clause of the answer shows it when it states the same thing with the
same polarity: its meaning is close to the flag or one of its examples (cosine at least `SIMILAR`),
and most of that phrasing's content words are in the clause, or most of the clause's are in the
phrasing (`WORDS`: "so in the end I was proven right" says part of "In the end I was proven right,
and I made sure people knew it"). Matched against the interviewer's note, the clause must also say
the note's leading verb, the act it names ("Joins cells that only touch diagonally"). A clause
whose sentence rejects what it describes ("..., which rules it out"; data/rejection-cues.txt), or
that denies what the example affirms ("I would never retry forever"), never shows it. Static
embeddings score many correct statements on the same topic above 0.8 (measured on the bank's
strong calibration answers), so meaning and words must both hold: offline, a red flag is caught
when it is said much as the rubric phrases it, and the LLM judge is the better reader of a
paraphrase. Both graders call `detect`, and grading/feedback.py caps the question for each hit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mockinterviewer.bank.schema import Question
from mockinterviewer.grading import polarity, semantic
from mockinterviewer.grading.data import phrase_pattern
from mockinterviewer.grading.findings import RedFlagHit
from mockinterviewer.grading.reference import DERIVED_CATEGORY
from mockinterviewer.grading.text import Span, clauses, content_stems, sentences, tokenize

__all__ = ["SIMILAR", "WORDS", "detect"]

SIMILAR = 0.85  # cosine of static MiniLM embeddings that counts as saying the same thing ...
WORDS = 0.7  # ... together with this share of the phrasing's content words in the one clause
MIN_WORDS = 3  # a clause shorter than this (content words) is too little to show a red flag


@dataclass(frozen=True, slots=True)
class _Phrasing:
    """One way a red flag is said: the interviewer's note or one of its candidate-voiced examples."""

    flag: int  # index of the red flag in the rubric
    text: str
    stems: frozenset[str]
    negative: bool
    # The note's leading verb ("Joins cells that only touch diagonally", "Copies the entire map"): the
    # act the note names. A clause that lacks it shows the flag's topic, not the act ("cells touching
    # only diagonally, which are separate groups"). Examples need no such word: "" for them.
    act: str


def _note_act(note: str) -> str:
    first = tokenize(note)[:1]
    return first[0].stem if first and not first[0].stop else ""


_CACHE: dict[int, tuple[Question, list[_Phrasing], np.ndarray]] = {}


def _phrasings(question: Question) -> tuple[list[_Phrasing], np.ndarray]:
    cached = _CACHE.get(id(question))
    if cached is not None and cached[0] is question:
        return cached[1], cached[2]
    rows: list[_Phrasing] = []
    for index, flag in enumerate(question.rubric.red_flags):
        for text in (flag.text, *flag.examples):
            negative = polarity.is_negative(tokenize(text))
            act = _note_act(text) if text is flag.text else ""
            rows.append(_Phrasing(index, text, frozenset(content_stems(text)), negative, act))
    vectors = semantic.embed([row.text for row in rows])
    if len(_CACHE) > 512:
        _CACHE.clear()
    _CACHE[id(question)] = (question, rows, vectors)
    return rows, vectors


@dataclass(frozen=True, slots=True)
class _Clause:
    text: str
    stems: frozenset[str]
    negative: bool


def _rejected(text: str, span: Span, sentence: Span) -> bool:
    """True when the clause, or the rest of its sentence, rejects what it describes ("..., which rules it out")."""
    return bool(phrase_pattern("rejection-cues.txt").search(text, span.start, sentence.end))


def _clauses(answers: Sequence[str], dropped: Sequence[Sequence[Span]]) -> list[_Clause]:
    """The clauses and the whole sentences of the answer turns: a red flag may take a sentence to say."""
    out: list[_Clause] = []
    seen: set[str] = set()
    for turn, text in enumerate(answers):
        skip = dropped[turn] if turn < len(dropped) else ()
        units = [(span, sentence) for sentence in sentences(text) for span in [*clauses(sentence.text), sentence]]
        for span, sentence in units:
            if span is not sentence:  # clauses() of the sentence's own text: place them in the answer
                span = Span(sentence.start + span.start, sentence.start + span.end, span.text)
            if span.text in seen or any(span.start < d.end and d.start < span.end for d in skip):
                continue
            if _rejected(text, span, sentence):
                continue
            seen.add(span.text)
            tokens = tokenize(span.text)
            stems = frozenset(t.stem for t in tokens if not t.stop)
            if len(stems) >= MIN_WORDS:
                out.append(_Clause(span.text, stems, polarity.is_negative(tokens)))
    return out


def detect(question: Question, answers: Sequence[str], dropped: Sequence[Sequence[Span]] = ()) -> list[RedFlagHit]:
    """The red flags the answer turns show (without the `dropped` spans), one hit per flag."""
    if question.category == DERIVED_CATEGORY:
        return []  # a rubric derived from a reference answer has no red flags
    rows, vectors = _phrasings(question)
    units = _clauses(answers, dropped)
    if not rows or not units:
        return []
    cosine = semantic.embed([u.text for u in units]) @ vectors.T
    best: dict[int, tuple[float, str]] = {}
    for i, unit in enumerate(units):
        for j, row in enumerate(rows):
            if unit.negative != row.negative or (row.act and row.act not in unit.stems):
                continue
            words = len(row.stems & unit.stems) / len(row.stems) if len(row.stems) >= 3 else 0.0
            if len(unit.stems) >= MIN_WORDS:  # or the clause says part of it, every word of it in the phrasing
                words = max(words, len(row.stems & unit.stems) / len(unit.stems))
            if cosine[i, j] < SIMILAR or words < WORDS:
                continue
            strength = float(cosine[i, j]) + words
            if strength > best.get(row.flag, (0.0, ""))[0]:
                best[row.flag] = (strength, unit.text)
    hits = []
    for index, (_, quote) in sorted(best.items()):
        flag = question.rubric.red_flags[index]
        cap = flag.cap if flag.cap is not None else question.rubric.red_flag_cap
        hits.append(RedFlagHit(flag=flag.text, quote=quote, cap=cap))
    return hits
