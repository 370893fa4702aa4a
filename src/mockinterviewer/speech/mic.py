"""The microphone: a 16 kHz mono int16 input stream read 30 ms frame by frame, and answer recording.

The stream is read in blocking mode and everything counts frames, so a file-backed test device
(which is not paced in real time) ends an answer at the same sample as a real microphone would.
`record_answer` ends at silence (VAD); `record_until` is push-to-talk (until an event is set).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from mockinterviewer.speech.audio import SAMPLE_RATE
from mockinterviewer.speech.devices import device_error, load_sounddevice, parse_device
from mockinterviewer.speech.vad import FRAME, Endpointer, frames_for

__all__ = ["Microphone", "Take", "record_answer", "record_until"]


class Microphone:
    """An open input stream; `read()` returns the next 30 ms frame at 16 kHz.

    Opens at 16 kHz; a device that refuses that rate is opened at its own default rate and
    resampled. Raises `SpeechError` when there is no such device or it cannot be opened.
    """

    def __init__(self, device: str | int | None = None) -> None:
        self.device = parse_device(device)
        self._stream: Any = None
        self._rate = SAMPLE_RATE
        self._resampler: Any = None
        self._pending = np.zeros(0, np.int16)

    @property
    def is_open(self) -> bool:
        return self._stream is not None

    def open(self) -> Microphone:
        if self._stream is not None:
            return self
        sd = load_sounddevice()
        try:
            try:
                stream = sd.InputStream(
                    samplerate=SAMPLE_RATE, channels=1, dtype="int16", blocksize=FRAME, device=self.device
                )
            except sd.PortAudioError as exc:
                if "sample rate" not in str(exc).lower():
                    raise
                info = sd.query_devices(self.device, kind="input")
                self._rate = int(info["default_samplerate"])
                stream = sd.InputStream(samplerate=self._rate, channels=1, dtype="int16", device=self.device)
                import av

                self._resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            stream.start()
        except (ValueError, sd.PortAudioError) as exc:
            raise device_error(exc, "input", self.device) from None
        self._stream = stream
        return self

    def _convert(self, block: np.ndarray) -> np.ndarray:
        if self._resampler is None:
            return block
        import av

        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = self._rate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out).astype(np.int16) if out else np.zeros(0, np.int16)

    def _read_native(self, count: int) -> None:
        try:
            data, _overflowed = self._stream.read(count)
        except Exception as exc:  # sounddevice.PortAudioError: the device went away mid-answer
            self.close()
            raise device_error(exc, "input", self.device) from None
        self._pending = np.concatenate([self._pending, self._convert(data[:, 0].copy())])

    def read(self) -> np.ndarray:
        """The next frame (blocks until the device delivers it)."""
        if self._stream is None:
            self.open()
        native = FRAME if self._resampler is None else max(1, round(FRAME * self._rate / SAMPLE_RATE))
        while self._pending.size < FRAME:
            self._read_native(native)
        frame, self._pending = self._pending[:FRAME], self._pending[FRAME:]
        return frame

    def read_ready(self) -> list[np.ndarray]:
        """The whole frames the device has already delivered, without waiting."""
        if self._stream is None:
            self.open()
        available = int(self._stream.read_available)
        if available > 0:
            self._read_native(available)
        count = self._pending.size // FRAME
        frames = [self._pending[i * FRAME : (i + 1) * FRAME] for i in range(count)]
        self._pending = self._pending[count * FRAME :]
        return frames

    def flush(self) -> None:
        """Drop what was captured but not read (e.g. the interviewer's own voice)."""
        if self._stream is not None:
            self.read_ready()
            self._pending = np.zeros(0, np.int16)

    def close(self) -> None:
        stream, self._stream = self._stream, None
        self._pending = np.zeros(0, np.int16)
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # closing a device that vanished must not hide the real error
                pass

    def __enter__(self) -> Microphone:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Take:
    """One recorded answer: its samples (16 kHz int16) and how recording ended."""

    samples: np.ndarray
    frames_read: int
    timed_out: bool = False  # nobody spoke before the wait ran out
    truncated: bool = False  # the answer hit the maximum length

    @property
    def seconds(self) -> float:
        return self.samples.size / SAMPLE_RATE


class FrameSource(Protocol):
    def read(self) -> np.ndarray: ...


def record_answer(
    mic: FrameSource,
    endpointer: Endpointer,
    prefix: Iterable[np.ndarray] = (),
    *,
    on_pause: Callable[[np.ndarray], None] | None = None,
    pause_frames: int = frames_for(0.8),
) -> Take:
    """Read frames until `endpointer` says the answer is over; `prefix` frames were heard already.

    `on_pause(samples)` is called when the candidate has been silent for `pause_frames`, with the
    take as it would be if the answer ended there, so transcription can start during the
    thinking time instead of after it.
    """
    frames: list[np.ndarray] = []
    pause_frames = max(pause_frames, endpointer.tail + 1)

    def feed(frame: np.ndarray) -> None:
        frames.append(frame)
        endpointer.feed(frame)
        pausing = endpointer.fed - 1 - endpointer.last_speech == pause_frames
        if on_pause is not None and pausing and endpointer.start is not None and not endpointer.done:
            on_pause(np.concatenate(frames[endpointer.start : endpointer.last_speech + 1 + endpointer.tail]))

    for frame in prefix:
        if endpointer.done:
            break
        feed(frame)
    while not endpointer.done:
        feed(mic.read())
    if endpointer.timed_out or endpointer.start is None:
        return Take(np.zeros(0, np.int16), len(frames), timed_out=True)
    end = endpointer.end if endpointer.end is not None else len(frames)
    samples = np.concatenate(frames[endpointer.start : end])
    return Take(samples, len(frames), truncated=endpointer.truncated)


def record_until(mic: Microphone, stop: threading.Event, max_frames: int) -> Take:
    """Push-to-talk: read frames until `stop` is set or `max_frames` have been read."""
    frames: list[np.ndarray] = []
    while not stop.is_set() and len(frames) < max_frames:
        frames.append(mic.read())
    samples = np.concatenate(frames) if frames else np.zeros(0, np.int16)
    return Take(samples, len(frames), truncated=len(frames) >= max_frames)
