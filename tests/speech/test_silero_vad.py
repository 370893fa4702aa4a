"""End of answer with Silero VAD in a noisy room: thinking pauses kept, noise alone is not an answer.

Answers are espeak-ng speech; the noise is made with sox (tests/speech/noise.py). The energy
detector fails several of these (evals/bench_vad.py), which is why the terminal uses Silero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mockinterviewer.speech.audio import SAMPLE_RATE
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.silero import SileroClassifier, speech_probabilities
from mockinterviewer.speech.vad import FRAME, Endpointer, find_answer_end, frames_for, make_detector
from tests.speech import noise
from tests.speech.conftest import silence, speak, voiced_extent
from tests.speech.test_audio_vad import white_noise


def answer_with_pause(pause: float) -> tuple[np.ndarray, float]:
    """0.5 s of quiet, two sentences `pause` s apart, 6 s of quiet; and when the speech ends (s)."""
    first, second = speak("First I would measure the latency."), speak("Then I would add a cache in front.")
    recording = np.concatenate([silence(0.5), first, silence(pause), second, silence(6.0)])
    return recording, 0.5 + (first.size / SAMPLE_RATE) + pause + voiced_extent(second)[1]


def declared_end(recording: np.ndarray, endpointer: Endpointer) -> float:
    """Seconds into the recording at which `endpointer` says the answer is over (inf: never)."""
    for i in range(recording.size // FRAME):
        if endpointer.feed(recording[i * FRAME : (i + 1) * FRAME]):
            return endpointer.fed * FRAME / SAMPLE_RATE
    return float("inf")


def test_streaming_frames_give_the_batch_model_probabilities() -> None:
    from faster_whisper.vad import get_vad_model

    recording, _ = answer_with_pause(1.0)
    whole = recording[: recording.size // 512 * 512]
    batch = get_vad_model()(whole.astype(np.float32) / 32768).reshape(-1)
    classifier = SileroClassifier()
    streamed = np.concatenate([classifier.probabilities(recording[i : i + FRAME])
                               for i in range(0, whole.size, FRAME)])
    assert np.allclose(streamed[: batch.size], batch, atol=1e-6)
    assert np.allclose(speech_probabilities(whole), batch, atol=1e-6)
    assert batch.max() > 0.9 and batch[:10].max() < 0.2  # speech is found; the quiet lead-in is not speech


@pytest.mark.parametrize("room", ["quiet", "fan hum", "keyboard"])
def test_a_two_second_pause_does_not_end_the_answer_and_three_seconds_of_silence_do(
    room: str, tmp_path: Path
) -> None:
    recording, speech_end = answer_with_pause(2.0)
    seconds = recording.size / SAMPLE_RATE
    if room == "fan hum":
        recording = noise.mix(recording, noise.hum(tmp_path, seconds))
    elif room == "keyboard":
        recording = noise.mix(recording, noise.keyboard(tmp_path, seconds))
    ended = declared_end(recording, Endpointer(thinking=frames_for(3.0), classifier=make_detector("silero")))
    # Measured: 3.03 to 3.09 s after the last word (evals/bench_vad.py); allow a few frames either side.
    assert speech_end + 2.9 <= ended <= speech_end + 3.4, (room, ended, speech_end)


@pytest.mark.parametrize("kind", ["fan hum", "keyboard", "white noise", "silence"])
def test_noise_alone_is_not_an_answer(kind: str, tmp_path: Path) -> None:
    track = {"fan hum": lambda: noise.hum(tmp_path, 12.0), "keyboard": lambda: noise.keyboard(tmp_path, 12.0),
             "white noise": lambda: white_noise(12.0, -25), "silence": lambda: silence(12.0)}[kind]()
    found = find_answer_end(track)
    assert not found.spoke and found.start is None and not found.ended
    endpointer = Endpointer(wait_frames=frames_for(10.0), classifier=make_detector("silero"))
    assert declared_end(track, endpointer) == pytest.approx(10.0, abs=0.05) and endpointer.timed_out


def test_find_answer_end_on_a_recording_still_going_and_one_that_ended() -> None:
    first = speak("I would shard the table by customer.")
    _, last = voiced_extent(first)
    thinking = np.concatenate([silence(0.8), first, silence(1.5)])  # still thinking: not over yet
    going = find_answer_end(thinking)
    assert going.spoke and not going.ended
    assert going.start is not None and going.start / SAMPLE_RATE <= 0.8 + voiced_extent(first)[0]
    assert going.speech_end is not None and 0.8 + last <= going.speech_end / SAMPLE_RATE <= 0.8 + last + 0.5
    over = find_answer_end(np.concatenate([thinking, silence(2.0)]))  # 3.5 s of silence in all
    assert over.ended and over.speech_end == going.speech_end and over.start == going.start
    quick = find_answer_end(np.concatenate([thinking, silence(2.0)]), thinking_seconds=1.0)
    assert quick.ended and quick.speech_end == going.speech_end
    as_floats = find_answer_end(np.concatenate([thinking, silence(2.0)]).astype(np.float32) / 32768)
    assert as_floats.ended and as_floats.speech_end == going.speech_end
    assert find_answer_end(np.zeros(0, np.int16)) == find_answer_end(silence(0.01))  # nothing yet: no answer
    assert not find_answer_end(np.zeros(0, np.int16)).spoke


def test_the_terminal_uses_silero_and_typing_after_the_answer_does_not_keep_it_open(tmp_path: Path) -> None:
    """The voice channel's endpointer (the terminal's): an answer followed by typing ends on time."""
    from mockinterviewer.channels.voice import VoiceChannel
    from tests.speech.helpers import ScriptedText

    settings = VoiceSettings(tts="off")
    assert settings.vad == "silero"
    channel = VoiceChannel(ScriptedText(), settings, preload=False)
    recording, speech_end = answer_with_pause(1.0)
    typing = noise.keyboard(tmp_path, recording.size / SAMPLE_RATE - speech_end, seed=5)
    recording[-typing.size :] = noise.mix(recording[-typing.size :], typing)
    ended = declared_end(recording, channel._endpointer())
    assert speech_end + 2.9 <= ended <= speech_end + 3.4
    energy = VoiceChannel(ScriptedText(), VoiceSettings(tts="off", vad="energy"), preload=False)
    assert declared_end(recording, energy._endpointer()) == float("inf")  # what Silero fixes
