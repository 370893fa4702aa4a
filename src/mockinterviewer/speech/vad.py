"""Voice-activity detection: which 30 ms frames are speech, where an answer ends, and speech regions of a file.

Two detectors behind one interface (`SpeechDetector.is_speech(frame)`): Silero VAD (the default,
see `silero`), and a hand-written energy detector with an adaptive noise floor plus a zero-crossing
check that keeps steady hiss from counting as a voice. evals/bench_vad.py measures both on noisy
answers with thinking pauses; Silero cut none short where the energy detector, fooled by a hum
or keyboard, never let answers end. Everything counts frames, never wall-clock time: a file-backed
device delivers a minute of audio in milliseconds, a real microphone in a minute, and both must end
at the same sample. `find_answer_end` applies the terminal's rule to samples recorded elsewhere
(the browser).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from mockinterviewer.speech.audio import SAMPLE_RATE, to_int16
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.silero import SileroClassifier

FRAME = 480  # samples per frame: 30 ms at 16 kHz
FRAME_SECONDS = FRAME / SAMPLE_RATE

DetectorKind = Literal["silero", "energy"]

__all__ = [
    "FRAME",
    "FRAME_SECONDS",
    "AnswerEnd",
    "DetectorKind",
    "Endpointer",
    "FrameClassifier",
    "SpeechDetector",
    "describe_detector",
    "endpointer_for",
    "find_answer_end",
    "frames_for",
    "make_detector",
    "speech_regions",
]


class SpeechDetector(Protocol):
    """Says, frame after frame of one recording, whether the candidate is speaking (it keeps state)."""

    def is_speech(self, frame: np.ndarray) -> bool: ...


def frames_for(seconds: float) -> int:
    """The number of whole frames covering `seconds`."""
    return max(1, round(seconds / FRAME_SECONDS))


def frame_power(frame: np.ndarray) -> float:
    x = frame.astype(np.float64) / 32768.0
    return float(np.mean(x * x)) if x.size else 0.0


def zero_crossing_rate(frame: np.ndarray) -> float:
    if frame.size < 2:
        return 0.0
    signs = np.signbit(frame)
    return float(np.count_nonzero(signs[1:] != signs[:-1])) / (frame.size - 1)


@dataclass
class FrameClassifier:
    """Says whether each successive frame is speech, tracking the noise floor as it goes.

    A frame is speech when its power is `ratio` times the noise floor, above `min_dbfs`, and its
    zero-crossing rate is below `max_zcr` (white noise crosses zero on about half its samples).
    """

    ratio: float = 4.0
    min_dbfs: float = -50.0
    max_zcr: float = 0.35
    floor: float | None = None

    def __post_init__(self) -> None:
        self._min_power = 10 ** (self.min_dbfs / 10)

    def is_speech(self, frame: np.ndarray) -> bool:
        power = frame_power(frame)
        floor = max(self.floor if self.floor is not None else power, 1e-10)
        loud = power > max(floor * self.ratio, self._min_power)
        speech = loud and zero_crossing_rate(frame) < self.max_zcr
        # Fall fast towards quieter frames, rise slowly (and barely while someone is speaking).
        if power < floor:
            floor = 0.5 * floor + 0.5 * power
        else:
            floor += (0.002 if loud else 0.05) * (power - floor)
        self.floor = max(floor, 1e-10)
        return speech


@dataclass
class Endpointer:
    """Decides, frame by frame, when an answer starts and when it has ended.

    The answer starts at `onset_frames` speech frames out of the last `onset_window`; it ends after
    `thinking` frames without speech (so a pause to think does not end it), after `max_frames`, or,
    if no one spoke, after `wait_frames`. `start` and `end` are frame indices into what was fed.
    """

    thinking: int = frames_for(3.0)
    wait_frames: int = frames_for(30.0)
    max_frames: int = frames_for(600.0)
    onset_frames: int = 4
    onset_window: int = 8
    preroll: int = frames_for(0.3)
    tail: int = frames_for(0.3)
    classifier: SpeechDetector = field(default_factory=SileroClassifier)
    fed: int = 0
    start: int | None = None
    end: int | None = None
    last_speech: int = -1
    timed_out: bool = False
    truncated: bool = False
    _recent: list[bool] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.start is not None

    @property
    def done(self) -> bool:
        return self.end is not None or self.timed_out

    def feed(self, frame: np.ndarray) -> bool:
        """Classify one frame; True once the answer is over (or no one spoke in time)."""
        if self.done:
            return True
        index = self.fed
        self.fed += 1
        speech = self.classifier.is_speech(frame)
        if speech:
            self.last_speech = index
        if self.start is None:
            self._recent.append(speech)
            del self._recent[: -self.onset_window]
            if sum(self._recent) >= self.onset_frames:
                first = index - len(self._recent) + 1 + self._recent.index(True)
                self.start = max(0, first - self.preroll)
            elif self.fed >= self.wait_frames:
                self.timed_out = True
            return self.done
        if index - self.last_speech >= self.thinking:
            self.end = min(self.fed, self.last_speech + 1 + self.tail)
        elif index + 1 - self.start >= self.max_frames:
            self.end = self.fed
            self.truncated = True
        return self.done


def make_detector(kind: DetectorKind = "silero", *, ratio: float = 4.0, min_dbfs: float = -50.0) -> SpeechDetector:
    """A fresh detector for one recording: Silero VAD, or the energy detector with its two settings."""
    if kind == "energy":
        return FrameClassifier(ratio=ratio, min_dbfs=min_dbfs)
    return SileroClassifier()


def endpointer_for(settings: VoiceSettings) -> Endpointer:
    """A fresh end-of-answer rule as `settings` set it (thinking time, wait for speech, longest answer,
    detector): the one the terminal and the browser's hands-free answers share."""
    return Endpointer(
        thinking=frames_for(settings.thinking_seconds),
        wait_frames=frames_for(settings.wait_for_speech_seconds),
        max_frames=frames_for(settings.max_answer_seconds),
        classifier=make_detector(settings.vad, ratio=settings.vad_ratio, min_dbfs=settings.vad_min_dbfs),
    )


def describe_detector(kind: DetectorKind) -> str:
    """What ends an answer, in words, once the detector has run on a frame (`SpeechError` if it cannot)."""
    make_detector(kind).is_speech(np.zeros(FRAME, np.int16))
    if kind == "energy":
        return "energy detector (MOCKINTERVIEWER_VOICE_VAD=energy)"
    return "Silero VAD (faster-whisper's model)"


@dataclass(frozen=True)
class AnswerEnd:
    """Where speech starts and ends in a recording (sample indices), and whether the answer is over."""

    start: int | None  # where the answer starts (with a little lead-in); None when no one spoke
    speech_end: int | None  # just after the last speech, plus a short tail; None when no one spoke
    ended: bool  # `thinking` seconds of silence followed the speech: the answer is over

    @property
    def spoke(self) -> bool:
        return self.start is not None


def find_answer_end(
    samples: np.ndarray, *, thinking_seconds: float = 3.0, detector: SpeechDetector | None = None
) -> AnswerEnd:
    """The terminal's end-of-answer rule applied to 16 kHz mono `samples` recorded so far (int16, or
    floats in [-1, 1]).

    An answer ends after `thinking_seconds` of silence following speech, so a pause to think does
    not end it. Call it again with the longer recording as more arrives (it reads from the start).
    """
    samples = to_int16(np.asarray(samples).reshape(-1))
    total = samples.size // FRAME  # neither a wait for speech nor a maximum length applies here
    endpointer = Endpointer(thinking=frames_for(thinking_seconds), wait_frames=total + 1, max_frames=total + 1,
                            classifier=detector if detector is not None else make_detector())
    for i in range(total):
        if endpointer.feed(samples[i * FRAME : (i + 1) * FRAME]):
            break
    if endpointer.start is None:
        return AnswerEnd(None, None, False)
    if endpointer.end is not None:
        return AnswerEnd(endpointer.start * FRAME, endpointer.end * FRAME, True)
    heard_until = min(endpointer.fed, endpointer.last_speech + 1 + endpointer.tail)
    return AnswerEnd(endpointer.start * FRAME, heard_until * FRAME, False)


def speech_regions(
    samples: np.ndarray,
    *,
    ratio: float = 4.0,
    min_dbfs: float = -50.0,
    merge_gap: float = 1.0,
    min_speech: float = 0.12,
    pad: float = 0.25,
) -> list[tuple[int, int]]:
    """Sample ranges [start, end) of speech in a whole recording (a file, or a push-to-talk take).

    Regions closer than `merge_gap` seconds are joined, ones shorter than `min_speech` dropped, and
    each is padded by `pad` seconds. The noise floor starts at the quiet end of the recording.
    """
    n = samples.size // FRAME
    if n == 0:
        return []
    frames = samples[: n * FRAME].reshape(n, FRAME)
    powers = np.mean((frames.astype(np.float64) / 32768.0) ** 2, axis=1)
    classifier = FrameClassifier(ratio=ratio, min_dbfs=min_dbfs, floor=float(np.percentile(powers, 10)))
    flags = [classifier.is_speech(frame) for frame in frames]
    regions: list[list[int]] = []
    gap = frames_for(merge_gap)
    for i, speech in enumerate(flags):
        if not speech:
            continue
        if regions and i - regions[-1][1] <= gap:
            regions[-1][1] = i + 1
        else:
            regions.append([i, i + 1])
    keep = frames_for(min_speech)
    padding = frames_for(pad)
    out: list[tuple[int, int]] = []
    for start, end in regions:
        if end - start < keep:
            continue
        s = max(0, start - padding) * FRAME
        e = min(samples.size, (end + padding) * FRAME)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
