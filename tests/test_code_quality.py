"""The code stays ruff clean and type-checks (the standards the README promises)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)


def test_ruff_clean() -> None:
    result = _run("ruff", "check", "--no-cache", "src", "tests", "evals")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_clean() -> None:
    result = _run("mypy", "src")
    assert result.returncode == 0, result.stdout + result.stderr
