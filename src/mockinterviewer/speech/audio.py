"""Audio as numbers: decoding files to 16 kHz mono int16, resampling, WAV and Ogg/Opus or FLAC encoding.

Everything in the speech package works on one canonical form: a 1-D `numpy.int16` array of mono
samples at `SAMPLE_RATE` (16 kHz). PyAV (a faster-whisper dependency) does decoding and encoding.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import numpy as np

from mockinterviewer.errors import SpeechError

SAMPLE_RATE = 16_000

__all__ = [
    "SAMPLE_RATE",
    "decode_bytes",
    "encode",
    "load_audio",
    "resample",
    "to_float32",
    "wav_bytes",
    "write_wav",
]


def to_float32(samples: np.ndarray) -> np.ndarray:
    """int16 samples as float32 in [-1, 1] (what faster-whisper takes)."""
    if samples.dtype == np.float32:
        return samples
    return samples.astype(np.float32) / 32768.0


def to_int16(samples: np.ndarray) -> np.ndarray:
    if samples.dtype == np.int16:
        return samples
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)


def _decode(source: str | io.BytesIO, what: str) -> np.ndarray:
    import av

    try:
        container = av.open(source, mode="r")
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise SpeechError(
            f"Cannot read {what} as audio ({exc}).",
            hint="Pass a WAV, FLAC, MP3, Ogg, M4A or WebM file with an audio track.",
        ) from None
    chunks: list[np.ndarray] = []
    try:
        with container:
            if not container.streams.audio:
                raise SpeechError(f"{what} has no audio track.", hint="Pass a file that contains sound.")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(audio=0):
                frame.pts = None
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as exc:
        raise SpeechError(
            f"Cannot decode {what} ({exc}).", hint="The file may be truncated or not audio; re-export it."
        ) from None
    return np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, np.int16)


def load_audio(path: str | Path) -> np.ndarray:
    """Any audio file PyAV/FFmpeg reads, as 16 kHz mono int16; `SpeechError` if it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise SpeechError(f"No audio file at {path}.", hint="Check the path.")
    return _decode(str(path), str(path))


def decode_bytes(data: bytes, what: str = "the audio") -> np.ndarray:
    """Encoded audio (WAV, Ogg, MP3 ...) in memory, as 16 kHz mono int16."""
    return _decode(io.BytesIO(data), what)


def resample(samples: np.ndarray, rate: int, to_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Mono int16 samples from `rate` to `to_rate` (FFmpeg's resampler)."""
    if rate == to_rate or samples.size == 0:
        return samples.astype(np.int16, copy=False)
    import av

    frame = av.AudioFrame.from_ndarray(to_int16(samples).reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="s16", layout="mono", rate=to_rate)
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out).astype(np.int16) if out else np.zeros(0, np.int16)


def wav_bytes(samples: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(to_int16(samples).tobytes())
    return buffer.getvalue()


def write_wav(path: str | Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    Path(path).write_bytes(wav_bytes(samples, rate))


def encode(samples: np.ndarray, fmt: str = "ogg", rate: int = SAMPLE_RATE) -> bytes:
    """Compress mono int16 samples: "ogg" is Opus in Ogg (about 2 kB/s of speech), "flac" is lossless."""
    import av

    if fmt not in ("ogg", "flac"):
        raise ValueError(f"unsupported audio format {fmt!r}; use 'ogg' or 'flac'")
    codec, out_rate, sample_fmt = ("libopus", 48_000, "s16") if fmt == "ogg" else ("flac", rate, "s16")
    if fmt == "ogg" and "libopus" not in av.codecs_available:
        codec = "opus"
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=fmt) as container:
        stream: Any = container.add_stream(codec, rate=out_rate)  # an audio stream
        stream.layout = "mono"
        if fmt == "ogg":
            stream.bit_rate = 24_000
        resampler = av.AudioResampler(format=sample_fmt, layout="mono", rate=out_rate)
        frame = av.AudioFrame.from_ndarray(to_int16(samples).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        frames = list(resampler.resample(frame)) + list(resampler.resample(None))
        for f in frames:
            f.pts = None
            for packet in stream.encode(f):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()
