"""Test helpers for the streamed browser interview: the app served by a real uvicorn on loopback (in a
thread, so a test can read the stream as it arrives), a logged-in httpx client, reading the stream's
events with their arrival times, and what a fake model answers the interviewer's prompts."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ROUND = "netflix-senior-swe/onsite-technical-deep-dive"
OPENING = ("Hello Ada, I am the engineer running this round today. It lasts about forty five minutes, so please "
           "think out loud as you go.")
LEAD_IN = "Here is the next one for you."
MOVE_ON = "Thanks, that is clear enough. Let us move on to the next one."
ANSWER = "I would first measure the p99 latency per endpoint, then read the traces of the slowest requests."


def model_reply(prompt: str) -> str:
    """A fake model's answer to the interviewer's last prompt: an opening, a lead-in to a question, or
    after an answer the move as JSON (whose "say" streams), always moving on."""
    if "Hidden rubric" in prompt:
        return json.dumps({"kind": "move_on", "probes": [], "say": MOVE_ON})
    if "You are about to ask question" in prompt:
        return LEAD_IN
    if "Open the round" in prompt:
        return OPENING
    return "Thank you for your time today."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """`app` served on a free loopback port until the block ends; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def csrf(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@contextmanager
def live_client(base: str, name: str, password: str) -> Iterator[httpx.Client]:
    """An httpx client logged in as `name` (redirects followed)."""
    with httpx.Client(base_url=base, timeout=120, follow_redirects=True) as client:
        response = client.post("/login", data={"name": name, "password": password, "csrf": csrf(client, "/login")})
        assert response.status_code == 200 and "/login" not in str(response.url), "login failed"
        yield client


@dataclass
class Event:
    at: float  # seconds since the request was sent
    data: dict[str, Any]


def read_events(client: httpx.Client, path: str, form: dict[str, str]) -> list[Event]:
    """POST `form` to the streaming `path` and read its events, each stamped when it arrived."""
    events: list[Event] = []
    started = time.monotonic()
    with client.stream("POST", path, data=form, headers={"accept": "application/x-ndjson"}) as response:
        assert response.status_code == 200, response.status_code
        assert response.headers["content-type"].startswith("application/x-ndjson")
        for line in response.iter_lines():
            if line.strip():
                events.append(Event(time.monotonic() - started, json.loads(line)))
    return events


def utterances(events: list[Event]) -> list[tuple[str, str, str]]:
    """(kind, whole text, text streamed for it since its last withdrawal) per `say` event."""
    out: list[tuple[str, str, str]] = []
    streamed = ""
    for event in events:
        kind = event.data["type"]
        if kind == "partial":
            streamed += event.data["text"]
        elif kind == "retract":
            streamed = ""
        elif kind == "say":
            out.append((event.data["kind"], event.data["text"], streamed))
            streamed = ""
    return out
