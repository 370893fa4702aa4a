"""Benchmark of the offline text interview: prints figures, asserts nothing.

- time from command start to the first question (a real `mockinterviewer interview` process)
- per-turn latency of the offline interviewer (p50, p95): from the candidate's reply to the next
  interviewer utterance, through the orchestrator, the coverage check and the store
- grading time per answer (rubric grader)
- peak memory (max RSS) of a whole interview process

Run: .venv/bin/python evals/bench_interview.py
Aims: first question < 1 s, turn p95 < 50 ms, grading < 20 ms per answer, memory < 300 MB.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mockinterviewer.bank.loader import load_bank  # noqa: E402
from mockinterviewer.channels.base import Reply  # noqa: E402
from mockinterviewer.evals.personas import PERSONAS  # noqa: E402
from mockinterviewer.grading.rubric import RubricGrader  # noqa: E402
from mockinterviewer.interview.orchestrator import Orchestrator  # noqa: E402
from mockinterviewer.interview.plan import plan_session  # noqa: E402
from mockinterviewer.interview.scripted import ScriptedInterviewer  # noqa: E402
from mockinterviewer.store import Store  # noqa: E402
from mockinterviewer.transcript import Session  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def first_question_seconds(home: Path) -> float:
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(home), "MOCKINTERVIEWER_LLM": "offline",
           "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen([str(ROOT / ".venv/bin/mockinterviewer"), "interview",
                             "--round", "onsite-technical-deep-dive"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                            text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "Question 1 of" in line:
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError("no question was asked")
    proc.kill()
    proc.wait()
    return elapsed


class TimingChannel:
    def __init__(self, persona: str, orchestrator_ref: list[Orchestrator]) -> None:
        self.persona = PERSONAS[persona]
        self.ref = orchestrator_ref
        self.listened_at: float | None = None
        self.turn_ms: list[float] = []

    def say(self, text: str, *, kind: str) -> None:
        if self.listened_at is not None:
            self.turn_ms.append((time.perf_counter() - self.listened_at) * 1000)
            self.listened_at = None

    def partial(self, chunk: str) -> None:
        pass

    def info(self, text: str) -> None:
        pass

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        import random

        state = self.ref[0].state
        if state.current is None:
            text = "no questions"
        else:
            question = self.ref[0].bank.question(state.current.question_id)
            text = self.persona.answer(question, len(state.current.answers), random.Random(0))
        self.listened_at = time.perf_counter()
        return Reply(text=text, seconds=len(text.split()) / 2.2)


def turn_latencies(tmp: Path) -> list[float]:
    bank = load_bank(ROOT / "question_bank")
    loop = bank.loop("netflix-senior-swe")
    store = Store(f"sqlite:///{tmp / 'bench.db'}", tmp)
    latencies: list[float] = []
    for seed, persona in enumerate(["strong", "partial", "rambling", "strong"]):
        plan = plan_session(loop, list(bank.questions.values()), seed=seed)
        session = Session(id=f"bench{seed}", candidate=persona, loop_id=loop.id, plan=plan)
        store.create_session(session)
        ref: list[Orchestrator] = []
        channel = TimingChannel(persona, ref)
        orchestrator = Orchestrator(bank=bank, store=store, session=session, interviewer=ScriptedInterviewer(),
                                    channel=channel)
        ref.append(orchestrator)
        orchestrator.run()
        latencies += channel.turn_ms
    return latencies


def grading_ms() -> list[float]:
    bank = load_bank(ROOT / "question_bank")
    grader = RubricGrader()
    times: list[float] = []
    import random

    for question in bank.questions.values():
        for persona in ("strong", "partial", "rambling", "gibberish"):
            answer = PERSONAS[persona].answer(question, 0, random.Random(1))
            started = time.perf_counter()
            grader.grade(question, [answer])
            times.append((time.perf_counter() - started) * 1000)
    return times


def interview_peak_rss_mb(home: Path, answers: Path) -> float:
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(home), "MOCKINTERVIEWER_LLM": "offline"}
    subprocess.run([str(ROOT / ".venv/bin/mockinterviewer"), "interview", "--answers", str(answers),
                    "--seed", "4"], env=env, capture_output=True, check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        starts = [first_question_seconds(tmp / f"h{i}") for i in range(3)]
        print(f"first question: median {statistics.median(starts):.2f} s over {len(starts)} runs "
              f"(aim < 1 s)")
        turns = turn_latencies(tmp)
        print(f"offline interviewer turn latency: p50 {pct(turns, 0.5):.1f} ms, p95 {pct(turns, 0.95):.1f} ms "
              f"over {len(turns)} turns (aim p95 < 50 ms)")
        grades = grading_ms()
        print(f"grading per answer: p50 {pct(grades, 0.5):.1f} ms, p95 {pct(grades, 0.95):.1f} ms "
              f"over {len(grades)} answers (aim < 20 ms)")
        answers = tmp / "answers.yaml"
        answers.write_text(yaml.safe_dump(["I would start with the requirements and the data model."] * 60))
        print(f"peak memory of a whole-loop interview process: {interview_peak_rss_mb(tmp / 'mem', answers):.0f} MB "
              f"(aim < 300 MB)")


if __name__ == "__main__":
    main()
