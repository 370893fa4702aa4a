"""Question selection and session planning."""

from __future__ import annotations

import pytest

from mockinterviewer.bank.select import select_questions
from mockinterviewer.errors import NotFoundError
from mockinterviewer.interview.plan import plan_session


def test_selection_is_reproducible_and_fits_the_round(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    for round_ in loop.rounds:
        first = select_questions(list(bank.questions.values()), round_, seed=7)
        again = select_questions(list(bank.questions.values()), round_, seed=7)
        assert [q.id for q in first] == [q.id for q in again]
        assert len(first) == round_.questions
        assert all(round_.id in q.round_types for q in first)
        assert len({q.id for q in first}) == len(first)


def test_different_seeds_vary_the_questions(bank) -> None:  # type: ignore[no-untyped-def]
    round_ = bank.loop("netflix-senior-swe").round("onsite-technical-deep-dive")
    picks = {tuple(q.id for q in select_questions(list(bank.questions.values()), round_, seed=s))
             for s in range(10)}
    assert len(picks) > 3


def test_categories_are_covered_before_repeating(bank) -> None:  # type: ignore[no-untyped-def]
    round_ = bank.loop("netflix-senior-swe").round("onsite-behavioral")
    chosen = select_questions(list(bank.questions.values()), round_, seed=3)
    pool_categories = {q.category for q in bank.for_round(round_.id)}
    assert len({q.category for q in chosen}) == min(len(chosen), len(pool_categories))


def test_never_repeats_what_the_candidate_was_asked(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    questions = list(bank.questions.values())
    first = plan_session(loop, questions, seed=1)
    second = plan_session(loop, questions, seed=1, asked_before=first.question_ids())
    assert len(set(first.question_ids())) == len(first.question_ids())
    assert len(set(second.question_ids())) == len(second.question_ids())
    # The whole loop asks about half the bank, so a second run may repeat a question, but only in a
    # round whose every question has been asked by then.
    asked = set(first.question_ids()) | set(second.question_ids())
    for planned in second.rounds:
        if {q.question_id for q in planned.questions} & set(first.question_ids()):
            assert {q.id for q in bank.for_round(planned.round_id)} <= asked, planned.round_id
    for round_ in loop.rounds:
        one = plan_session(loop, questions, round_id=round_.id, seed=1)
        again = plan_session(loop, questions, round_id=round_.id, seed=1, asked_before=one.question_ids())
        assert not set(one.question_ids()) & set(again.question_ids()), round_.id


def test_time_budgets_fit_the_round(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    plan = plan_session(loop, list(bank.questions.values()), seed=5)
    for planned in plan.rounds:
        duration = loop.round(planned.round_id).duration_minutes
        assert sum(q.minutes for q in planned.questions) <= duration


def test_unknown_round_is_a_clear_error(bank) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError, match="no round 'nope'"):
        plan_session(bank.loop("netflix-senior-swe"), list(bank.questions.values()), round_id="nope")
