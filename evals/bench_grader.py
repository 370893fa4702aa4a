"""Benchmark the offline rubric grader: model load, time per answer (p50/p95), the full Mohler eval wall time.

Run from the project root:  .venv/bin/python evals/bench_grader.py [--dataset CSV] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from mockinterviewer.bank.loader import load_bank
from mockinterviewer.evals.datasets import load_dataset
from mockinterviewer.evals.grader_eval import evaluate, rubric_grader_for
from mockinterviewer.grading import semantic
from mockinterviewer.grading.reference import question_from_reference
from mockinterviewer.grading.rubric import RubricGrader, covered_criteria

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "grading" / "mohler_dev.csv"


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {1000 * statistics.median(ordered):.2f} ms, p95 {1000 * p95:.2f} ms, max {1000 * ordered[-1]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=1, help="Time the full eval this many times.")
    args = parser.parse_args()

    started = time.perf_counter()
    semantic.embed(["warm up"])
    print(f"static embedding model: loaded in {1000 * (time.perf_counter() - started):.0f} ms (once per process)")
    data = load_dataset(args.dataset)
    grader = RubricGrader()
    per_answer: list[float] = []
    for (_, question_text, reference), items in data.by_question().items():
        question = question_from_reference(question_text, reference)
        for item in items:
            started = time.perf_counter()
            grader.grade(question, [item.answer])
            per_answer.append(time.perf_counter() - started)
    print(f"{data.name}: {len(per_answer)} answers, grading time per answer: {_percentiles(per_answer)}")

    bank = load_bank(ROOT / "question_bank")
    bank_times: list[float] = []
    covered_times: list[float] = []
    for question in bank.questions.values():
        for answer in (" ".join(question.rubric.exemplar), question.rubric.exemplar[0], "I don't know"):
            started = time.perf_counter()
            grader.grade(question, [answer])
            bank_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            covered_criteria(question, [answer])
            covered_times.append(time.perf_counter() - started)
    print(f"bank ({len(bank.questions)} questions): grade {_percentiles(bank_times)}")
    print(f"bank: covered_criteria {_percentiles(covered_times)}")
    blind = yaml.safe_load((ROOT / "evals" / "data" / "blind_answers.yaml").read_text())
    interview_times: list[float] = []
    for entry in blind:
        question = bank.question(entry["question_id"])
        for kind in ("strong", "mediocre", "weak", "plain"):
            started = time.perf_counter()
            grader.grade(question, [entry[kind]])
            interview_times.append(time.perf_counter() - started)
    print(f"interview-length answers ({len(interview_times)}, blind set): grade {_percentiles(interview_times)}")

    for _ in range(args.repeat):
        fresh = load_dataset(args.dataset)
        started = time.perf_counter()
        result = evaluate(fresh, rubric_grader_for())
        wall = time.perf_counter() - started
        o = result.overall
        print(
            f"full eval of {fresh.name}: {wall:.2f} s wall for {o.n} answers; "
            f"pearson {o.pearson:.3f}, spearman {o.spearman:.3f}, qwk {o.qwk:.3f}, mae {o.mae:.3f}"
        )


if __name__ == "__main__":
    main()
