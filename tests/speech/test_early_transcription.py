"""Early transcription: pauses while the model is busy wait for it, so the end of the answer is
transcribed during the thinking time even with a slow model (a fake, slow model here)."""

from __future__ import annotations

import threading
import time

import numpy as np

from mockinterviewer.speech.pipeline import EarlyTranscription
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.stt import Transcript


class SlowModel:
    """Stands in for a Transcriber: takes `seconds` per call and says how many samples it heard."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.settings = VoiceSettings()
        self.calls: list[int] = []
        self.busy = threading.Event()

    def transcribe(self, samples: np.ndarray, vocabulary: str = "") -> Transcript:
        self.calls.append(samples.size)
        self.busy.set()
        time.sleep(self.seconds)
        return Transcript(text=f"{samples.size} samples")


def test_the_latest_pause_waits_for_the_running_job_and_is_then_used() -> None:
    model = SlowModel(0.3)
    early = EarlyTranscription("", transcriber=model, settings=model.settings)  # type: ignore[arg-type]
    first, second, last = (np.ones(n, np.int16) for n in (100, 200, 300))
    early.on_pause(first)
    assert model.busy.wait(5)
    early.on_pause(second)  # the candidate spoke on and paused again while the first job ran
    early.on_pause(last)  # ... and again: only this latest pause is kept
    heard = early.result(last)
    assert heard.text == "300 samples" and early.used
    assert model.calls == [100, 300]  # the middle pause was skipped, the last one not transcribed twice


def test_a_take_that_differs_from_every_pause_is_transcribed_afresh() -> None:
    model = SlowModel(0.05)
    early = EarlyTranscription("", transcriber=model, settings=model.settings)  # type: ignore[arg-type]
    early.on_pause(np.ones(100, np.int16))
    heard = early.result(np.ones(150, np.int16))
    assert heard.text == "150 samples" and not early.used
    assert model.calls == [100, 150]
