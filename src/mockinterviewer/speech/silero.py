"""Silero VAD (the ONNX model faster-whisper ships in `faster_whisper/assets`), run window by window.

`SileroClassifier.is_speech(frame)` takes frames of any size (the microphone's 30 ms frames),
runs the model on each whole 32 ms window (512 samples at 16 kHz) with its recurrent state and
the 64 samples of context it expects, and says whether the candidate is speaking now, with the
same hysteresis as `faster_whisper.vad`: speech from `threshold` up, silence below `neg_threshold`.
Fed a recording frame by frame, it gives exactly the probabilities the batch model gives.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mockinterviewer.errors import SpeechError

__all__ = ["WINDOW", "SileroClassifier", "speech_probabilities"]

WINDOW = 512  # samples per model step at 16 kHz
CONTEXT = 64  # samples of the previous window the model sees before each window
_SESSION: Any = None
_SESSION_LOCK = threading.Lock()


def _session() -> Any:
    """The shared ONNX session (one per process; a run is independent given its state)."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None:
            try:
                from faster_whisper.vad import get_vad_model
            except ImportError:
                raise SpeechError(
                    "faster-whisper (which ships the Silero voice activity model) is not installed.",
                    hint="Run: .venv/bin/pip install -e '.[voice]', or set MOCKINTERVIEWER_VOICE_VAD=energy.",
                ) from None
            _SESSION = get_vad_model().session
        return _SESSION


@dataclass
class SileroClassifier:
    """Says whether each successive frame is speech, from Silero VAD's probability of its last window."""

    threshold: float = 0.5
    neg_threshold: float = 0.35
    speaking: bool = False
    probability: float = 0.0
    _pending: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    _context: np.ndarray = field(default_factory=lambda: np.zeros(CONTEXT, np.float32))
    _h: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 128), np.float32))
    _c: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 128), np.float32))

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        """Feed 16 kHz int16 samples; the speech probability of every window they complete."""
        x = samples.astype(np.float32) / 32768.0 if samples.dtype != np.float32 else samples
        pending = np.concatenate([self._pending, x])
        count = pending.size // WINDOW
        self._pending = pending[count * WINDOW :]
        if count == 0:
            return np.zeros(0, np.float32)
        windows = pending[: count * WINDOW].reshape(count, WINDOW)
        contexts = np.concatenate([self._context[None, :], windows[:-1, -CONTEXT:]])
        self._context = windows[-1, -CONTEXT:].copy()
        probs, self._h, self._c = _session().run(
            None, {"input": np.concatenate([contexts, windows], axis=1), "h": self._h, "c": self._c}
        )
        return np.asarray(probs, np.float32).reshape(-1)

    def is_speech(self, frame: np.ndarray) -> bool:
        for probability in self.probabilities(frame):
            self.probability = float(probability)
            if probability >= self.threshold:
                self.speaking = True
            elif probability < self.neg_threshold:
                self.speaking = False
        return self.speaking


def speech_probabilities(samples: np.ndarray) -> np.ndarray:
    """Silero's speech probability for each 32 ms window of a whole recording (16 kHz int16)."""
    return SileroClassifier().probabilities(samples)
