"""A voice session for the web tests: a real WAV answer saved where the voice channel saves it, with the delivery
figures `speech.delivery.analyze` measures, as the orchestrator records a spoken answer."""

from __future__ import annotations

import io
import math
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

from mockinterviewer.speech.delivery import analyze
from mockinterviewer.store import Store
from mockinterviewer.transcript import QuestionGrade, Session, Speaker, Turn, TurnKind
from tests.web.conftest import PLAN

SPOKEN_ID = "5bee0003"  # ada's
ANSWER = "Um, I measured p99 latency first, like, before guessing."
RATE = 16_000


@dataclass(frozen=True)
class _Word:
    start: float
    end: float
    text: str


def wav_bytes(seconds: float = 1.0, hz: float = 220.0) -> bytes:
    """A mono 16 kHz, 16-bit WAV of a quiet tone."""
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * i / RATE)))
                      for i in range(int(seconds * RATE)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(frames)
    return out.getvalue()


def add_spoken_session(store: Store, session_id: str = SPOKEN_ID, candidate: str = "ada",
                       grades: list[QuestionGrade] | None = None) -> Path:
    """The session with a question and its spoken answer (turn 1) and `grades` if given; returns the answer's
    audio file."""
    store.create_session(Session(id=session_id, candidate=candidate, loop_id="netflix-senior-swe", plan=PLAN))
    store.save_turn(session_id, Turn(index=0, speaker=Speaker.INTERVIEWER, kind=TurnKind.QUESTION,
                                     text="How would you find a slow endpoint?", round_id="r1", question_id="q1"))
    words = [_Word(0.4 * i + (2.5 if i >= 6 else 0.0), 0.4 * i + 0.3 + (2.5 if i >= 6 else 0.0), w)
             for i, w in enumerate(ANSWER.split())]
    path = store.save_audio(session_id, 1, wav_bytes(), "wav")
    store.save_turn(session_id, Turn(index=1, speaker=Speaker.CANDIDATE, kind=TurnKind.ANSWER, text=ANSWER,
                                     round_id="r1", question_id="q1", seconds=6.0, source="voice",
                                     meta={"audio": str(path), "delivery": analyze(words)}))
    if grades:
        store.save_grades(session_id, grades)
    return path
