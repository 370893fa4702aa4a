"""Benchmark of a spoken answer in the browser interview: prints figures, asserts nothing.

A ~20 s answer spoken by espeak-ng is encoded as the page's MediaRecorder uploads it (WebM/Opus, 32 kbit/s)
and posted to `/interviews/{id}/voice` of the real app (FastAPI in process, SQLite data dir, a logged-in
candidate with the CSRF token). The time measured runs from the moment the whole upload has been sent to
the moment the transcript comes back: parsing the upload, decoding it (PyAV), transcription by the local
faster-whisper model primed with the question, compressing the audio for the turn and keeping it. The
upload itself crosses no network here (on loopback 80 kB take well under a millisecond).

For each model, tiny.en (bundled) and Whisper base (the voice-base extra; skipped with a note when it is
missing, the server's message is printed): the first upload (it loads the model), the median and worst of
the next RUNS, the real-time factor (seconds per second of audio) and the transcript's word error rate.
The load average is printed too: on a machine shared with other work the times grow with it.

Hands-free (model-independent): the same answer with a 2 s pause in its middle and 4 s of quiet after it, as a
live WebM posted in half-second pieces to `/interviews/{id}/voice-listen`, as the page does while it
records: the time each piece takes (median, worst), where the server declared the answer over (seconds after
the last word, in the recording's time), and the cost of one piece at the end of a ten-minute answer (the
container is read again from its start for each piece).

Run: .venv/bin/python evals/bench_browser_voice.py            (about two minutes; needs espeak-ng)
     .venv/bin/python evals/bench_browser_voice.py tiny.en    (one model only, and hands-free)
Aim (issue 11): end of a 20 s answer to its transcript on screen under 2 s on two cores with tiny.en.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from mockinterviewer.speech.audio import SAMPLE_RATE, resample, to_int16  # noqa: E402
from mockinterviewer.speech.tts import EspeakTTS  # noqa: E402
from mockinterviewer.speech.wer import word_error_rate  # noqa: E402

RUNS = 5
PIECE_SECONDS = 0.5  # what the page hands over at a time while it records hands-free
MODELS = ("tiny.en", "base")
PASSWORD = "a long enough benchmark password"
ANSWER = (
    "In my last role I led the migration of our billing service from a monolith to an event driven design. "
    "I started by measuring the p99 latency, then split the work into three stages so "
    "each one could be rolled back. We used Kafka for the events and idempotent consumers for the retries. "
    "The result was half the incidents."
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def spoken_answer() -> np.ndarray:
    tts = EspeakTTS("en-us", 175, 2)
    if not tts.available():
        sys.exit("espeak-ng is not installed: apt-get install espeak-ng")
    speech = tts.synthesize(ANSWER)
    return resample(speech.samples, speech.rate)


def webm(samples: np.ndarray, bit_rate: int = 32_000, *, live: bool = False) -> bytes:
    """What Chromium's MediaRecorder uploads for `audioBitsPerSecond: 32000` (`live`: as it hands it over)."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="webm", options={"live": "1"} if live else {}) as container:
        stream = container.add_stream("libopus", rate=48_000)
        stream.layout = "mono"  # type: ignore[union-attr]
        stream.bit_rate = bit_rate  # type: ignore[union-attr]
        frame = av.AudioFrame.from_ndarray(to_int16(samples).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
        for out in [*resampler.resample(frame), *resampler.resample(None)]:
            out.pts = None
            container.mux(stream.encode(out))  # type: ignore[union-attr]
        container.mux(stream.encode(None))  # type: ignore[union-attr]
    return buffer.getvalue()


@contextlib.contextmanager
def interview(model: str) -> Iterator[tuple[Any, str, str]]:
    """The real app on a fresh data directory, a logged-in candidate's new interview: (client, id, CSRF token)."""
    from fastapi.testclient import TestClient

    from mockinterviewer.config import load_settings
    from mockinterviewer.store.accounts import Role
    from mockinterviewer.web import create_app

    with tempfile.TemporaryDirectory(prefix="bench-browser-voice-") as home:
        os.environ.update({"MOCKINTERVIEWER_HOME": home, "MOCKINTERVIEWER_LLM": "offline",
                           "MOCKINTERVIEWER_STT_MODEL": model, "MOCKINTERVIEWER_VOICE_STT_MODEL": model})
        app = create_app(load_settings())
        app.state.web.accounts.add_user("ada", Role.CANDIDATE, PASSWORD)
        client = TestClient(app)
        token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"name": "ada", "password": PASSWORD, "csrf": token})
        token = CSRF.search(client.get("/interviews/new").text).group(1)  # type: ignore[union-attr]
        started = client.post("/interviews", data={"csrf": token, "round": "netflix-senior-swe/recruiter-screen",
                                                   "questions": "1"}, follow_redirects=False)
        session_id = started.headers["location"].rsplit("/", 1)[1]
        token = CSRF.search(client.get(f"/interviews/{session_id}").text).group(1)  # type: ignore[union-attr]
        yield client, session_id, token


def bench(model: str, recording: bytes, seconds: float) -> None:
    with interview(model) as (client, session_id, token):
        times: list[float] = []
        texts: list[str] = []
        for _ in range(RUNS + 1):
            began = time.perf_counter()
            response = client.post(f"/interviews/{session_id}/voice", data={"csrf": token},
                                   files={"audio": ("answer.webm", recording, "audio/webm")})
            times.append(time.perf_counter() - began)
            if response.status_code != 200:
                print(f"{model:8}  not measured: {response.json().get('error', response.text)}")
                return
            texts.append(response.json()["text"])
    steady = times[1:]
    median = statistics.median(steady)
    print(f"{model:8}  first (loads the model) {times[0]:5.2f} s   median {median:5.2f} s   worst {max(steady):5.2f} s"
          f"   RTF {median / seconds:5.3f}   WER {word_error_rate([(ANSWER, texts[-1])]):.3f}"
          f"   (load average {os.getloadavg()[0]:.1f})")


def voiced_end(samples: np.ndarray, dbfs: float = -40.0) -> int:
    """The sample just after the last 10 ms louder than `dbfs` (espeak-ng ends its speech with some quiet)."""
    hop = SAMPLE_RATE // 100
    frames = samples[: samples.size // hop * hop].reshape(-1, hop).astype(np.float64) / 32768
    loud = np.flatnonzero(10 * np.log10(np.mean(frames**2, axis=1) + 1e-12) > dbfs)
    return int(loud[-1] + 1) * hop


def bench_hands_free(samples: np.ndarray) -> None:
    """The answer's end heard piece by piece over HTTP, and one piece at the end of a ten-minute answer."""
    from mockinterviewer.speech.settings import load_voice_settings
    from mockinterviewer.web.answer_end import HandsFreeAnswers

    half = samples.size // 2
    pause, after = np.zeros(2 * SAMPLE_RATE, np.int16), np.zeros(4 * SAMPLE_RATE, np.int16)
    paused = np.concatenate([samples[:half], pause, samples[half:], after])
    last_word = (half + pause.size + voiced_end(samples[half:])) / SAMPLE_RATE
    data = webm(paused, live=True)
    step = int(len(data) / (paused.size / SAMPLE_RATE) * PIECE_SECONDS)
    times: list[float] = []
    with interview("tiny.en") as (client, session_id, token):
        for offset in range(0, len(data), step):
            began = time.perf_counter()
            verdict = client.post(f"/interviews/{session_id}/voice-listen",
                                  data={"csrf": token, "recording": "b" * 24, "offset": str(offset)},
                                  files={"piece": ("piece.webm", data[offset : offset + step], "audio/webm")}).json()
            times.append(time.perf_counter() - began)
            if verdict.get("over") or "error" in verdict:
                break
    steady = times[1:]  # the first loads Silero
    print(f"hands-free: {len(times)} pieces of {PIECE_SECONDS} s; first {times[0] * 1000:.0f} ms (loads Silero VAD), "
          f"then median {statistics.median(steady) * 1000:.0f} ms, worst {max(steady) * 1000:.0f} ms per piece")
    if verdict.get("over"):
        print(f"            answer over {verdict['heard'] - last_word:.2f} s after the last word (in the recording; "
              f"the 2 s pause did not end it), speech heard until {verdict['speech_end'] - last_word:+.2f} s")
    else:
        print(f"            not over: {verdict}")

    long = np.concatenate([samples] * int(np.ceil(600 * SAMPLE_RATE / samples.size)))[: 600 * SAMPLE_RATE]
    long_data = webm(long, live=True)
    cut = len(long_data) - 20 * step
    answers = HandsFreeAnswers(load_voice_settings(), 64 * 1024 * 1024)
    answers.feed(("ada", "s"), "c" * 24, 0, long_data[:cut])
    late: list[float] = []
    for offset in range(cut, cut + 10 * step, step):
        began = time.perf_counter()
        answers.feed(("ada", "s"), "c" * 24, offset, long_data[offset : offset + step])
        late.append(time.perf_counter() - began)
    print(f"            a piece at the end of a 10-minute answer ({len(long_data) / 1e6:.1f} MB): median "
          f"{statistics.median(late) * 1000:.0f} ms (load average {os.getloadavg()[0]:.1f})")


def main() -> None:
    models = [m for m in sys.argv[1:] if m in MODELS] or list(MODELS)
    samples = spoken_answer()
    seconds = samples.size / SAMPLE_RATE
    recording = webm(samples)
    print(f"answer: {seconds:.1f} s of espeak-ng speech, {len(recording) / 1024:.0f} kB as WebM/Opus 32 kbit/s; "
          f"{os.cpu_count()} CPUs; {RUNS} timed uploads after the first")
    print("time from the end of the upload to the transcript returned:")
    for model in models:
        bench(model, recording, seconds)
    bench_hands_free(samples)



if __name__ == "__main__":
    main()
