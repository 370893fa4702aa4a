"""`mockinterviewer transcribe` and `mockinterviewer voice-check` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mockinterviewer.cli.app import run
from mockinterviewer.speech.audio import encode, write_wav
from tests.speech.conftest import FileDevices, silence
from tests.speech.test_audio_vad import white_noise

pytestmark = pytest.mark.slow


def test_transcribe_json_with_question_priming(
    tmp_path: Path, corpus_audio: dict[str, np.ndarray], capsys: pytest.CaptureFixture[str], transcriber: Any
) -> None:
    audio = np.concatenate([silence(0.5), corpus_audio["backoff"], silence(2.5), corpus_audio["breaker"]])
    path = tmp_path / "answer.ogg"
    path.write_bytes(encode(audio, "ogg"))  # a compressed file goes through decoding too
    assert run(["transcribe", str(path), "--question", "retry-backoff-strategy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "exponential backoff" in data["text"].lower() and "circuit breaker" in data["text"].lower()
    assert data["duration"] == pytest.approx(audio.size / 16_000, abs=0.05)
    assert data["segments"] and all({"start", "end", "text"} <= set(s) for s in data["segments"])
    assert data["segments"][0]["start"] >= 0.2
    delivery = data["delivery"]
    assert delivery["words"] > 40 and delivery["wpm"] > 80 and delivery["long_pauses"] == 1
    assert data["question"] == "retry-backoff-strategy"


def test_transcribe_plain_text_with_feedback(
    tmp_path: Path, corpus_audio: dict[str, np.ndarray], capsys: pytest.CaptureFixture[str], transcriber: Any
) -> None:
    path = tmp_path / "answer.wav"
    write_wav(path, corpus_audio["hashing"])
    assert run(["transcribe", str(path)]) == 0
    out = capsys.readouterr().out
    assert "hashing" in out.lower() and "virtual nodes" in out.lower() and "words/min" in out


@pytest.mark.parametrize("kind", ["garbage", "silence", "noise"])
def test_transcribe_bad_input_gives_a_clear_message(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str], transcriber: Any
) -> None:
    path = tmp_path / f"{kind}.wav"
    if kind == "garbage":
        path.write_bytes(b"\x00\x01not audio" * 500)
    else:
        write_wav(path, silence(3.0) if kind == "silence" else white_noise(3.0, -25))
    assert run(["transcribe", str(path)]) == 7
    err = capsys.readouterr().err
    expected = "Cannot read" if kind == "garbage" else "No speech was recognised"
    assert expected in err and "Traceback" not in err


def test_transcribe_unknown_question(tmp_path: Path, corpus_audio: dict[str, np.ndarray],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "answer.wav"
    write_wav(path, corpus_audio["retry"])
    assert run(["transcribe", str(path), "--question", "no-such-question"]) == 3
    assert "no-such-question" in capsys.readouterr().err


def test_voice_check(alsa_files: FileDevices, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["voice-check", "--json"]) == 0
    checks = json.loads(capsys.readouterr().out)
    assert checks["microphone"] == {"ok": True, "detail": "default"}
    assert checks["speech model"]["ok"]


def test_voice_check_without_devices(no_sound_devices: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["voice-check"]) == 7
    out = capsys.readouterr().out
    assert "No microphone is available" in out and "MOCKINTERVIEWER_VOICE_INPUT_DEVICE" in out
