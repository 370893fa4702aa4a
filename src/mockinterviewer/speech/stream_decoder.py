"""Audio that arrives in pieces (a browser's MediaRecorder chunks of WebM/Opus), decoded as it grows.

`StreamDecoder.append(chunk)` adds the next bytes of one recording and returns the 16 kHz mono int16
samples they completed. WebM/Opus (what Chromium and Firefox record) is walked as it comes
(`speech.webm_stream`): each piece's bytes are read and decoded once, whatever came before, so a piece
costs the same at the end of a long answer as at its start. Any other container (Safari's MP4) is read
again from its start on each call (demuxing is cheap: about 0.2 s for ten minutes on a busy machine), but
only packets not yet decoded go through the decoder, which keeps its state, so each second of audio is
decoded once; the last packet read is held back until more bytes follow it, since it may be cut short.
The bytes are kept (`data`): they are the whole recording.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from mockinterviewer.errors import SpeechError
from mockinterviewer.speech.audio import SAMPLE_RATE
from mockinterviewer.speech.webm_stream import NotWebm, WebmPackets, is_webm

__all__ = ["RECORD_AGAIN", "StreamDecoder"]

RECORD_AGAIN = "Record again, or type your answer."  # what to do when a recording cannot be read

HEADER_BYTES = 16 * 1024  # a recording whose container cannot be opened by this size is not audio we read
UNREADABLE = "Cannot read the recording as audio"


class StreamDecoder:
    """One recording's bytes so far and the decoder that has read them (see the module docstring)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.data = bytearray()
        self.samples_out = 0  # 16 kHz samples returned so far
        self._decoded = 0  # packets decoded so far, in demuxing order
        self._codec: Any = None
        self._resampler: Any = None
        self._webm: WebmPackets | None = None  # while the recording is WebM/Opus, walked as it comes

    @property
    def size(self) -> int:
        return len(self.data)

    def append(self, chunk: bytes) -> np.ndarray:
        """Add `chunk`; the samples it completed. SpeechError when the bytes are not audio or too many."""
        if len(self.data) + len(chunk) > self.max_bytes:
            raise SpeechError(f"The recording is larger than {self.max_bytes // (1024 * 1024)} MB.",
                              hint="Stop and transcribe it, or type your answer.")
        if not self.data and is_webm(chunk):
            self._webm = WebmPackets()
        self.data += chunk
        samples = self._walked(chunk) if self._webm is not None else self._demuxed()
        self.samples_out += samples.size
        return samples

    def _walked(self, chunk: bytes) -> np.ndarray:
        """The samples `chunk` completes in a WebM recording; the container read from its start when its
        audio is not Opus (the walker decodes Opus only)."""
        import av

        assert self._webm is not None
        try:
            frames = self._webm.feed(chunk)
        except NotWebm as exc:
            raise SpeechError(f"{UNREADABLE} ({exc}).", hint=RECORD_AGAIN) from None
        track = self._webm.audio
        if self._codec is None and (track is None or not frames):  # the header is still coming
            if track is None and len(self.data) >= HEADER_BYTES:
                raise SpeechError("The recording has no audio track.", hint=RECORD_AGAIN)
            return np.zeros(0, np.int16)
        assert track is not None
        if track.codec != "A_OPUS":  # the walker decodes Opus only: read the container whole, as any other
            self._webm = None
            return self._demuxed()
        if self._codec is None:
            self._codec = av.CodecContext.create("opus", "r")
            self._codec.extradata = track.private or None
            self._codec.sample_rate = 48_000
            self._codec.layout = "stereo" if track.channels == 2 else "mono"
            self._resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        try:
            out = [self._decode(av.Packet(frame)) for frame in frames]
        except av.error.FFmpegError as exc:
            raise SpeechError(f"{UNREADABLE} ({exc}).", hint=RECORD_AGAIN) from None
        return np.concatenate(out) if out else np.zeros(0, np.int16)

    def _demuxed(self) -> np.ndarray:
        """The samples the bytes so far complete, the container read from its start (any container)."""
        import av

        try:
            container = av.open(io.BytesIO(bytes(self.data)), mode="r")
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            if len(self.data) < HEADER_BYTES:
                return np.zeros(0, np.int16)  # the container's header may not have arrived whole yet
            raise SpeechError(f"{UNREADABLE} ({exc}).", hint=RECORD_AGAIN) from None
        try:
            with container:
                if not container.streams.audio:
                    raise SpeechError("The recording has no audio track.", hint=RECORD_AGAIN)
                stream = container.streams.audio[0]
                if self._codec is None:
                    self._codec = _decoder_like(stream.codec_context)
                    self._resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
                packets = [packet for packet in container.demux(stream) if packet.size]
                fresh = packets[self._decoded : -1]  # the last one may be cut short: decoded once more follows
                out = [self._decode(packet) for packet in fresh]
                self._decoded += len(fresh)
        except av.error.FFmpegError as exc:
            raise SpeechError(f"{UNREADABLE} ({exc}).", hint=RECORD_AGAIN) from None
        return np.concatenate(out) if out else np.zeros(0, np.int16)

    def _decode(self, packet: Any) -> np.ndarray:
        pieces: list[np.ndarray] = []
        for frame in self._codec.decode(packet):
            frame.pts = None
            pieces.extend(out.to_ndarray().reshape(-1) for out in self._resampler.resample(frame))
        return np.concatenate(pieces).astype(np.int16) if pieces else np.zeros(0, np.int16)


def _decoder_like(template: Any) -> Any:
    """A decoder of its own for the stream `template` describes (it outlives the container read each time)."""
    import av

    codec = av.CodecContext.create(template.name, "r")
    if template.extradata:
        codec.extradata = template.extradata
    if template.sample_rate:
        codec.sample_rate = template.sample_rate
    codec.layout = template.layout
    return codec
