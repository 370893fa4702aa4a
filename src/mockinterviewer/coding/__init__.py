"""The live-coding round's code: starting files, running a solution against a question's tests.

One concept per module:

- results:   TestOutcome and CheckResult, the plain records every caller reads
- cases:     tests as language-neutral data: expanding them for a harness, judging the values back
- stubs:     the starting file per language (statement and examples as comments, then the signature)
- languages: where each runtime lives, how a solution is compiled and run
- sandbox:   bubblewrap plus resource limits; one process tree per run, nothing left behind
- runner:    run_tests: a working directory, the harness, the sandbox, restarts after a timeout
- harness/:  the per-language programs that call the candidate's code inside the sandbox

The question's coding spec (signatures, examples, hidden tests, references, wrong solutions) is
`bank.schema.CodingSpec`.
"""

from __future__ import annotations

from mockinterviewer.coding.results import CheckResult, TestOutcome
from mockinterviewer.coding.runner import SandboxWarning, run_tests
from mockinterviewer.coding.stubs import stub

LANGUAGES: tuple[str, ...] = ("python", "javascript", "java")

__all__ = ["LANGUAGES", "CheckResult", "SandboxWarning", "TestOutcome", "run_tests", "stub"]
