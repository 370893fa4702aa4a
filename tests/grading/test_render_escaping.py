"""Every format of the report shows candidate and model text literally (rendered by real renderers)."""

from __future__ import annotations

import html
import json
import re

import pytest
from markdown_it import MarkdownIt

from mockinterviewer.grading.render import render
from mockinterviewer.grading.report import Report, RoundReport
from mockinterviewer.transcript import CriterionGrade, QuestionGrade

ATTACK = ("<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3)) **b** # h\n- li "
          "\x1b[2J\x1b[31mred\x1b[0m \x1b]8;;http://evil\x1b\\L\x1b]8;;\x1b\\ [red]m[/red] \x9b1m")
LIVE = ("<script", "<img", "href=\"javascript", "onerror=alert(2)>", "<strong>b", "<h1> h", "<a ", "<li>li")


def hostile_report() -> Report:
    criterion = CriterionGrade(id="c", name=f"Crit {ATTACK}", score=2, max_score=4, weight=1,
                               evidence=[f"quote {ATTACK}"], rationale=f"because {ATTACK}")
    grade = QuestionGrade(question_id="q", prompt=f"Prompt {ATTACK}", answer=f"answer {ATTACK}", score=2.0,
                          max_score=4, criteria=[criterion], flags=[f"flag {ATTACK}"], summary=f"sum {ATTACK}",
                          strengths=[f"strong {ATTACK}"], gaps=[f"gap {ATTACK}"], next_step=f"next {ATTACK}")
    round_ = RoundReport(round_id="r", name=f"Round {ATTACK}", score=2, max_score=4, hire_signal="hire", bar=2.5,
                         questions=["q"], gradable=True)
    return Report(session_id="abc", candidate=f"cand {ATTACK}", loop_id="l", company="Co", role="Role",
                  status="completed", interviewer=f"model {ATTACK}", score=2, max_score=4, hire_signal="hire",
                  rounds=[round_], questions=[grade], notes=[f"note {ATTACK}"])


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_markdown_renders_no_live_tag() -> None:
    markdown = render(hostile_report(), "md")
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    for live in LIVE:
        assert live not in rendered, live
    assert not CONTROL.search(markdown)
    assert rendered.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 10  # every field, shown as text
    assert "<table>" in rendered and rendered.count("<h2>") == 1  # the report's own structure is intact


def test_html_escapes_every_field() -> None:
    page = render(hostile_report(), "html")
    for live in LIVE:
        assert live not in page, live
    assert not CONTROL.search(page)
    assert html.escape("<script>") in page


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_text_and_json_carry_no_terminal_control(fmt: str) -> None:
    out = render(hostile_report(), fmt)  # type: ignore[arg-type]
    assert not CONTROL.search(out)
    assert "[31m" not in out or fmt == "json"
    if fmt == "json":
        assert json.loads(out)["questions"][0]["answer"].endswith("\x9b1m")  # the data itself is kept
    else:
        assert "[red]m[/red]" in out and "]8;;" not in out


def test_reports_word_delivery_figures_as_the_session_page_does() -> None:
    """One wording for a spoken answer's figures (grading/delivery_words.py) in reports, page and CLI."""
    from mockinterviewer.grading.delivery_words import delivery_figures
    from mockinterviewer.grading.render import render

    answer = {"turn": 1, "question_id": "q", "wpm": 90.0, "words": 30, "talk_seconds": 20.0, "filler_count": 2,
              "fillers": {"um": 2}, "long_pauses": 1, "long_pause_seconds": 2.6}
    report = hostile_report()
    report.delivery = {"session": {"wpm": 90}, "answers": [answer]}
    text = render(report, "text")
    assert ", ".join(delivery_figures(answer)) in text
    assert "2 filler words (um ×2)" in text and "1 long pause (2.6 s)" in text
