"""The progress computation (pure): series per category and criterion, overrides counted and marked,
skips left out, and the weakest criteria with how many answers they rest on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mockinterviewer.store.progress import RECENT, GradedSession, graded_session, progress
from mockinterviewer.store.review import Override
from mockinterviewer.transcript import CriterionGrade, QuestionGrade

DAY0 = datetime(2026, 11, 1, tzinfo=UTC)
CATEGORIES = {"q-design": "System Design", "q-story": "Leadership", "q-design-2": "System Design"}


def _criterion(cid: str, score: float, name: str | None = None) -> CriterionGrade:
    return CriterionGrade(id=cid, name=name or cid.title(), score=score, max_score=4, weight=1.0,
                          evidence=["quoted"] if score else [], rationale="r")


def _grade(question_id: str, scores: dict[str, float], *, gradable: bool = True) -> QuestionGrade:
    criteria = [_criterion(cid, s) for cid, s in scores.items()]
    mean = sum(scores.values()) / len(scores)
    return QuestionGrade(question_id=question_id, prompt="p", round_id="r1", answer="a", score=round(mean, 2),
                         max_score=4, criteria=criteria, gradable=gradable)


def _override(question_id: str, criterion_id: str, score: float, oid: int = 1) -> Override:
    return Override(id=oid, session_id="s", question_id=question_id, criterion_id=criterion_id, score=score,
                    reason="why", author="carol", created_at=DAY0)


def _session(sid: str, day: int, grades: list[QuestionGrade],
             overrides: dict[tuple[str, str], Override] | None = None) -> GradedSession:
    return graded_session(sid, DAY0 + timedelta(days=day), grades, overrides or {})


def test_series_per_category_and_criterion_in_time_order() -> None:
    sessions = [  # given out of order: the result is oldest first
        _session("s2", 2, [_grade("q-design", {"scaling": 4, "trade-offs": 2})]),
        _session("s1", 1, [_grade("q-design", {"scaling": 2, "trade-offs": 0}),
                           _grade("q-story", {"ownership": 3})]),
    ]
    found = progress(sessions, CATEGORIES.get)
    assert [s.session_id for s in found.sessions] == ["s1", "s2"] and found.shows_trend and found.answers == 3
    design = next(c for c in found.categories if c.category == "System Design")
    assert [p.value for p in design.overall.points] == [0.25, 0.75]  # question score / scale
    scaling = next(s for s in design.criteria if s.label == "Scaling")
    assert [(p.session_id, p.value) for p in scaling.points] == [("s1", 0.5), ("s2", 1.0)]
    leadership = next(c for c in found.categories if c.category == "Leadership")
    assert [p.session_id for p in leadership.overall.points] == ["s1"]  # a category only where it was asked


def test_two_questions_of_a_category_in_one_session_are_one_point() -> None:
    found = progress([_session("s1", 1, [_grade("q-design", {"scaling": 4}), _grade("q-design-2", {"scaling": 2})])],
                     CATEGORIES.get)
    (design,) = found.categories
    (point,) = design.overall.points
    assert point.value == 0.75 and point.answers == 2
    assert design.criteria[0].points[0].answers == 2
    assert not found.shows_trend  # one session: too little for a trend


def test_a_coachs_override_counts_and_is_marked() -> None:
    grade = _grade("q-design", {"scaling": 1, "trade-offs": 1})
    session = _session("s1", 1, [grade], {("q-design", "scaling"): _override("q-design", "scaling", 4)})
    found = progress([session], CATEGORIES.get)
    (design,) = found.categories
    scaling = next(s for s in design.criteria if s.label == "Scaling")
    trade_offs = next(s for s in design.criteria if s.label == "Trade-Offs")
    assert scaling.points[0].value == 1.0 and scaling.points[0].overridden
    assert trade_offs.points[0].value == 0.25 and not trade_offs.points[0].overridden
    assert design.overall.points[0].overridden and design.overall.points[0].value == 0.625  # (4 + 1) / 2 of 4
    assert found.weakest[0].name == "Trade-Offs" and not found.weakest[0].overridden


def test_skipped_questions_do_not_count_unless_overridden() -> None:
    skipped = _grade("q-story", {"ownership": 0}, gradable=False)
    assert progress([_session("s1", 1, [skipped])], CATEGORIES.get).sessions == []  # nothing graded: no data
    overridden = _session("s1", 1, [skipped], {("q-story", "ownership"): _override("q-story", "ownership", 2)})
    found = progress([overridden], CATEGORIES.get)
    assert found.categories[0].overall.points[0].value == 0.5


def test_the_weakest_criteria_use_the_recent_answers_and_say_how_many() -> None:
    # 'scaling' was weak long ago and is strong lately; 'trade-offs' is middling throughout
    history = [0, 0, 0, 4, 4, 4]
    sessions = [_session(f"s{i}", i, [_grade("q-design", {"scaling": s, "trade-offs": 2})])
                for i, s in enumerate(history)]
    sessions.append(_session("s9", 9, [_grade("q-story", {"ownership": 1})]))
    found = progress(sessions, CATEGORIES.get)
    names = [(w.name, round(w.mean, 2), w.answers) for w in found.weakest]
    assert names == [("Ownership", 0.25, 1), ("Trade-Offs", 0.5, RECENT), ("Scaling", 1.0, RECENT)]
    assert found.weakest[0].category == "Leadership"


def test_ties_prefer_the_criterion_resting_on_more_answers() -> None:
    sessions = [_session("s1", 1, [_grade("q-design", {"scaling": 2})]),
                _session("s2", 2, [_grade("q-design", {"scaling": 2}), _grade("q-story", {"ownership": 2})])]
    assert [w.name for w in progress(sessions, CATEGORIES.get).weakest] == ["Scaling", "Ownership"]


def test_a_question_the_bank_no_longer_has_is_under_other() -> None:
    found = progress([_session("s1", 1, [_grade("gone", {"x": 2})])], CATEGORIES.get)
    assert [c.category for c in found.categories] == ["Other"]


def test_no_sessions_is_no_data() -> None:
    found = progress([], CATEGORIES.get)
    assert found.sessions == [] and found.categories == [] and found.weakest == [] and found.answers == 0
