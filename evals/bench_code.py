"""Benchmark running code: time from a run to its results, and the sandbox's overhead over bare runs.

For a passing solution of a question with 5 visible examples (merge-overlapping-intervals, its
first hidden tests shown as examples): run_tests in the sandbox (bubblewrap and limits), with
limits only (no bubblewrap), and the same harness started bare with subprocess (no sandbox, no
limits). Java is timed cold (javac on a new source) and warm (the compiled classes cached).
Prints figures; not a timed test.

Run from the project root:  .venv/bin/python evals/bench_code.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

from mockinterviewer.bank.loader import load_bank
from mockinterviewer.bank.schema import Question
from mockinterviewer.coding import run_tests
from mockinterviewer.coding.cases import payload, prepare
from mockinterviewer.coding.languages import HARNESS_DIR, LANGUAGE_INFO, compile_command, run_command
from mockinterviewer.coding.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[1]
AIMS = {"python": 0.5, "java": 2.0}


def _question() -> Question:
    base = load_bank(ROOT / "question_bank").question("merge-overlapping-intervals")
    assert base.coding is not None
    coding = base.coding.model_copy(update={"examples": base.coding.hidden[:5]})
    return base.model_copy(update={"coding": coding})


def _median_ms(samples: list[float]) -> str:
    return f"{1000 * statistics.median(samples):7.1f} ms (min {1000 * min(samples):.1f})"


def _timed(question: Question, code: str, lang: str, sandbox: Sandbox, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run_tests(question, code, lang, hidden=False, sandbox=sandbox)
        samples.append(time.perf_counter() - started)
        assert result.ok, (lang, result.error, [t.message for t in result.tests if not t.passed])
    return samples


def _bare(question: Question, code: str, lang: str, repeat: int) -> list[float]:
    """The harness started directly: what the sandbox adds is everything above this."""
    assert question.coding is not None
    info = LANGUAGE_INFO[lang]
    cases = [(i, prepare(t)) for i, t in enumerate(question.coding.examples)]
    samples = []
    for _ in range(repeat):
        work = Path(tempfile.mkdtemp(prefix="mi-bench-"))
        try:
            started = time.perf_counter()
            (work / info.source).write_text(code)
            (work / "tests.json").write_text(json.dumps(payload(question.coding, cases, lang)))
            if lang == "java":
                (work / "classes").mkdir()
                (work / "runner").mkdir()
                shutil.copy(HARNESS_DIR / info.harness, work / info.harness)
                for sources, out in (([info.source], "classes"), ([info.harness], "runner")):
                    command = compile_command(lang, sources, out)
                    assert command is not None
                    subprocess.run(command, cwd=work, check=True, capture_output=True)
                started = time.perf_counter()  # compiling is timed apart: the warm figure caches it
            else:
                shutil.copy(HARNESS_DIR / info.harness, work / info.harness)
            argv = [a.replace("{fd}", "1") for a in run_command(lang)]
            done = subprocess.run(argv, cwd=work, capture_output=True, text=True, check=True,
                                  env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
            samples.append(time.perf_counter() - started)
            assert done.stdout.rstrip().endswith("E"), done.stdout[-200:]
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    question = _question()
    assert question.coding is not None
    sandboxed, limits_only = Sandbox(), Sandbox(isolate=False)
    warnings.simplefilter("ignore")
    print(f"question: {question.id}, {len(question.coding.examples)} examples, {args.repeat} runs each; "
          f"bubblewrap: {'yes' if sandboxed.isolated else 'NO (the sandboxed figures are limits only)'}")
    for lang in ("python", "javascript", "java"):
        code = question.coding.references[lang]
        print(f"\n{lang}")
        if lang == "java":
            cold = []
            for i in range(max(3, args.repeat // 3)):
                variant = f"{code}\n// variant {i} {time.time_ns()}\n"  # a new source: javac runs
                started = time.perf_counter()
                assert run_tests(question, variant, lang, hidden=False, sandbox=sandboxed).ok
                cold.append(time.perf_counter() - started)
            print(f"  sandbox, cold (javac):     {_median_ms(cold)}   aim < {AIMS[lang]:g} s")
        box = _timed(question, code, lang, sandboxed, args.repeat)
        label = "sandbox, warm (cached)" if lang == "java" else "sandbox (bwrap + limits)"
        aim = f"   aim < {AIMS[lang]:g} s" if lang in AIMS and lang != "java" else ""
        print(f"  {label + ':':27}{_median_ms(box)}{aim}")
        limited = _timed(question, code, lang, limits_only, args.repeat)
        print(f"  {'limits only:':27}{_median_ms(limited)}")
        bare = _bare(question, code, lang, args.repeat)
        print(f"  {'bare subprocess:':27}{_median_ms(bare)}")
        print(f"  sandbox overhead over bare: {1000 * (statistics.median(box) - statistics.median(bare)):+.1f} ms")


if __name__ == "__main__":
    main()
