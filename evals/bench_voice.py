"""Benchmark of voice interviews on this CPU: prints figures, asserts nothing.

For each speech model, tiny.en (bundled) and Whisper base (the voice-base extra; skipped with a
note when it is not installed), int8 on 2 threads:

- word error rate and real-time factor on the fixed technical answers (espeak-ng), without and
  with the question's vocabulary as prompt (primed)
- delay from the end of an answer to its transcript, for a ~20 s answer:
  * after the endpoint (the thinking time has run out) with early transcription, which starts
    transcribing at the first pause, measured with a microphone paced in real time;
  * the same without early transcription (the whole transcription happens after the endpoint).
  The thinking time itself (default 3 s) comes on top of both: it is what lets a candidate pause.
- peak memory (max RSS) of a process that loads STT and runs three spoken answers and two spoken
  questions through the VoiceChannel, over ALSA devices backed by files (see DESIGN.md)

Run: .venv/bin/python evals/bench_voice.py          (about 6 minutes; needs espeak-ng and libportaudio2)
     .venv/bin/python evals/bench_voice.py tiny.en  (one model only)
Aims: end of answer to transcript < 2 s on 2 cores with tiny.en; peak memory < 800 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mockinterviewer.bank.loader import load_bank  # noqa: E402
from mockinterviewer.errors import SpeechError  # noqa: E402
from mockinterviewer.interview.orchestrator import question_vocabulary  # noqa: E402
from mockinterviewer.speech.audio import SAMPLE_RATE, resample  # noqa: E402
from mockinterviewer.speech.mic import record_answer  # noqa: E402
from mockinterviewer.speech.models import MODEL_NAMES  # noqa: E402
from mockinterviewer.speech.pipeline import EarlyTranscription, transcribe_samples  # noqa: E402
from mockinterviewer.speech.settings import VoiceSettings  # noqa: E402
from mockinterviewer.speech.stt import Transcriber  # noqa: E402
from mockinterviewer.speech.tts import EspeakTTS  # noqa: E402
from mockinterviewer.speech.vad import FRAME, Endpointer, frames_for  # noqa: E402
from mockinterviewer.speech.wer import word_error_rate  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "audio" / "answers.json"


def speak(text: str, rate: int = 130, gap: int = 4) -> np.ndarray:
    speech = EspeakTTS("en-us", rate, gap).synthesize(text)
    return resample(speech.samples, speech.rate)


def load_corpus() -> list[dict]:
    data = json.loads(CORPUS.read_text())
    bank = load_bank(ROOT / "question_bank")
    for answer in data["answers"]:
        if "question" in answer:
            answer["vocabulary"] = question_vocabulary(bank.question(answer["question"]))
        e = data["espeak"]
        answer["audio"] = speak(answer["text"], e["rate"], e["word_gap"])
    return data["answers"]


class PacedMic:
    """Frames of a recording delivered at real-time pace, like a microphone."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples
        self.position = 0
        self.started = time.perf_counter()

    def read(self) -> np.ndarray:
        due = self.started + (self.position + FRAME) / SAMPLE_RATE
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        frame = self.samples[self.position : self.position + FRAME]
        self.position += FRAME
        return frame if frame.size == FRAME else np.zeros(FRAME, np.int16)


def latency(transcriber: Transcriber, answer: np.ndarray, vocabulary: str, early: bool) -> tuple[float, str]:
    """Seconds from the endpoint to the transcript, recording from a real-time-paced microphone."""
    settings = transcriber.settings
    recording = np.concatenate([np.zeros(SAMPLE_RATE // 2, np.int16), answer, np.zeros(6 * SAMPLE_RATE, np.int16)])
    job = EarlyTranscription(vocabulary, transcriber=transcriber, settings=settings)
    endpointer = Endpointer(thinking=frames_for(settings.thinking_seconds))
    take = record_answer(PacedMic(recording), endpointer, on_pause=job.on_pause if early else None)
    ended = time.perf_counter()
    heard = job.result(take.samples) if early else transcribe_samples(take.samples, vocabulary,
                                                                       transcriber=transcriber)
    return time.perf_counter() - ended, heard.text


MEMORY_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys, numpy as np
    from mockinterviewer.channels.base import Reply
    from mockinterviewer.channels.voice import VoiceChannel
    from mockinterviewer.speech.settings import VoiceSettings
    from mockinterviewer.speech.tts import EspeakTTS

    class Text:
        def __init__(self): self.infos = []
        def say(self, text, *, kind): pass
        def partial(self, chunk): pass
        def info(self, text): self.infos.append(text)
        def listen(self, *, vocabulary=""): return Reply(text="", source="typed")  # Enter: accept

    mic_path, answers = sys.argv[1], json.loads(sys.argv[2])
    channel = VoiceChannel(Text(), VoiceSettings(tts="espeak", barge_in=False), tts=EspeakTTS())
    words = 0
    for i, path in enumerate(answers):
        np.load(path).astype("<i2").tofile(mic_path)
        if i < 2:
            channel.say("Tell me how you would design retries for a payment client.", kind="question")
        reply = channel.listen(vocabulary="retry exponential backoff idempotency key circuit breaker")
        words += len(reply.text.split())
    print(json.dumps({"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "words": words}))
    """
)


def peak_memory(corpus: list[dict], model: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        root = Path(tmp)
        mic, speaker = root / "mic.raw", root / "speaker.raw"
        (root / "alsa").mkdir()
        (root / "alsa" / "asoundrc").write_text(
            f'pcm.filemic {{ type file slave.pcm "null" file "/dev/null" infile "{mic}" format "raw" }}\n'
            f'pcm.filespk {{ type file slave.pcm "null" file "{speaker}" format "raw" }}\n'
            'pcm.!default { type asym playback.pcm "filespk" capture.pcm "filemic" }\n'
        )
        paths = []
        for i, answer in enumerate(corpus[:3]):
            padded = np.concatenate([np.zeros(8000, np.int16), answer["audio"], np.zeros(8 * SAMPLE_RATE, np.int16)])
            path = root / f"answer{i}.npy"
            np.save(path, padded)
            paths.append(str(path))
        env = {**os.environ, "XDG_CONFIG_HOME": str(root), "PYTHONPATH": str(ROOT / "src"),
               "MOCKINTERVIEWER_STT_MODEL": model}
        out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(mic), json.dumps(paths)], env=env,
                             capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
        return json.loads(out.stdout.strip().splitlines()[-1])


def accuracy(transcriber: Transcriber, corpus: list[dict]) -> None:
    """WER and real-time factor on the corpus, unprimed and primed with the question's vocabulary."""
    transcriber.transcribe(corpus[0]["audio"])  # warm-up
    for primed in (False, True):
        pairs: list[tuple[str, str]] = []
        audio_seconds = stt_seconds = 0.0
        for answer in corpus:
            t = time.perf_counter()
            heard = transcriber.transcribe(answer["audio"], answer["vocabulary"] if primed else "")
            stt_seconds += time.perf_counter() - t
            audio_seconds += answer["audio"].size / SAMPLE_RATE
            pairs.append((answer["text"], heard.text))
        label = "primed  " if primed else "unprimed"
        print(f"  {label} WER {word_error_rate(pairs):.1%}, real-time factor {stt_seconds / audio_seconds:.3f} "
              f"({audio_seconds:.0f} s of speech in {stt_seconds:.1f} s)")


LONG_ANSWER = (
    "I would retry only transient failures such as timeouts and five oh three errors, with exponential backoff "
    "and random jitter so that the clients do not retry in lockstep. Every payment carries an idempotency key, "
    "and the server stores the key with the result, so a retried request is never charged twice."
)


def end_to_transcript(transcriber: Transcriber, vocabulary: str) -> None:
    settings = transcriber.settings
    answer = speak(LONG_ANSWER, 165, 2)  # about 20 s
    seconds = answer.size / SAMPLE_RATE
    for early in (True, False):
        delays = [latency(transcriber, answer, vocabulary, early)[0] for _ in range(3)]  # real time: ~25 s each
        label = "with early transcription" if early else "without early transcription"
        print(f"  end of answer -> transcript ({seconds:.1f} s answer, {label}): "
              f"median {sorted(delays)[1]:.2f} s, worst {max(delays):.2f} s "
              f"(+ {settings.thinking_seconds:g} s thinking time after the last word)")


def main() -> None:
    models = sys.argv[1:] or list(MODEL_NAMES)
    print(f"CPUs here: {os.cpu_count()}; {len(json.loads(CORPUS.read_text())['answers'])} technical answers "
          f"spoken by espeak-ng")
    corpus = load_corpus()
    bank = load_bank(ROOT / "question_bank")
    vocabulary = question_vocabulary(bank.question("retry-backoff-strategy"))
    for model in models:
        settings = VoiceSettings(stt_model=model)
        started = time.perf_counter()
        transcriber = Transcriber(settings)
        try:
            transcriber.load()
        except SpeechError as exc:
            print(f"model {model}: not measured ({exc.message} {exc.hint or ''})")
            continue
        print(f"model {model} ({settings.stt_compute_type}, {settings.stt_threads} threads, "
              f"beam {settings.stt_beam_size}); loaded in {time.perf_counter() - started:.2f} s")
        accuracy(transcriber, corpus)
        end_to_transcript(transcriber, vocabulary)
        memory = peak_memory(corpus, model)
        if "error" in memory:
            print(f"  peak memory: not measured ({memory['error']})")
        else:
            print(f"  peak memory of a voice session (STT loaded, 3 answers, 2 spoken questions): "
                  f"{memory['max_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
