"""Levels and loops: --level asks only the level's questions and reads the report against its bar;
the generic senior and staff loops load, lint and run; 'bank coverage' counts what two runs need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mockinterviewer.bank.coverage import loop_coverage
from mockinterviewer.bank.loader import lint_bank, load_bank
from mockinterviewer.bank.schema import LEVELS, Loop, Question
from mockinterviewer.bank.select import eligible_questions
from mockinterviewer.cli.app import run
from mockinterviewer.cli.interview_cmd import Level
from mockinterviewer.errors import NotFoundError
from mockinterviewer.grading.render import render
from mockinterviewer.grading.report import build_report, staff_scope_note
from mockinterviewer.grading.rubric import RubricGrader
from mockinterviewer.grading.session import grade_session
from mockinterviewer.interview.plan import plan_session
from mockinterviewer.transcript import Session, Speaker, Turn, TurnKind
from tests.conftest import BANK_DIR

DESIGN = "onsite-system-design"
SINGLE_TEAM = ("I owned the incident on my team: I rolled back the deploy within ten minutes, wrote the postmortem "
               "and added a canary check to our pipeline so it could not happen again.")
STAFF_SCOPE = ("I led the response across four teams and two directors: after the rollback I wrote the "
               "organisation's reliability strategy, a two-year roadmap that every platform team adopted, with a "
               "canary standard reviewed in our architecture review.")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_levels_are_the_schemas() -> None:
    assert tuple(level.value for level in Level) == LEVELS


def test_a_level_asks_only_questions_written_for_it(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    questions = list(bank.questions.values())
    for seed in range(1, 6):
        picked = {level: plan_session(loop, questions, round_id=DESIGN, count=2, seed=seed, level=level)
                  for level in ("senior", "staff")}
        for level, plan in picked.items():
            assert plan.level == level
            assert all(level in bank.question(q).levels for q in plan.question_ids())
    staff_only = {q.id for q in questions if q.levels == ["staff"] and DESIGN in q.round_types}
    senior_only = {q.id for q in questions if "staff" not in q.levels and DESIGN in q.round_types}
    assert staff_only and senior_only  # the bank has both, so the filter is seen at work
    staff_asked = {q for seed in range(1, 12) for q in plan_session(
        loop, questions, round_id=DESIGN, count=2, seed=seed, level="staff").question_ids()}
    assert staff_asked & staff_only and not staff_asked & senior_only


def test_the_default_level_is_the_loops_and_is_stored(bank) -> None:  # type: ignore[no-untyped-def]
    plan = plan_session(bank.loop("netflix-senior-swe"), list(bank.questions.values()), round_id=DESIGN, seed=1)
    assert plan.level == "senior" and plan.style is None


def test_a_round_without_questions_at_the_level_says_so(bank) -> None:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    only_senior = [q for q in bank.questions.values() if "mid" not in q.levels]
    with pytest.raises(NotFoundError, match="no mid-level questions for round 'onsite-system-design'") as caught:
        plan_session(loop, only_senior, round_id=DESIGN, seed=1, level="mid")
    assert "bank coverage" in (caught.value.hint or "")


def test_the_hire_bar_per_level(bank) -> None:  # type: ignore[no-untyped-def]
    netflix = bank.loop("netflix-senior-swe")
    assert [netflix.bar_for(level) for level in LEVELS] == [2.0, 2.5, 3.0]
    assert netflix.bar_for(None) == netflix.hire_bar == 2.5
    staff = bank.loop("staff-backend")
    assert staff.level == "staff" and staff.bar_for(None) == 3.0
    assert staff.bar_for("senior") == 2.5 and staff.bar_for("mid") == 2.0  # given, given, derived
    custom = netflix.model_copy(update={"hire_bar_by_level": {"staff": 3.4}})
    assert custom.bar_for("staff") == 3.4 and custom.bar_for("mid") == 2.0


def story_session(bank, level: str, answer: str) -> tuple[Session, Loop]:  # type: ignore[no-untyped-def]
    loop = bank.loop("netflix-senior-swe")
    plan = plan_session(loop, list(bank.questions.values()), round_id="onsite-behavioral", count=1, seed=2,
                        level=level)
    qid = plan.question_ids()[0]
    turns = [Turn(index=0, speaker=Speaker.INTERVIEWER, kind=TurnKind.QUESTION, text="q", round_id="onsite-behavioral",
                  question_id=qid),
             Turn(index=1, speaker=Speaker.CANDIDATE, kind=TurnKind.ANSWER, text=answer, round_id="onsite-behavioral",
                  question_id=qid, seconds=60)]
    return Session(id=f"s-{level}", candidate="ada", loop_id=loop.id, plan=plan, turns=turns), loop


def test_the_report_reads_the_grades_against_the_levels_bar_and_never_changes_a_score(bank) -> None:  # type: ignore[no-untyped-def]
    grader = RubricGrader()
    reports = {}
    for level in ("senior", "staff"):
        session, loop = story_session(bank, level, SINGLE_TEAM)
        session = session.model_copy(update={"plan": session.plan.model_copy(update={"level": level})})
        reports[level] = build_report(session, loop, grade_session(session, bank.question, grader))
    senior, staff = reports["senior"], reports["staff"]
    assert (senior.bar, staff.bar) == (2.5, 3.0)
    assert [r.bar for r in staff.rounds] == [3.0]
    text = render(staff, "text")
    assert "against the staff bar (3.0)" in text and "Read at staff level" in text
    assert "single team's scope only" in text
    assert not senior.level_notes and "single team" not in render(senior, "text")
    for fmt in ("md", "html"):
        assert "single team" in render(staff, fmt) and "staff bar" in render(staff, fmt)


def test_same_answers_same_scores_at_every_level(bank) -> None:  # type: ignore[no-untyped-def]
    session, loop = story_session(bank, "senior", SINGLE_TEAM)
    grades = grade_session(session, bank.question, RubricGrader())
    for level in ("mid", "staff"):
        relabelled = session.model_copy(update={"plan": session.plan.model_copy(update={"level": level})})
        assert grade_session(relabelled, bank.question, RubricGrader()) == grades
        report = build_report(relabelled, loop, grades)
        assert [g.score for g in report.questions] == [g.score for g in grades]


def test_the_staff_scope_note() -> None:
    assert "single team's scope only" in (staff_scope_note(SINGLE_TEAM) or "")
    assert "nor a technical strategy" in (staff_scope_note(SINGLE_TEAM) or "")
    assert staff_scope_note(STAFF_SCOPE) is None
    across_only = "I coordinated the rollback with three other teams and their on-call leads."
    assert "no technical strategy" in (staff_scope_note(across_only) or "")


def test_the_new_loops_load_and_lint_with_the_bank(bank) -> None:  # type: ignore[no-untyped-def]
    _, problems = lint_bank(BANK_DIR)
    assert not [p for p in problems if "loops" in str(p)]
    generic, staff = bank.loop("generic-senior-backend"), bank.loop("staff-backend")
    assert generic.level == "senior" and staff.level == "staff"
    netflix_rounds = {r.id for r in bank.loop("netflix-senior-swe").rounds}
    assert {r.id for r in generic.rounds} <= netflix_rounds and {r.id for r in staff.rounds} <= netflix_rounds
    for name in ("generic-senior-backend", "staff-backend"):
        assert "ASSUMPTION" in (BANK_DIR / "loops" / f"{name}.yaml").read_text()


def test_the_generic_loop_never_asks_about_netflix(bank) -> None:  # type: ignore[no-untyped-def]
    generic = bank.loop("generic-senior-backend")
    asked = {q for seed in range(1, 30) for q in plan_session(
        generic, list(bank.questions.values()), round_id="recruiter-screen", seed=seed).question_ids()}
    assert asked and not asked & {"why-netflix", "culture-memo-freedom-and-responsibility"}
    assert "why-netflix" in {q for seed in range(1, 30) for q in plan_session(
        bank.loop("netflix-senior-swe"), list(bank.questions.values()), round_id="recruiter-screen",
        seed=seed).question_ids()}


def test_the_generic_loop_runs_whole_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(["I would measure first, then decide with the team."] * 60
                                      + ["no questions"] * 20))
    code, out, _ = cli(capsys, "interview", "--loop", "generic-senior-backend", "--answers", str(answers),
                       "--seed", "4", "--style", "tough")
    assert code == 0
    words = " ".join(out.split())
    assert "the Senior Backend Engineer loop" in words and "against the senior bar (2.5)" in words
    assert "Generic" not in out  # a loop no one company runs names no company
    assert "the team, the role or the company?" in words
    code, out, _ = cli(capsys, "sessions", "--json")
    assert json.loads(out)[0]["status"] == "completed"


def test_cli_level_and_style_are_stored_and_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump([SINGLE_TEAM] * 8 + ["no questions"] * 4))
    code, out, _ = cli(capsys, "interview", "--loop", "staff-backend", "--round", "onsite-behavioral",
                       "--questions", "1", "--answers", str(answers), "--seed", "2", "--style", "warm")
    assert code == 0, out
    flat = " ".join(out.split())
    assert "against the staff bar (3.0)" in flat and "single team's scope only" in flat
    session_id = json.loads(cli(capsys, "sessions", "--json")[1])[0]["id"]
    code, out, _ = cli(capsys, "report", session_id, "--format", "json")
    data = json.loads(out)
    assert (data["level"], data["bar"]) == ("staff", 3.0)
    code, _, err = cli(capsys, "interview", "--level", "principal", "--answers", str(answers))
    assert code == 2 and "principal" in err
    code, _, err = cli(capsys, "interview", "--style", "harsh", "--answers", str(answers))
    assert code == 2 and "harsh" in err


def question(qid: str, rounds: list[str], levels: list[str], template: Question) -> Question:
    return template.model_copy(update={"id": qid, "round_types": rounds, "levels": levels})


def test_coverage_counts_a_shared_question_once(bank) -> None:  # type: ignore[no-untyped-def]
    template = bank.question("failure-you-owned")
    loop = bank.loop("generic-senior-backend").model_copy(update={"rounds": [
        r.model_copy(update={"questions": 1}) for r in bank.loop("generic-senior-backend").rounds
        if r.id in ("hiring-manager-screen", "onsite-behavioral")]})
    questions = [question("a", ["hiring-manager-screen", "onsite-behavioral"], ["senior"], template),
                 question("b", ["hiring-manager-screen"], ["senior"], template),
                 question("c", ["onsite-behavioral"], ["senior", "staff"], template)]
    rows = {r.round_id: r for r in loop_coverage(loop, questions)}
    assert (rows["hiring-manager-screen"].available, rows["onsite-behavioral"].available) == (2, 2)
    assert rows["hiring-manager-screen"].needed == 2 and sum(r.short for r in rows.values()) == 1
    staff = {r.round_id: r for r in loop_coverage(loop, questions, "staff")}
    assert (staff["hiring-manager-screen"].short, staff["onsite-behavioral"].short) == (2, 1)


def test_bank_coverage_command(tmp_path: Path, capsys: pytest.CaptureFixture[str], bank) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(capsys, "bank", "coverage", "--loop", "staff-backend", "--json")
    assert code == 0
    rows = json.loads(out)["staff-backend"]
    assert rows["level"] == "staff"
    expected = loop_coverage(bank.loop("staff-backend"), list(bank.questions.values()))
    assert [r["short"] for r in rows["rounds"]] == [r.short for r in expected]
    assert all(r["needed"] == 2 * bank.loop("staff-backend").round(r["round"]).questions for r in rows["rounds"])
    code, out, _ = cli(capsys, "bank", "coverage", "--loop", "generic-senior-backend", "--level", "senior")
    assert code == 0 and "generic-senior-backend (senior)" in out
    code, _, err = cli(capsys, "bank", "coverage", "--level", "principal")
    assert code == 2 and "--level" in err


def test_an_unknown_level_through_the_service_is_one_message(tmp_path: Path) -> None:
    from mockinterviewer.config import load_settings
    from mockinterviewer.errors import InputError
    from mockinterviewer.service import Interviews

    with pytest.raises(InputError, match="Unknown level 'lead'"):
        Interviews(load_settings()).start(candidate="ada", level="lead")


def test_the_web_form_starts_an_interview_at_a_level_and_style() -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from mockinterviewer.config import load_settings
    from mockinterviewer.web import create_app
    from mockinterviewer.web.security import LoginLimiter
    from tests.web.conftest import Site, csrf_of, logged_in, seed

    limiter = LoginLimiter(limit=10, block=300)
    app = create_app(load_settings(), limiter=limiter)
    seed(app.state.web.interviews.store, app.state.web.accounts)
    site = Site(TestClient(app), app.state.web.interviews.store, app.state.web.accounts, limiter)
    ada = logged_in(site, "ada")
    page = ada.get("/interviews/new").text
    assert '<select name="level">' in page and '<option value="staff">' in page
    assert '<select name="style">' in page and '<option value="tough">' in page
    token = csrf_of(ada, "/interviews/new")
    response = ada.post("/interviews", data={"csrf": token, "round": "staff-backend/onsite-system-design",
                                             "questions": "1", "level": "staff", "style": "tough"},
                        follow_redirects=False)
    assert response.status_code == 303, response.text
    session = site.store.load_session(response.headers["location"].rsplit("/", 1)[1])
    assert (session.plan.level, session.plan.style) == ("staff", "tough")
    assert all("staff" in site_question_levels(q) for q in session.plan.question_ids())
    opening = next(t.text for t in session.turns if t.kind is TurnKind.OPENING)
    assert "hold you to specifics" in opening
    # no questions at the level: one message on the form's page, nothing started
    bank = load_bank(BANK_DIR)
    empty = next((r.id, level) for level in LEVELS for r in bank.loop("staff-backend").rounds
                 if not eligible_questions(bank.questions.values(), r, level))
    token = csrf_of(ada, "/interviews/new")
    response = ada.post("/interviews", data={"csrf": token, "round": f"staff-backend/{empty[0]}",
                                             "level": empty[1], "style": "warm"}, follow_redirects=True)
    assert "Not started" in response.text and f"{empty[1]}-level" in response.text
    token = csrf_of(ada, "/interviews/new")
    response = ada.post("/interviews", data={"csrf": token, "round": "staff-backend/onsite-coding",
                                             "level": "lead"}, follow_redirects=True)
    assert "Unknown level" in response.text


def site_question_levels(question_id: str) -> list[str]:
    return load_bank(BANK_DIR).question(question_id).levels


def test_a_bar_for_an_unknown_level_is_a_lint_error(bank) -> None:  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    data = bank.loop("staff-backend").model_dump()
    data["hire_bar_by_level"] = {"principal": 3.5}
    with pytest.raises(ValidationError, match="unknown levels \\['principal'\\]"):
        Loop.model_validate(data)
