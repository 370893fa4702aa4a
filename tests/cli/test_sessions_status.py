"""`sessions` tells a session a live process runs from one whose process died (interrupted, with the
command that resumes it); a session running elsewhere cannot be resumed a second time at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockinterviewer.config import load_settings
from mockinterviewer.store import open_store
from mockinterviewer.transcript import Plan, PlannedQuestion, PlannedRound, Session
from tests.cli.helpers import cli


def make_session(session_id: str) -> Session:
    plan = Plan(loop_id="netflix-senior-swe", seed=1, rounds=[
        PlannedRound(round_id="recruiter-screen", questions=[PlannedQuestion(question_id="q1", minutes=5)])])
    return Session(id=session_id, candidate="ada", loop_id="netflix-senior-swe", plan=plan)


def test_running_and_interrupted_sessions(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(load_settings())
    store.create_session(make_session("dead0001"))  # in progress, but no process holds it
    store.create_session(make_session("live0001"))
    hold = store.hold_session("live0001")
    assert hold is not None
    try:
        code, out, _ = cli(capsys, "sessions", "--json")
        assert code == 0
        assert {s["id"]: s["status"] for s in json.loads(out)} == {"dead0001": "interrupted",
                                                                   "live0001": "in_progress"}
        code, out, _ = cli(capsys, "sessions")
        flat = " ".join(out.split())
        assert "interrupted" in flat and "continue it with: mockinterviewer resume dead0001" in flat
        assert "resume live0001" not in flat
        code, _, err = cli(capsys, "resume", "live0001")
        assert code == 5 and "running in another process" in err
    finally:
        hold.release()
