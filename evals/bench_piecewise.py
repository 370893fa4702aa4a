"""Word error rate of a hands-free answer transcribed in parts (speech/piecewise.py) against one transcription.

    .venv/bin/python evals/bench_piecewise.py [--answers 6]

Each answer is a strong calibration answer (tests/data/calibration/technical.yaml) spoken by espeak-ng one
sentence at a time with a pause of 0.3 to 1.2 s between sentences (about two minutes each), fed to the
end-of-answer rule and to `PiecewiseTranscription` half a second at a time as the browser sends it, and
transcribed by the voice settings' model (tiny.en by default) primed with the question. Prints, per answer
and in all, the word error rate of one transcription of the whole answer and of the parts joined.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import yaml

from mockinterviewer.bank.loader import load_bank
from mockinterviewer.speech.audio import SAMPLE_RATE, resample
from mockinterviewer.speech.piecewise import PiecewiseTranscription, primed
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.stt import Transcriber
from mockinterviewer.speech.tts import EspeakTTS
from mockinterviewer.speech.vad import FRAME, endpointer_for
from mockinterviewer.speech.wer import word_error_rate

ROOT = Path(__file__).resolve().parents[1]
PIECE = SAMPLE_RATE // 2  # the browser sends half a second at a time


def spoken(text: str, tts: EspeakTTS) -> np.ndarray:
    """`text` spoken a sentence at a time, with a pause to think between sentences."""
    rng = np.random.default_rng(len(text))
    chunks = []
    for sentence in (s.strip() for s in text.replace("?", ".").split(". ")):
        if sentence:
            speech = tts.synthesize(sentence)
            chunks += [resample(speech.samples, speech.rate),
                       np.zeros(int(SAMPLE_RATE * rng.uniform(0.3, 1.2)), np.int16)]
    return np.concatenate(chunks)


def in_parts(
    samples: np.ndarray, vocabulary: str, transcriber: Transcriber, worker: ThreadPoolExecutor
) -> tuple[str, int]:
    """The answer's transcript as the hands-free page gets it, and how many parts it took."""
    parts = PiecewiseTranscription(
        lambda part, before: worker.submit(
            lambda: transcriber.transcribe(part, primed(vocabulary, before.result() if before else None))
        )
    )
    rule = endpointer_for(VoiceSettings())
    for start in range(0, samples.size, PIECE):
        piece = samples[start : start + PIECE]
        parts.add(piece)
        for i in range(piece.size // FRAME):
            rule.feed(piece[i * FRAME : (i + 1) * FRAME])
            parts.classified(rule.last_speech == rule.fed - 1)
    count = len(parts.parts) + 1
    text = parts.result(lambda rest, before: transcriber.transcribe(rest, primed(vocabulary, before))).text
    return text, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=6)
    args = parser.parse_args()
    bank = load_bank(ROOT / "question_bank")
    entries = yaml.safe_load((ROOT / "tests" / "data" / "calibration" / "technical.yaml").read_text())
    tts, transcriber = EspeakTTS("en-us", 175, 2), Transcriber(VoiceSettings())
    whole_pairs, part_pairs = [], []
    with ThreadPoolExecutor(max_workers=1) as worker:
        for entry in entries[: args.answers]:
            question = bank.question(entry["question_id"])
            samples = spoken(entry["strong"], tts)
            whole = transcriber.transcribe(samples, question.prompt).text
            joined, count = in_parts(samples, question.prompt, transcriber, worker)
            whole_pairs.append((entry["strong"], whole))
            part_pairs.append((entry["strong"], joined))
            print(f"{question.id:34s} {samples.size / SAMPLE_RATE:5.1f} s, {count:2d} parts: word error rate "
                  f"{word_error_rate([whole_pairs[-1]]):.3f} whole, {word_error_rate([part_pairs[-1]]):.3f} in parts",
                  flush=True)
    print(f"all {len(whole_pairs)} answers ({transcriber.model_name}): {word_error_rate(whole_pairs):.3f} whole, "
          f"{word_error_rate(part_pairs):.3f} in parts")


if __name__ == "__main__":
    main()
