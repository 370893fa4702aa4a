"""Two (or more) interviews for the same candidate started at the same moment never share a question."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.helpers import cli, sessions, write_answers
from tests.conftest import PROJECT_ROOT

RACER = """
import sys, time
from mockinterviewer.cli.app import run, _register
_register()
import sqlalchemy, alembic.command, mockinterviewer.store.store
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
sys.exit(run(sys.argv[2:]))
"""


def test_simultaneous_interviews_of_one_candidate_get_different_questions(
    tmp_path: Path, isolated_home: Path, bank, capsys: pytest.CaptureFixture[str]  # type: ignore[no-untyped-def]
) -> None:
    loop = bank.loop("netflix-senior-swe")
    round_ = max(loop.rounds, key=lambda r: len(bank.for_round(r.id)))  # the round ids come from the loop
    processes = min(4, len(bank.for_round(round_.id)))
    assert processes >= 2
    answers = write_answers(tmp_path / "a.yaml", ["/skip", "no"] * 4)
    assert cli(capsys, "sessions")[0] == 0  # the schema exists: this test is about planning, not first use
    start = time.time() + 4.0
    args = ["interview", "--round", round_.id, "--questions", "1", "--seed", "7", "--candidate", "ada",
            "--answers", str(answers)]
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(isolated_home)}
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(start), *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, cwd=PROJECT_ROOT, text=True)
             for _ in range(processes)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
    asked = []
    for summary in sessions(capsys):
        _, out, _ = cli(capsys, "report", summary["id"], "--format", "json")
        asked += [q["question_id"] for q in json.loads(out)["questions"]]
    assert len(asked) == processes
    assert len(set(asked)) == processes, asked  # the same seed, yet no question twice
