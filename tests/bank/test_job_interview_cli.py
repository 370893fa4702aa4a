"""`interview --job FILE [--resume FILE]` end to end, offline, through the real CLI, store and grader:
the opening, the questions, the résumé's project, the report's requirements, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fpdf import FPDF

from tests.cli.helpers import cli, sessions, write_answers
from tests.conftest import PROJECT_ROOT

JOBS = PROJECT_ROOT / "tests" / "data" / "jobs"
STREAMING = JOBS / "streaming-backend.md"
RESUME = JOBS / "resume-ada.md"
DEEP_DIVE = "onsite-technical-deep-dive"
TECHNICAL = ("HTTP/2 multiplexes streams over one TCP connection, so gRPC keeps a small connection pool and the "
             "load balancer must balance per request, not per connection.")
STORY = ("I led the ledger migration myself: I wrote the design doc, I ran the dual writes and I owned the "
         "cutover. In hindsight I would load test the replica earlier.")


def _session_id(out: str) -> str:
    return out.split("Session ", 1)[1].split(" ", 1)[0]


def test_a_networking_job_names_the_role_and_team_and_the_report_its_requirements(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write_answers(tmp_path / "a.yaml", [TECHNICAL, TECHNICAL, "no questions"])
    code, out, _ = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(STREAMING), "--answers", str(answers),
                       "--seed", "2", "--max-follow-ups", "0")
    assert code == 0
    flat = " ".join(out.split())
    assert "this is the Onsite - Technical Deep Dive of the Streamly Senior Backend Engineer (Edge Streaming team) " \
           "loop" in flat
    assert "Fitted to Senior Backend Engineer (Edge Streaming team) at Streamly from streaming-backend.md" in flat
    assert "Explain HTTP/2 multiplexing and how gRPC" in flat
    session_id = _session_id(out)
    code, md, _ = cli(capsys, "report", session_id, "--format", "md")
    assert code == 0
    assert "_Job requirements exercised: Design and operate gRPC services over HTTP/2" in md
    assert "not covered by any question: Fluency in Kubernetes and Terraform." in md
    code, raw, _ = cli(capsys, "report", session_id, "--format", "json")
    job = json.loads(raw)["job"]
    assert job["role"] == "Senior Backend Engineer" and job["team"] == "Edge Streaming"
    assert job["exercised"]["http2-grpc-multiplexing"][0].startswith("Design and operate gRPC")
    assert "Fluency in Kubernetes and Terraform." in job["not_covered"]


def test_a_job_the_bank_does_not_cover_is_said_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write_answers(tmp_path / "a.yaml", ["/skip", "/skip", "no questions"])
    code, out, _ = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(JOBS / "ios-engineer.txt"),
                       "--answers", str(answers), "--seed", "1")
    assert code == 0
    flat = " ".join(out.split())
    assert "The question bank does not cover this job (iOS Engineer (Mobile Wallet team) at Pocketbook)" in flat
    code, text, _ = cli(capsys, "report", _session_id(out))
    flat = " ".join(text.split())
    assert "The question bank does not cover this job" in flat
    assert "not covered by any question: 3+ years of Swift." in flat


def test_the_resumes_project_comes_up_in_the_behavioral_round_and_survives_a_resume(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = write_answers(tmp_path / "a.yaml", [STORY])  # the input ends after one answer: saved unfinished
    code, out, _ = cli(capsys, "interview", "--round", "onsite-behavioral", "--resume", str(RESUME),
                       "--answers", str(first), "--seed", "5", "--max-follow-ups", "0")
    flat = " ".join(out.split())
    assert code == 0 and "From your résumé (resume-ada.md): Onsite - Behavioral" in flat
    assert ("Question 1 of 3: Your résumé says you led the migration of the payments ledger from Oracle to "
            "PostgreSQL") in flat
    session_id = _session_id(out)
    rest = write_answers(tmp_path / "b.yaml", ["/skip", "/skip", "no questions"])
    code, out, _ = cli(capsys, "resume", session_id, "--answers", str(rest))
    assert code == 0
    code, raw, _ = cli(capsys, "report", session_id, "--format", "json")
    report = json.loads(raw)
    assert report["status"] == "completed"
    own = report["questions"][0]
    assert own["prompt"].startswith("Your résumé says you led the migration")
    ownership = next(c for c in own["criteria"] if c["id"] == "end-to-end-ownership")
    assert ownership["score"] > 0 and any("I owned the cutover" in q for q in ownership["evidence"])


def _pdf(path: Path, lines: list[str]) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_pdf_job_description_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [line for line in STREAMING.read_text().replace("**", "").splitlines()]
    job = _pdf(tmp_path / "job.pdf", lines)
    answers = write_answers(tmp_path / "a.yaml", ["/skip", "/skip", "no questions"])
    code, out, _ = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(job), "--answers", str(answers),
                       "--seed", "3")
    flat = " ".join(out.split())
    assert code == 0 and "Fitted to Senior Backend Engineer (Edge Streaming team) at Streamly from job.pdf" in flat
    assert "Explain HTTP/2 multiplexing" in flat


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.txt", b"  \n\n", "is empty"),
    ("binary.txt", b"\x00\x01\x02\x03", "is not text"),
    ("latin1.txt", "Ingénieur".encode("latin-1"), "is not UTF-8"),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n",
     "broken PDF"),
    ("huge.txt", b"- Build things.\n" * 200_000, "larger than 2 MB"),
    ("notajob.txt", b"hello\nthere\n", "does not look like a job description"),
])
def test_a_bad_job_file_gets_one_message_and_records_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(path))
    assert code != 0 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 3
    assert sessions(capsys) == []


def test_a_missing_file_and_a_resume_without_experience_are_clear(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "interview", "--job", str(tmp_path / "nope.md"))
    assert code != 0 and "does not exist" in err
    empty_cv = tmp_path / "cv.md"
    empty_cv.write_text("# Bob\n\nI like computers.\n")
    code, _, err = cli(capsys, "interview", "--round", "onsite-behavioral", "--resume", str(empty_cv))
    assert code != 0 and "No experience lines found in the résumé cv.md" in err
    assert sessions(capsys) == []


def test_text_from_the_job_is_escaped_in_the_html_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = tmp_path / "job.md"
    job.write_text("# <script>alert(1)</script> Engineer\n\nTeam: <b>Red</b>\n\n"
                   "- Explain HTTP/2 multiplexing and <img src=x onerror=alert(2)> gRPC connection pools.\n"
                   "- Write **bold** [links](http://evil.example) in Markdown.\n")
    answers = write_answers(tmp_path / "a.yaml", ["/skip", "/skip", "no questions"])
    code, out, _ = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(job), "--answers", str(answers))
    assert code == 0
    code, html, _ = cli(capsys, "report", _session_id(out), "--format", "html")
    assert "<script>" not in html and "<img" not in html and "<b>Red" not in html
    assert "&lt;/script&gt; Engineer" in html and "&lt;b&gt;Red" in html and "&lt;img src=x" in html
    code, md, _ = cli(capsys, "report", _session_id(out), "--format", "md")
    assert "<script>" not in md and "](http://evil.example)" not in md


def test_a_resume_with_no_behavioral_round_says_it_is_not_used(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    answers = write_answers(tmp_path / "a.yaml", ["/skip", "no questions"])
    code, out, _ = cli(capsys, "interview", "--round", "recruiter-screen", "--questions", "1", "--resume", str(RESUME),
                       "--answers", str(answers), "--seed", "1")
    assert code == 0
    assert "No behavioral or hiring-manager round in this session, so the résumé is not used." in " ".join(out.split())
    assert "Your résumé says" not in out
