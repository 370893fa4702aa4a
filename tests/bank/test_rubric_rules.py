"""The rules a senior interviewer holds the bank's rubrics to (issue 14): red flags with examples a
detector can match, must-have and own-part criteria where the question needs them, no signal scored
twice, the Netflix loop shaped as its guide describes, and realistic time per question."""

from __future__ import annotations

import re

import pytest

from mockinterviewer.bank.schema import Kind, Question
from mockinterviewer.bank.select import eligible_questions, select_questions
from mockinterviewer.interview.plan import ROUND_OVERHEAD_MINUTES, plan_session
from tests.conftest import BANK_DIR, SHARED

FIRST_PERSON = re.compile(r"\b(I|I'd|I'll|I'm|I've|me|my|we|we'd|we'll|our|us)\b", re.IGNORECASE)

# The criterion that carries each question's core: scored 0 or 1, the question is capped.
MUST_HAVE = {
    "retry-backoff-strategy": "idempotency",
    "token-bucket-rate-limiter": "concurrency",
    "global-rate-limiter": "shared-state",
    "kafka-exactly-once-ordering-replay": "delivery-semantics",
    "js-sharedmap-race": "event-loop-analysis",
    "crdt-vs-ot": "convergence",
    "notification-fan-out-service": "delivery-reliability",
    "multi-region-active-active-store": "conflict-resolution",
}

# Time per question a senior loop actually spends (minutes).
MINUTES = {
    Kind.SYSTEM_DESIGN: (45, 60),
    Kind.CODING: (35, 45),
    Kind.TECHNICAL: (10, 30),
    Kind.BEHAVIORAL: (5, 15),
}

OTHER_COMPANIES_SLOGANS = ("disagree and commit", "disagree-and-commit", "bias for action", "customer obsession",
                           "leadership principle", "have backbone")
NETFLIX_IDEAS = ("context, not control", "context not control", "informed captain", "farm for dissent",
                 "farming for dissent", "candor", "candid")


def _questions(bank) -> list[Question]:  # type: ignore[no-untyped-def]
    return sorted(bank.questions.values(), key=lambda q: q.id)


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


def _contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    return any(long[i:i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _rubric_text(question: Question) -> str:
    rubric = question.rubric
    parts = [*rubric.exemplar]
    for criterion in rubric.criteria:
        parts += [criterion.name, criterion.description, criterion.follow_up, *criterion.anchors.values(),
                  *criterion.signals]
    return " ".join(parts).lower()


def test_every_red_flag_has_two_to_four_examples_in_the_candidates_voice(bank) -> None:  # type: ignore[no-untyped-def]
    for question in _questions(bank):
        assert question.rubric.red_flags, question.id
        for flag in question.rubric.red_flags:
            assert 2 <= len(flag.examples) <= 4, (question.id, flag.text)
            assert len({_words(e) for e in flag.examples}) == len(flag.examples), (question.id, flag.text)
            # In the candidate's own voice, never a description of the candidate.
            assert any(FIRST_PERSON.search(e) for e in flag.examples), (question.id, flag.text)
            assert not [e for e in flag.examples if re.search(r"\bcandidate\b", e, re.IGNORECASE)], question.id


def test_red_flag_examples_are_not_what_a_strong_answer_says(bank) -> None:  # type: ignore[no-untyped-def]
    """An example must never repeat a signal of the same rubric: the detector would then cap the
    very answers the criteria reward."""
    for question in _questions(bank):
        signals = [_words(s) for c in question.rubric.criteria for s in c.signals]
        for flag in question.rubric.red_flags:
            for example in flag.examples:
                words = _words(example)
                clash = [" ".join(s) for s in signals if len(s) >= 3 and _contains(words, s)]
                assert not clash, (question.id, example, clash)


def test_must_have_criteria_are_marked_where_the_question_needs_them(bank) -> None:  # type: ignore[no-untyped-def]
    for question_id, criterion_id in MUST_HAVE.items():
        assert bank.question(question_id).rubric.criterion(criterion_id).must_have, (question_id, criterion_id)
    for question in _questions(bank):
        must = [c for c in question.rubric.criteria if c.must_have]
        if question.kind is not Kind.BEHAVIORAL and "Cross Functional" not in question.category:
            assert must, f"{question.id}: a technical question needs its core marked must_have"
        assert len(must) <= 2, f"{question.id}: must-have is for the core, not for every criterion"


def test_every_behavioral_rubric_scores_the_candidates_own_part_once(bank) -> None:  # type: ignore[no-untyped-def]
    for question in _questions(bank):
        own = [c.id for c in question.rubric.criteria if c.own_part]
        if question.kind is Kind.BEHAVIORAL:
            assert len(own) == 1, (question.id, own)
        else:
            assert len(own) <= 1, (question.id, own)


def test_process_hypotheticals_also_ask_when_the_candidate_did_it(bank) -> None:  # type: ignore[no-untyped-def]
    process = [q for q in _questions(bank) if re.search(r"\bhow (you )?would you (design|run|establish|set up)|"
                                                         r"\bdescribe how you would\b|\bexplain one simple\b",
                                                         q.prompt, re.IGNORECASE)]
    assert process
    for question in process:
        assert re.search(r"\btime you\b|\bwhen you\b", question.prompt, re.IGNORECASE), question.id
        assert any(c.own_part for c in question.rubric.criteria), question.id


def test_no_two_criteria_of_a_question_share_a_signal(bank) -> None:  # type: ignore[no-untyped-def]
    for question in _questions(bank):
        owners: list[tuple[str, tuple[str, ...]]] = [
            (c.id, _words(s)) for c in question.rubric.criteria for s in c.signals
        ]
        for i, (first_id, first) in enumerate(owners):
            for second_id, second in owners[i + 1:]:
                if first_id == second_id:
                    continue
                shorter, longer = sorted((first, second), key=len)
                assert not _contains(longer, shorter), (question.id, first_id, " ".join(first),
                                                        second_id, " ".join(second))


def test_behavioral_rubrics_use_netflix_ideas_not_other_companies_slogans(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    people_rounds = {r.id for r in loop.rounds if Kind.BEHAVIORAL in r.kinds}
    people = [q for q in _questions(bank) if set(q.round_types) & people_rounds]
    for question in people:
        text = _rubric_text(question)
        assert not [s for s in OTHER_COMPANIES_SLOGANS if s in text], question.id
    using = [q.id for q in people if any(idea in _rubric_text(q) for idea in NETFLIX_IDEAS)]
    for required in ("leading-with-context-not-control", "disagree-and-commit", "hard-feedback-to-a-peer",
                     "initiative-funding-decision-process", "pushing-back-on-a-senior-leader"):
        assert required in using, required


def test_questions_are_tagged_as_the_guide_tags_them(bank) -> None:  # type: ignore[no-untyped-def]
    guide = (SHARED / "guides" / "netflix-senior-swe.txt").read_text().splitlines()
    kinds = {"Technical": Kind.TECHNICAL, "System Design": Kind.SYSTEM_DESIGN}
    checked = 0
    for i, line in enumerate(guide):
        match = re.fullmatch(r"(.+?)(Easy|Medium|Hard)(Technical|System Design)", line.strip())
        if not match:
            continue
        text = re.sub(r"^(Easy|Medium|Hard):\s*", "", guide[i + 2].strip())
        question = next(q for q in bank.questions.values() if " ".join(q.prompt.split()).startswith(text))
        assert question.category == match.group(1), question.id
        assert question.difficulty.value == match.group(2).lower(), question.id
        assert question.kind is kinds[match.group(3)], question.id
        checked += 1
    assert checked == 10
    assert bank.question("js-sharedmap-race").kind is Kind.TECHNICAL
    assert bank.question("crdt-vs-ot").kind is Kind.TECHNICAL


def test_every_question_fits_the_kinds_of_its_rounds(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    rounds = {r.id: r for r in loop.rounds}
    for question in _questions(bank):
        for round_id in question.round_types:
            assert round_id in rounds, (question.id, round_id)
            assert question.kind in rounds[round_id].kinds, (question.id, round_id)


def test_selector_honours_the_rounds_kinds(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    coding = loop.round("onsite-coding")
    story = bank.question("failure-you-owned").model_copy(update={"id": "mistagged", "round_types": [coding.id]})
    questions = [*bank.questions.values(), story]
    assert "mistagged" not in {q.id for q in eligible_questions(questions, coding)}
    for round_ in loop.rounds:
        for seed in range(5):
            chosen = select_questions(questions, round_, seed=seed)
            assert chosen and all(q.kind in round_.kinds for q in chosen), round_.id


def test_time_per_question_is_realistic(bank) -> None:  # type: ignore[no-untyped-def]
    for question in _questions(bank):
        low, high = MINUTES[question.kind]
        assert low <= question.suggested_minutes <= high, (question.id, question.suggested_minutes)


def test_every_round_can_be_planned_in_its_time(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    questions = list(bank.questions.values())
    for round_ in loop.rounds:
        for seed in range(5):
            plan = plan_session(loop, questions, round_id=round_.id, seed=seed)
            (planned,) = plan.rounds
            assert len(planned.questions) == round_.questions, round_.id
            minutes = [q.minutes for q in planned.questions]
            assert sum(minutes) <= round_.duration_minutes - ROUND_OVERHEAD_MINUTES, round_.id
            for planned_question in planned.questions:
                question = bank.question(planned_question.question_id)
                # Never squeezed: every question keeps the time it needs.
                assert planned_question.minutes == question.suggested_minutes, (round_.id, question.id)


def test_the_onsite_is_separate_interviews_as_the_guide_describes(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    ids = [r.id for r in loop.rounds]
    assert ids[:3] == ["recruiter-screen", "hiring-manager-screen", "technical-phone-screen"]
    onsite = [r for r in loop.rounds if r.id.startswith("onsite-")]
    assert 6 <= len(onsite) <= 8
    design = loop.round("onsite-system-design")
    assert design.kinds == [Kind.SYSTEM_DESIGN] and design.questions == 1
    for round_id in ("technical-phone-screen", "onsite-coding"):
        assert loop.round(round_id).kinds == [Kind.CODING] and loop.round(round_id).questions == 1
    assert any(Kind.BEHAVIORAL in r.kinds for r in onsite)
    assert any("hiring manager" in r.interviewer for r in onsite)


@pytest.mark.parametrize("field", ["duration_minutes", "questions"])
def test_what_the_guide_does_not_give_is_marked_as_an_assumption(field: str) -> None:
    text = (BANK_DIR / "loops" / "netflix-senior-swe.yaml").read_text()
    lines = [line for line in text.splitlines() if line.strip().startswith(f"{field}:")]
    assert lines and all("ASSUMPTION" in line for line in lines), field
    hire_bar = text.splitlines().index(next(line for line in text.splitlines() if line.startswith("hire_bar:")))
    assert "ASSUMPTION" in text.splitlines()[hire_bar - 1] + text.splitlines()[hire_bar]
