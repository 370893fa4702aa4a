"""A reply whose answer streams: the interviewer's words reach the browser as the model produces them.

The page's script (`static/stream.js`) posts the same form as without it to `.../stream` and reads the
answer as newline-delimited JSON, one event a line, which it shows as text (never as HTML):

- `{"type": "partial", "text": ...}`: the next piece of the utterance being produced;
- `{"type": "retract"}`: the pieces so far are withdrawn (they failed a check); others may follow;
- `{"type": "say", "kind": ..., "text": ...}`: a whole utterance, as recorded (it ends the pieces);
- `{"type": "done", "location": ..., "notes": [...]}` or `{"type": "error", "message": ..., "location": ...}`:
  the last line; the script then opens `location`, the page as recorded.

The reply runs in a worker thread (the orchestrator is synchronous) and hands its events to the event
loop as they happen. Nothing is lost when the browser goes away: the reply still runs to its end and is
saved, and the page shows it on the next visit. The session cookie cannot change once the answer has
begun, so the notes the page would have carried in it travel in the `done` event instead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from mockinterviewer.errors import InputError
from mockinterviewer.web.channel import BrowserChannel

MEDIA_TYPE = "application/x-ndjson"
_running: set[asyncio.Future[None]] = set()  # replies still running after their browser went away

Work = Callable[[BrowserChannel], str]  # takes the reply through the channel; returns the page to open next


def stream_reply(work: Work, page: str) -> StreamingResponse:
    """Run `work` in a worker thread and stream its channel's events, then `done` (or `error` for an
    InputError, with `page` to open). A bug raised by `work` ends the stream without a last line (the
    script then reloads the page) and reaches the server's log."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    def emit(event: dict[str, Any] | None) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, event)

    def run() -> None:
        channel = BrowserChannel(listener=emit)
        try:
            location = work(channel)
            emit({"type": "done", "location": location, "notes": channel.notes()})
        except InputError as exc:
            emit({"type": "error", "message": exc.message, "location": page})
        finally:
            emit(None)

    async def lines() -> AsyncIterator[str]:
        task = asyncio.ensure_future(run_in_threadpool(run))
        _running.add(task)
        task.add_done_callback(_running.discard)
        while (event := await queue.get()) is not None:
            yield json.dumps(event) + "\n"
        await task

    return StreamingResponse(lines(), media_type=MEDIA_TYPE, headers={"x-accel-buffering": "no"})
