"""A job description and a résumé given in the new-interview form, pasted or uploaded (text or PDF), fit
the session as `interview --job --resume` does: the plan names the job and its requirements, the
behavioral round opens on the résumé's project, and a refused form is shown again with what was pasted,
escaped."""

from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF

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


def _resume_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in RESUME.replace("é", "e").splitlines():
        pdf.multi_cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _upload(client, files: dict[str, tuple[str, bytes, str]], **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client, "/interviews/new")
    return client.post("/interviews", data={"csrf": token, "round": "netflix-senior-swe/onsite-behavioral",
                                            "questions": "2", **fields}, files=files, follow_redirects=False)


def test_an_uploaded_job_file_and_pdf_resume_fit_the_session(site: Site) -> None:
    ada = logged_in(site, "ada")
    assert 'enctype="multipart/form-data"' in ada.get("/interviews/new").text
    started = _upload(ada, {"job_file": ("streaming-backend.md", JOB.encode(), "text/markdown"),
                            "resume_file": ("C:\\Users\\ada\\cv.pdf", _resume_pdf(), "application/pdf")})
    assert started.status_code == 303, started.text
    session_id = started.headers["location"].rsplit("/", 1)[1]
    plan = site.store.load_session(session_id).plan
    assert plan.job is not None and plan.job.source == "streaming-backend.md"
    assert plan.own_questions and plan.rounds[0].questions[0].question_id == plan.own_questions[0]["id"]
    page = ada.get(started.headers["location"]).text.replace("&#39;", "'")
    assert "From your résumé (cv.pdf)" in page and "Your résumé says you" in page


def test_a_refused_upload_says_what_to_do_and_records_nothing(site: Site) -> None:
    ada = logged_in(site, "ada")
    before = len(site.store.list_sessions())
    cases = [
        ({"resume_file": ("cv.pdf", b"%PDF-1.4 broken", "application/pdf")}, {}, "is a broken PDF"),
        ({"job_file": ("job.md", JOB.encode(), "text/markdown")}, {"job": JOB}, "came both pasted and as a file"),
        ({"job_file": ("job.txt", b"x" * 5_000_001, "text/plain")}, {}, "is larger than 5 MB"),
        ({"resume_file": ("cv.bin", b"\x00\x01" * 50, "application/octet-stream")}, {}, "is not text"),
    ]
    for files, fields, said in cases:
        refused = _upload(ada, files, **fields)
        assert refused.status_code in (303, 400), refused.text
        page = refused.text if refused.status_code == 400 else ada.get(refused.headers["location"]).text
        assert said in page and "Traceback" not in page, page[-2000:]
    assert len(site.store.list_sessions()) == before
