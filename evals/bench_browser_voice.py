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

Run: .venv/bin/python evals/bench_browser_voice.py            (about a minute; needs espeak-ng)
     .venv/bin/python evals/bench_browser_voice.py tiny.en    (one model only)
Aim (issue 11): end of a 20 s answer to its transcript on screen under 2 s on two cores with tiny.en.
"""

from __future__ import annotations

import io
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from mockinterviewer.speech.audio import SAMPLE_RATE, resample, to_int16  # noqa: E402
from mockinterviewer.speech.tts import EspeakTTS  # noqa: E402
from mockinterviewer.speech.wer import word_error_rate  # noqa: E402

RUNS = 5
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


def webm(samples: np.ndarray, bit_rate: int = 32_000) -> bytes:
    """What Chromium's MediaRecorder uploads for `audioBitsPerSecond: 32000`."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="webm") as container:
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


def bench(model: str, recording: bytes, seconds: float) -> None:
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



if __name__ == "__main__":
    main()
