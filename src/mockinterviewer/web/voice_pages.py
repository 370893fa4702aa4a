"""Spoken answers in the browser interview: the recording's upload, its transcript, and committing the answer.

The page records the candidate's answer (MediaRecorder, WebM/Opus) and posts it with the CSRF token to
`/interviews/{id}/voice`. It is decoded (PyAV) and transcribed by the same local faster-whisper path as a
terminal voice answer, primed with the question's vocabulary (`speech.pipeline.transcribe_samples`); the
answer's audio (compressed as the terminal does, right after) and its delivery figures wait in an owner-only folder of
the data directory under a random token, and the transcript goes back to the page for correction. Send
posts the corrected text with the token to `/interviews/{id}/voice-answer`, which commits it as the turn
with its audio and delivery figures, exactly like a terminal voice answer. A token that is gone (older
than a day, or already used) still commits the text, as typed. Uploads are limited in size.

Hands-free, the page also posts each new piece of the recording to `/interviews/{id}/voice-listen` while it
records, and stops when the answer is over by the terminal's own rule (`web.answer_end`); meanwhile the
answer is transcribed part by part, at the candidate's pauses, on the same speech thread. The page then
posts only the last piece to `/interviews/{id}/voice-finish`: the rest after the last pause is transcribed,
the parts joined, and the whole recording (the pieces, in order) kept for the answer as an upload is. If the
server lost track of it, the page uploads the whole recording instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from mockinterviewer.channels.base import Reply
from mockinterviewer.errors import InputError, SpeechError
from mockinterviewer.interview.orchestrator import question_vocabulary
from mockinterviewer.interview.state import Step, replay
from mockinterviewer.safe_files import private_dir, write_output
from mockinterviewer.service import Interviews
from mockinterviewer.speech.audio import SAMPLE_RATE, decode_bytes, encode
from mockinterviewer.speech.piecewise import MIN_PART_SECONDS, primed
from mockinterviewer.speech.pipeline import Heard, measured, transcribe_samples
from mockinterviewer.speech.settings import VoiceSettings, load_voice_settings
from mockinterviewer.speech.stream_decoder import RECORD_AGAIN
from mockinterviewer.speech.stt import Transcriber, Transcript
from mockinterviewer.transcript import SessionStatus
from mockinterviewer.web.answer_end import HandsFreeAnswer, HandsFreeAnswers
from mockinterviewer.web.candidate_posts import Page, Posted, candidate_post, keep_notes
from mockinterviewer.web.channel import BrowserChannel
from mockinterviewer.web.interviewer_speech import add_speech_routes

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # ten minutes of speech at the page's 32 kbit/s is about 2.4 MB
MAX_PIECE_BYTES = 1024 * 1024  # one piece of a recording being listened to (half a second is about 2 kB)
PENDING_FOLDER = "browser-voice"
PENDING_SECONDS = 24 * 3600  # a recording not sent within a day is deleted
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
LISTENING = (Step.LISTEN_ANSWER, Step.LISTEN_CANDIDATE_QUESTION)
EMPTY_SECONDS = 0.2  # a recording shorter than this holds nothing to transcribe
STOP_BY_HAND = "Press \u201cStop and transcribe\u201d when you are done."


@dataclass(frozen=True)
class Transcribed:
    """A recording transcribed and kept for its answer: what the page shows and the token Send carries."""

    token: str
    text: str
    seconds: float  # the recording's length
    stt_ms: int
    model: str
    parts: int = 1  # transcribed in this many parts (hands-free: all but the last while it was recorded)
    last_part_seconds: float | None = None  # hands-free: the audio transcribed once the recording had ended

    def as_json(self) -> dict[str, Any]:
        return {"token": self.token, "text": self.text, "seconds": round(self.seconds, 2), "stt_ms": self.stt_ms,
                "model": self.model, "parts": self.parts,
                "last_part_seconds": None if self.last_part_seconds is None else round(self.last_part_seconds, 2)}


class BrowserVoice:
    """The speech model of this process (loaded on first use) and the recordings waiting for their answer,
    in `folder`. Transcriptions run one at a time on one thread of their own: CTranslate2 keeps a pool of
    worker threads per calling thread, and calls from the web server's changing worker threads measured
    several times slower (evals/bench_browser_voice.py)."""

    def __init__(self, voice: VoiceSettings, folder: Path) -> None:
        self.voice = voice
        self.folder = folder
        self._transcriber: Transcriber | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser-stt")

    async def transcribe_later(self, session_id: str, candidate: str, vocabulary: str, data: bytes) -> Transcribed:
        """`transcribe` on the speech thread, awaited."""
        return await asyncio.wrap_future(self._worker.submit(self.transcribe, session_id, candidate, vocabulary,
                                                             data))

    def transcribe(self, session_id: str, candidate: str, vocabulary: str, data: bytes) -> Transcribed:
        """Decode, transcribe and keep `data`; SpeechError when it is not audio or holds no words."""
        samples = _decoded(data)
        if samples.size < EMPTY_SECONDS * SAMPLE_RATE:
            raise SpeechError("The recording is empty.", hint=RECORD_AGAIN)
        heard = transcribe_samples(samples, vocabulary, transcriber=self._loaded(), settings=self.voice)
        return self._kept(session_id, candidate, heard, samples.size / SAMPLE_RATE, lambda: samples)

    def transcribe_part_later(
        self, samples: np.ndarray, vocabulary: str, before: Future[Transcript] | None
    ) -> Future[Transcript]:
        """A part of a hands-free answer (`web.answer_end`), transcribed on the speech thread, primed with the
        part before it (done by then: the thread takes its work in order)."""
        return self._worker.submit(lambda: self._part(samples, vocabulary, before.result() if before else None))

    async def finish_later(self, session_id: str, candidate: str, answer: HandsFreeAnswer) -> Transcribed:
        """`finish` on the speech thread (after the parts sent to it before), awaited."""
        return await asyncio.wrap_future(self._worker.submit(self.finish, session_id, candidate, answer))

    def finish(self, session_id: str, candidate: str, answer: HandsFreeAnswer) -> Transcribed:
        """The hands-free answer's parts joined with its rest, transcribed now, and kept with its whole
        recording (decoded again from its pieces once the transcript has gone back); SpeechError as above."""
        assert answer.parts is not None
        seconds = answer.parts.samples / SAMPLE_RATE
        if seconds < EMPTY_SECONDS:
            raise SpeechError("The recording is empty.", hint=RECORD_AGAIN)
        vocabulary, left, parts = answer.vocabulary, answer.parts.left, len(answer.parts.parts)
        transcript = answer.parts.result(lambda rest, before: self._part(rest, vocabulary, before))
        recording = bytes(answer.decoder.data)
        kept = self._kept(session_id, candidate, measured(transcript, self.voice), seconds,
                          lambda: _decoded(recording))
        last = left >= MIN_PART_SECONDS * SAMPLE_RATE
        return replace(kept, parts=parts + last, last_part_seconds=left / SAMPLE_RATE)

    def _part(self, samples: np.ndarray, vocabulary: str, before: Transcript | None) -> Transcript:
        """One part of a hands-free answer transcribed, primed with the question and the part before it."""
        return self._loaded().transcribe(samples, primed(vocabulary, before))

    def _loaded(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = Transcriber(self.voice)
        return self._transcriber

    def _kept(self, session_id: str, candidate: str, heard: Heard, seconds: float,
              samples: Callable[[], np.ndarray]) -> Transcribed:
        """Keep what was heard for its answer under a new token, and the audio (`samples()`, compressed
        after the transcript has gone back to the page, on the same thread: see `reply`)."""
        if not heard.text.strip():
            raise SpeechError("I heard sound but could not make out any words.",
                              hint="Record again closer to the microphone, or type your answer.")
        token = secrets.token_urlsafe(24)
        private_dir(self.folder)
        self._forget_old()
        meta = {"session_id": session_id, "candidate": candidate, "format": self.voice.audio_format,
                "transcript": heard.text, "delivery": heard.delivery, "stt_ms": heard.transcript.stt_ms,
                "stt_model": self.voice.stt_model, "recorded_seconds": round(seconds, 2)}
        write_output(self.folder / f"{token}.json", json.dumps(meta).encode())
        self._worker.submit(self._keep_audio, token, samples)
        return Transcribed(token, heard.text, seconds, heard.transcript.stt_ms, self.voice.stt_model)

    def _keep_audio(self, token: str, samples: Callable[[], np.ndarray]) -> None:
        try:
            audio = encode(samples(), self.voice.audio_format)
        except Exception as exc:  # the audio is kept beside the answer when it can be; the answer never waits on it
            log.warning("the recording of a browser answer could not be compressed (%s: %s); the answer is kept "
                        "without its audio", type(exc).__name__, exc)
            return
        write_output(self.folder / f"{token}.audio", audio)

    def _forget_old(self) -> None:
        cutoff = time.time() - PENDING_SECONDS
        for path in self.folder.iterdir():
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)

    def forget(self, token: str) -> None:
        """Delete the recording `token` (its answer is saved)."""
        if TOKEN.match(token):
            for suffix in (".json", ".audio"):
                (self.folder / f"{token}{suffix}").unlink(missing_ok=True)

    def forget_session(self, session_id: str) -> None:
        """Delete every recording of session `session_id` not sent as an answer (the session is being deleted)."""
        if not self.folder.is_dir():
            return
        self._worker.submit(time.time).result()  # a recording still being compressed is written by now
        for meta_path in self.folder.glob("*.json"):
            try:
                meta = json.loads(meta_path.read_text())
            except (OSError, ValueError):
                continue
            if isinstance(meta, dict) and meta.get("session_id") == session_id:
                self.forget(meta_path.stem)

    def reply(self, token: str, session_id: str, candidate: str, text: str) -> Reply | None:
        """The answer `text` with the recording `token` kept for it, or None when it is gone or belongs to
        another session. It stays until `forget`: an answer that could not be saved can be sent again."""
        if not TOKEN.match(token):
            return None
        self._worker.submit(time.time).result()  # the recordings sent before are compressed and kept by now
        meta_path, audio_path = self.folder / f"{token}.json", self.folder / f"{token}.audio"
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            return None
        audio = audio_path.read_bytes() if audio_path.is_file() else None
        if meta.get("session_id") != session_id or meta.get("candidate") != candidate:
            return None
        said = str(meta.get("transcript", ""))
        delivery = meta.get("delivery") if isinstance(meta.get("delivery"), dict) else {}
        return Reply(
            text=text,
            seconds=float(delivery.get("talk_seconds") or meta.get("recorded_seconds") or 0.0),
            source="voice",
            audio=audio,
            audio_format=str(meta.get("format", "ogg")) if audio is not None else None,
            meta={"delivery": delivery, "stt_ms": meta.get("stt_ms"), "stt_model": meta.get("stt_model"),
                  "stt_early": False, "transcript": said, "corrected": text.strip() != said.strip(),
                  "recorded_seconds": meta.get("recorded_seconds"), "truncated": False, "recorded_in": "browser"},
        )


def _decoded(data: bytes) -> np.ndarray:
    try:
        return decode_bytes(data, "the recording")
    except SpeechError:
        raise SpeechError("Cannot read the recording as audio (it may have been cut short).",
                          hint=RECORD_AGAIN) from None


def _vocabulary(interviews: Interviews, session_id: str) -> str:
    """The words of the question the session waits on (the STT prompt); InputError when it waits on none."""
    session = interviews.store.load_session(session_id)
    state = replay(session.plan, session.turns)
    if session.status is SessionStatus.COMPLETED or state.step not in LISTENING:
        raise InputError("This interview is not waiting for an answer now.", hint="Reload the page.")
    if state.step is Step.LISTEN_ANSWER and state.current is not None:
        return question_vocabulary(interviews.bank.for_plan(session.plan).question(state.current.question_id))
    return ""


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _unheard(exc: InputError | SpeechError) -> JSONResponse:
    """400 with what went wrong and what to do."""
    return _error(400, exc.message + (f" {exc.hint}" if exc.hint else ""))


@dataclass(frozen=True)
class Piece:
    """A piece of a recording being listened to, as posted by its candidate."""

    key: tuple[str, str]  # (candidate, session id)
    recording: str
    offset: int
    data: bytes


def _refused_size(request: Request, limit: int, what: str) -> JSONResponse | None:
    """411 or 413 with a message for a post that does not say its size or says more than `limit` bytes."""
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        return _error(411, f"The {what} did not say its size. {RECORD_AGAIN}")
    if int(length) > limit:
        return _error(413, f"The {what} is larger than {limit // (1024 * 1024)} MB. Record a shorter answer, or "
                           "type it.")
    return None


def add_voice_routes(app: FastAPI, web: Web, *, not_found: Page, refused: Page) -> None:
    """Add the recording's upload and the spoken answer's commit to `app`."""
    interviews = web.interviews
    voice = BrowserVoice(load_voice_settings(interviews.settings), interviews.store.data_dir / PENDING_FOLDER)
    app.state.browser_voice = voice
    hands_free = HandsFreeAnswers(voice.voice, MAX_UPLOAD_BYTES, transcribe_later=voice.transcribe_part_later)
    app.state.hands_free_answers = hands_free
    web.templates.env.globals["voice_settings"] = voice.voice  # the page's answer limit, silence time and model
    web.templates.env.globals["speech_model"] = Path(voice.voice.stt_model).name  # a model's folder, not its path
    add_speech_routes(app, web, voice.voice, not_found=not_found)  # the interviewer's words, spoken by the server

    async def audio_post(request: Request, session_id: str, limit: int, what: str) -> Posted | Response:
        """The candidate's checked post carrying audio of at most `limit` bytes, or the response refusing it."""
        refused_size = _refused_size(request, limit, what)
        if refused_size is not None:
            return refused_size
        form = await request.form(max_files=1, max_fields=4)
        return await candidate_post(web, request, session_id, not_found=not_found, refused=refused, form=form)

    @app.post("/interviews/{session_id}/voice")
    async def upload(request: Request, session_id: str) -> Response:
        posted = await audio_post(request, session_id, MAX_UPLOAD_BYTES, "recording")
        if isinstance(posted, Response):
            return posted
        upload = posted.form.get("audio")
        if not isinstance(upload, UploadFile):
            return _error(400, f"No recording came with the upload. {RECORD_AGAIN}")
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            return _error(413, "The recording is too large. Record a shorter answer, or type it.")
        try:
            vocabulary = await run_in_threadpool(_vocabulary, interviews, posted.session_id)
            heard = await voice.transcribe_later(posted.session_id, posted.viewer.name, vocabulary, data)
        except (InputError, SpeechError) as exc:
            return _unheard(exc)
        return JSONResponse(heard.as_json())

    async def piece_post(request: Request, session_id: str, what: str) -> Piece | Response:
        """A checked piece of a recording being listened to (its audio may be empty), or the response refusing it."""
        posted = await audio_post(request, session_id, MAX_PIECE_BYTES, what)
        if isinstance(posted, Response):
            return posted
        piece, recording, offset = posted.form.get("piece"), posted.field("recording"), posted.field("offset")
        if not isinstance(piece, UploadFile) or not TOKEN.match(recording) or not offset.isdigit():
            return _error(400, f"This {what} came without its audio, recording id or offset. {STOP_BY_HAND}")
        return Piece((posted.viewer.name, posted.session_id), recording, int(offset),
                     await piece.read(MAX_PIECE_BYTES + 1))

    @app.post("/interviews/{session_id}/voice-listen")
    async def listen(request: Request, session_id: str) -> Response:
        piece = await piece_post(request, session_id, "piece of the recording")
        if isinstance(piece, Response):
            return piece
        try:  # a new recording is primed with the question it answers
            vocabulary = await run_in_threadpool(_vocabulary, interviews, piece.key[1]) if piece.offset == 0 else ""
            verdict = await run_in_threadpool(hands_free.feed, piece.key, piece.recording, piece.offset, piece.data,
                                              vocabulary)
        except InputError as exc:
            return _error(409, f"{exc.message} {STOP_BY_HAND}")
        except SpeechError as exc:
            return _unheard(exc)
        return JSONResponse(verdict.as_json())

    @app.post("/interviews/{session_id}/voice-finish")
    async def finish(request: Request, session_id: str) -> Response:
        piece = await piece_post(request, session_id, "last piece of the recording")
        if isinstance(piece, Response):
            return piece
        (candidate, full_id) = piece.key
        try:
            vocabulary = await run_in_threadpool(_vocabulary, interviews, full_id)
            answer = await run_in_threadpool(hands_free.finish, piece.key, piece.recording, piece.offset, piece.data,
                                             vocabulary)
            heard = await voice.finish_later(full_id, candidate, answer)
        except InputError as exc:
            return _error(409, exc.message)
        except SpeechError as exc:
            return _unheard(exc)
        return JSONResponse(heard.as_json())

    @app.post("/interviews/{session_id}/voice-answer")
    async def commit(request: Request, session_id: str) -> Response:
        posted = await candidate_post(web, request, session_id, not_found=not_found, refused=refused)
        if isinstance(posted, Response):
            return posted
        full_id = posted.session_id
        back = RedirectResponse(f"/interviews/{full_id}", status_code=303)
        text = posted.field("text")
        if not text.strip():
            web.flash_error(request, "Type an answer first (or Skip).")
            return back
        spoken = await run_in_threadpool(voice.reply, posted.field("voice"), full_id, posted.viewer.name, text)
        reply = spoken or Reply(text=text)

        def take() -> list[str]:
            channel = BrowserChannel()
            status = interviews.take_reply(full_id, reply, channel)
            if status is SessionStatus.COMPLETED:
                interviews.finish(full_id)
            return channel.notes()

        try:
            notes = await run_in_threadpool(take)
        except InputError as exc:
            web.flash_error(request, exc.message)
            return back
        hands_free.forget_session((posted.viewer.name, full_id))  # a recording still listened to is for this turn
        if spoken is not None:
            await run_in_threadpool(voice.forget, posted.field("voice"))  # used once, with its answer
        if spoken is None:
            notes.insert(0, "The recording had expired, so your answer was kept as typed text.")
        keep_notes(request, full_id, notes)
        return back
