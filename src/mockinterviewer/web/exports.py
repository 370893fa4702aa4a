"""A session exported from the web app: Markdown, JSON, or a printable HTML page (print CSS, no script).

The feedback is the CLI's report (`grading.report.build_report` over the session's saved grades,
rendered by `grading.render` for Markdown), so the web says what `mockinterviewer report` says. What
the report does not hold is added, marked as such: the coach overrides (beside the grader's score,
with the totals they change), the comments on turns (with earlier versions), and the transcript with
each spoken answer's delivery figures. Everything a candidate, coach or model wrote is escaped for
the format (`safe_text`; Jinja's autoescape for the page); the JSON is ASCII with `\\u` escapes.
Only the session's candidate and assigned coaches may export it (anyone else: 404).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from mockinterviewer.errors import BankError, NotFoundError
from mockinterviewer.grading.code import outcome_line
from mockinterviewer.grading.render import render
from mockinterviewer.grading.report import Report, build_report
from mockinterviewer.safe_text import markdown_safe, strip_controls
from mockinterviewer.store.accounts import Account, aware
from mockinterviewer.store.review import CommentThread, Override, SessionTotals
from mockinterviewer.store.store import Store
from mockinterviewer.transcript import QuestionGrade, Session, SessionStatus, Turn, TurnKind
from mockinterviewer.web.audio import SpokenAnswer, audio_name, spoken_answers

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

FORMATS = {"md": "text/markdown; charset=utf-8", "json": "application/json", "html": "text/html; charset=utf-8"}

Page = Callable[[Request, Account | None], Response]


@dataclass(frozen=True)
class SessionExport:
    """Everything an export shows, read once with the viewer's rights."""

    session: Session
    report: Report
    totals: SessionTotals
    overrides: list[Override]  # every override, oldest first; the newest per criterion counts
    comments: list[CommentThread]
    spoken: dict[int, SpokenAnswer]
    status: str  # as the sessions list shows it: "interrupted" for one left in progress by a process that died

    def grade(self, question_id: str) -> QuestionGrade | None:
        return next((g for g in self.report.questions if g.question_id == question_id), None)

    def number(self, question_id: str) -> int:
        """The question's number in the report (Q1, Q2 ...), 0 when it is not graded."""
        return next((i for i, g in enumerate(self.report.questions, 1) if g.question_id == question_id), 0)

    def counting(self, override: Override) -> bool:
        """Whether `override` is the one that counts for its criterion (the newest)."""
        return all(o.id <= override.id for o in self.overrides
                   if (o.question_id, o.criterion_id) == (override.question_id, override.criterion_id))

    def comments_on(self, turn_index: int) -> list[CommentThread]:
        return [t for t in self.comments if t.current.turn_index == turn_index]


def load_export(web: Web, viewer: Account, session_id: str) -> SessionExport:
    """The export of the session `session_id` (its full id) as `viewer` may see it."""
    store = web.interviews.store
    session = store.load_session(session_id)
    try:
        loop = web.interviews.bank.for_plan(session.plan).loop(session.loop_id)
    except NotFoundError as exc:
        raise BankError(f"The loop '{strip_controls(session.loop_id)}' of this session is not in the question bank, "
                        "and the report needs it.", hint="Point MOCKINTERVIEWER_BANK_DIR at the bank the session "
                        "was held with.") from exc
    report = build_report(session, loop, store.load_grades(session_id))
    return SessionExport(session=session, report=report, totals=web.reviews.totals(viewer, session_id),
                         overrides=web.reviews.override_history(viewer, session_id),
                         comments=web.reviews.comments(viewer, session_id),
                         spoken=spoken_answers(session, store.data_dir), status=_shown_status(store, session))


def _shown_status(store: Store, session: Session) -> str:
    if session.status is SessionStatus.IN_PROGRESS and not store.running_sessions([session.id]):
        return "interrupted"
    return session.status.value


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _when(moment: datetime) -> str:
    return aware(moment).strftime("%Y-%m-%d %H:%M UTC")


def _turn_heading(turn: Turn) -> str:
    return f"Turn {turn.index} · {turn.speaker.value} · {turn.kind.value.replace('_', ' ')}"


# Markdown ------------------------------------------------------------------------------------------


def _md_override(x: SessionExport, o: Override) -> str:
    grade = x.grade(o.question_id)
    criterion = next((c for c in grade.criteria if c.id == o.criterion_id), None) if grade else None
    name = markdown_safe(criterion.name if criterion else o.criterion_id)
    scale = f"/{_n(criterion.max_score)}" if criterion else ""
    grader = f"grader {_n(criterion.score)}{scale}, " if criterion else ""
    return (f"**Coach override** · Q{x.number(o.question_id)} · {name}: {grader}coach **{_n(o.score)}{scale}**, "
            f"by {markdown_safe(o.author)}, {_when(o.created_at)}. Reason: {markdown_safe(o.reason)}")


def _md_review(x: SessionExport) -> list[str]:
    t = x.totals
    out = ["", "## Coach review", ""]
    if not x.overrides:
        out.append("No coach overrides: the scores above are the grader's.")
    else:
        out.append(f"**Session score with coach overrides:** {_n(t.score)}/{_n(t.max_score)} "
                   f"(grader: {_n(t.grader_score)}/{_n(t.max_score)})")
        out.append("")
        out += [f"- Q{x.number(q.question_id)} with coach overrides: {_n(q.score)}/{_n(q.max_score)} "
                f"(grader: {_n(q.grader_score)}/{_n(q.max_score)}){' - capped by the grader' if q.capped else ''}"
                for q in t.questions if q.overridden]
        out.append("")
        out += [f"- {_md_override(x, o)}" for o in reversed(x.overrides) if x.counting(o)]
        earlier = [o for o in x.overrides if not x.counting(o)]
        if earlier:
            out += ["", "Earlier overrides, replaced by the ones above:", ""]
            out += [f"- {_md_override(x, o)}" for o in earlier]
    return out


def _md_text(turn: Turn) -> list[str]:
    text = strip_controls(turn.text).rstrip()
    if turn.kind is TurnKind.CODE:  # an indented code block: shown literally, indentation kept
        return ["    " + line for line in text.splitlines()] or ["    "]
    return [f"> {markdown_safe(line)}" if line.strip() else ">" for line in text.splitlines()] or ["> "]


def _md_transcript(x: SessionExport) -> list[str]:
    out = ["", "## Transcript"]
    for turn in x.session.turns:
        out += ["", f"### {_turn_heading(turn)}", "", *_md_text(turn)]
        spoken = x.spoken.get(turn.index)
        if spoken is not None:
            audio = f" · audio: {markdown_safe(spoken.file_name)}" if spoken.file_name else ""
            out += ["", f"_Delivery: {markdown_safe(' · '.join(spoken.figures))}{audio}_"]
        threads = x.comments_on(turn.index)
        if threads:
            out.append("")
        for thread in threads:
            c = thread.current
            edited = " (edited)" if thread.edited else ""
            out.append(f"- **Comment** by {markdown_safe(c.author)}, {_when(c.created_at)}{edited}: "
                       f"{markdown_safe(c.text)}")
            out += [f"  - earlier version, {_when(v.created_at)}: {markdown_safe(v.text)}"
                    for v in reversed(thread.versions[:-1])]
    return out


def export_markdown(x: SessionExport) -> str:
    """The CLI's Markdown report, then the coach review and the transcript with comments."""
    return render(x.report, "md").rstrip("\n") + "\n" + "\n".join(_md_review(x) + _md_transcript(x)) + "\n"


# JSON ----------------------------------------------------------------------------------------------


def _override_data(x: SessionExport, o: Override) -> dict[str, Any]:
    grade = x.grade(o.question_id)
    criterion = next((c for c in grade.criteria if c.id == o.criterion_id), None) if grade else None
    return {"kind": "coach override", "id": o.id, "question_id": o.question_id, "criterion_id": o.criterion_id,
            "score": o.score, "grader_score": criterion.score if criterion else None, "reason": o.reason,
            "author": o.author, "created_at": o.created_at.isoformat(), "counts": x.counting(o)}


def _report_data(report: Report) -> dict[str, Any]:
    data = report.model_dump(mode="json")
    for answer in (data.get("delivery") or {}).get("answers", []):
        answer["audio"] = audio_name(answer)  # the file's name, not where the server keeps it
    return data


def export_json(x: SessionExport) -> str:
    t = x.totals
    data = {
        "export": "mockinterviewer session",
        "version": 1,
        "status": x.status,
        "report": _report_data(x.report),
        "review": {
            "overridden": t.overridden, "score": t.score, "grader_score": t.grader_score, "max_score": t.max_score,
            "questions": [{"question_id": q.question_id, "score": q.score, "grader_score": q.grader_score,
                           "overridden": q.overridden, "capped": q.capped} for q in t.questions],
            "overrides": [_override_data(x, o) for o in x.overrides],
            "comments": [{"kind": "comment", "id": th.id, "turn_index": th.current.turn_index,
                          "author": th.current.author, "text": th.current.text, "edited": th.edited,
                          "created_at": th.current.created_at.isoformat(),
                          "earlier_versions": [{"text": v.text, "created_at": v.created_at.isoformat()}
                                               for v in th.versions[:-1]]} for th in x.comments],
        },
        "transcript": [{
            "index": turn.index, "speaker": turn.speaker.value, "kind": turn.kind.value, "round_id": turn.round_id,
            "question_id": turn.question_id, "text": turn.text, "seconds": turn.seconds, "source": turn.source,
            **({"delivery": turn.meta["delivery"]} if isinstance(turn.meta.get("delivery"), dict) else {}),
            **({"audio": audio_name(turn.meta)} if audio_name(turn.meta) else {}),
        } for turn in x.session.turns],
    }
    return json.dumps(data, indent=2, ensure_ascii=True) + "\n"


# the routes ----------------------------------------------------------------------------------------


def _file_name(session_id: str, fmt: str) -> str:
    return f"session-{re.sub(r'[^A-Za-z0-9_-]', '_', session_id)}.{fmt}"


def add_export_routes(app: FastAPI, web: Web, *, not_found: Page) -> None:
    """Add `GET /sessions/{id}/export/{md|json|html}` to `app` (`web` is the app's `Web`)."""
    web.templates.env.globals["test_outcome"] = outcome_line  # a hidden test's result, worded as in the report

    @app.get("/sessions/{session_id}/export/{fmt}")
    def export(request: Request, session_id: str, fmt: str) -> Response:  # run in the thread pool
        viewer = web.viewer(request)
        if viewer is None:
            return RedirectResponse("/login", status_code=303)
        if fmt not in FORMATS:
            return not_found(request, viewer)
        try:
            full_id = web.accounts.require_session(viewer, session_id)
        except NotFoundError:
            return not_found(request, viewer)
        if full_id != session_id:
            return RedirectResponse(f"/sessions/{full_id}/export/{fmt}", status_code=303)
        try:
            x = load_export(web, viewer, full_id)
        except NotFoundError:  # deleted in the meantime
            return not_found(request, viewer)
        except BankError as exc:
            return web.page(request, "error.html", {"viewer": viewer, "title": "Cannot export this session",
                                                    "message": f"{exc.message} {exc.hint or ''}"}, 409)
        if fmt == "html":
            return web.templates.TemplateResponse(request, "session_print.html", {"x": x}, media_type=FORMATS[fmt])
        body = export_markdown(x) if fmt == "md" else export_json(x)
        return Response(body, media_type=FORMATS[fmt],
                        headers={"content-disposition": f'attachment; filename="{_file_name(full_id, fmt)}"'})
