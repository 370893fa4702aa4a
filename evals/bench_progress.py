"""Benchmark of the progress page: how long a coach waits for a candidate's progress as their graded
sessions grow. Prints figures, asserts nothing.

For each size, a fresh SQLite data directory (or a fresh PostgreSQL, --backend postgresql: a server started
here as bench_web starts it, or --database-url, whose tables are used as they are) gets
one candidate with that many graded sessions (2 questions of 4 criteria each, from the shipped bank so the
categories are real; a coach's override on every tenth), then, in process through the app (TestClient):
p50 and p95 of GET /progress/NAME for the coach (reading + computing + drawing the SVG of the newest window
of graded sessions) and the page's size, the same for a window half way back (`?until=`), and apart from
them the pure computation (`store.progress.progress`) and the drawing (`web.progress_chart`) of the
newest window.

Run: .venv/bin/python evals/bench_progress.py [--sizes 100,500,2000] [--requests 30]
     [--backend sqlite|postgresql|both]
Aim: under 300 ms at 100 sessions (a candidate practising daily for three months), and about the same at
2,000 (a page charts a window of `progress_pages.WINDOW` sessions, whatever the history).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fastapi.testclient import TestClient  # noqa: E402

from bench_web import postgres  # noqa: E402  (evals/ is on the path: this script's folder)
from mockinterviewer.config import load_settings  # noqa: E402
from mockinterviewer.store.accounts import Role  # noqa: E402
from mockinterviewer.store.progress import progress  # noqa: E402
from mockinterviewer.transcript import (  # noqa: E402
    CriterionGrade,
    Plan,
    PlannedQuestion,
    PlannedRound,
    QuestionGrade,
    Session,
    utcnow,
)
from mockinterviewer.web import create_app  # noqa: E402
from mockinterviewer.web.progress_chart import line_chart  # noqa: E402
from mockinterviewer.web.progress_pages import load_progress  # noqa: E402
from mockinterviewer.web.security import LoginLimiter  # noqa: E402

PASSWORD = "benchmark password"
PLAN = Plan(loop_id="netflix-senior-swe", seed=1, rounds=[
    PlannedRound(round_id="r1", questions=[PlannedQuestion(question_id="q1", minutes=5)])])
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def fill(app, sessions: int, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    web = app.state.web
    store, accounts, bank = web.interviews.store, web.accounts, web.interviews.bank
    accounts.add_user("carol", Role.COACH, PASSWORD)
    accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
    accounts.assign("carol", "ada")
    coach = accounts.get("carol")
    questions = [q for q in bank.questions.values() if len(q.rubric.criteria) >= 4]
    start = utcnow() - timedelta(days=sessions)
    for n in range(sessions):
        session_id = f"{n:08x}"
        store.create_session(Session(id=session_id, candidate="ada", loop_id="netflix-senior-swe", plan=PLAN,
                                     created_at=start + timedelta(days=n)))
        grades = []
        for question in rng.sample(questions, 2):
            criteria = []
            for criterion in question.rubric.criteria[:4]:
                score = float(rng.randint(0, 4))
                criteria.append(CriterionGrade(id=criterion.id, name=criterion.name, score=score, max_score=4,
                                               weight=criterion.weight, evidence=["quote"] if score else [],
                                               rationale="r"))
            mean = sum(c.score * c.weight for c in criteria) / sum(c.weight for c in criteria)
            grades.append(QuestionGrade(question_id=question.id, prompt=question.prompt, round_id="r1", answer="a",
                                        score=round(mean, 2), max_score=4, criteria=criteria))
        store.save_grades(session_id, grades)
        if n % 10 == 0:
            web.reviews.add_override(coach, session_id, grades[0].question_id, grades[0].criteria[0].id, 3.0,
                                     "benchmark")


def bench(size: int, requests: int, database_url: str | None, backend: str = "SQLite") -> None:
    with tempfile.TemporaryDirectory(prefix="bench-progress-") as home:
        os.environ["MOCKINTERVIEWER_HOME"] = home
        settings = load_settings(home=Path(home), database_url=database_url, llm="offline")
        app = create_app(settings, limiter=LoginLimiter())
        started = time.perf_counter()
        fill(app, size, random.Random(size))
        filled = time.perf_counter() - started
        client = TestClient(app)
        token = CSRF.search(client.get("/login").text)
        assert token is not None
        client.post("/login", data={"name": "carol", "password": PASSWORD, "csrf": token.group(1)})
        web = app.state.web
        found, window = load_progress(web, "ada")
        middle = f"{size // 2:08x}"  # the session ids are their numbers in hex
        timed = {"newest window": _time(client, "/progress/ada", requests),
                 "window half way back": _time(client, f"/progress/ada?until={middle}", requests)}
        sessions = found.sessions
        compute_ms, draw_ms = [], []
        categories = {q.id: q.category for q in web.interviews.bank.questions.values()}
        for _ in range(requests):
            t0 = time.perf_counter()
            computed = progress(sessions, categories.get)
            compute_ms.append((time.perf_counter() - t0) * 1000)
            timeline = [s.session_id for s in computed.sessions]
            t0 = time.perf_counter()
            for category in computed.categories:
                line_chart(category.overall, timeline)
                for series in category.criteria:
                    line_chart(series, timeline, width=160, height=40, compact=True)
            draw_ms.append((time.perf_counter() - t0) * 1000)
        print(f"{backend:10} {size:5d} sessions ({window.total} graded, filled in {filled:.1f} s, "
              f"{len(found.categories)} categories; window of {len(sessions)}): "
              f"compute p50 {statistics.median(compute_ms):5.1f} ms; draw p50 {statistics.median(draw_ms):5.1f} ms")
        for name, (page_ms, size_kb) in timed.items():
            print(f"      page, {name:<21} p50 {statistics.median(page_ms):6.1f} ms, p95 {pct(page_ms, 0.95):6.1f} ms, "
                  f"{size_kb:5.0f} KB")


def _time(client: TestClient, path: str, requests: int) -> tuple[list[float], float]:
    """Milliseconds of each of `requests` GETs of `path`, and the page's size in KB."""
    page_ms = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(path)
        page_ms.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200 and "That link names no graded session" not in response.text
    return page_ms, len(response.content) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="100,500,2000", help="comma-separated numbers of sessions")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--database-url", default=None, help="another database, used instead of --backend")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        if args.database_url:
            bench(size, args.requests, args.database_url, "given")
            continue
        if args.backend in ("sqlite", "both"):
            bench(size, args.requests, None)
        if args.backend in ("postgresql", "both"):
            with postgres() as url:  # a fresh server for each size
                bench(size, args.requests, url, "PostgreSQL")


if __name__ == "__main__":
    main()
