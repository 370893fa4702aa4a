"""A candidate in a real browser: logs in, starts a two-question text interview, answers once, closes the
page, comes back in a new page, resumes from the sessions list, finishes, and reads the report."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from mockinterviewer.transcript import SessionStatus, Speaker, TurnKind
from tests.browser.conftest import LiveApp, log_in

ROUND = "netflix-senior-swe/recruiter-screen"
FIRST = ("I led the migration of our billing service to an event-driven design: I measured the p99 latency, "
         "split the work into stages, and we cut incidents by half while I mentored two engineers.")
LATER = ("I would start from the customer impact, measure before changing anything, and write down the trade-offs "
         "so the team can disagree early; then I ship in small steps and check the numbers after each one.")
MAX_STEPS = 20  # follow-ups, the second question and the questions for the interviewer fit well inside


def candidate_answers(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("article.turn.candidate .text").all_inner_texts()]


def send(page: Page, answer: str) -> None:
    page.get_by_label("Your answer").fill(answer)
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()


def test_a_candidate_interviews_closes_the_page_resumes_and_reads_the_report(
        context: BrowserContext, live_app: LiveApp, screenshot: Callable[[Page, str], Path]) -> None:
    page = context.new_page()
    log_in(page, "ada")
    page.get_by_role("link", name="New interview").click()
    page.get_by_label("Loop and round").select_option(ROUND)
    page.get_by_role("spinbutton", name="Questions").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Start").click()
    match = re.search(r"/interviews/([0-9a-f]+)$", page.url)
    assert match, page.url
    session_id = match.group(1)
    expect(page.locator("article.turn.interviewer .text").first).not_to_be_empty()
    expect(page.locator(".time-left")).to_contain_text(re.compile(r"About \d+ minutes left on this question"))
    screenshot(page, "interview-first-question")

    send(page, FIRST)
    expect(page.locator("article.turn.candidate .text")).to_have_text([FIRST])
    saved = live_app.store.load_session(session_id)
    assert [t.text for t in saved.turns if t.kind is TurnKind.ANSWER] == [FIRST]
    assert saved.status is not SessionStatus.COMPLETED
    page.close()  # mid-way: the tab is gone

    page = context.new_page()  # the same browser, a new tab
    page.goto("/sessions")
    row = page.locator("table.list tr", has=page.get_by_role("link", name=session_id))
    expect(row).to_contain_text("unfinished")
    with page.expect_navigation():
        row.get_by_role("link", name="continue").click()
    expect(page).to_have_url(re.compile(f"/interviews/{session_id}$"))
    assert candidate_answers(page)[0] == FIRST  # the answer given before closing is there
    expect(page.get_by_label("Your answer")).to_be_visible()

    for _ in range(MAX_STEPS):
        if page.locator("pre.report").count():
            break
        if page.get_by_role("button", name="Send").count():
            send(page, LATER)
        else:  # the interviewer has more to say first
            with page.expect_navigation():
                page.get_by_role("button", name="Continue").click()
    report = page.locator("pre.report")
    expect(report).to_contain_text("Feedback report")
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    assert candidate_answers(page)[0] == FIRST and LATER in candidate_answers(page)
    screenshot(page, "interview-report")

    final = live_app.store.load_session(session_id)
    assert final.status is SessionStatus.COMPLETED
    assert len({t.question_id for t in final.turns if t.kind is TurnKind.QUESTION}) == 2
    assert [t.index for t in final.turns] == list(range(len(final.turns)))  # nothing lost or doubled
    assert sum(1 for t in final.turns if t.speaker is Speaker.CANDIDATE and t.kind is TurnKind.ANSWER) >= 2
    grades = live_app.store.load_grades(session_id)
    assert len(grades) == 2

    page.get_by_role("link", name="The session page").click()
    expect(page).to_have_url(re.compile(f"/sessions/{session_id}$"))
    expect(page.locator("section.grade")).to_have_count(2)
    expect(page.locator(".session-total")).to_contain_text("Session score")
    for grade in grades:  # the grader's score of each question, as the page prints it
        expect(page.locator(f'[id="q-{grade.question_id}"] .total strong')).to_have_text(
            f"{grade.score:.2f}".rstrip("0").rstrip("."))
    expect(page.locator("article.turn.candidate .text").first).to_have_text(FIRST)
    screenshot(page, "session-page-candidate")


JOBS = Path(__file__).resolve().parents[1] / "data" / "jobs"


def test_a_candidate_fits_the_interview_to_a_job_and_a_resume(
        context: BrowserContext, live_app: LiveApp, screenshot: Callable[[Page, str], Path]) -> None:
    page = context.new_page()
    log_in(page, "bob")
    page.goto("/interviews/new")
    page.get_by_label("Loop and round").select_option("netflix-senior-swe/onsite-behavioral")
    page.get_by_role("spinbutton", name="Questions").fill("2")
    page.get_by_text("Fit it to a job (optional)").click()
    page.locator("input[name=job_file]").set_input_files(str(JOBS / "streaming-backend.md"))
    page.get_by_label("Résumé").fill((JOBS / "resume-ada.md").read_text(encoding="utf-8"))
    screenshot(page, "fit-to-a-job-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/interviews/[0-9a-f]+$"))
    interviewer = page.locator("article.turn.interviewer .text")
    expect(interviewer.first).to_contain_text("Senior Backend Engineer (Edge Streaming team)")  # the job's role
    expect(interviewer.filter(has_text="Your résumé says you")).to_have_count(1)  # the résumé's own project
    notes = page.locator("p.flash").first
    expect(notes).to_contain_text("From your résumé (pasted in the browser)")
    expect(notes).to_contain_text("needs a language model (this server has none)")  # not the operator's settings
    assert "OPENAI" not in page.content()
    plan = live_app.store.load_session(page.url.rsplit("/", 1)[1]).plan
    assert plan.job is not None and plan.job.source == "streaming-backend.md"
    screenshot(page, "fit-to-a-job-first-question")
