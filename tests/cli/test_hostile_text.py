"""Hostile text from a candidate (name, answers) never acts on a terminal, a Markdown or an HTML reader."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.cli.helpers import cli, sessions, write_answers

ESCAPES = "\x1b[2J\x1b[31mRED\x1b[0m \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ \x9b1m"
MARKUP = "[red]markup[/red] [link=http://evil.example]x[/link]"
HTML = "<script>alert(1)</script> <img src=x onerror=alert(2)> [a](javascript:alert(3))"
ANSWER = f"{ESCAPES} {MARKUP} {HTML} :thumbs_up: nul\x00byte I would retry with exponential backoff and jitter."
NAME = "\x1b[2J[bold red]Mallory[/bold red]<img src=x onerror=alert(9)>\x1b[31m"
TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def session_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    answers = write_answers(tmp_path / "a.yaml", [ANSWER, "/quit"])
    code, out, err = cli(capsys, "interview", "--round", "recruiter-screen", "--candidate", NAME,
                         "--answers", str(answers))
    assert code == 0, err
    shown = out + err
    assert not TERMINAL_CONTROL.search(shown), repr(shown)  # greeting, echoed answer, report
    assert "[bold red]Mallory[/bold red]" in shown  # the name's markup is shown, not applied
    assert "[red]markup[/red]" in shown and "nulbyte" in shown and ":thumbs_up:" in shown
    for fragment in ("[31m", "[2J", "]8;;", "[0m"):
        assert fragment not in shown
    [summary] = sessions(capsys)
    return str(summary["id"])


def test_sessions_table_and_text_report_show_markup_literally(session_id: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "sessions")
    assert code == 0 and "Mallory" in out and not TERMINAL_CONTROL.search(out)
    assert "[bold" in out  # escaped markup shows as text
    code, out, _ = cli(capsys, "report", session_id)
    assert code == 0 and not TERMINAL_CONTROL.search(out)
    assert "[bold red]Mallory[/bold red]" in out


def test_stored_answer_has_no_escape_sequence(session_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "report", session_id, "--format", "json")
    report = json.loads(out)
    answer = report["questions"][0]["answer"]
    assert "RED" in answer and "link" in answer and "exponential backoff" in answer
    assert not TERMINAL_CONTROL.search(answer) and "[31m" not in answer and "]8;;" not in answer
    assert report["candidate"] == "[bold red]Mallory[/bold red]<img src=x onerror=alert(9)>"


def test_markdown_report_has_no_live_html(session_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "report", session_id, "--format", "md")
    assert code == 0
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(out)
    for live in ("<script", "<img", "href=\"javascript", "<a "):
        assert live not in rendered, live
    assert "[bold red]Mallory[/bold red]&lt;img src=x onerror=alert(9)&gt;" in rendered  # shown as text
    assert "<h1>" in rendered and "<table>" in rendered  # the report's own structure still renders


def test_html_report_escapes_everything(session_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "report", session_id, "--format", "html")
    assert code == 0
    assert "<script" not in out and "<img" not in out and "&lt;img src=x onerror=alert(9)&gt;" in out
    assert not TERMINAL_CONTROL.search(out)
