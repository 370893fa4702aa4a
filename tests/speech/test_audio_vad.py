"""Audio decoding/encoding and voice-activity detection on real (espeak-ng) and synthetic audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mockinterviewer.errors import SpeechError
from mockinterviewer.speech import audio
from mockinterviewer.speech.vad import FRAME, Endpointer, FrameClassifier, frames_for, speech_regions
from tests.speech.conftest import silence, speak, voiced_extent


def frames_of(samples: np.ndarray) -> list[np.ndarray]:
    n = samples.size // FRAME
    return [samples[i * FRAME : (i + 1) * FRAME] for i in range(n)]


def white_noise(seconds: float, dbfs: float = -20.0, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    level = 32768 * 10 ** (dbfs / 20)
    return np.clip(rng.normal(0, level, int(seconds * audio.SAMPLE_RATE)), -32768, 32767).astype(np.int16)


def test_decode_any_rate_to_16k_and_encode_round_trip(tmp_path: Path) -> None:
    speech = speak("Exponential backoff with jitter.")
    wav = tmp_path / "a.wav"
    audio.write_wav(wav, audio.resample(speech, 16_000, 44_100), 44_100)
    decoded = audio.load_audio(wav)
    assert decoded.dtype == np.int16
    assert abs(decoded.size - speech.size) < 200
    for fmt in ("ogg", "flac"):
        data = audio.encode(decoded, fmt)
        back = audio.decode_bytes(data)
        assert abs(back.size - decoded.size) < 200
        assert np.corrcoef(back[: decoded.size].astype(float), decoded[: back.size].astype(float))[0, 1] > 0.95
    assert len(audio.encode(decoded, "ogg")) < decoded.size * 2 / 8  # Opus: well under an eighth of PCM


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"this is not audio at all" * 100, "Cannot read"), (b"", "Cannot read")],
)
def test_unreadable_file_is_a_clear_speech_error(tmp_path: Path, content: bytes, expected: str) -> None:
    bad = tmp_path / "answer.wav"
    bad.write_bytes(content)
    with pytest.raises(SpeechError) as info:
        audio.load_audio(bad)
    assert expected in info.value.message and info.value.hint
    with pytest.raises(SpeechError, match="No audio file"):
        audio.load_audio(tmp_path / "missing.wav")


def test_a_pause_to_think_does_not_end_the_answer_but_silence_does() -> None:
    first, second = speak("First I would measure."), speak("Then I would add a cache.")
    recording = np.concatenate([silence(0.6), first, silence(2.0), second, silence(6.0)])
    endpointer = Endpointer(thinking=frames_for(3.0))
    fed = 0
    for frame in frames_of(recording):
        fed += 1
        if endpointer.feed(frame):
            break
    assert endpointer.start is not None and endpointer.end is not None and not endpointer.timed_out
    start_s, end_s = endpointer.start * FRAME / 16_000, endpointer.end * FRAME / 16_000
    speech_end = 0.6 + first.size / 16_000 + 2.0 + voiced_extent(second)[1]
    assert start_s <= 0.6 + voiced_extent(first)[0]
    assert speech_end <= end_s <= speech_end + 0.7  # both parts kept
    # It stopped reading 3 s (the thinking time) after the last speech, counted in frames.
    assert abs(fed * FRAME / 16_000 - (speech_end + 3.0)) < 0.4


def test_no_speech_times_out_after_a_number_of_frames() -> None:
    endpointer = Endpointer(wait_frames=frames_for(2.0))
    fed = 0
    for frame in frames_of(np.concatenate([silence(1.0), white_noise(4.0, -30)])):
        fed += 1
        if endpointer.feed(frame):
            break
    assert endpointer.timed_out and endpointer.start is None
    assert fed == frames_for(2.0)


def test_an_answer_is_cut_at_the_maximum_length() -> None:
    long_speech = np.concatenate([speak("We keep talking about retries and backoff.")] * 3)
    endpointer = Endpointer(max_frames=frames_for(3.0))
    for frame in frames_of(long_speech):
        if endpointer.feed(frame):
            break
    assert endpointer.truncated
    assert endpointer.end is not None and endpointer.start is not None
    assert endpointer.end - endpointer.start == frames_for(3.0)


def test_steady_noise_is_not_speech_but_speech_over_it_is() -> None:
    noise = white_noise(3.0, -25)
    assert speech_regions(noise) == []
    classifier = FrameClassifier()
    assert not any(classifier.is_speech(f) for f in frames_of(noise))
    words = speak("Use a circuit breaker.")
    mixed = np.concatenate([noise, (words.astype(np.int32) + white_noise(words.size / 16_000, -25)).clip(
        -32768, 32767).astype(np.int16), noise])
    regions = speech_regions(mixed)
    assert len(regions) == 1
    start, end = regions[0]
    first, last = voiced_extent(words)
    assert abs(start / 16_000 - (3.0 + first - 0.25)) < 0.3
    assert abs(end / 16_000 - (3.0 + last + 0.25)) < 0.5  # quiet word endings drown in the noise


def test_speech_regions_split_at_long_pauses_and_pad() -> None:
    a, b = speak("First part."), speak("Second part.")
    regions = speech_regions(np.concatenate([silence(1.0), a, silence(2.5), b, silence(1.0)]))
    assert len(regions) == 2
    assert regions[0][0] / 16_000 == pytest.approx(1.0 + voiced_extent(a)[0] - 0.25, abs=0.1)
    assert speech_regions(silence(3.0)) == []
