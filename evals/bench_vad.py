"""Benchmark of end-of-answer detection in a noisy room: prints figures, asserts nothing.

Spoken answers (espeak-ng) with thinking pauses of 1 to 2.5 s between their parts, in a quiet room
and with background noise made with sox and mixed in with `sox -m`: a fan-like hum, keyboard
clicks, a second voice further away, and all three at once. Each recording goes through the
terminal's end-of-answer rule (`Endpointer`: an answer ends after 3 s without speech) with each
detector, frame by frame, exactly as from a microphone. For each detector and room:

- cut short: answers declared over before their last word was spoken (a thinking pause ended
  them), or that never started;
- not ended: answers still "going on" 10 s after their last word (the noise kept them alive);
- delay: from the end of real speech to the moment the end is declared, over the answers not cut
  short (mean and p95; the 3 s thinking time is part of it, so 3.0 s plus a frame or two is ideal);
- false starts: 20 s of the noise alone that the detector took for an answer;
- cost: detector time per second of audio.

Run: .venv/bin/python evals/bench_vad.py        (about a minute; needs espeak-ng and sox)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # tests.speech.noise: the same sox-made noise as the tests

from tests.speech import noise  # noqa: E402

from mockinterviewer.speech.audio import SAMPLE_RATE, load_audio, resample, write_wav  # noqa: E402
from mockinterviewer.speech.tts import EspeakTTS  # noqa: E402
from mockinterviewer.speech.vad import FRAME, DetectorKind, Endpointer, frames_for, make_detector  # noqa: E402

THINKING = 3.0
LEAD, TAIL = 1.0, 10.0
DETECTORS: tuple[DetectorKind, ...] = ("energy", "silero")

# Each answer is spoken in parts; the pause after each part but the last is a thinking pause (s).
ANSWERS: list[tuple[list[str], list[float]]] = [
    (["I would retry only transient failures, like timeouts and five oh three errors.",
      "Then I would add exponential backoff with jitter so clients do not retry in lockstep."], [2.0]),
    (["First I would measure where the latency comes from.",
      "Probably the database.", "Then I would add a read-through cache with a short expiry."], [1.5, 2.0]),
    (["Consistent hashing puts the nodes on a ring.",
      "With virtual nodes the load stays even when a node leaves."], [2.5]),
    (["The payment request carries an idempotency key.",
      "The server stores the key with the result, so a retry returns the same answer."], [2.0]),
    (["Let me think.", "A circuit breaker opens after repeated failures and fails fast.",
      "After a cool down it lets one request through to test the service."], [2.0, 1.0]),
    (["I led the migration to the new queue.", "We ran both systems side by side for two weeks.",
      "Then we switched the traffic over in small steps."], [1.0, 2.5]),
    (["For the feed I would precompute timelines for most users,",
      "and fan out on read for accounts with millions of followers."], [2.0]),
    (["Back pressure means the consumer tells the producer to slow down.",
      "Otherwise the queue grows without bound and memory runs out."], [2.0]),
]
SECOND_VOICE = [
    "Did you see the match last night?", "I think the meeting moved to three.",
    "Can you pass me the charger?", "We should order lunch soon.",
]


def speak(text: str, voice: str = "en-us", rate: int = 150) -> np.ndarray:
    speech = EspeakTTS(voice, rate, 2).synthesize(text)
    return resample(speech.samples, speech.rate)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), np.int16)


def voiced_end(samples: np.ndarray, dbfs: float = -40.0) -> int:
    """The sample just after the last 10 ms louder than `dbfs` (the end of real speech)."""
    hop = SAMPLE_RATE // 100
    n = samples.size // hop
    power = np.mean((samples[: n * hop].reshape(n, hop).astype(np.float64) / 32768) ** 2, axis=1)
    loud = np.flatnonzero(10 * np.log10(power + 1e-12) > dbfs)
    return int((loud[-1] + 1) * hop)


def sox(*args: str) -> None:
    subprocess.run(["sox", "-R", *args], check=True, capture_output=True)


@dataclass
class Noises:
    """Background noise tracks of a given length, made with sox in `folder` (as the tests make them)."""

    folder: Path

    def hum(self, seconds: float) -> Path:
        """A fan: brown noise low-passed, with a 100 Hz motor hum, about 20 dB under the speech."""
        path = self.folder / "hum-track.wav"
        write_wav(path, noise.hum(self.folder, seconds))
        return path

    def keyboard(self, seconds: float, seed: int) -> Path:
        """Typing: bursts of sox-made key clicks, 5 to 9 a second."""
        path = self.folder / "keys-track.wav"
        write_wav(path, noise.keyboard(self.folder, seconds, seed))
        return path

    def voice(self, seconds: float, seed: int) -> Path:
        """Someone talking across the room: short remarks every few seconds, about 15 dB under the speech."""
        rng = np.random.default_rng(seed)
        track = np.zeros(int(seconds * SAMPLE_RATE), np.int32)
        t = rng.uniform(0.5, 3.0)
        i = seed
        while t < seconds:
            remark = speak(SECOND_VOICE[i % len(SECOND_VOICE)], "en-gb-x-rp", 170).astype(np.int32)
            at = int(t * SAMPLE_RATE)
            piece = remark[: max(0, track.size - at)]
            track[at : at + piece.size] += piece // 6
            t += piece.size / SAMPLE_RATE + rng.uniform(3.0, 8.0)
            i += 1
        path = self.folder / f"voice-{seed}.wav"
        write_wav(path, track.astype(np.int16))
        return path


ROOMS = ("quiet", "fan hum", "keyboard", "second voice", "all three")


def noisy(folder: Path, noises: Noises, clean: np.ndarray, room: str, seed: int) -> np.ndarray:
    """`clean` with the room's noise mixed in by `sox -m` (each input at its own level)."""
    if room == "quiet":
        return clean
    seconds = clean.size / SAMPLE_RATE
    tracks = {"fan hum": [noises.hum(seconds)], "keyboard": [noises.keyboard(seconds, seed)],
              "second voice": [noises.voice(seconds, seed)]}
    tracks["all three"] = [*tracks["fan hum"], *tracks["keyboard"], *tracks["second voice"]]
    speech_path, out = folder / "speech.wav", folder / "mixed.wav"
    write_wav(speech_path, clean)
    inputs = [arg for path in [speech_path, *tracks[room]] for arg in ("-v", "1", str(path))]
    sox("-m", *inputs, str(out))
    return load_audio(out)[: clean.size]


@dataclass
class Outcome:
    cut_short: bool
    ended: bool
    delay: float | None  # seconds from the end of real speech to the declared end
    seconds: float  # detector time


def run(kind: DetectorKind, recording: np.ndarray, speech_end: int) -> Outcome:
    endpointer = Endpointer(thinking=frames_for(THINKING), classifier=make_detector(kind))
    started = time.perf_counter()
    for i in range(recording.size // FRAME):
        if endpointer.feed(recording[i * FRAME : (i + 1) * FRAME]):
            break
    spent = time.perf_counter() - started
    if endpointer.start is None or endpointer.end is None:
        return Outcome(cut_short=endpointer.start is None, ended=False, delay=None, seconds=spent)
    delay = (endpointer.fed * FRAME - speech_end) / SAMPLE_RATE
    if delay < 0:  # declared over while the candidate was still talking: a thinking pause ended it
        return Outcome(cut_short=True, ended=True, delay=None, seconds=spent)
    return Outcome(cut_short=False, ended=True, delay=delay, seconds=spent)


def false_start(kind: DetectorKind, noise: np.ndarray) -> bool:
    endpointer = Endpointer(thinking=frames_for(THINKING), classifier=make_detector(kind))
    for i in range(noise.size // FRAME):
        if endpointer.feed(noise[i * FRAME : (i + 1) * FRAME]):
            break
    return endpointer.start is not None


def p95(values: list[float]) -> float | None:
    return float(np.percentile(values, 95)) if values else None


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def main() -> None:
    if not EspeakTTS().available():
        sys.exit("espeak-ng is needed: apt-get install espeak-ng")
    with tempfile.TemporaryDirectory(prefix="bench-vad-") as tmp:
        folder = Path(tmp)
        noises = Noises(folder)
        cleans: list[tuple[np.ndarray, int]] = []
        for parts, pauses in ANSWERS:
            pieces = [silence(LEAD)]
            for i, part in enumerate(parts):
                pieces.append(speak(part))
                if i < len(pauses):
                    pieces.append(silence(pauses[i]))
            answer = np.concatenate(pieces)
            speech_end = voiced_end(answer)
            cleans.append((np.concatenate([answer, silence(TAIL)]), speech_end))
        speech_seconds = sum(end for _, end in cleans) / SAMPLE_RATE / len(cleans) - LEAD
        longest = max(max(pauses) for _, pauses in ANSWERS)
        print(f"{len(cleans)} answers of {speech_seconds:.1f} s on average ({LEAD:g} s before, {TAIL:g} s after), "
              f"thinking pauses of 1 to {longest:g} s; an answer ends after {THINKING:g} s of silence")
        print(f"{'room':14} {'detector':8} {'cut short':>9} {'not ended':>9} {'delay mean':>10} {'p95':>6} "
              f"{'false start':>11} {'ms per s':>8}")
        totals: dict[str, list[Outcome]] = {kind: [] for kind in DETECTORS}
        for room in ROOMS:
            recordings = [(noisy(folder, noises, clean, room, seed), end)
                          for seed, (clean, end) in enumerate(cleans)]
            noise_only = noisy(folder, noises, silence(20.0), room, 99) if room != "quiet" else silence(20.0)
            for kind in DETECTORS:
                outcomes = [run(kind, rec, end) for rec, end in recordings]
                totals[kind].extend(outcomes)
                delays = [o.delay for o in outcomes if o.delay is not None]
                cost = sum(o.seconds for o in outcomes) / sum(r.size for r, _ in recordings) * SAMPLE_RATE * 1000
                print(f"{room:14} {kind:8} {sum(o.cut_short for o in outcomes):>5}/{len(outcomes)} "
                      f"{sum(not o.ended and not o.cut_short for o in outcomes):>7}/{len(outcomes)} "
                      f"{seconds(statistics.fmean(delays) if delays else None):>10} {seconds(p95(delays)):>6} "
                      f"{'yes' if false_start(kind, noise_only) else 'no':>11} {cost:>8.2f}")
        print("overall:")
        for kind, outcomes in totals.items():
            delays = [o.delay for o in outcomes if o.delay is not None]
            print(f"  {kind:8} cut short {sum(o.cut_short for o in outcomes)}/{len(outcomes)}, "
                  f"not ended {sum(not o.ended and not o.cut_short for o in outcomes)}/{len(outcomes)}, "
                  f"delay mean {seconds(statistics.fmean(delays) if delays else None)}, "
                  f"p95 {seconds(p95(delays))} over the {len(delays)} that ended after their last word")


if __name__ == "__main__":
    main()
