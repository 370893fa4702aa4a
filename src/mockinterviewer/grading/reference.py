"""Turn a (question, reference answer) pair into a Question the rubric grader can grade against.

Owns the derivation of a rubric from a reference answer: the reference is cut into key points
(its clauses, small ones merged into their neighbours, at most six), each key point becomes a
criterion whose signals are the key point's phrases, weighted by how much content it carries, and
whose anchors are generic coverage levels. The result is an ordinary `Question`, so the evaluation
path runs exactly the same scoring code as an interview. A reference too short for the bank schema
(3-6 criteria, 3+ signals each, 3+ exemplar points) is built with `model_construct`; it is never
written to the bank.
"""

from __future__ import annotations

import hashlib
import re
from itertools import pairwise

from pydantic import ValidationError

from mockinterviewer.bank.schema import Criterion, Difficulty, Kind, Question, RedFlag, Rubric
from mockinterviewer.grading.text import STOPWORDS, clauses, content_stems, sentences

__all__ = ["DERIVED_CATEGORY", "derived_anchors", "question_from_reference"]

DERIVED_CATEGORY = "reference answer"
MAX_POINTS = 6

_PHRASE_BREAK_RE = re.compile(r"[,;:()\[\]/\n]|\s-\s|\b(?:and|or|but|so|then|whereas|while|because)\b", re.IGNORECASE)


def derived_anchors(scale_max: int) -> dict[int, str]:
    """Generic anchors for a key point of a reference answer, one per level 0..scale_max."""
    anchors = {0: "Does not state this point.", scale_max: "States this point fully, in the answer's own words."}
    for level in range(1, scale_max):
        share = level / scale_max
        if share <= 0.25:
            anchors[level] = "Touches this point with a word or two, without stating it."
        elif share <= 0.5:
            anchors[level] = "States part of this point."
        else:
            anchors[level] = "States most of this point, missing a detail."
    return anchors


def _key_points(question: str, reference: str) -> list[str]:
    """Clauses of the reference, each carrying at least two content words not taken from the question."""
    q_stems = set(content_stems(question))
    pieces = [c.text for c in clauses(reference, min_words=2)] or [reference.strip()]
    points: list[str] = []
    for piece in pieces:
        own = set(content_stems(piece)) - q_stems
        if points and (len(own) < 2 or len(set(content_stems(points[-1])) - q_stems) < 2):
            points[-1] = f"{points[-1]} {piece}"
        else:
            points.append(piece)
    while len(points) > MAX_POINTS:
        sizes = [len(content_stems(a)) + len(content_stems(b)) for a, b in pairwise(points)]
        i = sizes.index(min(sizes))
        points[i : i + 2] = [f"{points[i]} {points[i + 1]}"]
    return points


def _phrases(point: str) -> list[str]:
    """The content phrases of a key point: the runs of words between punctuation and conjunctions."""
    phrases = []
    for chunk in _PHRASE_BREAK_RE.split(point):
        words = [w for w in re.findall(r"[^\W_]+(?:\+\+|#)?", chunk) if w.lower() not in STOPWORDS]
        if words:
            phrases.append(" ".join(words))
    return phrases or [point]


def _label(point: str, question: str) -> str:
    q_stems = set(content_stems(question))
    words: list[str] = []
    seen: set[str] = set()
    for word in re.findall(r"[^\W_]+(?:\+\+|#)?", point):
        stems = content_stems(word)
        if stems and stems[0] not in q_stems and stems[0] not in seen:
            seen.add(stems[0])
            words.append(word.lower())
    return ", ".join(words[:3]) or "the point"


def question_from_reference(
    question: str,
    reference: str,
    *,
    question_id: str | None = None,
    scale_max: int = 4,
) -> Question:
    """A Question whose rubric is derived from `reference`; grade it with the ordinary RubricGrader."""
    if not question.strip() or not reference.strip():
        raise ValueError("a reference rubric needs both a question and a reference answer")
    slug = question_id or "ref-" + hashlib.sha1(f"{question}\n{reference}".encode()).hexdigest()[:10]
    slug = re.sub(r"[^a-z0-9-]+", "-", slug.lower()).strip("-") or "ref"
    points = _key_points(question, reference)
    sizes = [max(1, len(set(content_stems(p)))) for p in points]
    anchors = derived_anchors(scale_max)
    criteria = [
        dict(
            id=f"point-{i}",
            name=f"Key point {i} ({_label(point, question)})",
            description=point,
            weight=float(min(10, size)),
            anchors=anchors,
            signals=_phrases(point),
            follow_up="Can you say more about that, and be specific?",
        )
        for i, (point, size) in enumerate(zip(points, sizes, strict=True), start=1)
    ]
    exemplar = [s.text for s in sentences(reference)] or [reference.strip()]
    rubric = dict(
        scale_max=scale_max,
        criteria=criteria,
        red_flags=[RedFlag(text="None listed: this rubric was derived from a reference answer.")],
        exemplar=exemplar,
        draft=True,
    )
    fields = dict(
        id=slug,
        prompt=question.strip(),
        round_types=["reference"],
        category=DERIVED_CATEGORY,
        kind=Kind.TECHNICAL,
        difficulty=Difficulty.MEDIUM,
        suggested_minutes=5.0,
        source="reference answer",
    )
    try:
        return Question.model_validate({**fields, "rubric": rubric})
    except ValidationError:
        built = Rubric.model_construct(
            **{**rubric, "criteria": [Criterion.model_construct(**c) for c in criteria]}  # type: ignore[arg-type]
        )
        return Question.model_construct(**fields, rubric=built, levels=["senior"])  # type: ignore[arg-type]
