"""A whole voice round through the real CLI: file-backed microphone, real VAD and STT, audio kept
beside each answer turn, delivery figures in the report."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mockinterviewer.cli.app import run
from tests.speech.conftest import FileDevices


@pytest.mark.slow
def test_voice_round_end_to_end(alsa_files: FileDevices, corpus_audio: dict[str, np.ndarray], transcriber: Any,
                                isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    alsa_files.set_mic(corpus_audio["idempotency"], lead=0.5, tail=8.0)  # every recording hears this answer
    monkeypatch.setenv("MOCKINTERVIEWER_VOICE_TTS", "off")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n" * 40))  # Enter: accept each transcript
    code = run(["interview", "--voice", "--round", "onsite-technical-deep-dive", "--questions", "1", "--seed", "2",
                "--max-follow-ups", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Feedback report" in out and "Delivery" in out
    assert run(["sessions", "--json"]) == 0
    [summary] = json.loads(capsys.readouterr().out)
    assert summary["status"] == "completed"
    assert run(["report", summary["id"], "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    heard = report["questions"][0]["answer"].lower()
    assert "idempotency key" in heard and "request" in heard  # the spoken answer, transcribed
    assert report["delivery"]["session"]["wpm"] > 0
    audio = sorted((isolated_home / "audio" / summary["id"]).glob("turn-*.ogg"))
    assert len(audio) >= 2 and all(p.stat().st_size > 1000 for p in audio)
