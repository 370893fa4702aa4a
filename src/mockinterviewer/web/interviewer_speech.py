"""The interviewer's words spoken by the server: `GET /interviews/{id}/speech`, the current message as a WAV,
or as Opus in Ogg (`&format=ogg`, about a tenth of the size) where the page finds the browser plays it.

The message is what the voice page reads aloud: the interviewer's turns at the end of the session (the
question, or a follow-up with what led to it), at most `MAX_SPOKEN_CHARS` characters (cut at a sentence or
a word). It is spoken by the server's local text to speech, espeak-ng behind `speech.tts` (the voice and
rate of `MOCKINTERVIEWER_VOICE_ESPEAK_*`, as in the terminal); `MOCKINTERVIEWER_VOICE_TTS=off`, or no
espeak-ng on the server, leaves the server without a voice: the endpoint then answers 503 with one plain
message and the page uses the browser's voice or the text alone.

Only the candidate who owns the session hears it (anyone else: 404, as for an unknown session). The page
asks with `?turn=N`, the index of the message's last turn: a session's turns are never rewritten, so that
address always holds the same sound and the browser keeps it (`Cache-Control: private`, immutable, with
an ETag); a later turn is a new address. Without `turn` the current message is answered, to be revalidated.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from mockinterviewer.errors import SpeechError
from mockinterviewer.safe_text import strip_controls
from mockinterviewer.speech.audio import encode, wav_bytes
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.tts import EspeakTTS
from mockinterviewer.store.accounts import Account
from mockinterviewer.transcript import Speaker, Turn
from mockinterviewer.web.candidate_posts import candidate_get

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

log = logging.getLogger(__name__)

MAX_SPOKEN_CHARS = 1500  # about a minute and a half of espeak-ng at its usual rate
KEPT_SECONDS = 24 * 3600  # how long a browser keeps one message's sound
NO_VOICE = "The server cannot speak the interviewer's words ({why}). Choose the browser voice, or read them."
_SENTENCE_END = re.compile(r"[.?!](?=\s)")
# what the page may ask for: WAV plays everywhere; Opus in Ogg is about a tenth of its size, and the page
# asks for it where the browser says it plays it
MEDIA_TYPES = {"wav": "audio/wav", "ogg": "audio/ogg"}

Page = Callable[[Request, Account | None], Response]


def interviewer_message(turns: list[Turn], last: int | None = None) -> tuple[int, str] | None:
    """The interviewer's turns that end at turn `last` (default: the session's last turn) as one text, with
    that turn's index; None when that turn is not the interviewer's."""
    end = len(turns) - 1 if last is None else next((i for i, t in enumerate(turns) if t.index == last), -1)
    if end < 0 or turns[end].speaker is not Speaker.INTERVIEWER:
        return None
    start = end
    while start > 0 and turns[start - 1].speaker is Speaker.INTERVIEWER:
        start -= 1
    text = "\n".join(strip_controls(t.text).strip() for t in turns[start : end + 1])
    return turns[end].index, bounded(text)


def bounded(text: str, limit: int = MAX_SPOKEN_CHARS) -> str:
    """`text` cut to at most `limit` characters, after the last whole sentence (or word) that fits."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    sentences = [m.end() for m in _SENTENCE_END.finditer(head + " ")]
    cut = sentences[-1] if sentences and sentences[-1] > limit // 2 else head.rfind(" ")
    return head[: cut if cut > 0 else limit].rstrip()


class ServerVoice:
    """espeak-ng as the interviewer's voice in the browser: whether it can speak, and speaking a text as WAV."""

    def __init__(self, voice: VoiceSettings) -> None:
        self.tts = EspeakTTS(voice.espeak_voice, voice.espeak_rate)
        self.switched_off = voice.tts == "off"

    @property
    def available(self) -> bool:
        return not self.switched_off and self.tts.available()

    def why_not(self) -> str:
        """Why the server cannot speak, in words a candidate reads."""
        return "it is switched off on this server" if self.switched_off else "espeak-ng is not installed on it"

    def etag(self, text: str, fmt: str = "wav") -> str:
        """What identifies the sound of `text` in `fmt` (the same text in the same voice sounds the same)."""
        said = f"{self.tts.voice}\0{self.tts.rate}\0{self.tts.word_gap}\0{fmt}\0{text}"
        return '"' + hashlib.sha256(said.encode()).hexdigest()[:32] + '"'

    def sound(self, text: str, fmt: str = "wav") -> bytes:
        """`text` spoken, as a WAV file or Opus in Ogg (`MEDIA_TYPES`); SpeechError when the server has no
        voice or espeak-ng fails."""
        if not self.available:
            raise SpeechError(NO_VOICE.format(why=self.why_not()))
        speech = self.tts.synthesize(text)
        return encode(speech.samples, "ogg", speech.rate) if fmt == "ogg" else wav_bytes(speech.samples, speech.rate)


def add_speech_routes(app: FastAPI, web: Web, voice: VoiceSettings, *, not_found: Page) -> None:
    """Add the interviewer's spoken words to `app`, and `server_voice` (can the server speak) to the templates."""
    server = ServerVoice(voice)
    app.state.server_voice = server
    web.templates.env.globals["server_voice"] = server
    if not server.available:
        log.info("the browser interview has no server voice: %s", server.why_not())

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status, headers={"cache-control": "no-store"})

    @app.get("/interviews/{session_id}/speech")
    def speech(  # in the thread pool
        request: Request, session_id: str, turn: int | None = None, fmt: str = Query("wav", alias="format")
    ) -> Response:
        full_id = candidate_get(web, request, session_id, not_found=not_found)
        if isinstance(full_id, Response):
            return full_id
        if fmt not in MEDIA_TYPES:
            return error(400, f"The interviewer's words come as {' or '.join(MEDIA_TYPES)}, not {fmt[:20]!r}.")
        message = interviewer_message(web.interviews.store.load_session(full_id).turns, turn)
        if message is None or not message[1]:
            return error(404, "There are no interviewer's words to speak here.")
        _index, text = message
        tag = server.etag(text, fmt)
        caching = {"etag": tag, "cache-control": f"private, max-age={KEPT_SECONDS}, immutable" if turn is not None
                   else "private, no-cache", "vary": "cookie"}
        if tag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=caching)
        try:
            data = server.sound(text, fmt)
        except SpeechError as exc:
            if server.available:  # espeak-ng is there but failed: the operator reads why in the log
                log.warning("espeak-ng could not speak an interviewer's message: %s", exc.message)
                return error(503, NO_VOICE.format(why="its speech program failed"))
            return error(503, exc.message)
        return Response(data, media_type=MEDIA_TYPES[fmt], headers=caching)
