"""The one path every spoken answer takes, from a microphone take or a file: VAD, STT, delivery.

samples (16 kHz mono int16) -> speech regions -> faster-whisper primed with the question's
vocabulary -> transcript with timed words -> delivery metrics. `transcribe_file` adds decoding.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mockinterviewer.speech import delivery
from mockinterviewer.speech.audio import load_audio
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.stt import Transcriber, Transcript

__all__ = ["EarlyTranscription", "Heard", "measured", "transcribe_file", "transcribe_samples"]


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
    return measured(transcriber.transcribe(samples, vocabulary), settings)


def measured(transcript: Transcript, settings: VoiceSettings) -> Heard:
    """A transcript of a whole answer (however it was made) with its delivery figures."""
    return Heard(transcript, delivery.analyze(transcript.words, long_pause=settings.long_pause_seconds))


def transcribe_file(
    path: str | Path, vocabulary: str = "", *, transcriber: Transcriber | None = None,
    settings: VoiceSettings | None = None,
) -> Heard:
    """Decode any audio file and transcribe it; `SpeechError` if it cannot be read."""
    return transcribe_samples(load_audio(path), vocabulary, transcriber=transcriber, settings=settings)


class EarlyTranscription:
    """Starts transcribing at the candidate's pauses, while the thinking time runs out.

    `on_pause(samples)` (from `mic.record_answer`) starts a background transcription of the answer
    as it would be if it ended there; a pause that comes while one is running waits for it (only
    the latest such pause is kept), so the pause that turns out to be the end of the answer is
    transcribed as soon as the model is free, even with a slow model. `result(samples)` returns that
    transcription when the answer did end there, and otherwise transcribes the final take. One
    background job at a time.
    """

    def __init__(self, vocabulary: str, *, transcriber: Transcriber, settings: VoiceSettings) -> None:
        self.vocabulary = vocabulary
        self.transcriber = transcriber
        self.settings = settings
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._samples: np.ndarray | None = None  # the take being (or last) transcribed
        self._heard: Heard | None = None
        self._waiting: np.ndarray | None = None  # the latest pause that came while a job was running
        self.used = False

    def on_pause(self, samples: np.ndarray) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._waiting = samples
                return
            self._samples, self._heard, self._waiting = samples, None, None
            # Not a daemon: exiting while CTranslate2 is running would abort the process.
            self._thread = threading.Thread(target=self._run, args=(samples,), name="early-stt", daemon=False)
            self._thread.start()

    def _run(self, samples: np.ndarray) -> None:
        while True:
            try:
                heard: Heard | None = transcribe_samples(samples, self.vocabulary, transcriber=self.transcriber,
                                                         settings=self.settings)
            except Exception:  # the final transcription reports the error properly
                heard = None
            with self._lock:
                self._heard = heard
                if self._waiting is None:
                    return
                samples, self._waiting = self._waiting, None
                self._samples, self._heard = samples, None

    def result(self, samples: np.ndarray) -> Heard:
        if self._thread is not None:
            self._thread.join()
        early, heard = self._samples, self._heard
        if heard is not None and early is not None and early.size == samples.size and np.array_equal(early, samples):
            self.used = True
            return heard
        return transcribe_samples(samples, self.vocabulary, transcriber=self.transcriber, settings=self.settings)
