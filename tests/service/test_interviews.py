"""The session life cycle API (start, take replies, resume, finish, report) on SQLite, offline."""

from __future__ import annotations

import pytest

from mockinterviewer.config import load_settings
from mockinterviewer.errors import InputError
from mockinterviewer.service import Interviews, Running
from mockinterviewer.transcript import SessionStatus, Speaker, TurnKind
from tests.interview.helpers import ScriptedChannel

ANSWER = ("I led the migration of our payments service to an idempotent queue: I measured the error rate, "
          "wrote the design doc, got buy-in from two teams and cut incidents by 40 percent.")


def _interviews() -> Interviews:
    return Interviews(load_settings())


def _start(interviews: Interviews, **kwargs: object) -> Running:
    args: dict[str, object] = {"candidate": "ada", "round_id": "recruiter-screen", "questions": 2, "seed": 7}
    return interviews.start(**{**args, **kwargs})  # type: ignore[arg-type]


def _free(interviews: Interviews, session_id: str) -> bool:
    """Whether no one holds the session (checked by holding it for a moment)."""
    hold = interviews.store.hold_session(session_id)
    if hold is None:
        return False
    hold.release()
    return True


def _question_turns(interviews: Interviews, session_id: str) -> list[str]:
    session = interviews.store.load_session(session_id)
    return [t.question_id or "" for t in session.turns if t.kind is TurnKind.QUESTION]


def test_start_records_a_held_planned_session() -> None:
    interviews = _interviews()
    running = _start(interviews)
    try:
        assert running.seed == 7
        assert running.label.startswith("Interviewer: offline scripted")
        stored = interviews.store.load_session(running.session.id)
        assert stored.candidate == "ada"
        assert [r.round_id for r in stored.plan.rounds] == ["recruiter-screen"]
        assert len(stored.plan.rounds[0].questions) == 2
        with pytest.raises(InputError, match="running in another process"):
            interviews.resume(running.session.id)
    finally:
        running.release()
    # the same seed plans the same questions for a new candidate
    again = _start(_interviews(), candidate="grace")
    again.release()
    assert again.session.plan == running.session.plan


def test_run_finish_and_report() -> None:
    interviews = _interviews()
    running = _start(interviews)
    channel = ScriptedChannel([ANSWER] * 12)
    status = interviews.run(running, channel)
    assert status is SessionStatus.COMPLETED
    assert channel.infos[0].startswith("Interviewer: offline scripted")
    assert running.hold.release() is None  # released by run (a second release is harmless)
    assert _free(interviews, running.session.id)

    report = interviews.finish(running.session.id)
    assert report.session_id == running.session.id
    assert report.status == SessionStatus.COMPLETED.value
    grades = interviews.store.load_grades(running.session.id)
    assert len(grades) == 2 and all(g.answer for g in grades)

    def no_regrading() -> None:
        raise AssertionError("a graded session is not graded again")

    interviews.grader = no_regrading  # type: ignore[method-assign,assignment]
    assert _interviews().report(running.session.id[:8]) == report  # by prefix, from another instance
    assert interviews.report(running.session.id) == report


def test_report_grades_a_session_that_never_was() -> None:
    interviews = _interviews()
    running = _start(interviews)
    interviews.run(running, ScriptedChannel([ANSWER]))  # one answer, then the input ends
    assert interviews.store.load_grades(running.session.id) == []
    report = interviews.report(running.session.id)
    assert report.status == SessionStatus.UNFINISHED.value
    assert len(interviews.store.load_grades(running.session.id)) == len(_question_turns(interviews,
                                                                                         running.session.id))


def test_resume_continues_where_it_stopped() -> None:
    interviews = _interviews()
    running = _start(interviews)
    session_id = running.session.id
    first = ScriptedChannel([ANSWER, "/quit"])
    assert interviews.run(running, first) is SessionStatus.UNFINISHED
    asked = _question_turns(interviews, session_id)

    resumed = _interviews().resume(session_id[:8])
    assert resumed.session.id == session_id
    assert len(resumed.session.turns) == len(interviews.store.load_session(session_id).turns)
    second = ScriptedChannel([ANSWER] * 12)
    assert interviews.run(resumed, second) is SessionStatus.COMPLETED
    assert any("Resuming session" in line for line in second.infos)
    after = _question_turns(interviews, session_id)
    assert after[:len(asked)] == asked and len(set(after)) == 2  # nothing asked twice

    with pytest.raises(InputError, match="already complete"):
        interviews.resume(session_id)


def test_take_reply_one_request_at_a_time() -> None:
    """How a browser holds an interview: nothing held between requests, one reply per request."""
    interviews = _interviews()
    running = _start(interviews)
    session_id = running.session.id
    channel = ScriptedChannel([], strict=True)  # the only replies are the ones passed in
    assert interviews.take_reply(running, None, channel) is SessionStatus.UNFINISHED
    kinds = [kind for kind, _ in channel.said]
    assert kinds[:2] == [TurnKind.OPENING.value, TurnKind.QUESTION.value]
    assert _free(interviews, session_id)  # released between requests

    status = SessionStatus.UNFINISHED
    for _ in range(20):
        status = interviews.take_reply(session_id, ANSWER, ScriptedChannel([], strict=True))
        if status is SessionStatus.COMPLETED:
            break
    assert status is SessionStatus.COMPLETED
    session = interviews.store.load_session(session_id)
    answers = [t for t in session.turns if t.speaker is Speaker.CANDIDATE]
    assert answers and all(t.text == ANSWER for t in answers)
    assert len(interviews.finish(session_id).rounds) == 1


def test_take_reply_is_quiet_and_a_loud_run_still_announces_the_resume() -> None:
    """A request-at-a-time reply says only what the interviewer says next: no resume greeting, no repeated
    question, no "saved as unfinished" line. The CLI's (loud) run is unchanged."""
    interviews = _interviews()
    running = _start(interviews)
    session_id = running.session.id
    assert interviews.take_reply(running, None, ScriptedChannel([], strict=True)) is SessionStatus.UNFINISHED
    step = ScriptedChannel([], strict=True)
    interviews.take_reply(session_id, ANSWER, step)
    assert not any("Resuming" in line or "saved as unfinished" in line for line in step.infos)
    assert step.said and step.said[0][0] != "repeat"
    last = interviews.store.load_session(session_id).turns[-1]
    assert step.said[-1] == (last.kind.value, last.text)  # only the new words, ending with what is asked now
    assert len([t for t in step.said if t == step.said[-1]]) == 1

    loud = ScriptedChannel([])
    assert interviews.run(interviews.resume(session_id), loud) is SessionStatus.UNFINISHED
    assert any("Resuming session" in line for line in loud.infos)
    assert any("saved as unfinished" in line for line in loud.infos)
    assert loud.said == [(last.kind.value, last.text)]  # the last question, repeated


def test_grading_again_keeps_the_coach_overrides_in_the_listed_score() -> None:
    from mockinterviewer.store.accounts import Accounts, Role
    from mockinterviewer.store.review import Reviews
    from mockinterviewer.store.session_search import SessionFilter, SessionSearch

    interviews = _interviews()
    running = _start(interviews)
    interviews.run(running, ScriptedChannel([ANSWER] * 12))
    interviews.finish(running.session.id)
    accounts = Accounts(interviews.store)
    accounts.add_user("coach", Role.COACH, "password-123")
    accounts.add_user("ada", Role.CANDIDATE, "password-123")
    accounts.assign("coach", "ada")
    grade = interviews.store.load_grades(running.session.id)[0]
    weakest = min(grade.criteria, key=lambda c: c.score)
    reviews = Reviews(interviews.store, accounts)
    reviews.add_override(accounts.get("coach"), running.session.id, grade.question_id, weakest.id,
                         weakest.max_score, "the answer shows this fully")

    def listed() -> float | None:
        page = SessionSearch(interviews.store).page(SessionFilter())
        return next(s.score for s in page.sessions if s.summary.id == running.session.id)

    with_override = listed()
    totals = reviews.totals(accounts.get("coach"), running.session.id)
    assert with_override == totals.score != totals.grader_score
    interviews.finish(running.session.id)  # graded again
    assert listed() == with_override
