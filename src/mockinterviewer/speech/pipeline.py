"""The one path every spoken answer takes, from a microphone take or a file: VAD, STT, delivery.

samples (16 kHz mono int16) -> speech regions -> faster-whisper primed with the question's
vocabulary -> transcript with timed words -> delivery metrics. `transcribe_file` adds decoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mockinterviewer.speech import delivery
from mockinterviewer.speech.audio import load_audio
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.stt import Transcriber, Transcript

__all__ = ["Heard", "transcribe_file", "transcribe_samples"]


@dataclass
class Heard:
    """A transcribed answer and how it was delivered."""

    transcript: Transcript
    delivery: dict[str, Any]

    @property
    def text(self) -> str:
        return self.transcript.text

    def to_dict(self) -> dict[str, Any]:
        t = self.transcript
        return {
            "text": t.text,
            "segments": [{"start": s.start, "end": s.end, "text": s.text} for s in t.segments],
            "words": [{"start": w.start, "end": w.end, "text": w.text} for w in t.words],
            "duration": t.duration,
            "speech_seconds": t.speech_seconds,
            "stt_ms": t.stt_ms,
            "delivery": self.delivery,
        }


def transcribe_samples(
    samples: np.ndarray, vocabulary: str = "", *, transcriber: Transcriber | None = None,
    settings: VoiceSettings | None = None,
) -> Heard:
    settings = settings or (transcriber.settings if transcriber else VoiceSettings())
    transcriber = transcriber or Transcriber(settings)
    transcript = transcriber.transcribe(samples, vocabulary)
    measured = delivery.analyze(transcript.words, long_pause=settings.long_pause_seconds)
    return Heard(transcript, measured)


def transcribe_file(
    path: str | Path, vocabulary: str = "", *, transcriber: Transcriber | None = None,
    settings: VoiceSettings | None = None,
) -> Heard:
    """Decode any audio file and transcribe it; `SpeechError` if it cannot be read."""
    return transcribe_samples(load_audio(path), vocabulary, transcriber=transcriber, settings=settings)
