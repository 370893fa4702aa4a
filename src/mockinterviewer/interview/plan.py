"""Plan a session: which rounds, which questions in each, and each question's time budget."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mockinterviewer.bank.schema import Loop, Question
from mockinterviewer.bank.select import select_questions
from mockinterviewer.errors import NotFoundError
from mockinterviewer.transcript import Plan, PlannedQuestion, PlannedRound

# Minutes of each round kept for the opening, the candidate's questions and the closing.
ROUND_OVERHEAD_MINUTES = 5.0


def plan_session(
    loop: Loop,
    questions: Sequence[Question],
    *,
    round_id: str | None = None,
    count: int | None = None,
    seed: int = 0,
    asked_before: Iterable[str] = (),
) -> Plan:
    """Plan one round (`round_id`) or, with none, every round of the loop in order."""
    if round_id is not None:
        try:
            rounds = [loop.round(round_id)]
        except KeyError:
            known = ", ".join(r.id for r in loop.rounds)
            raise NotFoundError(
                f"Loop '{loop.id}' has no round '{round_id}'.", hint=f"Use one of: {known}."
            ) from None
    else:
        rounds = list(loop.rounds)
    exclude = set(asked_before)
    planned: list[PlannedRound] = []
    for round_ in rounds:
        chosen = select_questions(questions, round_, count=count, seed=seed, exclude=exclude, level=loop.level)
        if not chosen:
            raise NotFoundError(
                f"The bank has no questions for round '{round_.id}'.",
                hint="Add questions whose round_types include it, then run 'mockinterviewer bank lint'.",
            )
        exclude.update(q.id for q in chosen)
        available = max(round_.duration_minutes - ROUND_OVERHEAD_MINUTES, round_.duration_minutes * 0.5)
        total = sum(q.suggested_minutes for q in chosen)
        scale = available / total if total > available else 1.0
        planned.append(
            PlannedRound(
                round_id=round_.id,
                questions=[
                    PlannedQuestion(question_id=q.id, minutes=round(q.suggested_minutes * scale, 2))
                    for q in chosen
                ],
            )
        )
    return Plan(loop_id=loop.id, seed=seed, rounds=planned)
