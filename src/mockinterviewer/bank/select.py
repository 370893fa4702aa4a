"""Pick questions for a round: the round's type and kinds, category coverage, a time budget,
reproducible with a seed, and never a question this candidate was already asked."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from mockinterviewer.bank.schema import Question, Round


def eligible_questions(questions: Iterable[Question], round_: Round, level: str | None = None) -> list[Question]:
    """Questions written for this round type whose kind the round asks for (and level, when the
    question names levels): a coding round never gets a behavioral question by a tagging slip."""
    kinds = set(round_.kinds)
    chosen = [q for q in questions if round_.id in q.round_types and q.kind in kinds]
    if level:
        chosen = [q for q in chosen if level in q.levels] or chosen
    return sorted(chosen, key=lambda q: q.id)


def select_questions(
    questions: Sequence[Question],
    round_: Round,
    *,
    count: int | None = None,
    seed: int = 0,
    exclude: Iterable[str] = (),
    level: str | None = None,
    taken: Iterable[str] = (),
) -> list[Question]:
    """Choose up to `count` questions (default: the round's) for the round.

    Fresh questions come first; the candidate's earlier questions are used only when the round
    has no fresh ones left, and `taken` (questions already in this plan) never. Categories are
    covered round-robin so that a round does not draw all its questions from one category, and the
    total suggested time stays within the round's duration whenever the bank allows it.
    """
    wanted = count if count is not None else round_.questions
    rng = random.Random(f"{seed}:{round_.id}")
    never = set(taken)
    pool = [q for q in eligible_questions(questions, round_, level) if q.id not in never]
    seen = set(exclude)
    fresh = [q for q in pool if q.id not in seen]
    stale = [q for q in pool if q.id in seen]
    rng.shuffle(fresh)
    rng.shuffle(stale)

    picked: list[Question] = []
    budget = float(round_.duration_minutes)
    for group in (fresh, stale):
        for question in _round_robin_by_category(group, round_.categories, rng):
            if len(picked) >= wanted:
                break
            used = sum(q.suggested_minutes for q in picked)
            if picked and used + question.suggested_minutes > budget:
                continue
            picked.append(question)
        if len(picked) >= wanted:
            break
    return picked


def _round_robin_by_category(questions: list[Question], preferred: list[str], rng: random.Random) -> list[Question]:
    """Interleave questions by category so each category is drawn before any is drawn twice."""
    by_category: dict[str, list[Question]] = {}
    for question in questions:
        by_category.setdefault(question.category, []).append(question)
    order = [c for c in preferred if c in by_category]
    others = sorted(c for c in by_category if c not in order)
    rng.shuffle(order)
    order += others
    interleaved: list[Question] = []
    while any(by_category.values()):
        for category in order:
            if by_category.get(category):
                interleaved.append(by_category[category].pop(0))
    return interleaved
