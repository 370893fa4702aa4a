"""The voice channel: the interviewer speaks each utterance and the candidate answers aloud.

It wraps a text channel, which still shows every word and reads what the candidate types: the
transcript confirmation ("Enter to accept, or type a correction, or /retry"), push-to-talk's
Enter, commands, and the whole interview when voice stops working. Any speech failure (no
microphone, no PortAudio, no speaker, no espeak-ng, no speech model) is said once through
`text.info` and the interview continues in text, on the same turn.
"""

from __future__ import annotations

import contextlib
import io
import select
import sys
import threading
from typing import Any

import numpy as np

from mockinterviewer.channels.base import Channel, Reply
from mockinterviewer.errors import SpeechError
from mockinterviewer.speech.audio import encode
from mockinterviewer.speech.mic import Microphone, Take, record_answer, record_until
from mockinterviewer.speech.pipeline import EarlyTranscription, Heard
from mockinterviewer.speech.settings import VoiceSettings, load_voice_settings
from mockinterviewer.speech.speaker import BargeIn, play
from mockinterviewer.speech.stt import Transcriber
from mockinterviewer.speech.tts import TTS, EspeakTTS, build_tts
from mockinterviewer.speech.vad import Endpointer, endpointer_for, frames_for

__all__ = ["VoiceChannel", "build_voice_channel"]

RETRY = "/retry"


def _enter_pressed(stream: Any) -> bool:
    """True (and the line consumed) when the candidate pressed Enter in a terminal."""
    try:
        if stream is None or not stream.isatty():
            return False
        ready, _, _ = select.select([stream], [], [], 0)
    except (ValueError, OSError, io.UnsupportedOperation, AttributeError):
        return False
    if ready:
        stream.readline()
        return True
    return False


class VoiceChannel:
    """A `Channel` that speaks and listens, with `text` for display and typed input."""

    def __init__(
        self,
        text: Channel,
        settings: VoiceSettings | None = None,
        *,
        transcriber: Transcriber | None = None,
        tts: TTS | None = None,
        preload: bool = True,
    ) -> None:
        self.text = text
        self.settings = settings or VoiceSettings()
        self.transcriber = transcriber or Transcriber(self.settings)
        self.voice_in = True
        self.voice_out = self.settings.tts != "off"
        self.tts: TTS | None = tts
        if self.voice_out and self.tts is None:
            try:
                self.tts = build_tts(self.settings)
            except SpeechError as exc:
                self._output_failed(exc)
        self.answers: list[dict[str, Any]] = []  # delivery of each accepted spoken answer
        self._mic: Microphone | None = None
        self._heard: list[np.ndarray] = []  # the start of an answer heard during barge-in
        self._stdin = getattr(text, "stdin", None) or sys.stdin
        self._told_skip = False
        self._early_used = False
        if preload:
            # Not a daemon: exiting while CTranslate2 is loading would abort the process.
            threading.Thread(target=self._preload, name="stt-preload", daemon=False).start()

    # -- setup and failures -------------------------------------------------------------------

    def _preload(self) -> None:
        # A failure is reported on first use, where the channel can fall back to text.
        with contextlib.suppress(SpeechError):
            self.transcriber.load()

    def check(self) -> None:
        """Probe the devices and engines now, so a missing one is reported before the first question."""
        if self.voice_in:
            try:
                from mockinterviewer.speech.devices import input_device_info

                input_device_info(self.settings.input_device, "input")
            except SpeechError as exc:
                self._input_failed(exc)
        if self.voice_out:
            try:
                from mockinterviewer.speech.devices import input_device_info

                input_device_info(self.settings.output_device, "output")
                if isinstance(self.tts, EspeakTTS) and not self.tts.available():
                    self.tts.synthesize("")  # raises the install hint
            except SpeechError as exc:
                self._output_failed(exc)

    def _input_failed(self, exc: SpeechError) -> None:
        self.voice_in = False
        self._close_mic()
        hint = f" {exc.hint}" if exc.hint else ""
        self.text.info(f"Voice input stopped: {exc.message}{hint} Continuing in text: type your answers.")

    def _output_failed(self, exc: SpeechError) -> None:
        self.voice_out = False
        hint = f" {exc.hint}" if exc.hint else ""
        self.text.info(f"Spoken questions stopped: {exc.message}{hint} They are shown as text only.")

    def _open_mic(self) -> Microphone:
        if self._mic is None:
            self._mic = Microphone(self.settings.input_device)
        return self._mic.open()

    def _close_mic(self) -> None:
        if self._mic is not None:
            self._mic.close()

    def close(self) -> None:
        self._close_mic()

    # -- Channel -------------------------------------------------------------------------------

    def say(self, text: str, *, kind: str) -> None:
        self.text.say(text, kind=kind)
        if self.voice_out and self.tts is not None and not self._heard and text.strip():
            self._speak(text)

    def partial(self, chunk: str) -> None:
        self.text.partial(chunk)

    def retract(self) -> None:
        self.text.retract()

    def info(self, text: str) -> None:
        self.text.info(text)

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        while self.voice_in:
            early = EarlyTranscription(vocabulary, transcriber=self.transcriber, settings=self.settings)
            try:
                take = self._capture(vocabulary, early if self.settings.early_transcription else None)
            except SpeechError as exc:
                self._input_failed(exc)
                break
            if take is None or isinstance(take, Reply):
                return take
            if take.samples.size == 0 or take.timed_out:
                outcome = self._ask_again("I did not hear anything.")
                if isinstance(outcome, str):  # RETRY
                    continue
                return outcome
            try:
                heard = early.result(take.samples)
                self._early_used = early.used
            except SpeechError as exc:
                self._input_failed(exc)
                break
            if not heard.text:
                outcome = self._ask_again("I heard sound but could not make out any words (background noise?).")
                if isinstance(outcome, str):  # RETRY
                    continue
                return outcome
            reply = self._confirm(heard, take, vocabulary)
            if isinstance(reply, str):  # RETRY
                continue
            return reply
        return self.text.listen(vocabulary=vocabulary)

    # -- speaking ------------------------------------------------------------------------------

    def _should_stop(self) -> bool:
        return _enter_pressed(self._stdin)

    def _speak(self, text: str) -> None:
        assert self.tts is not None
        try:
            speech = self.tts.synthesize(text)
        except SpeechError as exc:
            self._output_failed(exc)
            return
        if not self._told_skip and getattr(self._stdin, "isatty", lambda: False)():
            self.text.info("(Press Enter to skip the spoken question.)")
            self._told_skip = True
        mic: Microphone | None = None
        barge: BargeIn | None = None
        if self.settings.barge_in and self.voice_in and not self.settings.push_to_talk:
            try:
                mic = self._open_mic()
                mic.flush()
                barge = BargeIn(ratio=self.settings.barge_in_ratio)
            except SpeechError as exc:
                self._input_failed(exc)
                mic = None
        try:
            result = play(speech.samples, speech.rate, device=self.settings.output_device, mic=mic,
                          barge_in=barge, should_stop=self._should_stop)
        except SpeechError as exc:
            self._output_failed(exc)
            self._close_mic()
            return
        if result.barged_in:
            self._heard = result.heard  # the candidate's first words; the mic stays open for them
        else:
            self._close_mic()  # what it heard was the interviewer's voice

    # -- listening -----------------------------------------------------------------------------

    def _endpointer(self) -> Endpointer:
        return endpointer_for(self.settings)

    def _capture(self, vocabulary: str, early: EarlyTranscription | None) -> Take | Reply | None:
        if self.settings.push_to_talk:
            return self._push_to_talk(vocabulary)
        mic = self._open_mic()
        if not self._heard:
            self.text.info(
                f"Listening... answer aloud; {self.settings.thinking_seconds:g} s of silence ends the answer."
            )
        prefix, self._heard = self._heard, []
        try:
            return record_answer(mic, self._endpointer(), prefix, on_pause=early.on_pause if early else None)
        finally:
            self._close_mic()

    def _push_to_talk(self, vocabulary: str) -> Take | Reply | None:
        self.text.info("Press Enter to start speaking (or type your answer).")
        first = self.text.listen(vocabulary=vocabulary)
        if first is None or first.text.strip():
            return first
        mic = self._open_mic()
        stop = threading.Event()
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["take"] = record_until(mic, stop, frames_for(self.settings.max_answer_seconds))
            except BaseException as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="push-to-talk", daemon=True)
        worker.start()
        self.text.info("Recording... press Enter to stop.")
        self.text.listen(vocabulary=vocabulary)
        stop.set()
        worker.join()
        self._close_mic()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["take"]

    def _ask_again(self, problem: str) -> Reply | str | None:
        self.text.info(f"{problem} Press Enter to record again, or type your answer.")
        reply = self.text.listen()
        if reply is None:
            return None
        if not reply.text.strip() or reply.text.strip() == RETRY:
            return RETRY
        return reply

    def _confirm(self, heard: Heard, take: Take, vocabulary: str) -> Reply | str | None:
        said = heard.text
        if take.truncated:
            self.text.info(f"(Recording stopped at the {self.settings.max_answer_seconds:g} s limit.)")
        if self.settings.confirm_transcript:
            self.text.info(f"You said: {said}")
            self.text.info(f"Press Enter to accept, type a correction, or {RETRY} to record again.")
            answer = self.text.listen(vocabulary=vocabulary)
            if answer is None:
                return None
            typed = answer.text.strip()
            if typed == RETRY:
                return RETRY
            if typed.startswith("/"):
                return answer  # a command for the orchestrator (/skip, /quit ...)
        else:
            self.text.info(f"You said: {said}")
            typed = ""
        delivery = heard.delivery
        self.answers.append(delivery)
        audio: bytes | None
        try:
            audio = encode(take.samples, self.settings.audio_format)
        except Exception:  # keeping the audio is a bonus; never lose the answer over it
            audio = None
        return Reply(
            text=typed or said,
            seconds=float(delivery.get("talk_seconds") or take.seconds),
            source="voice",
            audio=audio,
            audio_format=self.settings.audio_format if audio is not None else None,
            meta={
                "delivery": delivery,
                "stt_ms": heard.transcript.stt_ms,
                "stt_model": self.transcriber.model_name,
                "stt_early": self._early_used,  # transcribed during the thinking time
                "transcript": said,
                "corrected": bool(typed) and typed != said,
                "recorded_seconds": round(take.seconds, 2),
                "truncated": take.truncated,
            },
        )


def build_voice_channel(text_channel: Channel, settings: Any = None, **overrides: Any) -> VoiceChannel:
    """A voice channel over `text_channel`; `settings` is the main `Settings`, a `VoiceSettings` or None.

    Keyword overrides set voice settings (e.g. `push_to_talk=True`, `tts="off"`). Devices are
    probed at once, so a missing microphone or speaker is reported before the first question.
    """
    channel = VoiceChannel(text_channel, load_voice_settings(settings, **overrides))
    channel.check()
    return channel
