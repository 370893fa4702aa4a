"""A recording decoded as it arrives in pieces gives the samples of the whole file, each decoded once; a WebM
recording (what browsers record) is walked as it comes, each byte read once, so a piece costs the same late in
a long answer; bytes that are not audio, or too many, get one message."""

from __future__ import annotations

import numpy as np
import pytest

from mockinterviewer.errors import SpeechError
from mockinterviewer.speech.audio import decode_bytes, encode
from mockinterviewer.speech.stream_decoder import HEADER_BYTES, StreamDecoder
from mockinterviewer.speech.webm_stream import WebmPackets
from tests.speech.conftest import speak
from tests.web.test_web_voice import webm


@pytest.mark.parametrize("piece_bytes", [700, 4096])
def test_webm_pieces_decode_to_the_samples_of_the_whole_recording(piece_bytes: int) -> None:
    data = webm(speak("First I would measure the latency, then add a cache."), live=True)
    whole = decode_bytes(data)
    decoder = StreamDecoder(max_bytes=len(data))
    pieces = [decoder.append(data[i : i + piece_bytes]) for i in range(0, len(data), piece_bytes)]
    assert sum(p.size for p in pieces) == decoder.samples_out and bytes(decoder.data) == data
    got = np.concatenate(pieces)
    assert whole.size <= got.size <= whole.size + 480  # and the codec's padding at the end (at most 30 ms)
    assert np.array_equal(got[: whole.size], whole)  # exactly the whole file's samples, none twice
    assert sum(1 for p in pieces if p.size) >= len(pieces) // 2  # samples come as the pieces come


@pytest.mark.parametrize("piece_bytes", [700, 4096])
def test_other_containers_are_read_whole_each_time_and_decode_the_same(piece_bytes: int) -> None:
    data = encode(speak("First I would measure the latency, then add a cache."), "ogg")  # Ogg/Opus, not WebM
    whole = decode_bytes(data)
    decoder = StreamDecoder(max_bytes=len(data))
    pieces = [decoder.append(data[i : i + piece_bytes]) for i in range(0, len(data), piece_bytes)]
    got = [sample for piece in pieces for sample in piece]
    assert whole.size - 1600 <= len(got) <= whole.size  # all but the last packet, held back (at most 0.1 s)
    assert got == list(whole[: len(got)])


def test_a_long_webm_recording_is_walked_holding_back_only_an_unfinished_block() -> None:
    sentence = speak("First I would measure the latency, then add a cache.")
    data = webm(np.concatenate([sentence] * 12), live=True)  # about a minute
    walker = WebmPackets()
    frames = 0
    for i in range(0, len(data), 1000):
        frames += len(walker.feed(data[i : i + 1000]))
        assert walker.held < 1000 + 400  # at most the piece and a block cut short: nothing read twice
    assert walker.audio is not None and walker.audio.codec == "A_OPUS" and walker.audio.private[:8] == b"OpusHead"
    assert frames * 0.02 == pytest.approx(12 * sentence.size / 16_000, abs=0.1)  # 20 ms Opus frames, all of them


def test_bytes_that_are_not_audio_or_too_many_get_one_message() -> None:
    garbage = StreamDecoder(max_bytes=10 * HEADER_BYTES)
    assert garbage.append(b"x" * 100).size == 0  # a header may still be on its way
    with pytest.raises(SpeechError, match="Cannot read the recording as audio"):
        garbage.append(b"x" * HEADER_BYTES)
    small = StreamDecoder(max_bytes=1000)
    with pytest.raises(SpeechError, match="larger than"):
        small.append(b"x" * 1001)
