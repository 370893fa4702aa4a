"""Plan a session: which rounds, which questions in each, and each question's time budget."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from mockinterviewer.bank.schema import Loop, Question, Round
from mockinterviewer.bank.select import JobFocus, eligible_questions, select_questions
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
    focus: JobFocus | None = None,
    own_questions: Mapping[str, Question] | None = None,
    level: str | None = None,
    style: str | None = None,
) -> Plan:
    """Plan one round (`round_id`) or, with none, every round of the loop in order.

    `focus` ranks each round's questions by a job's requirements; `own_questions` (by round id: a
    question about the candidate's own project, from the résumé) opens its round and counts in it.
    `level` (default: the loop's) asks only questions written for it; it and the interviewer's
    `style` are kept in the plan, so resuming and the report see them."""
    own = own_questions or {}
    level = level or loop.level
    questions = [q for q in questions if loop.asks(q)]
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
    # a question about the candidate's own project is graded with a bank question's rubric: that
    # question itself is not asked in the same session
    taken: set[str] = {q.id for q in questions if any(q.rubric == o.rubric for o in own.values())}
    chosen_by_round: dict[str, list[Question]] = {}
    # Rounds share questions (a story fits a screen and an onsite interview): the rounds with the
    # fewest fresh questions per question asked choose first, so a round with a large pool never
    # takes the only fresh questions of a small one. The plan keeps the loop's order.
    for round_ in sorted(rounds, key=lambda r: _scarcity(questions, r, exclude, count, level)):
        wanted = count if count is not None else round_.questions
        first = [own[round_.id]] if round_.id in own else []
        chosen = first + (select_questions(
            questions, round_, count=wanted - len(first), seed=seed, exclude=exclude, level=level, taken=taken,
            focus=focus,
        ) if wanted > len(first) else [])
        if not chosen:
            if eligible_questions(questions, round_):
                raise NotFoundError(
                    f"The bank has no {level}-level questions for round '{round_.id}'.",
                    hint=f"Choose another --level, or add '{level}' to the levels of questions written for it; "
                         f"'mockinterviewer bank coverage --loop {loop.id} --level {level}' lists what each round has.",
                )
            raise NotFoundError(
                f"The bank has no questions for round '{round_.id}'.",
                hint="Add questions whose round_types include it, then run 'mockinterviewer bank lint'.",
            )
        exclude.update(q.id for q in chosen)
        taken.update(q.id for q in chosen)
        chosen_by_round[round_.id] = chosen
    planned = [
        PlannedRound(round_id=round_.id, questions=_budget(round_, chosen_by_round[round_.id])) for round_ in rounds
    ]
    return Plan(loop_id=loop.id, seed=seed, rounds=planned, level=level, style=style)


def _scarcity(questions: Sequence[Question], round_: Round, exclude: set[str], count: int | None,
              level: str) -> float:
    fresh = [q for q in eligible_questions(questions, round_, level) if q.id not in exclude]
    return len(fresh) / (count if count is not None else round_.questions)


def _budget(round_: Round, chosen: list[Question]) -> list[PlannedQuestion]:
    """Each question's minutes: its suggested time, scaled down when the round cannot hold them all
    (the opening and the candidate's questions keep ROUND_OVERHEAD_MINUTES)."""
    available = max(round_.duration_minutes - ROUND_OVERHEAD_MINUTES, round_.duration_minutes * 0.5)
    total = sum(q.suggested_minutes for q in chosen)
    scale = available / total if total > available else 1.0
    return [PlannedQuestion(question_id=q.id, minutes=round(q.suggested_minutes * scale, 2)) for q in chosen]
