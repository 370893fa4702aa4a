"""Where a hands-free answer in the browser ends: the recording so far, checked by the terminal's own rule.

While the candidate answers hands-free, the page posts each new piece of its recording (MediaRecorder
chunks of WebM/Opus, every half second) with the recording's random id and the byte offset the piece
starts at. Each recording is decoded as it grows (`speech.stream_decoder`) and its new frames are fed to
the same end-of-answer rule as the terminal (`speech.vad.endpointer_for`: Silero VAD by default, the
answer over after the thinking time, 3 s, of silence following speech), so a pause to think does not end
it. The verdict goes back to the page, which stops recording when the answer is over and uploads it as a
push-to-talk recording. Listening state lives in memory: one recording per candidate and session (a new
one replaces it), at most `limit` in all (the least recently fed goes first; each holds at most the upload
limit of bytes), each dropped once over, on a bad piece, or after `idle_seconds` without a piece.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mockinterviewer.errors import InputError
from mockinterviewer.speech.audio import SAMPLE_RATE
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.stream_decoder import StreamDecoder
from mockinterviewer.speech.vad import FRAME, Endpointer, endpointer_for

__all__ = ["HandsFreeAnswer", "HandsFreeAnswers", "Verdict"]

Key = tuple[str, str]  # (candidate, session id)
LOST = "The page and the server lost track of this recording."


@dataclass(frozen=True)
class Verdict:
    """What the recording so far says: is the answer over, and where speech starts and ends (seconds)."""

    over: bool
    heard_seconds: float  # audio decoded and checked so far
    speech_start: float | None  # None until the candidate has started speaking
    speech_end: float | None  # the end of the last speech heard, with a short tail
    no_speech: bool  # over because no one spoke within the wait for speech

    def as_json(self) -> dict[str, Any]:
        def seconds(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {"over": self.over, "heard": round(self.heard_seconds, 2), "speech_start": seconds(self.speech_start),
                "speech_end": seconds(self.speech_end), "no_speech": self.no_speech}


class HandsFreeAnswer:
    """One recording as it arrives: its decoder, the end-of-answer rule fed frame by frame, and a lock."""

    def __init__(self, recording: str, endpointer: Endpointer, max_bytes: int) -> None:
        self.recording = recording
        self.decoder = StreamDecoder(max_bytes)
        self.endpointer = endpointer
        self.lock = threading.Lock()
        self.touched = time.monotonic()
        self._unfed = np.zeros(0, np.int16)

    def feed(self, offset: int, chunk: bytes) -> Verdict:
        """The piece of the recording that starts at byte `offset`; InputError when one went missing."""
        if offset != self.decoder.size:
            raise InputError(f"{LOST} (a piece starting at byte {offset} came where {self.decoder.size} was due)")
        self.touched = time.monotonic()
        samples = np.concatenate([self._unfed, self.decoder.append(chunk)])
        whole = samples.size // FRAME
        for i in range(whole):
            if self.endpointer.feed(samples[i * FRAME : (i + 1) * FRAME]):
                break
        self._unfed = samples[whole * FRAME :]
        return self.verdict()

    def verdict(self) -> Verdict:
        rule = self.endpointer
        start = None if rule.start is None else rule.start * FRAME / SAMPLE_RATE
        if rule.start is None:
            end = None
        elif rule.end is not None:
            end = rule.end * FRAME / SAMPLE_RATE
        else:
            end = min(rule.fed, rule.last_speech + 1 + rule.tail) * FRAME / SAMPLE_RATE
        return Verdict(over=rule.done, heard_seconds=rule.fed * FRAME / SAMPLE_RATE, speech_start=start,
                       speech_end=end, no_speech=rule.timed_out)


class HandsFreeAnswers:
    """The recordings being listened to in this process (see the module docstring)."""

    def __init__(self, voice: VoiceSettings, max_bytes: int, *, limit: int = 16, idle_seconds: float = 120.0,
                 rule: Callable[[VoiceSettings], Endpointer] = endpointer_for) -> None:
        self.voice = voice
        self.max_bytes = max_bytes
        self.limit = limit
        self.idle_seconds = idle_seconds
        self._rule = rule
        self._answers: dict[Key, HandsFreeAnswer] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def feed(self, key: Key, recording: str, offset: int, chunk: bytes) -> Verdict:
        """Add a piece of `recording` (a new one when `offset` is 0) and say whether the answer is over.

        InputError when the recording is not listened to (any more) or a piece is missing; SpeechError
        when the bytes are not audio (the recording is then forgotten)."""
        answer = self._answer(key, recording, offset)
        try:
            with answer.lock:
                verdict = answer.feed(offset, chunk)
        except Exception:
            self.forget(key, recording)
            raise
        if verdict.over:
            self.forget(key, recording)
        return verdict

    def forget(self, key: Key, recording: str) -> None:
        with self._lock:
            if key in self._answers and self._answers[key].recording == recording:
                del self._answers[key]

    def _answer(self, key: Key, recording: str, offset: int) -> HandsFreeAnswer:
        with self._lock:
            now = time.monotonic()
            for stale in [k for k, a in self._answers.items() if now - a.touched > self.idle_seconds]:
                del self._answers[stale]
            if offset == 0:
                self._answers.pop(key, None)  # a new recording in this session replaces the one before
                while len(self._answers) >= self.limit:
                    del self._answers[min(self._answers, key=lambda k: self._answers[k].touched)]
                self._answers[key] = HandsFreeAnswer(recording, self._rule(self.voice), self.max_bytes)
            answer = self._answers.get(key)
            if answer is None or answer.recording != recording:
                raise InputError(f"{LOST} (it was replaced, finished or idle too long)")
            return answer
