"""Playing speech to the speaker, stopping early when skipped or when the candidate starts talking.

Barge-in listens on the microphone while playing. Without headphones the microphone also hears
the interviewer's own voice, so the first second of playback calibrates how loud that echo is
relative to what is being played, and only sound well above that echo counts as the candidate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mockinterviewer.speech.audio import resample
from mockinterviewer.speech.devices import device_error, load_sounddevice, parse_device
from mockinterviewer.speech.mic import Microphone
from mockinterviewer.speech.vad import FRAME, FrameClassifier, frame_power, frames_for

__all__ = ["BargeIn", "Playback", "play"]


@dataclass
class BargeIn:
    """Decides from microphone frames, heard while playing, that the candidate has started talking.

    The echo of the interviewer's voice follows what is played, late and smeared, so it is
    compared with the loudest recent output (`echo_window` frames). The first `calibration`
    frames learn how loud the echo is relative to that (its coupling); after that a frame counts
    as the candidate when it is `ratio` times louder than the noise floor plus the expected echo,
    and `onset` such frames in a row start the candidate's turn.
    """

    ratio: float = 2.0
    min_dbfs: float = -45.0
    calibration: int = frames_for(1.0)
    onset: int = frames_for(0.15)
    echo_window: int = frames_for(0.4)
    classifier: FrameClassifier = field(default_factory=FrameClassifier)
    frames: list[np.ndarray] = field(default_factory=list)
    start: int | None = None
    _couplings: list[float] = field(default_factory=list)
    _played: list[float] = field(default_factory=list)
    _run: int = 0

    def feed(self, frame: np.ndarray, playing_power: float) -> bool:
        """One microphone frame and the power of the audio played at about that time."""
        index = len(self.frames)
        self.frames.append(frame)
        self._played.append(playing_power)
        del self._played[: -self.echo_window]
        envelope = max(self._played)
        power = frame_power(frame)
        self.classifier.is_speech(frame)  # keeps the noise floor current
        floor = self.classifier.floor or 0.0
        if index < self.calibration:
            if envelope > 1e-6:
                self._couplings.append(power / envelope)
            return False
        coupling = float(np.percentile(self._couplings, 90)) if self._couplings else 0.0
        expected = floor + coupling * envelope
        loud = power > max(self.ratio * expected, 10 ** (self.min_dbfs / 10))
        self._run = self._run + 1 if loud else 0
        if self._run >= self.onset and self.start is None:
            self.start = max(0, index - self._run + 1 - frames_for(0.3))
        return self.start is not None

    def heard(self) -> list[np.ndarray]:
        """The microphone frames from just before the candidate started talking."""
        return self.frames[self.start :] if self.start is not None else []


@dataclass
class Playback:
    frames_played: int  # at the output rate
    completed: bool
    skipped: bool = False
    barged_in: bool = False
    heard: list[np.ndarray] = field(default_factory=list)  # 16 kHz mic frames of the candidate's start


def play(
    samples: np.ndarray,
    rate: int,
    *,
    device: str | int | None = None,
    mic: Microphone | None = None,
    barge_in: BargeIn | None = None,
    should_stop: Callable[[], bool] | None = None,
    block_seconds: float = 0.05,
) -> Playback:
    """Play mono int16 `samples`; stop at `should_stop()` or when `barge_in` hears the candidate.

    `SpeechError` when there is no usable output device.
    """
    sd = load_sounddevice()
    device = parse_device(device)
    try:
        try:
            stream = sd.OutputStream(samplerate=rate, channels=1, dtype="int16", device=device)
        except sd.PortAudioError as exc:
            if "sample rate" not in str(exc).lower():
                raise
            native = int(sd.query_devices(device, kind="output")["default_samplerate"])
            samples, rate = resample(samples, rate, native), native
            stream = sd.OutputStream(samplerate=rate, channels=1, dtype="int16", device=device)
        stream.start()
    except (ValueError, sd.PortAudioError) as exc:
        raise device_error(exc, "output", device) from None
    block = max(FRAME, int(rate * block_seconds))
    played = 0
    result = Playback(0, completed=False)
    try:
        while played < samples.size:
            chunk = samples[played : played + block]
            stream.write(np.ascontiguousarray(chunk.reshape(-1, 1)))
            played += chunk.size
            if should_stop is not None and should_stop():
                result.skipped = True
                break
            if mic is not None and barge_in is not None:
                power = frame_power(chunk)
                heard = [barge_in.feed(frame, power) for frame in mic.read_ready()]
                if any(heard):
                    result.barged_in = True
                    result.heard = barge_in.heard()
                    break
        else:
            result.completed = True
    except sd.PortAudioError as exc:
        raise device_error(exc, "output", device) from None
    finally:
        try:
            if result.completed:
                stream.stop()  # let the last block drain
            else:
                stream.abort()  # cut the voice off now
            stream.close()
        except Exception:
            pass
    result.frames_played = played
    return result
