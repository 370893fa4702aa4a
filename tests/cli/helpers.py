"""Running the CLI in-process and as real processes, for the CLI tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mockinterviewer.cli.app import run
from tests.conftest import PROJECT_ROOT


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_answers(path: Path, answers: list[str]) -> Path:
    path.write_text(yaml.safe_dump(answers))
    return path


def sessions(capsys: pytest.CaptureFixture[str]) -> list[dict]:  # type: ignore[type-arg]
    code, out, err = cli(capsys, "sessions", "--json")
    assert code == 0, err
    return json.loads(out)


def spawn(home: Path, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """The real CLI in its own process (so many can start at the same moment)."""
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(home), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    return subprocess.Popen([sys.executable, "-m", "mockinterviewer", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=PROJECT_ROOT)
