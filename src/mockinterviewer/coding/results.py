"""The results of running code against a question's tests: plain, frozen, JSON-ready records.

Nothing here runs anything: the runner (`coding.runner`) builds these, the interview, the report
and `code check --json` read them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("passed", "failed", "error", "timeout", "memory", "output")


@dataclass(frozen=True)
class TestOutcome:
    """One test: its status and, where the question allows it, its input, expected and actual value."""

    __test__ = False  # not a pytest test class

    name: str
    status: str  # one of STATUSES
    input: str | None
    expected: str | None
    got: str | None
    seconds: float
    message: str  # one plain sentence

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass(frozen=True)
class CheckResult:
    """A whole run: how many tests passed, each test's outcome, or why nothing could run."""

    lang: str
    hidden: bool
    passed: int
    total: int
    tests: list[TestOutcome] = field(default_factory=list)
    error: str | None = None  # one plain sentence when nothing could run (compile error, missing runtime ...)
    seconds: float = 0.0
    sandboxed: bool = True  # False when bubblewrap was missing and only resource limits applied

    @property
    def ok(self) -> bool:
        return self.error is None and self.passed == self.total

    @property
    def first_failure(self) -> TestOutcome | None:
        return next((t for t in self.tests if not t.passed), None)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed"] = self.total - self.passed
        return data
