"""Spoken answers on the web: the audio endpoint, and the player and delivery figures beside an answer.

A voice interview saves each answer's audio as `audio/<session id>/turn-NNNN.<ext>` in the data
directory (`Store.save_audio`) and its delivery figures (`speech.delivery.analyze`) in the turn's meta.
`GET /sessions/{id}/audio/{name}` serves such a file to the session's candidate and assigned coaches
only (anyone else: 404, as for an unknown session). It serves a plain file name inside that session's
folder and nothing else: no `..`, no absolute path, no slash (encoded or not), no hidden file, no
symbolic link, no folder that is a link elsewhere; the media type comes from the extension. Starlette's
`FileResponse` answers Range requests, so a browser can seek.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response

from mockinterviewer.grading.delivery_words import delivery_figures
from mockinterviewer.store.accounts import Account
from mockinterviewer.store.deletion import audio_folder
from mockinterviewer.transcript import Session, TurnKind
from mockinterviewer.web.candidate_posts import viewed_session

if TYPE_CHECKING:
    from mockinterviewer.web.app import Web

MEDIA_TYPES = {
    ".ogg": "audio/ogg", ".opus": "audio/ogg", ".oga": "audio/ogg", ".flac": "audio/flac", ".wav": "audio/wav",
    ".webm": "audio/webm", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
}
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")

Page = Callable[[Request, Account | None], Response]


def audio_file(data_dir: Path, session_id: str, name: str) -> Path | None:
    """The audio file `name` of the session if it is a regular file right inside the session's own audio
    folder and of a known audio type; None for anything else (a path, a link, a hidden or unknown file)."""
    folder = audio_folder(data_dir, session_id)
    if folder is None or not _FILE_NAME.fullmatch(name) or ".." in name:
        return None
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in MEDIA_TYPES:
        return None
    try:
        if folder.is_symlink() or folder.resolve().parent != (Path(data_dir) / "audio").resolve():
            return None
        path = folder / name
        if not stat.S_ISREG(os.lstat(path).st_mode):  # a link is never followed, even to a file inside
            return None
    except OSError:
        return None
    return path


def audio_name(meta: dict[str, Any]) -> str | None:
    """The file name of an answer's saved audio (the turn's meta keeps its full path when it was saved)."""
    saved = meta.get("audio")
    return PurePosixPath(saved).name if isinstance(saved, str) and saved else None


@dataclass(frozen=True)
class SpokenAnswer:
    """What the session page shows beside a spoken answer."""

    audio_url: str | None  # None when the answer has no audio file (any more)
    figures: list[str] = field(default_factory=list)
    file_name: str | None = None


def spoken_answers(session: Session, data_dir: Path) -> dict[int, SpokenAnswer]:
    """The spoken answers of the session by turn index: their audio (if the file is there) and figures."""
    out: dict[int, SpokenAnswer] = {}
    for turn in session.turns:
        if turn.kind is not TurnKind.ANSWER:
            continue
        name = audio_name(turn.meta)
        delivery = turn.meta.get("delivery")
        figures = delivery_figures(delivery) if isinstance(delivery, dict) else []
        path = audio_file(data_dir, session.id, name) if name else None
        if path is None and not figures:
            continue
        url = f"/sessions/{quote(session.id, safe='')}/audio/{quote(path.name, safe='')}" if path else None
        out[turn.index] = SpokenAnswer(url, figures, path.name if path else None)
    return out


def add_audio_routes(app: FastAPI, web: Web, *, not_found: Page) -> None:
    """Add the audio endpoint to `app` (`web` is the app's `Web`), and `spoken_answers(session)` to the
    templates (the session page shows the player and the figures beside each spoken answer)."""
    data_dir = web.interviews.store.data_dir
    web.templates.env.globals["spoken_answers"] = lambda session: spoken_answers(session, data_dir)

    @app.get("/sessions/{session_id}/audio/{name}")
    def answer_audio(request: Request, session_id: str, name: str) -> Response:  # run in the thread pool
        viewed = viewed_session(web, request, session_id, not_found=not_found)
        if isinstance(viewed, Response):
            return viewed
        viewer, full_id = viewed
        path = audio_file(data_dir, full_id, name) if full_id == session_id else None
        if path is None:
            return not_found(request, viewer)
        return FileResponse(path, media_type=MEDIA_TYPES[path.suffix.lower()])
