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

End of a hands-free answer (tiny.en): a 20 s and a 60 s answer, then 5 s of quiet, posted in half-second
pieces in real time (as a recorder hands them over) until the server says the answer is over; then, as the
page did before, the whole recording uploaded to `/voice` (the server only listened for the end), and as
it does now, the last piece posted to `/voice-finish` (the server transcribed the answer part by part, at
its pauses, while it came). Printed: the time from the end of the speech to the transcript returned (it
holds the 3 s thinking time that ends an answer), and from the answer declared over to the transcript.

Run: .venv/bin/python evals/bench_browser_voice.py            (about six minutes; needs espeak-ng)
     .venv/bin/python evals/bench_browser_voice.py tiny.en    (one model only, hands-free and its end)
     .venv/bin/python evals/bench_browser_voice.py end        (the end of a hands-free answer only)
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
LONGER = (  # the middle of a 60 s answer
    "After that I moved the invoices to a new database. We copied the data twice, compared every row, and only "
    "then switched the readers over, one region at a time. The hardest part was the reports, because finance "
    "needed them on the first day of each month, so we froze the schema for that week."
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def spoken_answer(text: str = ANSWER) -> np.ndarray:
    tts = EspeakTTS("en-us", 175, 2)
    if not tts.available():
        sys.exit("espeak-ng is not installed: apt-get install espeak-ng")
    speech = tts.synthesize(text)
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


def hands_free_end(samples: np.ndarray, *, in_parts: bool) -> tuple[float, float, str]:
    """Seconds from the end of the speech, and from the answer declared over, to the transcript; its text."""
    last_word = voiced_end(samples) / SAMPLE_RATE
    padded = np.concatenate([samples, np.zeros(5 * SAMPLE_RATE, np.int16)])
    data = webm(padded, live=True)
    step = int(len(data) / (padded.size / SAMPLE_RATE) * PIECE_SECONDS)
    with interview("tiny.en") as (client, session_id, token):
        if not in_parts:  # as before: the server only listens for the end
            client.app.state.hands_free_answers._transcribe_later = None
        warm = webm(samples[: 3 * SAMPLE_RATE])  # the model loads before the answer, as on a server in use
        client.post(f"/interviews/{session_id}/voice", data={"csrf": token},
                    files={"audio": ("answer.webm", warm, "audio/webm")})
        began = time.perf_counter()
        for n, offset in enumerate(range(0, len(data), step)):
            time.sleep(max(0.0, began + (n + 1) * PIECE_SECONDS - time.perf_counter()))  # the recorder's pace
            verdict = client.post(f"/interviews/{session_id}/voice-listen",
                                  data={"csrf": token, "recording": "e" * 24, "offset": str(offset)},
                                  files={"piece": ("piece.webm", data[offset : offset + step], "audio/webm")}).json()
            if verdict.get("over") or "error" in verdict:
                break
        over = time.perf_counter()
        rest, end = min(offset + step, len(data)), min(offset + step + step // 2, len(data))  # the recorder's last
        if in_parts:
            response = client.post(f"/interviews/{session_id}/voice-finish",
                                   data={"csrf": token, "recording": "e" * 24, "offset": str(rest)},
                                   files={"piece": ("piece.webm", data[rest:end], "audio/webm")})
        else:
            response = client.post(f"/interviews/{session_id}/voice", data={"csrf": token},
                                   files={"audio": ("answer.webm", data[:end], "audio/webm")})
        done = time.perf_counter()
    heard = response.json()
    return done - (began + last_word), done - over, str(heard.get("text") or heard.get("error"))


def bench_hands_free_end(samples: np.ndarray) -> None:
    long = np.concatenate([samples, np.zeros(SAMPLE_RATE, np.int16), spoken_answer(LONGER),
                           np.zeros(SAMPLE_RATE, np.int16), samples])
    print("end of a hands-free answer to its transcript (tiny.en; pieces posted in real time; the 3 s thinking "
          "time is in the first figure):")
    for answer in (samples, long):
        seconds = answer.size / SAMPLE_RATE
        for in_parts, how in ((False, "before: whole recording uploaded"), (True, "after:  last piece only      ")):
            after_speech, after_over, text = hands_free_end(answer, in_parts=in_parts)
            expected = ANSWER if answer is samples else f"{ANSWER} {LONGER} {ANSWER}"
            print(f"  {seconds:4.0f} s answer, {how}: {after_speech:5.2f} s after the speech ended, "
                  f"{after_over:5.2f} s after the answer was declared over   WER "
                  f"{word_error_rate([(expected, text)]):.3f}   (load average {os.getloadavg()[0]:.1f})")


def main() -> None:
    if sys.argv[1:] == ["end"]:
        bench_hands_free_end(spoken_answer())
        return
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
    bench_hands_free_end(samples)


if __name__ == "__main__":
    main()
