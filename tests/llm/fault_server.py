"""A real local HTTP server (stdlib, in a thread) that plays an OpenAI-compatible endpoint badly.

Each request to /v1/chat/completions takes the next scripted behaviour: ("ok", text) streams
`text` properly; ("429", seconds) answers 429 with Retry-After; ("500", _) an internal error;
("garbage", _) a 200 stream of invalid JSON; ("cut", text) streams part of `text` then drops the
connection; ("hang", seconds) answers nothing for that long; ("401", _) rejects the key, echoing
it. Request times and bodies are recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _chunk(content: str | None, finish: str | None = None) -> bytes:
    delta: dict[str, Any] = {} if content is None else {"content": content}
    body = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "fault",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body)}\n\n".encode()


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: list[tuple[str, Any]] = []
        self.times: list[float] = []
        self.bodies: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up on a stalled or cut response are expected here; stay quiet."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def next(self) -> tuple[str, Any]:
        with self.lock:
            self.times.append(time.monotonic())
            if not self.script:
                return ("500", "unexpected request: the test script is exhausted")
            return self.script.pop(0)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.bodies.append(body)
        kind, arg = self.server.next()
        if kind == "429":
            err = json.dumps({"error": {"message": "slow down", "type": "rate_limit"}}).encode()
            self._send(429, err, {"Retry-After": str(arg)})
        elif kind == "401":  # echoes the credentials it got, as careless servers do
            auth = self.headers.get("Authorization", "")
            self._send(401, json.dumps({"error": {"message": f"invalid key in '{auth}'"}}).encode())
        elif kind == "500":
            self._send(500, json.dumps({"error": {"message": str(arg or "boom")}}).encode())
        elif kind == "hang":
            time.sleep(float(arg))
            self.close_connection = True
        elif kind in ("ok", "cut", "garbage"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def write(data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            if kind == "garbage":
                write(b"data: {this is not json\n\n")
                write(b"data: [DONE]\n\n")
                self.wfile.write(b"0\r\n\r\n")
                return
            words = str(arg).split(" ")
            pieces = [w if i == 0 else " " + w for i, w in enumerate(words)]
            if kind == "cut":
                for piece in pieces[: max(1, len(pieces) * 2 // 3)]:
                    write(_chunk(piece))
                self.close_connection = True  # drop the connection mid-stream: no final chunk
                return
            for piece in pieces:
                write(_chunk(piece))
            write(_chunk(None, "stop"))
            write(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
        else:  # pragma: no cover - a test bug
            self._send(400, b"{}")


@contextmanager
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
