"""The answer audio on the session page: the player and delivery figures beside a spoken answer, an endpoint
that only the candidate and their coaches reach, serving only files of that session's own audio folder."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mockinterviewer.web.audio import audio_file, delivery_figures
from tests.web.conftest import Site, logged_in
from tests.web.spoken_session import SPOKEN_ID, add_spoken_session

AUDIO = f"/sessions/{SPOKEN_ID}/audio/turn-0001.wav"


@pytest.fixture
def spoken(site: Site) -> Path:
    return add_spoken_session(site.store)


def test_the_session_page_has_a_player_and_the_delivery_figures(site: Site, spoken: Path) -> None:
    for name in ("ada", "carol"):
        page = logged_in(site, name).get(f"/sessions/{SPOKEN_ID}").text
        assert f'<audio controls preload="metadata" src="{AUDIO}"></audio>' in page
        assert "90 words/min" in page and "2 filler words (um ×1, like ×1)" in page
        assert "1 long pause (2.6 s)" in page and "6 s talking" in page


def test_a_typed_answer_has_no_player(site: Site, spoken: Path) -> None:
    page = logged_in(site, "ada").get("/sessions/aaaa1111").text
    assert "<audio" not in page and "words/min" not in page


def test_an_answer_whose_file_is_gone_keeps_its_figures_without_a_player(site: Site, spoken: Path) -> None:
    spoken.unlink()
    page = logged_in(site, "ada").get(f"/sessions/{SPOKEN_ID}").text
    assert "<audio" not in page and "90 words/min" in page
    assert logged_in(site, "ada").get(AUDIO).status_code == 404


def test_the_candidate_and_the_assigned_coach_fetch_the_audio(site: Site, spoken: Path) -> None:
    for name in ("ada", "carol"):
        response = logged_in(site, name).get(AUDIO)
        assert response.status_code == 200
        assert response.headers["content-type"] == "audio/wav"
        assert response.headers["accept-ranges"] == "bytes"
        assert response.content == spoken.read_bytes()
        assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"


def test_anyone_else_gets_404(site: Site, spoken: Path) -> None:
    for name in ("bob", "dave"):  # another candidate; a coach not assigned to ada
        response = logged_in(site, name).get(AUDIO)
        assert response.status_code == 404
        assert b"RIFF" not in response.content
    logged_out = site.new_client().get(AUDIO, follow_redirects=False)
    assert logged_out.status_code == 303 and logged_out.headers["location"] == "/login"


def test_range_requests_let_a_browser_seek(site: Site, spoken: Path) -> None:
    client = logged_in(site, "ada")
    data = spoken.read_bytes()
    first = client.get(AUDIO, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-99/{len(data)}"
    assert first.content == data[:100]
    tail = client.get(AUDIO, headers={"Range": f"bytes={len(data) - 10}-"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    beyond = client.get(AUDIO, headers={"Range": f"bytes={len(data) + 10}-"})
    assert beyond.status_code == 416


def _refused(site: Site, path: str, secret: bytes) -> None:
    response = logged_in(site, "ada").get(path)
    assert response.status_code == 404, path
    assert secret not in response.content


def _raw_get(client: TestClient, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written (an HTTP client, like a browser, would resolve its dot segments first)."""
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    sent: list[dict[str, Any]] = []
    requested = False

    async def run() -> None:
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()  # the client goes away once the response is complete
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await client.app(scope, receive, send)  # type: ignore[arg-type]

    asyncio.run(asyncio.wait_for(run(), timeout=30))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_dot_dot_is_refused(site: Site, spoken: Path) -> None:
    secret = (spoken.parents[2] / "web-secret").read_bytes()
    for name in ("%2E%2E", "%2e%2e%2fweb-secret", "..%2Fweb-secret"):
        _refused(site, f"/sessions/{SPOKEN_ID}/audio/{name}", secret)
    client = logged_in(site, "ada")
    for raw in (f"/sessions/{SPOKEN_ID}/audio/..", f"/sessions/{SPOKEN_ID}/audio/../../web-secret",
                f"/sessions/{SPOKEN_ID}/audio/../{SPOKEN_ID}/turn-0001.wav"):
        status, body = _raw_get(client, raw)
        assert status == 404 and secret not in body and b"RIFF" not in body, raw
    assert _raw_get(client, AUDIO)[0] == 200  # the helper does reach the endpoint


def test_encoded_slashes_are_refused(site: Site, spoken: Path) -> None:
    secret = (spoken.parents[2] / "web-secret").read_bytes()
    for name in ("..%2F..%2Fweb-secret", "..%2f..%2fmockinterviewer.db", "..%5C..%5Cweb-secret",
                 "%252E%252E%252Fweb-secret", f"..%2F{SPOKEN_ID}%2Fturn-0001.wav"):
        _refused(site, f"/sessions/{SPOKEN_ID}/audio/{name}", secret)


def test_absolute_paths_are_refused(site: Site, spoken: Path) -> None:
    secret = (spoken.parents[2] / "web-secret").read_bytes()
    for name in (f"%2F{spoken.parents[2].as_posix().lstrip('/').replace('/', '%2F')}%2Fweb-secret",
                 "%2Fetc%2Fpasswd", f"{spoken}".replace("/", "%2F")):
        _refused(site, f"/sessions/{SPOKEN_ID}/audio/{name}", secret)
    _refused(site, f"/sessions/{SPOKEN_ID}/audio//etc/passwd", secret)


def test_a_symbolic_link_out_of_the_folder_is_refused(site: Site, spoken: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.wav"
    outside.write_bytes(b"RIFF not the session's")
    (spoken.parent / "turn-0009.wav").symlink_to(outside)
    (spoken.parent / "turn-0010.wav").symlink_to(spoken.parents[2] / "web-secret")
    secret = (spoken.parents[2] / "web-secret").read_bytes()
    _refused(site, f"/sessions/{SPOKEN_ID}/audio/turn-0009.wav", b"not the session's")
    _refused(site, f"/sessions/{SPOKEN_ID}/audio/turn-0010.wav", secret)


def test_a_session_folder_that_links_to_another_sessions_folder_is_refused(site: Site, spoken: Path) -> None:
    """bob's session folder pointing at ada's: bob still cannot hear ada's answer."""
    (spoken.parents[1] / "bbbb2222").symlink_to(spoken.parent)
    response = logged_in(site, "bob").get("/sessions/bbbb2222/audio/turn-0001.wav")
    assert response.status_code == 404 and b"RIFF" not in response.content


def test_another_sessions_file_and_other_files_are_refused(site: Site, spoken: Path) -> None:
    (spoken.parent / "notes.txt").write_text("not audio")
    (spoken.parent / ".turn-0002.wav").write_bytes(b"RIFF hidden")
    client = logged_in(site, "ada")
    for path in ("/sessions/aaaa1111/audio/turn-0001.wav",  # ada's other session has no such file
                 f"/sessions/{SPOKEN_ID}/audio/notes.txt", f"/sessions/{SPOKEN_ID}/audio/.turn-0002.wav",
                 f"/sessions/{SPOKEN_ID}/audio/turn-0001.wav.part", f"/sessions/{SPOKEN_ID[:4]}/audio/turn-0001.wav"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("name", ["..", ".", "../web-secret", "..\\web-secret", "/etc/passwd", "a/turn-0001.wav",
                                  "", ".turn-0001.wav", "turn-0001.wav\x00.txt", "turn-0001.exe", "turn-0001"])
def test_audio_file_takes_only_a_plain_audio_file_name(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "audio" / "abcd1234"
    folder.mkdir(parents=True)
    (folder / "turn-0001.wav").write_bytes(b"RIFF")
    (tmp_path / "web-secret").write_text("s")
    assert audio_file(tmp_path, "abcd1234", name) is None
    assert audio_file(tmp_path, "abcd1234", "turn-0001.wav") == folder / "turn-0001.wav"
    assert audio_file(tmp_path, "..", "web-secret") is None


def test_the_figures_of_an_answer() -> None:
    figures = delivery_figures({"words": 1, "talk_seconds": 0.5, "wpm": 120.0, "fillers": {}, "filler_count": 0,
                                "long_pauses": 2, "long_pause_seconds": 5.0, "longest_pause": 3.0})
    assert figures == ["120 words/min", "1 word", "0 s talking", "0 filler words", "2 long pauses (5.0 s)",
                       "longest pause 3.0 s"]
    assert delivery_figures({"wpm": "fast", "words": None}) == []
    assert os.sep == "/"  # the tests build paths with '/'
