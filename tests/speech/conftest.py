"""Fixtures for the speech tests: espeak-ng answers, the real tiny.en model, file-backed ALSA devices.

The microphone and speaker are real ALSA devices backed by files (see DESIGN.md): sounddevice
records from `mic.raw` and plays into `speaker.raw`, sample for sample. Set
MOCKINTERVIEWER_REQUIRE_VOICE=1 (as CI does) to fail instead of skip when espeak-ng, PortAudio
or a model (tiny.en, or Whisper base from the voice-base extra) is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mockinterviewer.speech.audio import SAMPLE_RATE, resample

AUDIO_DATA = Path(__file__).resolve().parents[1] / "data" / "audio"
REQUIRED = os.environ.get("MOCKINTERVIEWER_REQUIRE_VOICE") == "1"


def missing(what: str) -> None:
    if REQUIRED:
        pytest.fail(f"{what} (MOCKINTERVIEWER_REQUIRE_VOICE=1)")
    pytest.skip(what)


def speak(text: str, *, rate: int = 130, gap: int = 4, voice: str = "en-us") -> np.ndarray:
    """`text` spoken by espeak-ng, as 16 kHz mono int16."""
    from mockinterviewer.speech.tts import EspeakTTS

    tts = EspeakTTS(voice, rate, gap)
    if not tts.available():
        missing("espeak-ng is not installed (apt-get install espeak-ng)")
    speech = tts.synthesize(text)
    return resample(speech.samples, speech.rate)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), np.int16)


def voiced_extent(samples: np.ndarray, dbfs: float = -40.0) -> tuple[float, float]:
    """First and last time (s) the signal is louder than `dbfs` in a 10 ms window."""
    hop = SAMPLE_RATE // 100
    n = samples.size // hop
    frames = samples[: n * hop].reshape(n, hop).astype(np.float64) / 32768
    loud = np.flatnonzero(10 * np.log10(np.mean(frames**2, axis=1) + 1e-12) > dbfs)
    return loud[0] / 100, (loud[-1] + 1) / 100


@pytest.fixture(scope="session")
def corpus(bank: Any) -> list[dict[str, Any]]:
    """The fixed technical answers, each with the vocabulary the interview would prime with."""
    from mockinterviewer.interview.orchestrator import question_vocabulary

    data = json.loads((AUDIO_DATA / "answers.json").read_text())
    answers = data["answers"]
    for answer in answers:
        if "question" in answer:
            answer["vocabulary"] = question_vocabulary(bank.question(answer["question"]))
        answer["espeak"] = data["espeak"]
    return answers


@pytest.fixture(scope="session")
def corpus_audio(corpus: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    out = {}
    for answer in corpus:
        e = answer["espeak"]
        out[answer["id"]] = speak(answer["text"], rate=e["rate"], gap=e["word_gap"], voice=e["voice"])
    return out


@pytest.fixture(scope="session")
def transcriber() -> Any:
    from mockinterviewer.errors import SpeechError
    from mockinterviewer.speech.stt import Transcriber

    t = Transcriber()
    try:
        t.load()
    except SpeechError as exc:
        missing(f"speech model unavailable: {exc}")
    return t


@pytest.fixture(scope="session")
def base_transcriber() -> Any:
    """Whisper base (the voice-base extra, which `scripts/install.sh --test` installs)."""
    from mockinterviewer.errors import SpeechError
    from mockinterviewer.speech.settings import VoiceSettings
    from mockinterviewer.speech.stt import Transcriber

    t = Transcriber(VoiceSettings(stt_model="base"))
    try:
        t.load()
    except SpeechError as exc:
        missing(f"Whisper base unavailable: {exc.message} {exc.hint or ''}")
    return t


def _reinitialize_portaudio() -> None:
    """PortAudio reads the ALSA configuration when it initialises; make it read it again."""
    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


@dataclass
class FileDevices:
    """A file-backed microphone and speaker: write what the mic hears, read what was played."""

    root: Path

    @property
    def mic_path(self) -> Path:
        return self.root / "mic.raw"

    @property
    def speaker_path(self) -> Path:
        return self.root / "speaker.raw"

    def set_mic(self, samples: np.ndarray, *, lead: float = 0.5, tail: float = 8.0) -> None:
        """What the microphone will hear from the next stream open: silence, `samples`, silence.

        The tail must outlast the thinking time: after the file ends the device repeats stale data.
        """
        audio = np.concatenate([silence(lead), samples.astype(np.int16), silence(tail)])
        self.mic_path.write_bytes(audio.astype("<i2").tobytes())

    def spoken(self) -> np.ndarray:
        if not self.speaker_path.exists():
            return np.zeros(0, np.int16)
        return np.frombuffer(self.speaker_path.read_bytes(), dtype="<i2").astype(np.int16)


@pytest.fixture(scope="session")
def alsa_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FileDevices]:
    """Makes the default sound devices file-backed for the session (never sets ALSA_CONFIG_PATH)."""
    from mockinterviewer.errors import SpeechError
    from mockinterviewer.speech.devices import load_sounddevice

    root = tmp_path_factory.mktemp("alsa")
    devices = FileDevices(root)
    devices.set_mic(np.zeros(0, np.int16), lead=1.0, tail=0.0)
    (root / "alsa").mkdir()
    (root / "alsa" / "asoundrc").write_text(
        f'pcm.filemic {{ type file  slave.pcm "null"  file "/dev/null"  infile "{devices.mic_path}"  format "raw" }}\n'
        f'pcm.filespk {{ type file  slave.pcm "null"  file "{devices.speaker_path}"  format "raw" }}\n'
        'pcm.!default { type asym  playback.pcm "filespk"  capture.pcm "filemic" }\n'
    )
    previous = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(root)
    try:
        load_sounddevice()
    except SpeechError as exc:
        missing(f"PortAudio unavailable: {exc.message} (apt-get install libportaudio2)")
    _reinitialize_portaudio()
    try:
        yield devices
    finally:
        if previous is None:
            os.environ.pop("XDG_CONFIG_HOME", None)
        else:
            os.environ["XDG_CONFIG_HOME"] = previous
        _reinitialize_portaudio()


@pytest.fixture
def no_sound_devices(tmp_path: Path) -> Iterator[None]:
    """No sound card at all: an ALSA configuration without any device of ours."""
    from mockinterviewer.errors import SpeechError
    from mockinterviewer.speech.devices import load_sounddevice

    try:
        load_sounddevice()
    except SpeechError as exc:
        missing(f"PortAudio unavailable: {exc.message}")
    previous = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path / "empty-config")
    _reinitialize_portaudio()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("XDG_CONFIG_HOME", None)
        else:
            os.environ["XDG_CONFIG_HOME"] = previous
        _reinitialize_portaudio()


@pytest.fixture(scope="session")
def espeak_path() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        missing("espeak-ng is not installed (apt-get install espeak-ng)")
    return str(path)
