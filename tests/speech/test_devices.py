"""The microphone and speaker paths through real ALSA devices backed by files (no mocks of sounddevice).

Each test writes what the microphone "hears" into the file behind it; the stream delivers it
sample for sample, faster than real time, so every time-out here is counted in frames.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from mockinterviewer.channels.voice import VoiceChannel, build_voice_channel
from mockinterviewer.errors import SpeechError
from mockinterviewer.speech.audio import decode_bytes, resample
from mockinterviewer.speech.mic import Microphone, record_answer
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.speaker import play
from mockinterviewer.speech.tts import EspeakTTS
from mockinterviewer.speech.vad import FRAME, Endpointer, frames_for
from mockinterviewer.speech.wer import word_errors
from tests.speech.conftest import FileDevices, silence, voiced_extent
from tests.speech.helpers import ScriptedText

pytestmark = pytest.mark.slow


def quiet(**overrides: Any) -> VoiceSettings:
    """Voice settings for tests: no speech output unless asked, short waits."""
    return VoiceSettings(**{"tts": "off", "wait_for_speech_seconds": 5.0, **overrides})


def test_record_an_answer_from_the_file_mic_and_end_it_by_vad(
    alsa_files: FileDevices, corpus_audio: dict[str, np.ndarray]
) -> None:
    answer = corpus_audio["backoff"]
    alsa_files.set_mic(answer, lead=0.5, tail=8.0)
    with Microphone() as mic:
        take = record_answer(mic, Endpointer(thinking=frames_for(3.0)))
    assert not take.timed_out
    speech_end = 0.5 + voiced_extent(answer)[1]
    read_seconds = take.frames_read * FRAME / 16_000
    print(f"answer ends at {speech_end:.2f} s; stopped reading at {read_seconds:.2f} s; take {take.seconds:.2f} s")
    assert abs(read_seconds - (speech_end + 3.0)) < 0.4  # the thinking time, in frames, then stop
    assert take.seconds == pytest.approx(speech_end - 0.5, abs=0.7)
    # The take is the answer itself, sample for sample.
    got, sent = np.flatnonzero(np.abs(take.samples) > 1000)[0], np.flatnonzero(np.abs(answer) > 1000)[0]
    assert np.array_equal(take.samples[got : got + 8000], answer[sent : sent + 8000])


def test_voice_channel_listen_transcribes_lets_the_candidate_accept_and_keeps_audio(
    alsa_files: FileDevices, corpus: list[dict[str, Any]], corpus_audio: dict[str, np.ndarray], transcriber: Any
) -> None:
    answer = next(a for a in corpus if a["id"] == "idempotency")
    first, second = corpus_audio["idempotency"], corpus_audio["breaker"]
    # A 2 s pause to think in the middle must not end the answer (thinking time is 3 s).
    alsa_files.set_mic(np.concatenate([first, silence(2.0), second]), lead=0.5, tail=8.0)
    text = ScriptedText([""])  # Enter: accept the transcript
    channel = VoiceChannel(text, quiet(), transcriber=transcriber, preload=False)
    reply = channel.listen(vocabulary=answer["vocabulary"])
    assert reply is not None and reply.source == "voice"
    errors, words = word_errors(answer["text"] + " " + corpus[3]["text"], reply.text)
    print(f"heard: {reply.text!r} ({errors}/{words} word errors)")
    assert errors / words <= 0.25
    assert "idempotency" in reply.text.lower() and "circuit breaker" in reply.text.lower()
    assert any("You said:" in line for line in text.infos)
    delivery = reply.meta["delivery"]
    assert delivery["words"] >= 40 and 80 < delivery["wpm"] < 200
    assert reply.seconds == pytest.approx(delivery["talk_seconds"])
    assert reply.meta["stt_ms"] > 0 and reply.meta["corrected"] is False
    assert reply.audio_format == "ogg" and reply.audio
    stored = decode_bytes(reply.audio)
    assert stored.size / 16_000 == pytest.approx(reply.meta["recorded_seconds"], abs=0.1)
    assert channel.answers == [delivery]
    text.assert_complete()


def test_the_candidate_corrects_or_retries_the_transcript(
    alsa_files: FileDevices, corpus_audio: dict[str, np.ndarray], transcriber: Any
) -> None:
    alsa_files.set_mic(corpus_audio["retry"], lead=0.3, tail=8.0)
    corrected = "I retry only transient failures, with a bounded number of attempts and a deadline."
    text = ScriptedText(["/retry", corrected])  # record again (the mic file restarts), then type a fix
    channel = VoiceChannel(text, quiet(), transcriber=transcriber, preload=False)
    reply = channel.listen(vocabulary="retry transient failures")
    assert reply is not None
    assert reply.text == corrected and reply.source == "voice"
    assert reply.meta["corrected"] is True and "transient" in reply.meta["transcript"].lower()
    assert reply.meta["stt_early"] is True  # transcribed during the thinking time, then reused
    assert sum("You said:" in line for line in text.infos) == 2
    # A command typed at the confirmation goes to the orchestrator untouched.
    text = ScriptedText(["/skip"])
    reply = VoiceChannel(text, quiet(), transcriber=transcriber, preload=False).listen()
    assert reply is not None and reply.text == "/skip" and reply.source == "typed"


def test_push_to_talk(alsa_files: FileDevices, corpus_audio: dict[str, np.ndarray], transcriber: Any) -> None:
    alsa_files.set_mic(corpus_audio["hashing"], lead=0.5, tail=10.0)
    text = ScriptedText(["", lambda: (time.sleep(0.3), "")[1], ""])  # Enter to start, Enter to stop, accept
    channel = VoiceChannel(text, quiet(push_to_talk=True, max_answer_seconds=15.0), transcriber=transcriber,
                           preload=False)
    reply = channel.listen(vocabulary="consistent hashing, hash ring, virtual nodes")
    assert reply is not None and "consistent hashing" in reply.text.lower()
    assert reply.meta["recorded_seconds"] <= 15.0
    text.assert_complete()
    # Typing at the push-to-talk prompt answers in text.
    text = ScriptedText(["I would use a hash ring."])
    reply = VoiceChannel(text, quiet(push_to_talk=True), transcriber=transcriber, preload=False).listen()
    assert reply is not None and reply.text == "I would use a hash ring." and reply.source == "typed"


def test_silence_asks_again_and_the_candidate_can_type(alsa_files: FileDevices, transcriber: Any) -> None:
    alsa_files.set_mic(silence(1.0), lead=0.0, tail=1.0)
    text = ScriptedText(["", "I would add a cache."])  # Enter: record again; then type the answer
    channel = VoiceChannel(text, quiet(wait_for_speech_seconds=2.0), transcriber=transcriber, preload=False)
    reply = channel.listen()
    assert reply is not None and reply.text == "I would add a cache." and reply.source == "typed"
    assert sum("did not hear anything" in line for line in text.infos) == 2
    assert channel.voice_in  # still listening next time


def test_speak_to_the_file_speaker(alsa_files: FileDevices, espeak_path: str) -> None:
    tts = EspeakTTS("en-us", 165)
    question = "Design a retry strategy for client network calls."
    text = ScriptedText()
    channel = VoiceChannel(text, quiet(tts="espeak", barge_in=False), tts=tts, preload=False)
    channel.say(question, kind="question")
    assert text.said == [("question", question)]
    expected = tts.synthesize(question).samples
    spoken = alsa_files.spoken()
    print(f"played {spoken.size} samples for {expected.size} synthesized")
    assert spoken.size >= expected.size
    start = np.flatnonzero(spoken)[0]
    lead = np.flatnonzero(expected)[0]
    assert np.array_equal(spoken[start : start + 10_000], expected[lead : lead + 10_000])


def test_skip_key_stops_playback(alsa_files: FileDevices, espeak_path: str) -> None:
    speech = EspeakTTS().synthesize("A long question that the candidate does not want to hear read out in full.")
    result = play(speech.samples, speech.rate, should_stop=lambda: True)
    assert result.skipped and not result.completed and result.frames_played < speech.samples.size


def test_barge_in_stops_the_question_and_keeps_the_start_of_the_answer(
    alsa_files: FileDevices, corpus: list[dict[str, Any]], corpus_audio: dict[str, np.ndarray], transcriber: Any
) -> None:
    answer = next(a for a in corpus if a["id"] == "breaker")
    # The candidate starts talking 1.5 s into the question.
    alsa_files.set_mic(corpus_audio["breaker"], lead=1.5, tail=8.0)
    tts = EspeakTTS("en-us", 165)
    question = ("Tell me how you would stop your retries from making an outage of a downstream service worse, "
                "and what each state of a circuit breaker does.")
    full = resample(tts.synthesize(question).samples, 22_050)
    text = ScriptedText([""])
    channel = VoiceChannel(text, quiet(tts="espeak"), tts=tts, transcriber=transcriber, preload=False)
    channel.say(question, kind="question")
    spoken = alsa_files.spoken()
    print(f"played {spoken.size} of {full.size} samples before the candidate barged in")
    assert spoken.size < full.size / 2
    reply = channel.listen(vocabulary=answer["vocabulary"])
    assert reply is not None
    errors, words = word_errors(answer["text"], reply.text)
    print(f"heard after barge-in: {reply.text!r}")
    assert errors / words <= 0.25 and reply.text.lower().startswith(("a circuit", "circuit"))


def test_named_microphone_that_does_not_exist(alsa_files: FileDevices, transcriber: Any) -> None:
    with pytest.raises(SpeechError) as info:
        Microphone("no-such-microphone").open()
    assert "No microphone 'no-such-microphone'" in info.value.message
    assert "MOCKINTERVIEWER_VOICE_INPUT_DEVICE" in (info.value.hint or "")
    # In an interview: said once, then the same turn continues in text.
    text = ScriptedText(["I would use exponential backoff."])
    channel = build_voice_channel(text, quiet(input_device="no-such-microphone"))
    assert not channel.voice_in
    assert any("No microphone 'no-such-microphone'" in line and "Continuing in text" in line for line in text.infos)
    reply = channel.listen(vocabulary="backoff")
    assert reply is not None and reply.text == "I would use exponential backoff." and reply.source == "typed"


def test_named_speaker_that_does_not_exist(alsa_files: FileDevices, espeak_path: str) -> None:
    text = ScriptedText()
    channel = build_voice_channel(text, quiet(tts="espeak", output_device="no-such-speaker"))
    assert not channel.voice_out and channel.voice_in
    assert any("No speaker 'no-such-speaker'" in line for line in text.infos)
    channel.say("Hello.", kind="opening")
    assert text.said == [("opening", "Hello.")]


def test_no_sound_card_at_all(no_sound_devices: None) -> None:
    with pytest.raises(SpeechError, match="No microphone is available"):
        Microphone().open()
    with pytest.raises(SpeechError, match="No speaker is available"):
        play(np.zeros(1600, np.int16), 16_000)
    text = ScriptedText(["typed answer"])
    channel = build_voice_channel(text, quiet())
    assert not channel.voice_in
    reply = channel.listen()
    assert reply is not None and reply.text == "typed answer"
