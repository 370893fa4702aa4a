"""A WebM recording's audio packets read as its bytes arrive, each byte read once (what browsers record).

A browser's MediaRecorder writes WebM front to back (Segment and Clusters of unknown size, SimpleBlocks
inside). `WebmPackets.feed(bytes)` walks those EBML elements as they complete: it keeps the audio track's
codec and its private data (Opus's header), and returns the frames of the blocks completed, leaving a
block cut short for the next call. It never reads earlier bytes again, so a piece costs the same at the
end of a ten-minute answer as at its start. Only what a recorder writes is read: elements it does not need
are skipped whole; laced blocks (which recorders do not write) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EBML_MAGIC", "NotWebm", "WebmPackets", "is_webm"]

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, BLOCK_GROUP, AUDIO = 0x18538067, 0x1F43B675, 0x1654AE6B, 0xAE, 0xA0, 0xE1
TRACK_NUMBER, TRACK_TYPE, CODEC_ID, CODEC_PRIVATE = 0xD7, 0x83, 0x86, 0x63A2
SAMPLING_FREQUENCY, CHANNELS, SIMPLE_BLOCK, BLOCK = 0xB5, 0x9F, 0xA3, 0xA1
ENTERED = {SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, BLOCK_GROUP, AUDIO}  # read inside; their size is not needed
AUDIO_TRACK = 2
MAX_ELEMENT = 4 * 1024 * 1024  # a recorder's element is a few kB; a larger one to skip is not a recording


class NotWebm(ValueError):
    """The bytes are not a WebM recording this reader follows."""


def is_webm(head: bytes) -> bool:
    return head[:4] == EBML_MAGIC


@dataclass
class Track:
    number: int = 0
    kind: int = 0
    codec: str = ""
    private: bytes = b""
    rate: int = 48_000
    channels: int = 1


def _vint(data: bytearray, at: int, *, marker: bool) -> tuple[int, int] | None:
    """The variable-length integer at `at` and its length; None when it is not all there yet."""
    if at >= len(data):
        return None
    first = data[at]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8:
        raise NotWebm("an element header is malformed")
    if at + length > len(data):
        return None
    value = first if marker else first & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    if not marker and value == (1 << (7 * length)) - 1:
        value = -1  # unknown size
    return value, length


class WebmPackets:
    """One recording's WebM bytes walked as they come (see the module docstring)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._tracks: list[Track] = []
        self.audio: Track | None = None  # the first audio track, once its entry has been read

    @property
    def held(self) -> int:
        """Bytes held back: the start of an element whose end has not come yet."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        """The audio frames completed by `data` (in order); NotWebm when the bytes are not such a recording."""
        if not self._buffer and not self._tracks and data and not is_webm(bytes(data[:4])):
            raise NotWebm("the recording does not start with a WebM header")
        self._buffer += data
        frames: list[bytes] = []
        at = 0
        while True:
            element = _vint(self._buffer, at, marker=True)
            size = _vint(self._buffer, at + element[1], marker=False) if element else None
            if element is None or size is None:
                break
            (kind, id_length), (length, size_length) = element, size
            body = at + id_length + size_length
            if kind in ENTERED:
                if kind == TRACK_ENTRY:
                    self._tracks.append(Track())
                at = body
                continue
            if length < 0 or length > MAX_ELEMENT:
                raise NotWebm(f"an element of {'unknown' if length < 0 else length} size cannot be read")
            if body + length > len(self._buffer):
                break  # the rest of this element comes with a later piece
            self._read(kind, bytes(self._buffer[body : body + length]), frames)
            at = body + length
        del self._buffer[:at]
        return frames

    def _read(self, kind: int, value: bytes, frames: list[bytes]) -> None:
        track = self._tracks[-1] if self._tracks else None
        if kind in (SIMPLE_BLOCK, BLOCK):
            number = _vint(bytearray(value), 0, marker=False)
            if number is None or self.audio is None or number[0] != self.audio.number:
                return
            header = number[1] + 3  # the track number, a 16-bit time code and the flags
            if value[header - 1] & 0x06:
                raise NotWebm("the recording laces its frames, which recorders do not do")
            frames.append(value[header:])
        elif track is not None and kind in (TRACK_NUMBER, TRACK_TYPE, CHANNELS):
            setattr(track, {TRACK_NUMBER: "number", TRACK_TYPE: "kind", CHANNELS: "channels"}[kind],
                    int.from_bytes(value, "big"))
            if track.kind == AUDIO_TRACK and track.number and self.audio is None:
                self.audio = track
        elif track is not None and kind == CODEC_ID:
            track.codec = value.decode("ascii", "replace")
        elif track is not None and kind == CODEC_PRIVATE:
            track.private = value
        elif track is not None and kind == SAMPLING_FREQUENCY:
            import struct

            track.rate = round(struct.unpack(">f" if len(value) == 4 else ">d", value)[0])
