"""Where a hands-free answer in the browser ends: the recording so far, checked by the terminal's own rule,
and transcribed part by part while it is made.

While the candidate answers hands-free, the page posts each new piece of its recording (MediaRecorder
chunks of WebM/Opus, every half second) with the recording's random id and the byte offset the piece
starts at. Each recording is decoded as it grows (`speech.stream_decoder`, each byte once) and its new
frames are fed to the same end-of-answer rule as the terminal (`speech.vad.endpointer_for`: Silero VAD by
default, the answer over after the thinking time, 3 s, of silence following speech), so a pause to think
does not end it. The same frames cut the answer into parts at the candidate's pauses, each transcribed
once as soon as it is cut (`speech.piecewise`, on the transcription thread given as `transcribe_later`).
The verdict goes back to the page, which stops recording when the answer is over and posts its last piece
to `finish`: what is left to transcribe then is the audio after the last pause, however long the answer.

Listening state lives in memory: one recording per candidate and session (a new one replaces it), at
most `limit` in all (the least recently fed goes first; each holds at most the upload limit of bytes, and
the samples since its last cut), dropped when finished, when its turn is committed (`forget_session`),
on a bad piece, when nobody spoke, or after `idle_seconds` without a piece.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np

from mockinterviewer.errors import InputError
from mockinterviewer.speech.audio import SAMPLE_RATE
from mockinterviewer.speech.piecewise import PiecewiseTranscription
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.stream_decoder import StreamDecoder
from mockinterviewer.speech.stt import Transcript
from mockinterviewer.speech.vad import FRAME, Endpointer, endpointer_for

__all__ = ["HandsFreeAnswer", "HandsFreeAnswers", "Verdict"]

Key = tuple[str, str]  # (candidate, session id)
# (samples, the question's vocabulary, the transcript of the part before them, to come)
TranscribeLater = Callable[[np.ndarray, str, "Future[Transcript] | None"], "Future[Transcript]"]
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
    """One recording as it arrives: its decoder, the end-of-answer rule fed frame by frame, its parts being
    transcribed (None: the end is only listened for), the question's vocabulary, and a lock."""

    def __init__(self, recording: str, endpointer: Endpointer, max_bytes: int,
                 parts: PiecewiseTranscription | None = None, vocabulary: str = "") -> None:
        self.recording = recording
        self.decoder = StreamDecoder(max_bytes)
        self.endpointer = endpointer
        self.parts = parts
        self.vocabulary = vocabulary
        self.lock = threading.Lock()
        self.touched = time.monotonic()
        self._unfed = np.zeros(0, np.int16)

    def feed(self, offset: int, chunk: bytes) -> Verdict:
        """The piece of the recording that starts at byte `offset`; InputError when one went missing."""
        if offset != self.decoder.size:
            raise InputError(f"{LOST} (a piece starting at byte {offset} came where {self.decoder.size} was due)")
        self.touched = time.monotonic()
        fresh = self.decoder.append(chunk)
        if self.parts is not None:
            self.parts.add(fresh)
        samples = np.concatenate([self._unfed, fresh])
        whole = samples.size // FRAME
        rule = self.endpointer
        for i in range(whole):
            if rule.done:
                break
            over = rule.feed(samples[i * FRAME : (i + 1) * FRAME])
            if self.parts is not None:
                self.parts.classified(rule.last_speech == rule.fed - 1)
            if over:
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
                 rule: Callable[[VoiceSettings], Endpointer] = endpointer_for,
                 transcribe_later: TranscribeLater | None = None) -> None:
        self.voice = voice
        self.max_bytes = max_bytes
        self.limit = limit
        self.idle_seconds = idle_seconds
        self._rule = rule
        self._transcribe_later = transcribe_later
        self._answers: dict[Key, HandsFreeAnswer] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def feed(self, key: Key, recording: str, offset: int, chunk: bytes, vocabulary: str = "") -> Verdict:
        """Add a piece of `recording` (a new one, primed with `vocabulary`, when `offset` is 0) and say whether
        the answer is over. An answer over stays for `finish` when its parts are transcribed.

        InputError when the recording is not listened to (any more) or a piece is missing; SpeechError
        when the bytes are not audio (the recording is then forgotten)."""
        answer = self._answer(key, recording, offset, vocabulary)
        verdict = self._fed(key, answer, offset, chunk)
        if verdict.over and (answer.parts is None or verdict.no_speech):
            self.forget(key, recording)
        return verdict

    def finish(self, key: Key, recording: str, offset: int, chunk: bytes, vocabulary: str = "") -> HandsFreeAnswer:
        """The recording with its last piece (`chunk` may be empty), no longer listened to: its parts are
        transcribed or on their way. InputError as for `feed`, and when its parts are not transcribed."""
        answer = self._answer(key, recording, offset, vocabulary)
        if chunk:
            self._fed(key, answer, offset, chunk)
        elif offset != answer.decoder.size:
            raise InputError(f"{LOST} (it ends at byte {offset}, where {answer.decoder.size} came)")
        self.forget(key, recording)
        if answer.parts is None:
            raise InputError(f"{LOST} (it was not transcribed while it was recorded)")
        return answer

    def _fed(self, key: Key, answer: HandsFreeAnswer, offset: int, chunk: bytes) -> Verdict:
        try:
            with answer.lock:
                return answer.feed(offset, chunk)
        except Exception:
            self.forget(key, answer.recording)
            raise

    def forget_session(self, key: Key) -> None:
        """Drop the recording of this candidate and session, if any (its turn is committed)."""
        with self._lock:
            self._answers.pop(key, None)

    def forget(self, key: Key, recording: str) -> None:
        with self._lock:
            if key in self._answers and self._answers[key].recording == recording:
                del self._answers[key]

    def _answer(self, key: Key, recording: str, offset: int, vocabulary: str = "") -> HandsFreeAnswer:
        with self._lock:
            now = time.monotonic()
            for stale in [k for k, a in self._answers.items() if now - a.touched > self.idle_seconds]:
                del self._answers[stale]
            if offset == 0:
                self._answers.pop(key, None)  # a new recording in this session replaces the one before
                while len(self._answers) >= self.limit:
                    del self._answers[min(self._answers, key=lambda k: self._answers[k].touched)]
                later = self._transcribe_later
                parts = None if later is None else PiecewiseTranscription(
                    lambda part, before: later(part, vocabulary, before)
                )
                self._answers[key] = HandsFreeAnswer(recording, self._rule(self.voice), self.max_bytes, parts,
                                                     vocabulary)
            answer = self._answers.get(key)
            if answer is None or answer.recording != recording:
                raise InputError(f"{LOST} (it was replaced, finished or idle too long)")
            return answer
