"""Run a candidate's code against a question's examples or hidden tests, in the sandbox.

The effects live here: a fresh working directory per run, the harness copied in, Java compiled
(the harness once per process, the candidate's file once per distinct source), the harness
started in the sandbox and watched test by test. A test that runs past its limit, crashes the
runtime or floods the output is recorded, the process tree killed, and the remaining tests run
in a fresh process; the candidate's code never raises here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockinterviewer.bank.schema import CodeTest, CodingSpec, Question
from mockinterviewer.coding.cases import Case, describe_input, judge, payload, prepare
from mockinterviewer.coding.languages import (
    HARNESS_DIR,
    LANGUAGE_INFO,
    compile_command,
    readable_paths,
    run_command,
    runtime_path,
)
from mockinterviewer.coding.results import CheckResult, TestOutcome
from mockinterviewer.coding.sandbox import WORKDIR, Finished, Limits, Sandbox
from mockinterviewer.errors import InputError

STARTUP_SECONDS = {"python": 5.0, "javascript": 5.0, "java": 10.0}
COMPILE_SECONDS = 30.0
COMPILE_LIMITS = Limits(processes=128, cpu_seconds=60, memory_bytes=2048 * 2**20)
MAX_RESTARTS = 3  # fresh processes after a timeout or crash, before the remaining tests are skipped
MAX_CODE_BYTES = 200_000
REQUIRE_ENV = "MOCKINTERVIEWER_REQUIRE_SANDBOX"  # set on a server: never run code without bubblewrap
NOT_ISOLATED = ("bubblewrap (bwrap) is not installed or cannot create its namespaces here, so the code runs "
                "with resource limits only and can read your files; install it with 'apt-get install bubblewrap'.")


class SandboxWarning(UserWarning):
    """Code ran without bubblewrap: only resource limits applied."""


def limits_for(lang: str) -> Limits:
    if lang == "python":
        return Limits(memory_bytes=512 * 2**20)
    if lang == "java":
        return Limits(processes=128, memory_bytes=2048 * 2**20)  # JVM threads count; the heap is -Xmx256m
    return Limits(memory_bytes=1536 * 2**20)  # V8 reserves address space well beyond its heap


@dataclass
class _Progress:
    """The harness's reports as they arrive (the `Watch` the sandbox calls)."""

    spec: CodingSpec
    tests: dict[int, Case]
    lang: str
    started: float = field(default_factory=time.monotonic)
    current: int | None = None
    current_since: float = 0.0
    reports: dict[int, dict[str, Any]] = field(default_factory=dict)
    fatal: str | None = None
    ended: bool = False

    def line(self, text: str) -> None:
        kind, _, rest = text.partition(" ")
        if kind == "S":
            self.current, self.current_since = int(rest), time.monotonic()
        elif kind == "D":
            index, _, body = rest.partition(" ")
            try:
                self.reports[int(index)] = json.loads(body)
            except ValueError:
                self.reports[int(index)] = {"ok": False, "error": "the harness could not report the result"}
            self.current = None
        elif kind == "F":
            try:
                self.fatal = str(json.loads(rest).get("error"))
            except ValueError:
                self.fatal = "the solution could not be loaded"
        elif kind == "E":
            self.ended = True

    def deadline(self) -> float:
        if self.current is None:
            return self.started + STARTUP_SECONDS[self.lang] + 0.5 * len(self.reports)
        test = self.tests[self.current].test
        limit = test.time_limit_seconds or self.spec.time_limit_seconds
        return self.current_since + limit + 0.25


class _JavaCache:
    """Compiled classes by source hash, so /run then /submit (or many tests) compile once."""

    def __init__(self, size: int = 64) -> None:
        self._lock = threading.Lock()
        self._classes: OrderedDict[str, dict[str, bytes]] = OrderedDict()
        self._size = size

    def get(self, key: str) -> dict[str, bytes] | None:
        with self._lock:
            found = self._classes.get(key)
            if found is not None:
                self._classes.move_to_end(key)
            return found

    def put(self, key: str, classes: dict[str, bytes]) -> None:
        with self._lock:
            self._classes[key] = classes
            while len(self._classes) > self._size:
                self._classes.popitem(last=False)


_JAVA_CLASSES = _JavaCache()
_RUNNER_LOCK = threading.Lock()


def run_tests(question: Question, code: str, lang: str, *, hidden: bool, sandbox: Sandbox | None = None) \
        -> CheckResult:
    """Run `code` against the question's visible examples (hidden=False) or hidden tests."""
    spec = question.coding
    if spec is None:
        raise InputError(f"The question '{question.id}' has no coding spec, so there is no code to run.",
                         hint="Pick a coding question ('mockinterviewer bank list --round technical-phone-screen').")
    if lang not in LANGUAGE_INFO:
        raise InputError(f"Unknown language '{lang}'.", hint=f"Use one of: {', '.join(LANGUAGE_INFO)}.")
    if lang not in spec.signatures:
        raise InputError(f"The question '{question.id}' is not offered in {lang}.",
                         hint=f"Use one of: {', '.join(spec.languages)}.")
    sandbox = sandbox or Sandbox()
    tests = list(enumerate(spec.hidden if hidden else spec.examples))
    started = time.monotonic()

    def result(outcomes: list[TestOutcome], error: str | None = None) -> CheckResult:
        return CheckResult(lang=lang, hidden=hidden, passed=sum(t.passed for t in outcomes), total=len(tests),
                           tests=outcomes, error=error, seconds=round(time.monotonic() - started, 4),
                           sandboxed=sandbox.isolated)

    info = LANGUAGE_INFO[lang]
    if runtime_path(info.runtime) is None:
        return result([], f"The {lang} runtime ({info.runtime}) is not installed, so the code cannot run; "
                          f"install the package {info.package}.")
    if len(code.encode("utf-8", "replace")) > MAX_CODE_BYTES:
        return result([], f"The code is over {MAX_CODE_BYTES // 1000} KB, so it was not run.")
    if not sandbox.isolated:
        if os.environ.get(REQUIRE_ENV, "").lower() in ("1", "true", "yes"):
            return result([], "The code was not run: bubblewrap (bwrap) is missing or cannot run here, and this "
                              f"deployment requires it ({REQUIRE_ENV}); install it with 'apt-get install bubblewrap'.")
        _warn_once()
    reveal = not hidden or spec.show_failing_input
    work = Path(tempfile.mkdtemp(prefix="mi-code-"))
    try:
        (work / info.source).write_text(code, encoding="utf-8")
        runner_dir: str | None = None
        if lang == "java":
            error = _compile_java(code, work, sandbox)
            if error is not None:
                return result([], error)
            runner_dir = _java_runner(sandbox)
        else:
            shutil.copy(HARNESS_DIR / info.harness, work / info.harness)
        outcomes = _run_all(spec, tests, lang, work, sandbox, runner_dir, reveal)
        if isinstance(outcomes, str):
            return result([], outcomes)
        return result(outcomes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _warn_once() -> None:
    warnings.warn(NOT_ISOLATED, SandboxWarning, stacklevel=3)


def _run_all(spec: CodingSpec, tests: list[tuple[int, CodeTest]], lang: str, work: Path, sandbox: Sandbox,
             runner_dir: str | None, reveal: bool) -> list[TestOutcome] | str:
    by_index = {index: prepare(test) for index, test in tests}
    outcomes: dict[int, TestOutcome] = {}
    todo = list(by_index.items())
    readable = [*readable_paths(lang), *([runner_dir] if runner_dir else [])]
    for _attempt in range(MAX_RESTARTS + 1):
        if not todo:
            break
        (work / "tests.json").write_text(json.dumps(payload(spec, todo, lang)), encoding="utf-8")
        progress = _Progress(spec, by_index, lang)
        classes = f"{WORKDIR}/classes" if sandbox.isolated else "classes"
        finished = sandbox.run(run_command(lang, runner_dir, classes), work, limits_for(lang), progress, readable)
        if progress.fatal is not None:
            return f"The code could not be loaded: {progress.fatal}."
        for index, report in progress.reports.items():
            outcomes[index] = judge(spec, by_index[index], report, reveal=reveal)
        if progress.current is not None:
            index = progress.current
            outcomes[index] = _stopped(spec, by_index[index], finished, lang, reveal,
                                       time.monotonic() - progress.current_since)
        elif not progress.ended and not progress.reports:
            return _startup_failure(finished, lang)
        todo = [(i, t) for i, t in todo if i not in outcomes]
        if progress.ended:
            break
    for index, case in todo:
        outcomes[index] = TestOutcome(case.test.name, "error", None, None, None, 0.0,
                                      "Not run, because earlier tests timed out or crashed too often.")
    return [outcomes[i] for i, _ in tests]


def _stopped(spec: CodingSpec, case: Case, finished: Finished, lang: str, reveal: bool, seconds: float) \
        -> TestOutcome:
    """The outcome of the test that was running when the process was stopped or died."""
    test = case.test
    limit = test.time_limit_seconds or spec.time_limit_seconds
    shown_input = describe_input(spec, case) if reveal else None
    if finished.ending == "deadline":
        status, message = "timeout", f"Stopped after {limit:g} s, the time limit for this test."
    elif finished.ending == "output":
        status, message = "output", "Stopped because the code printed more than 1 MB of output."
    elif _out_of_memory(finished.output):
        status, message = "memory", "Stopped because the code ran out of memory."
    elif finished.returncode is not None and finished.returncode in (-24, 128 + 24, 152):
        status, message = "timeout", "Stopped because the code used up its CPU time."
    elif finished.returncode is not None and finished.returncode in (-25, 128 + 25, 153):
        status, message = "error", "Stopped because the code wrote a file over the size limit."
    else:
        status = "error"
        message = f"The program ended during this test ({_exit_reason(finished)})."
    return TestOutcome(test.name, status, shown_input, None, None, round(seconds, 4), message)


def _out_of_memory(output: str) -> bool:
    return bool(re.search(r"heap out of memory|OutOfMemoryError|MemoryError|Cannot allocate memory|"
                          r"std::bad_alloc|allocation failed", output))


def _exit_reason(finished: Finished) -> str:
    code = finished.returncode
    last = next((line.strip() for line in reversed(finished.output.splitlines()) if line.strip()), "")
    reason = f"exit code {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
    return f"{reason}: {last[:150]}" if last else reason


def _startup_failure(finished: Finished, lang: str) -> str:
    if finished.ending == "deadline":
        return f"The {lang} program did not start within {STARTUP_SECONDS[lang]:g} s (it may loop while loading)."
    if finished.ending == "output":
        return "The program printed more than 1 MB while loading, so it was stopped."
    if _out_of_memory(finished.output):
        return "The program ran out of memory while loading."
    return f"The program ended before running any test ({_exit_reason(finished)})."


def _compile_java(code: str, work: Path, sandbox: Sandbox) -> str | None:
    """Compile Solution.java into work/classes (cached by source); a plain sentence on failure."""
    key = hashlib.sha256(code.encode("utf-8")).hexdigest()
    classes_dir = work / "classes"
    cached = _JAVA_CLASSES.get(key)
    if cached is None:
        classes_dir.mkdir()
        command = compile_command("java", ["Solution.java"])
        assert command is not None
        finished = sandbox.run(command, work, COMPILE_LIMITS, _Until(COMPILE_SECONDS),
                               readable_paths("java"))
        if finished.ending == "deadline":
            return f"Compiling took longer than {COMPILE_SECONDS:g} s, so it was stopped."
        if finished.returncode != 0:
            return "The code does not compile: " + _first_compile_error(finished.output)
        cached = {p.name: p.read_bytes() for p in classes_dir.glob("*.class")}
        _JAVA_CLASSES.put(key, cached)
    else:
        classes_dir.mkdir()
        for name, data in cached.items():
            (classes_dir / name).write_bytes(data)
    return None


def _first_compile_error(output: str) -> str:
    for line in output.splitlines():
        match = re.match(r"\S*Solution\.java:(\d+): error: (.*)", line)
        if match:
            return f"line {match.group(1)}: {match.group(2).rstrip('.')}."
    last = next((line for line in output.splitlines() if line.strip()), "javac failed")
    return last.strip()[:200].rstrip(".") + "."


class _Until:
    """A Watch with a fixed deadline and no protocol (compiling)."""

    def __init__(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds

    def line(self, text: str) -> None:
        return None

    def deadline(self) -> float:
        return self._deadline


def _java_runner(sandbox: Sandbox) -> str:
    """The compiled Java harness, once per harness version, in a shared readable cache folder."""
    source = (HARNESS_DIR / "JavaRunner.java").read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"mockinterviewer-javarunner-{digest}"
    with _RUNNER_LOCK:
        if (target / "JavaRunner.class").exists():
            return str(target)
        build = Path(tempfile.mkdtemp(prefix="mi-javarunner-"))
        try:
            (build / "JavaRunner.java").write_bytes(source)
            (build / "out").mkdir()
            command = compile_command("java", ["JavaRunner.java"], out_dir="out")
            assert command is not None
            finished = sandbox.run(command, build, COMPILE_LIMITS, _Until(COMPILE_SECONDS),
                                   readable_paths("java"))
            if finished.returncode != 0:
                raise RuntimeError(f"the Java harness does not compile: {finished.output[:500]}")
            staging = Path(tempfile.mkdtemp(prefix="mi-javarunner-", dir=target.parent))
            for path in (build / "out").glob("*.class"):
                shutil.copy(path, staging / path.name)
                (staging / path.name).chmod(0o644)
            staging.chmod(0o755)
            try:
                staging.rename(target)
            except OSError:  # another process finished first
                shutil.rmtree(staging, ignore_errors=True)
        finally:
            shutil.rmtree(build, ignore_errors=True)
    return str(target)
