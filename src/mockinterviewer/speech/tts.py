"""Text to speech behind one small interface: espeak-ng offline (default) or OpenAI's speech endpoint.

`TTS.synthesize(text) -> Speech` returns samples; playing them is `speaker.play`'s job. `openai`
is imported only when OpenAI speech is chosen.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from mockinterviewer.errors import SpeechError
from mockinterviewer.speech.settings import VoiceSettings

__all__ = ["TTS", "EspeakTTS", "OpenAITTS", "Speech", "build_tts"]


@dataclass
class Speech:
    """Mono int16 samples at `rate` Hz."""

    samples: np.ndarray
    rate: int

    @property
    def seconds(self) -> float:
        return self.samples.size / self.rate if self.rate else 0.0


class TTS(Protocol):
    name: str

    def synthesize(self, text: str) -> Speech:
        """Speak `text` into samples; `SpeechError` when the engine is missing or fails."""
        ...


class EspeakTTS:
    """espeak-ng, run as a program writing a WAV file: offline, fast, robotic."""

    name = "espeak-ng"

    def __init__(self, voice: str = "en-us", rate: int = 165, word_gap: int = 0, program: str | None = None):
        self.voice = voice
        self.rate = rate
        self.word_gap = word_gap
        self.program = program or shutil.which("espeak-ng") or shutil.which("espeak")

    def available(self) -> bool:
        return self.program is not None

    def synthesize(self, text: str) -> Speech:
        if self.program is None:
            raise SpeechError(
                "espeak-ng is not installed, so questions cannot be spoken.",
                hint="Install it (Debian/Ubuntu: sudo apt-get install espeak-ng; macOS: brew install espeak-ng), "
                "or set MOCKINTERVIEWER_VOICE_TTS=off to read the questions instead.",
            )
        with tempfile.TemporaryDirectory(prefix="mi-tts-") as tmp:
            out = Path(tmp) / "speech.wav"
            command = [self.program, "-v", self.voice, "-s", str(self.rate), "-g", str(self.word_gap),
                       "-w", str(out), "--stdin"]
            try:
                subprocess.run(command, input=text.encode("utf-8"), check=True, capture_output=True, timeout=60)
            except (OSError, subprocess.SubprocessError) as exc:
                detail = getattr(exc, "stderr", b"") or b""
                raise SpeechError(
                    f"espeak-ng failed ({exc}; {detail.decode('utf-8', 'replace').strip()}).",
                    hint="Check MOCKINTERVIEWER_VOICE_ESPEAK_VOICE (list voices with 'espeak-ng --voices'), "
                    "or set MOCKINTERVIEWER_VOICE_TTS=off.",
                ) from None
            return _read_wav_native(out)


def _read_wav_native(path: Path) -> Speech:
    import wave

    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        channels = wav.getnchannels()
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return Speech(data.copy(), rate)


class OpenAITTS:
    """OpenAI's `audio.speech` endpoint (or any compatible server), asking for raw 24 kHz PCM."""

    name = "openai"
    RATE = 24_000

    def __init__(self, api_key: str, *, model: str = "gpt-4o-mini-tts", voice: str = "alloy",
                 base_url: str | None = None, timeout: float = 30.0) -> None:
        self.api_key = api_key
        self.model = model
        self.voice = voice
        self.base_url = base_url
        self.timeout = timeout
        self._client: object | None = None

    def _get_client(self) -> object:
        if self._client is None:
            try:
                import openai
            except ImportError:
                raise SpeechError("The openai package is not installed.", hint="pip install openai") from None
            self._client = openai.OpenAI(api_key=self.api_key, base_url=self.base_url, timeout=self.timeout,
                                         max_retries=1)
        return self._client

    def synthesize(self, text: str) -> Speech:
        client = self._get_client()
        try:
            response = client.audio.speech.create(  # type: ignore[attr-defined]
                model=self.model, voice=self.voice, input=text, response_format="pcm"
            )
            data = response.read() if hasattr(response, "read") else bytes(response.content)
        except Exception as exc:  # openai.APIError and transport errors
            raise SpeechError(
                f"OpenAI speech failed ({type(exc).__name__}: {exc}).",
                hint="Check OPENAI_API_KEY and OPENAI_BASE_URL, or set MOCKINTERVIEWER_VOICE_TTS=espeak.",
            ) from None
        samples = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.int16)
        return Speech(samples, self.RATE)


def build_tts(settings: VoiceSettings) -> TTS | None:
    """The engine the settings choose; None when speech output is off. Does not check it works."""
    if settings.tts == "off":
        return None
    if settings.tts == "openai":
        if settings.openai_api_key is None:
            raise SpeechError(
                "OpenAI speech was chosen but no API key is set.",
                hint="Set OPENAI_API_KEY, or MOCKINTERVIEWER_VOICE_TTS=espeak for offline speech.",
            )
        return OpenAITTS(
            settings.openai_api_key.get_secret_value(),
            model=settings.openai_tts_model,
            voice=settings.openai_tts_voice,
            base_url=settings.openai_base_url,
        )
    return EspeakTTS(settings.espeak_voice, settings.espeak_rate)
