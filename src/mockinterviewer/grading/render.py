"""Render a Report as plain text (terminal), Markdown, HTML or JSON.

Text from the candidate or a model is made safe for each format (see `safe_text`): no control
characters in text, no live HTML or Markdown in md, everything escaped in HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Literal

from mockinterviewer.bank.drafting import DRAFT_MARK
from mockinterviewer.grading.code import outcome_line
from mockinterviewer.grading.delivery_words import delivery_figures
from mockinterviewer.grading.report import Report, level_reading
from mockinterviewer.safe_text import html_safe, markdown_safe, strip_controls
from mockinterviewer.transcript import CodeReview, QuestionGrade

Format = Literal["text", "md", "html", "json"]


def _fmt(score: float, max_score: float) -> str:
    return f"{score:.1f}/{max_score:.0f}"


# C0 controls are escaped by json.dumps; these would still reach a terminal raw (C1, DEL, bidi overrides).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def render(report: Report, fmt: Format) -> str:
    if fmt == "json":
        text = json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False)
        return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if fmt == "md":
        return _markdown(report)
    if fmt == "html":
        return _html(report)
    return _text(report)


def _question_lines(grade: QuestionGrade, bullet: str, quote: str, esc: Callable[[str], str] = str) -> list[str]:
    """The lines of one graded question; `esc` makes each piece of candidate or model text safe."""
    flags = f"  [{esc(', '.join(grade.flags))}]" if grade.flags else ""
    lines = [f"Score {_fmt(grade.score, grade.max_score)}" + flags]
    if grade.summary:
        lines.append(esc(grade.summary))
    if grade.caps:
        lines.append("Capped:")
        lines.extend(f"{bullet}{esc(c)}" for c in grade.caps)
    for criterion in grade.criteria:
        label = f" ({esc(criterion.grader)})" if criterion.grader != "rubric" else ""
        rationale = criterion.rationale
        prefix = _fmt(criterion.score, criterion.max_score)
        if rationale.startswith(prefix):
            rationale = rationale[len(prefix) :].lstrip(" ,.-")
        lines.append(f"{bullet}{esc(criterion.name)}: {prefix}{label} - {esc(rationale)}")
        lines.extend(f"    {quote}{esc(q)}" + ('"' if quote == '"' else "") for q in criterion.evidence)
    if grade.strengths:
        lines.append("Strengths:")
        lines.extend(f"{bullet}{esc(s)}" for s in grade.strengths)
    if grade.gaps:
        lines.append("Gaps:")
        lines.extend(f"{bullet}{esc(g)}" for g in grade.gaps)
    if grade.next_step:
        lines.append(f"Next step: {esc(grade.next_step)}")
    return lines


def _code_heading(review: CodeReview) -> str:
    what = "hidden tests" if review.submitted else "examples (never submitted)"
    versions = f", {review.versions} version{'s' if review.versions != 1 else ''} run or submitted"
    sandbox = "" if review.sandboxed else ", run without the sandbox"
    return f"Final code ({review.lang}{versions}{sandbox}): {review.passed} of {review.total} {what} passed"


def _test_lines(review: CodeReview) -> list[str]:
    lines = [f"Did not run: {review.error}"] if review.error else []
    for test in review.tests:
        seconds = test.get("seconds")
        took = f" ({float(seconds):.2f} s)" if isinstance(seconds, int | float) else ""
        lines.append(outcome_line(test) + took)
    return lines


def _code_fence(code: str) -> str:
    """A Markdown fence longer than any run of backticks in the code, so the code cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def _code_text(review: CodeReview) -> list[str]:
    out = [_code_heading(review) + ":"]
    out += ["    " + line for line in strip_controls(review.code).rstrip().splitlines()]
    out.append("Tests:")
    out += ["  - " + line for line in _test_lines(review)]
    return out


def _code_markdown(review: CodeReview) -> list[str]:
    md = markdown_safe
    fence = _code_fence(review.code)
    lang = re.sub(r"[^a-z]", "", review.lang.lower())
    out = ["", f"**{md(_code_heading(review))}**", "", fence + lang, strip_controls(review.code).rstrip(), fence, ""]
    out += [f"- {md(line)}" for line in _test_lines(review)]
    return out


def _code_html(review: CodeReview) -> str:
    e = html_safe
    tests = "".join(f"<li>{e(line)}</li>" for line in _test_lines(review))
    return (f"<p><strong>{e(_code_heading(review))}</strong></p>"
            f"<pre><code>{e(review.code.rstrip())}</code></pre><ul class='tests'>{tests}</ul>")


def _delivery_lines(report: Report, bullet: str, esc: Callable[[str], str] = str) -> list[str]:
    if not report.delivery or "session" not in report.delivery:
        return []
    summary = report.delivery["session"]
    lines = ["Delivery (spoken answers):"]
    lines.extend(
        f"{bullet}{esc(key.replace('_', ' '))}: {esc(str(value))}"
        for key, value in summary.items()
        if not isinstance(value, (dict, list))
    )
    lines.extend(f"{bullet}{esc(str(tip))}" for tip in report.delivery.get("feedback", []))
    for answer in report.delivery.get("answers", []):
        figures = ", ".join(delivery_figures(answer))
        where = f"answer at turn {answer.get('turn')} ({esc(str(answer.get('question_id')))})"
        lines.append(f"{bullet}{where}: {esc(figures)}")
    return lines


def _exercised(report: Report, grade: QuestionGrade) -> str | None:
    """'Job requirements exercised: ...' for a question of a session fitted to a job."""
    if report.job is None:
        return None
    found = report.job.exercised.get(grade.question_id)
    return ("Job requirements exercised: " + "; ".join(r.rstrip(".") for r in found)) if found \
        else "Job requirements exercised: none of the job's listed requirements"


def _job_lines(report: Report, bullet: str, esc: Callable[[str], str] = str) -> list[str]:
    """The job the session was fitted to, and the requirements no question asked covered."""
    job = report.job
    if job is None:
        return []
    team = f" ({job.team} team)" if job.team else ""
    at = f" at {job.company}" if job.company else ""
    lines = [f"Job: {esc(job.role)}{esc(team)}{esc(at)}" + (f" ({esc(job.source)})" if job.source else "") + ":"]
    if not job.covered_by_bank:
        lines.append(f"{bullet}The question bank does not cover this job: its questions match too few of the "
                     "job's requirements, so the rounds asked the loop's usual questions.")
    if job.not_covered:
        lines += [f"{bullet}not covered by any question: {esc(text)}" for text in job.not_covered]
    else:
        lines.append(f"{bullet}Every listed requirement was exercised by a question.")
    return lines


def _title(report: Report, grade: QuestionGrade) -> str:
    """The question's prompt, marked when a model drafted it from the job description."""
    return f"{grade.prompt} ({DRAFT_MARK})" if grade.question_id in report.drafted else grade.prompt


def _verdict(report: Report) -> str:
    """The overall hire signal against the bar of the level interviewed for."""
    return f"{report.hire_signal} against the {report.level} bar ({report.bar:.1f})"


def _text(report: Report) -> str:
    out = [
        f"Feedback report - session {report.session_id} ({report.status})",
        f"{report.candidate} - {report.loop_name} - interviewer: {report.interviewer}",
        f"Overall: {_fmt(report.score, report.max_score)} - {_verdict(report)}",
        level_reading(report.level, report.bar, report.max_score),
        "",
    ]
    for round_ in report.rounds:
        out.append(
            f"{round_.name}: {_fmt(round_.score, round_.max_score)} - {round_.hire_signal} (bar {round_.bar:.1f})"
        )
    for index, grade in enumerate(report.questions, 1):
        out += ["", f"Q{index}. {_title(report, grade)}"]
        exercised = _exercised(report, grade)
        out += [f"  {exercised}"] if exercised else []
        out += _question_lines(grade, "  - ", '"')
        if grade.question_id in report.level_notes:
            out.append(f"  - {report.level_notes[grade.question_id]}")
        if grade.code is not None:
            out += _code_text(grade.code)
    job = _job_lines(report, "  - ")
    if job:
        out += ["", *job]
    delivery = _delivery_lines(report, "  - ")
    if delivery:
        out += ["", *delivery]
    if report.notes:
        out += ["", *report.notes]
    return strip_controls("\n".join(out))


def _markdown(report: Report) -> str:
    md = markdown_safe
    out = [
        f"# Feedback report: session {md(report.session_id)}",
        "",
        f"**Candidate:** {md(report.candidate)}  ",
        f"**Loop:** {md(report.loop_name)}  ",
        f"**Status:** {md(report.status)}  ",
        f"**Interviewer:** {md(report.interviewer)}  ",
        f"**Overall:** {_fmt(report.score, report.max_score)} ({md(_verdict(report))})",
        "",
        md(level_reading(report.level, report.bar, report.max_score)),
        "",
        "| Round | Score | Signal |",
        "|---|---|---|",
    ]
    out += [f"| {md(r.name)} | {_fmt(r.score, r.max_score)} | {md(r.hire_signal)} |" for r in report.rounds]
    for index, grade in enumerate(report.questions, 1):
        out += ["", f"## Q{index}. {md(_title(report, grade))}", ""]
        exercised = _exercised(report, grade)
        out += [f"_{md(exercised)}_", ""] if exercised else []
        out += [
            line if line.startswith(("- ", "    ")) else line + "  " for line in _question_lines(grade, "- ", "> ", md)
        ]
        if grade.question_id in report.level_notes:
            out.append(f"- {md(report.level_notes[grade.question_id])}")
        if grade.code is not None:
            out += _code_markdown(grade.code)
    job = _job_lines(report, "- ", md)
    if job:
        out += ["", "## " + job[0].rstrip(":"), "", *job[1:]]
    delivery = _delivery_lines(report, "- ", md)
    if delivery:
        out += ["", "## " + delivery[0].rstrip(":"), "", *delivery[1:]]
    if report.notes:
        out += ["", *[f"_{md(n)}_" for n in report.notes]]
    return "\n".join(out) + "\n"


def _html(report: Report) -> str:
    e = html_safe
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Feedback report {e(report.session_id)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "blockquote{border-left:3px solid #999;margin:.3rem 0 .3rem 1rem;padding-left:.6rem;color:#333}"
        "pre{background:#f4f4f4;padding:.6rem;overflow-x:auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}"
        ".flag{color:#a00}</style></head><body>",
        f"<h1>Feedback report: session {e(report.session_id)}</h1>",
        f"<p>{e(report.candidate)} &middot; {e(report.loop_name)} &middot; {e(report.status)}"
        f" &middot; interviewer: {e(report.interviewer)}</p>",
        f"<p><strong>Overall: {_fmt(report.score, report.max_score)}</strong> ({e(_verdict(report))})</p>",
        f"<p>{e(level_reading(report.level, report.bar, report.max_score))}</p>",
        "<table><tr><th>Round</th><th>Score</th><th>Signal</th></tr>",
    ]
    parts += [
        f"<tr><td>{e(r.name)}</td><td>{_fmt(r.score, r.max_score)}</td><td>{e(r.hire_signal)}</td></tr>"
        for r in report.rounds
    ]
    parts.append("</table>")
    for index, grade in enumerate(report.questions, 1):
        parts.append(f"<h2>Q{index}. {e(_title(report, grade))}</h2>")
        exercised = _exercised(report, grade)
        if exercised:
            parts.append(f"<p><em>{e(exercised)}</em></p>")
        flags = f" <span class='flag'>[{e(', '.join(grade.flags))}]</span>" if grade.flags else ""
        parts.append(f"<p>Score {_fmt(grade.score, grade.max_score)}{flags}</p>")
        if grade.summary:
            parts.append(f"<p>{e(grade.summary)}</p>")
        if grade.caps:
            parts.append("<p>Capped:</p><ul>" + "".join(f"<li>{e(c)}</li>" for c in grade.caps) + "</ul>")
        parts.append("<ul>")
        for c in grade.criteria:
            grader = f" ({e(c.grader)})" if c.grader != "rubric" else ""
            quotes = "".join(f"<blockquote>{e(q)}</blockquote>" for q in c.evidence)
            parts.append(
                f"<li><strong>{e(c.name)}</strong>: {_fmt(c.score, c.max_score)}{grader}"
                f" &mdash; {e(c.rationale)}{quotes}</li>"
            )
        parts.append("</ul>")
        if grade.question_id in report.level_notes:
            parts.append(f"<p><em>{e(report.level_notes[grade.question_id])}</em></p>")
        if grade.code is not None:
            parts.append(_code_html(grade.code))
        if grade.strengths:
            parts.append("<p>Strengths:</p><ul>" + "".join(f"<li>{e(s)}</li>" for s in grade.strengths) + "</ul>")
        if grade.gaps:
            parts.append("<p>Gaps:</p><ul>" + "".join(f"<li>{e(g)}</li>" for g in grade.gaps) + "</ul>")
        if grade.next_step:
            parts.append(f"<p><em>Next step:</em> {e(grade.next_step)}</p>")
    job = _job_lines(report, "", e)
    if job:
        parts.append(f"<h2>{job[0].rstrip(':')}</h2><ul>" + "".join(f"<li>{x}</li>" for x in job[1:]) + "</ul>")
    delivery = _delivery_lines(report, "")
    if delivery:
        parts.append(
            f"<h2>{e(delivery[0].rstrip(':'))}</h2><ul>" + "".join(f"<li>{e(x)}</li>" for x in delivery[1:]) + "</ul>"
        )
    parts += [f"<p><em>{e(n)}</em></p>" for n in report.notes]
    parts.append("</body></html>")
    return "\n".join(parts)
