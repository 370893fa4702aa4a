"""Benchmark of the web app with 10,000 stored sessions: prints figures, asserts nothing.

For SQLite and for PostgreSQL (a server started here, or MOCKINTERVIEWER_BENCH_POSTGRES_URL, whose tables
are dropped), the sessions are made by bulk inserts (8 turns and 2 graded questions each, 100 candidates,
one coach following them all, so the coach's list holds all 10,000). Then, against a real
`mockinterviewer serve` process on loopback:

- in process, without HTTP: p50 and p95 of `SessionSearch.page` for the coach, the first page against a
  page half way down and the last one (each reached by its "older" cursor);
- p50 and p95 latency of the sessions list: the first page, a filtered page (candidate, round, score
  range and dates), a page half way down and the last page (reached by their "older" cursor: the list
  seeks, so a deep page should cost what the first does), and of a session page; one request at a time;
- 50 concurrent simulated users (asyncio + httpx, each logged in as the coach or as a candidate, each
  reading a list page then a session page, 0 to 0.5 s apart) against `serve --workers 2`: errors, p50
  and p95 latency, requests per second.

Run: .venv/bin/python evals/bench_web.py [--sessions 10000] [--requests 200] [--seconds 30]
     [--backend sqlite|postgresql|both]
Aims: p95 under 100 ms one at a time; with 50 users, no errors and p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mockinterviewer.store import Store  # noqa: E402
from mockinterviewer.store.account_tables import AssignmentRow, UserRow  # noqa: E402
from mockinterviewer.store.accounts import hash_password  # noqa: E402
from mockinterviewer.store.session_order import Position  # noqa: E402
from mockinterviewer.store.session_search import SessionFilter, SessionSearch, assigned_to  # noqa: E402
from mockinterviewer.store.tables import Base, GradeRow, SessionRoundRow, SessionRow, TurnRow  # noqa: E402
from mockinterviewer.web.sessions_list import cursor_text  # noqa: E402

PASSWORD = "benchmark password"
CANDIDATES = 100
ROUNDS = ["recruiter-screen", "technical-phone-screen", "onsite-coding", "onsite-system-design", "onsite-behavioral"]
LOOP = "netflix-senior-swe"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PG_BIN = Path("/usr/lib/postgresql/15/bin")
BATCH = 2000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _grade(question: str, round_id: str, score: float) -> dict[str, Any]:
    criteria = [{"id": c, "name": c.title(), "score": score, "max_score": 4.0, "weight": 1.0,
                 "evidence": ["I measured the p99 latency first"], "rationale": "Quoted.", "grader": "rubric",
                 "problems": []} for c in ("depth", "clarity", "trade-offs")]
    return {"question_id": question, "prompt": "How would you find a slow endpoint?", "round_id": round_id,
            "answer": "I measured the p99 latency first, then traced the slow calls. " * 4, "score": score,
            "max_score": 4.0, "criteria": criteria, "grader": "rubric"}


def fill(url: str, home: Path, sessions: int) -> list[Position]:
    """Bulk-insert the accounts and `sessions` sessions; their places in the list, newest first."""
    store = Store(url, home)  # the migrations build the tables
    rng = random.Random(7)
    now = datetime.now(UTC)
    password_hash = hash_password(PASSWORD)  # one hash for every account: hashing 101 would take seconds
    with store.engine.begin() as db:
        db.execute(insert(UserRow), [{"name": "coach", "role": "coach", "password_hash": password_hash,
                                      "created_at": now}] + [
            {"name": f"cand{i:03d}", "role": "candidate", "password_hash": password_hash, "created_at": now}
            for i in range(CANDIDATES)])
        ids: dict[str, int] = {name: i for name, i in db.execute(text("SELECT name, id FROM users")).all()}
        db.execute(insert(AssignmentRow), [{"coach_id": ids["coach"], "candidate_id": ids[f"cand{i:03d}"],
                                            "created_at": now} for i in range(CANDIDATES)])
    made: list[tuple[datetime, str]] = []
    rows: dict[type[Base], list[dict[str, Any]]] = {SessionRow: [], SessionRoundRow: [], TurnRow: [], GradeRow: []}

    def flush() -> None:
        with store.engine.begin() as db:
            for table in (SessionRow, SessionRoundRow, TurnRow, GradeRow):
                if rows[table]:
                    db.execute(insert(table), rows[table])
                rows[table].clear()

    for n in range(sessions):
        sid = f"{n:08x}"
        round_id = ROUNDS[n % len(ROUNDS)]
        created = now - timedelta(days=365) + timedelta(seconds=n * 365 * 86400 / sessions)
        status = rng.choices(["completed", "unfinished", "in_progress"], [8, 1, 1])[0]
        scores = [round(rng.uniform(0, 4), 2) for _ in range(2)]
        plan = {"loop_id": LOOP, "seed": n, "rounds": [{"round_id": round_id, "questions": [
            {"question_id": f"q{n}-{k}", "minutes": 10.0} for k in range(2)]}]}
        rows[SessionRow].append({
            "id": sid, "candidate": f"cand{n % CANDIDATES:03d}", "loop_id": LOOP, "plan": plan, "status": status,
            "interviewer": "scripted", "max_follow_ups": 2, "created_at": created, "updated_at": created,
            "score": round(sum(scores) / 2, 2) if status == "completed" else None})
        rows[SessionRoundRow].append({"session_id": sid, "round_id": round_id})
        for t in range(8):
            question = f"q{n}-{t // 4}"
            rows[TurnRow].append({
                "session_id": sid, "idx": t, "speaker": "interviewer" if t % 2 == 0 else "candidate",
                "kind": "question" if t % 4 == 0 else ("follow_up" if t % 2 == 0 else "answer"),
                "text": "How would you find a slow endpoint?" if t % 2 == 0 else
                "I measured the p99 latency first, then traced the slow calls and fixed the N+1 query. " * 3,
                "round_id": round_id, "question_id": question, "probes": [], "seconds": 30.0, "source": "typed",
                "meta": {}, "created_at": created})
        if status == "completed":
            for position, score in enumerate(scores):
                rows[GradeRow].append({"session_id": sid, "position": position, "question_id": f"q{n}-{position}",
                                       "grader": "rubric", "data": _grade(f"q{n}-{position}", round_id, score),
                                       "created_at": created})
        made.append((created, sid))
        if len(rows[TurnRow]) >= BATCH * 4:
            flush()
    flush()
    if store.engine.dialect.name == "postgresql":
        with store.engine.begin() as db:
            db.execute(text("ANALYZE"))
    store.engine.dispose()
    return [Position(created, sid) for created, sid in sorted(made, reverse=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process `pid` and every process under it (its workers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    family, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sum(times.get(p, 0.0) for p in family)


@contextmanager
def serving(url: str, home: Path, workers: int) -> Iterator[tuple[str, int]]:
    port = _free_port()
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(home), "MOCKINTERVIEWER_DATABASE_URL": url,
           "MOCKINTERVIEWER_LLM": "offline"}
    log = (home / f"serve-{port}.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "mockinterviewer", "serve", "--port", str(port),
                                "--workers", str(workers)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve did not start: {(home / f'serve-{port}.log').read_text()}")
            try:
                if httpx.get(base + "/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        yield base, process.pid
    finally:
        process.terminate()  # uvicorn stops its workers on SIGTERM; a stuck one is killed after 20 s
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        if process.poll() is None:
            process.kill()
        log.close()
        served = (home / f"serve-{port}.log").read_text(errors="replace")
        if "Traceback" in served:  # say why a request failed: the end of the first traceback
            block = served[served.index("Traceback"):].split("\nINFO:")[0].splitlines()
            print("  first server error:\n    " + "\n    ".join(block[-12:]))


def _login_data(page: str, name: str) -> dict[str, str]:
    match = CSRF.search(page)
    if match is None:
        raise RuntimeError("no CSRF token on the login page")
    return {"name": name, "password": PASSWORD, "csrf": match.group(1)}


def login(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    response = client.post("/login", data=_login_data(client.get("/login").text, name))
    if response.status_code != 303:
        raise RuntimeError(f"login as {name} failed: {response.status_code}")
    return client


def older_than(position: Position) -> str:
    """The query parameter of the list page just older than `position` (as its "older" link gives it)."""
    return "older_than=" + cursor_text(position)


def deep_pages(positions: list[Position]) -> list[tuple[str, Position]]:
    """The page half way down and the last page, each named, with the cursor its "older" link carries."""
    middle, last = (len(positions) // 50) * 25, ((len(positions) - 1) // 25) * 25  # the first row of a page
    return [(f"page from row {middle + 1:,}", positions[middle - 1]),
            (f"last page (row {last + 1:,})", positions[last - 1])]


def in_process(url: str, home: Path, positions: list[Position], requests: int) -> dict[str, list[float]]:
    """Seconds of each `SessionSearch.page` call for the coach, by page (the database alone, no HTTP)."""
    store = Store(url, home)
    search = SessionSearch(store)
    with store.engine.connect() as db:
        coach = db.execute(text("SELECT id FROM users WHERE name = 'coach'")).scalar_one()
    timings: dict[str, list[float]] = {}
    pages: list[tuple[str, Position | None]] = [("first page", None), *deep_pages(positions)]
    for name, cursor in pages:
        def read(at: Position | None = cursor) -> None:
            search.page(SessionFilter(), candidates=assigned_to(coach), older_than=at, size=25)
        for _ in range(5):
            read()
        timings[name] = []
        for _ in range(requests):
            started = time.perf_counter()
            read()
            timings[name].append(time.perf_counter() - started)
    store.engine.dispose()
    return timings


def one_at_a_time(base: str, positions: list[Position], requests: int) -> dict[str, list[float]]:
    coach = login(base, "coach")
    ids = [p.session_id for p in positions]
    (middle_name, middle), (last_name, last) = deep_pages(positions)
    day = datetime.now(UTC).date()
    kinds = {
        "list, first page": lambda _i: "/sessions",
        "list, filtered": lambda i: (f"/sessions?candidate=cand{i % CANDIDATES:03d}&round={ROUNDS[i % len(ROUNDS)]}"
                                     f"&min_score=1&max_score=3.5&from={day - timedelta(days=300)}&to={day}"),
        f"list, {middle_name}": lambda _i: f"/sessions?{older_than(middle)}",
        f"list, {last_name}": lambda _i: f"/sessions?{older_than(last)}",
        "list, status interrupted": lambda _i: f"/sessions?status=interrupted&{older_than(positions[50])}",
        "session page": lambda i: f"/sessions/{ids[(i * 7919) % len(ids)]}",
    }
    timings: dict[str, list[float]] = {name: [] for name in kinds}
    for name, path_of in kinds.items():
        for i in range(5):  # warm: the bank, the connection pool, the templates
            coach.get(path_of(i))
        for i in range(requests):
            started = time.perf_counter()
            response = coach.get(path_of(i))
            timings[name].append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{path_of(i)}: {response.status_code}")
    coach.close()
    return timings


async def crowd(base: str, positions: list[Position], users: int,
                seconds: float) -> tuple[list[float], Counter[str], int]:
    """`users` logged-in users reading list pages and session pages for `seconds`: latencies, errors, requests.
    One user in five is the coach (who sees every session), the others candidates reading their own."""
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    clients = [httpx.AsyncClient(base_url=base, timeout=30, limits=limits) for _ in range(users)]
    names = ["coach" if n % 5 == 0 else f"cand{n % CANDIDATES:03d}" for n in range(users)]

    async def log_in(client: httpx.AsyncClient, name: str) -> None:
        response = await client.post("/login", data=_login_data((await client.get("/login")).text, name))
        if response.status_code != 303:
            raise RuntimeError(f"login as {name} failed: {response.status_code}")

    async def user(number: int, stop_at: float) -> None:
        rng, client, name = random.Random(number), clients[number], names[number]
        own = positions if name == "coach" else [
            p for p in positions if int(p.session_id, 16) % CANDIDATES == number % CANDIDATES]
        while time.monotonic() < stop_at:  # a list page somewhere in the list (by its cursor), a session
            for path in (f"/sessions?{older_than(rng.choice(own))}&round={rng.choice(['', *ROUNDS])}",
                         f"/sessions/{rng.choice(own).session_id}"):
                started = time.perf_counter()
                try:
                    status = (await client.get(path)).status_code
                    if status != 200:
                        errors[f"HTTP {status} on {path.split('?')[0].count('/') * '/'}"] += 1
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                    if sum(errors.values()) == 1:
                        print(f"  first error: {exc!r} on {path}, {seconds - (stop_at - time.monotonic()):.1f} s in")
                latencies.append(time.perf_counter() - started)
                await asyncio.sleep(rng.uniform(0, 0.5))

    try:
        for n, name in enumerate(names):  # one at a time: each login hashes (Argon2)
            await log_in(clients[n], name)
        # the logins took a while: the server closes a connection idle for 5 s (uvicorn's keep-alive), and a
        # request sent just as it does fails; so each user starts on a new connection with its login cookie
        for n, client in enumerate(list(clients)):
            clients[n] = httpx.AsyncClient(base_url=base, timeout=30, limits=limits, cookies=client.cookies)
            await client.aclose()
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(user(n, stop_at) for n in range(users)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return latencies, errors, len(latencies)


@contextmanager
def postgres() -> Iterator[str]:
    given = os.environ.get("MOCKINTERVIEWER_BENCH_POSTGRES_URL")
    if given:
        engine = create_engine(given)
        with engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
        yield given
        return
    base = Path(tempfile.mkdtemp(prefix="mi-bench-pg-"))
    port = _free_port()
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if prefix:
        shutil.chown(base, "postgres", "postgres")
    control = [str(PG_BIN / "pg_ctl"), "-D", str(base / "data")]
    steps = [[str(PG_BIN / "initdb"), "-D", str(base / "data"), "-A", "trust", "-U", "postgres", "--no-sync"],
             [*control, "-l", str(base / "log"), "-w", "-o",
              f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
             [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bench"]]
    try:
        for step in steps:
            subprocess.run(prefix + step, check=True, capture_output=True, timeout=120)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/bench"
    finally:
        subprocess.run([*prefix, *control, "-m", "fast", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def bench(backend: str, url: str, home: Path, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    positions = fill(url, home, args.sessions)
    print(f"\n{backend}: {len(positions):,} sessions stored in {time.perf_counter() - started:.1f} s (bulk inserts)")
    for name, values in in_process(url, home, positions, args.requests).items():
        print(f"  store only, {name:<22} p50 {pct(values, 0.5) * 1000:6.1f} ms   p95 {pct(values, 0.95) * 1000:6.1f} ms"
              f"   (SessionSearch.page for the coach, in process)")
    with serving(url, home, workers=1) as (base, _pid):
        for name, values in one_at_a_time(base, positions, args.requests).items():
            print(f"  {name:<28} p50 {pct(values, 0.5) * 1000:6.1f} ms   p95 {pct(values, 0.95) * 1000:6.1f} ms"
                  f"   ({len(values)} requests, one at a time, 1 worker)")
    with serving(url, home, workers=2) as (base, pid):
        cpu_before = cpu_seconds(pid)
        latencies, errors, count = asyncio.run(crowd(base, positions, args.users, args.seconds))
        cpu = cpu_seconds(pid) - cpu_before  # logins included: 50 Argon2 hashes
        print(f"  {args.users} users, 2 workers, {args.seconds:g} s: {count} requests ({count / args.seconds:.0f}/s), "
              f"{sum(errors.values())} errors {dict(errors) or ''}, p50 {pct(latencies, 0.5) * 1000:.1f} ms, "
              f"p95 {pct(latencies, 0.95) * 1000:.1f} ms")
        print(f"  server CPU {cpu:.1f} s for them ({cpu / max(1, count) * 1000:.1f} ms a request, logins included); "
              f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="per kind of page, one at a time")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(f"bench_web: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other work on the machine "
          "shows in these figures)")
    with tempfile.TemporaryDirectory(prefix="mi-bench-web-") as tmp:
        if args.backend in ("sqlite", "both"):
            home = Path(tmp) / "sqlite"
            bench("SQLite", f"sqlite:///{home / 'mockinterviewer.db'}", home, args)
        if args.backend in ("postgresql", "both"):
            with postgres() as url:
                home = Path(tmp) / "postgresql"
                bench("PostgreSQL", url, home, args)


if __name__ == "__main__":
    main()
