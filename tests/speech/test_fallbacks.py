"""What happens when a piece of the voice stack is missing: a clear message, and the interview goes on in text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mockinterviewer.channels.voice import VoiceChannel, build_voice_channel
from mockinterviewer.errors import SpeechError
from mockinterviewer.speech import devices
from mockinterviewer.speech.settings import VoiceSettings, load_voice_settings
from mockinterviewer.speech.stt import Transcriber
from mockinterviewer.speech.tts import EspeakTTS, OpenAITTS, build_tts
from tests.speech.conftest import FileDevices
from tests.speech.helpers import ScriptedText


def test_portaudio_library_missing_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_portaudio(name: str) -> Any:
        raise OSError("PortAudio library not found")

    monkeypatch.setattr(devices, "_import", no_portaudio)
    with pytest.raises(SpeechError) as info:
        devices.load_sounddevice()
    assert "PortAudio" in info.value.message and "libportaudio2" in (info.value.hint or "")
    text = ScriptedText(["typed instead"])
    channel = build_voice_channel(text, VoiceSettings(tts="off"))
    assert not channel.voice_in
    assert any("PortAudio" in line and "Continuing in text" in line for line in text.infos)
    reply = channel.listen(vocabulary="anything")
    assert reply is not None and reply.text == "typed instead"


def test_espeak_missing_shows_the_question_as_text_from_then_on() -> None:
    text = ScriptedText()
    missing = EspeakTTS()
    missing.program = None  # as on a machine without espeak-ng
    channel = VoiceChannel(text, VoiceSettings(tts="espeak"), tts=missing, preload=False)
    channel.voice_in = False  # only speech output is under test
    channel.say("First question?", kind="question")
    channel.say("Second question?", kind="question")
    assert [s for _, s in text.said] == ["First question?", "Second question?"]
    problems = [line for line in text.infos if "espeak-ng is not installed" in line]
    assert len(problems) == 1 and "apt-get install espeak-ng" in problems[0]
    assert not channel.voice_out


@pytest.mark.slow
def test_speech_model_that_cannot_load_falls_back_to_text_on_the_same_turn(
    alsa_files: FileDevices, tmp_path: Path
) -> None:
    from tests.speech.conftest import speak

    alsa_files.set_mic(speak("I would add a cache."), lead=0.3, tail=5.0)
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    settings = VoiceSettings(tts="off", stt_model=str(broken), wait_for_speech_seconds=3.0)
    text = ScriptedText(["I would add a cache, typed."])
    channel = VoiceChannel(text, settings, transcriber=Transcriber(settings), preload=False)
    reply = channel.listen(vocabulary="cache")
    assert reply is not None and reply.text == "I would add a cache, typed." and reply.source == "typed"
    assert any("Cannot load the speech model" in line for line in text.infos)
    assert not channel.voice_in


def test_openai_tts_needs_a_key_and_is_built_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SpeechError, match="no API key"):
        build_tts(VoiceSettings(tts="openai"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    tts = build_tts(load_voice_settings(None, tts="openai", openai_tts_voice="verse"))
    assert isinstance(tts, OpenAITTS) and tts.api_key == "sk-from-env" and tts.voice == "verse"
    assert build_tts(VoiceSettings(tts="off")) is None


def test_openai_tts_request_against_a_local_stub_server() -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    pcm = (np.sin(np.arange(2400) / 10) * 5000).astype("<i2").tobytes()
    seen: dict[str, Any] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            seen["path"] = self.path
            seen["auth"] = self.headers["Authorization"]
            seen["body"] = json.loads(self.rfile.read(length))
            self.send_response(200)
            self.send_header("Content-Type", "audio/pcm")
            self.send_header("Content-Length", str(len(pcm)))
            self.end_headers()
            self.wfile.write(pcm)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        tts = OpenAITTS("sk-test", base_url=f"http://127.0.0.1:{server.server_port}/v1", voice="alloy")
        speech = tts.synthesize("Tell me about idempotency keys.")
    finally:
        server.shutdown()
    assert seen["path"] == "/v1/audio/speech"
    assert seen["auth"] == "Bearer sk-test"
    assert seen["body"] == {"model": "gpt-4o-mini-tts", "voice": "alloy",
                            "input": "Tell me about idempotency keys.", "response_format": "pcm"}
    assert speech.rate == 24_000 and speech.samples.size == 2400
    assert np.array_equal(speech.samples, np.frombuffer(pcm, "<i2"))


def test_openai_tts_failure_is_a_speech_error() -> None:
    tts = OpenAITTS("sk-test", base_url="http://127.0.0.1:9/v1", timeout=2.0)
    with pytest.raises(SpeechError, match="OpenAI speech failed"):
        tts.synthesize("Hello")
