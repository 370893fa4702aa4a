"""A job description and a résumé pasted into the new-interview form fit the session as `interview --job
--resume` does: the plan names the job and its requirements, the behavioral round opens on the résumé's
project, and a refused form is shown again with what was pasted, escaped."""

from __future__ import annotations

import re
from pathlib import Path

from mockinterviewer.transcript import SessionStatus
from tests.web.conftest import Site, csrf_of, logged_in
from tests.web.test_web_interview import ALERT, post

JOBS = Path(__file__).resolve().parents[1] / "data" / "jobs"
JOB = (JOBS / "streaming-backend.md").read_text(encoding="utf-8")
RESUME = (JOBS / "resume-ada.md").read_text(encoding="utf-8")


def _start(client, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client, "/interviews/new")
    return client.post("/interviews", data={"csrf": token, **fields}, follow_redirects=False)


def test_a_pasted_job_and_resume_fit_the_session(site: Site) -> None:
    ada = logged_in(site, "ada")
    form = ada.get("/interviews/new").text
    assert 'name="job"' in form and 'name="resume"' in form
    started = _start(ada, round="netflix-senior-swe/onsite-behavioral", job=JOB, resume=RESUME, questions="2")
    assert started.status_code == 303, started.text
    session_id = re.fullmatch(r"/interviews/([0-9a-f]+)", started.headers["location"]).group(1)  # type: ignore[union-attr]
    plan = site.store.load_session(session_id).plan
    assert plan.job is not None and plan.job.requirements and "pasted in the browser" in plan.job.source
    assert plan.own_questions and plan.rounds[0].questions[0].question_id == plan.own_questions[0]["id"], plan
    page = ada.get(started.headers["location"]).text.replace("&#39;", "'")
    assert "Your résumé says you" in page  # the behavioral round opens on the résumé's own project
    assert "From your résumé (pasted in the browser)" in page  # the fit notes, shown once
    assert "Fitted to" in page or "does not cover this job" in page
    for _ in range(12):  # skip to the end: the report grades the résumé's question from the session's plan
        if site.store.load_session(session_id).status is SessionStatus.COMPLETED:
            break
        post(ada, session_id, action="skip")
    assert site.store.load_session(session_id).status is SessionStatus.COMPLETED
    report = ada.get(f"/interviews/{session_id}")
    assert report.status_code == 200 and "Your résumé says you" in report.text.replace("&#39;", "'")
    exported = ada.get(f"/sessions/{session_id}/export/md")
    assert exported.status_code == 200 and "pasted in the browser" in exported.text


def test_a_refused_form_keeps_what_was_pasted_and_escapes_it(site: Site) -> None:
    ada = logged_in(site, "ada")
    before = len(site.store.list_sessions())
    hostile = "<script>alert(1)</script> Staff engineer, no experience lines here"
    refused = _start(ada, round="netflix-senior-swe/onsite-behavioral", job=JOB, resume=hostile)
    assert refused.status_code == 400
    assert ALERT.format("Not started: No experience lines found in the résumé pasted in the browser.") \
        in refused.text.replace("&#39;", "'")
    assert "<script>alert(1)</script>" not in refused.text and "&lt;script&gt;" in refused.text
    assert "streaming" in refused.text.lower()  # the job description is still in its box
    too_long = _start(ada, round="netflix-senior-swe/onsite-behavioral", job="x " * 40_000)
    assert too_long.status_code == 400 and "the most is 60,000" in too_long.text
    assert len(site.store.list_sessions()) == before  # nothing was recorded
