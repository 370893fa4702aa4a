"""Usage errors: one or two lines saying what is wrong and how to fix it, exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.cli.helpers import cli
from tests.conftest import PROJECT_ROOT

CASES = [
    (["interview", "--questions", "0"], "--questions"),
    (["interview", "--questions", "1000"], "--questions"),
    (["interview", "--no-such-option"], "No such option: --no-such-option"),
    (["report"], "Missing argument"),
    (["frobnicate"], "No such command 'frobnicate'"),
    (["bank", "lint", "--bogus"], "No such option"),
    (["report", "abc", "--format"], "requires an argument"),
    (["interview", "--candidate", "\x1b[2J\x07"], "--candidate"),
]


@pytest.mark.parametrize(("args", "message"), CASES)
def test_usage_error_is_one_clear_message_and_exit_2(args: list[str], message: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, err
    assert "--help" in err  # says how to find what is accepted


def test_usage_errors_of_the_installed_command(isolated_home) -> None:  # type: ignore[no-untyped-def]
    """The real entry point (as a user runs it), not only `run()`."""
    for args in (["interview", "--questions", "0"], ["report"], ["nope"], ["interview", "--bogus"]):
        proc = subprocess.run([sys.executable, "-m", "mockinterviewer", *args], capture_output=True, text=True,
                              cwd=PROJECT_ROOT, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) <= 2, proc.stderr


def test_help_documents_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--help")
    assert code == 0
    flat = " ".join(out.split())
    for name in ("MOCKINTERVIEWER_BANK_DIR", "MOCKINTERVIEWER_HOME", "MOCKINTERVIEWER_DATABASE_URL"):
        assert name in flat
