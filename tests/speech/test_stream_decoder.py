"""A recording decoded as it arrives in pieces gives the samples of the whole file, each decoded once; bytes
that are not audio, or too many, get one message."""

from __future__ import annotations

import pytest

from mockinterviewer.errors import SpeechError
from mockinterviewer.speech.audio import decode_bytes
from mockinterviewer.speech.stream_decoder import HEADER_BYTES, StreamDecoder
from tests.speech.conftest import speak
from tests.web.test_web_voice import webm


@pytest.mark.parametrize("piece_bytes", [700, 4096])
def test_pieces_decode_to_the_samples_of_the_whole_recording(piece_bytes: int) -> None:
    data = webm(speak("First I would measure the latency, then add a cache."), live=True)
    whole = decode_bytes(data)
    decoder = StreamDecoder(max_bytes=len(data))
    pieces = [decoder.append(data[i : i + piece_bytes]) for i in range(0, len(data), piece_bytes)]
    assert sum(p.size for p in pieces) == decoder.samples_out
    got = [sample for piece in pieces for sample in piece]
    assert whole.size - 1600 <= len(got) <= whole.size  # all but the last packet, held back (at most 0.1 s)
    assert got == list(whole[: len(got)])  # exactly the whole file's samples, none twice
    assert sum(1 for p in pieces if p.size) >= len(pieces) // 2  # samples come as the pieces come


def test_bytes_that_are_not_audio_or_too_many_get_one_message() -> None:
    garbage = StreamDecoder(max_bytes=10 * HEADER_BYTES)
    assert garbage.append(b"x" * 100).size == 0  # a header may still be on its way
    with pytest.raises(SpeechError, match="Cannot read the recording as audio"):
        garbage.append(b"x" * HEADER_BYTES)
    small = StreamDecoder(max_bytes=1000)
    with pytest.raises(SpeechError, match="larger than"):
        small.append(b"x" * 1001)
