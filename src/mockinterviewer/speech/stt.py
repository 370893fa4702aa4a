"""Speech to text with faster-whisper: model loading, question-vocabulary prompts, segment and word timings.

The model is `tiny.en` (the default) or Whisper `base`, both from packages (see `models`), so nothing
is downloaded at run time; both are told the language (English). Audio is cut into speech regions
first (see `vad.speech_regions`) and only those are sent to the model, which keeps Whisper from
inventing words in long silences; timings are mapped back to the original recording so that pauses
are measured where they happened.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mockinterviewer.errors import SpeechError
from mockinterviewer.speech.audio import SAMPLE_RATE, to_float32
from mockinterviewer.speech.models import SELECT_HINT, resolve
from mockinterviewer.speech.settings import VoiceSettings
from mockinterviewer.speech.vad import speech_regions

__all__ = ["Segment", "Transcriber", "Transcript", "Word", "build_prompt", "resolve_model"]

# Whisper drops "um" and "uh" unless its prompt shows them; fillers matter for delivery feedback.
DISFLUENT_EXAMPLE = "Umm, let me think, like, hmm... Okay, uh, so"
SEGMENT_PAD = 0.25  # seconds of silence kept around each speech region sent to the model


@dataclass
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Transcript:
    """What was said: `text`, its segments and words (seconds from the start of the audio)."""

    text: str
    segments: list[Segment] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    duration: float = 0.0
    speech_seconds: float = 0.0
    stt_ms: int = 0
    prompt: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def resolve_model(name: str) -> str:
    """The directory of the model called `name` ('tiny.en', 'base' or a model directory); see `models`."""
    return str(resolve(name).path)


_PHRASE_SPLIT = re.compile(r"[\n;:.?!,()\[\]]+")


def build_prompt(vocabulary: str, max_tokens: int = 120, count_tokens: Any = None) -> str | None:
    """A bounded Whisper `initial_prompt` from a question's vocabulary (its prompt and rubric signals).

    Phrases are de-duplicated and kept whole, in order, skipping any that would take the prompt
    past `max_tokens` (counted with `count_tokens(text) -> int`, or estimated at 1.4 tokens a word). A short
    disfluent example leads, so that the model keeps filler words. None when there is no vocabulary.
    """
    count = count_tokens or (lambda text: int(len(text.split()) * 1.4) + 1)
    phrases: list[str] = []
    seen: set[str] = set()
    for raw in _PHRASE_SPLIT.split(vocabulary):
        phrase = " ".join(raw.split())
        key = phrase.lower()
        if len(phrase) < 2 or key in seen:
            continue
        seen.add(key)
        phrases.append(phrase)
    if not phrases or max_tokens <= 0:
        return None
    prompt = DISFLUENT_EXAMPLE
    added = 0
    for phrase in phrases:
        candidate = f"{prompt} {phrase},"
        if count(candidate) > max_tokens:
            continue  # a shorter phrase further on may still fit
        prompt = candidate
        added += 1
    if not added:
        return None
    return prompt.rstrip(",") + "."


_MODELS: dict[tuple[str, str, int], Any] = {}
_MODELS_LOCK = threading.Lock()


def _load_model(path: str, compute_type: str, threads: int) -> Any:
    key = (path, compute_type, threads)
    with _MODELS_LOCK:
        if key not in _MODELS:
            try:
                from faster_whisper import WhisperModel
            except ImportError:
                raise SpeechError(
                    "faster-whisper is not installed.", hint="Run: pip install 'mockinterviewer[voice]'"
                ) from None
            try:
                _MODELS[key] = WhisperModel(path, device="cpu", compute_type=compute_type, cpu_threads=threads)
            except Exception as exc:  # huggingface_hub, ctranslate2 and OS errors all land here
                raise SpeechError(
                    f"Cannot load the speech model '{path}' ({type(exc).__name__}: {exc}).",
                    hint=SELECT_HINT,
                ) from None
        return _MODELS[key]


class Transcriber:
    """faster-whisper behind one call: `transcribe(samples, vocabulary) -> Transcript`."""

    def __init__(self, settings: VoiceSettings | None = None) -> None:
        self.settings = settings or VoiceSettings()
        self._model: Any = None

    @property
    def model_name(self) -> str:
        return self.settings.stt_model

    def load(self) -> Any:
        """Load the model now (it takes about a second); `SpeechError` if it cannot be loaded."""
        if self._model is None:
            s = self.settings
            self._model = _load_model(resolve_model(s.stt_model), s.stt_compute_type, s.stt_threads)
        return self._model

    def prompt_for(self, vocabulary: str) -> str:
        """The `initial_prompt` for an answer: the vocabulary's bounded prompt, or only the
        disfluent example (which keeps "um" and "uh" in the transcript) when there is none."""
        model = self.load()
        tokenizer = getattr(model, "hf_tokenizer", None)
        counter = (lambda text: len(tokenizer.encode(" " + text).ids)) if tokenizer is not None else None
        return build_prompt(vocabulary, self.settings.stt_prompt_tokens, counter) or DISFLUENT_EXAMPLE

    def transcribe(self, samples: np.ndarray, vocabulary: str = "", *, segment: bool = True) -> Transcript:
        """Transcribe 16 kHz mono int16 `samples`, primed with `vocabulary` (may be empty)."""
        started = time.perf_counter()
        duration = samples.size / SAMPLE_RATE
        regions = speech_regions(samples, pad=SEGMENT_PAD) if segment else [(0, samples.size)]
        if not regions:
            return Transcript(text="", duration=duration, stt_ms=0)
        model = self.load()
        prompt = self.prompt_for(vocabulary)
        # Concatenate the speech regions; `offsets` maps each back to where it was recorded.
        pieces = [samples[s:e] for s, e in regions]
        offsets: list[tuple[float, float, float]] = []  # (joined start, joined end, original start)
        position = 0
        for (region_start, _end), piece in zip(regions, pieces, strict=True):
            offsets.append((position / SAMPLE_RATE, (position + piece.size) / SAMPLE_RATE, region_start / SAMPLE_RATE))
            position += piece.size
        joined = to_float32(np.concatenate(pieces))

        def region_of(t: float) -> int:
            for i, (_j_start, j_end, _o_start) in enumerate(offsets):
                if t < j_end:
                    return i
            return len(offsets) - 1

        def original(t: float, region: int) -> float:
            j_start, j_end, o_start = offsets[region]
            return o_start + min(max(0.0, t - j_start), j_end - j_start)

        def place(start: float, end: float) -> tuple[float, float]:
            """A word's time in the recording. Whisper sometimes stretches a word across the joint
            between two regions (over a pause that was cut out); keep it in the region holding
            most of it, clamped to that region's speech (regions carry SEGMENT_PAD of silence)."""
            first, last = region_of(start), region_of(max(start, end - 1e-3))
            if first == last:
                return original(start, first), original(end, first)
            overlap = [min(end, offsets[i][1]) - max(start, offsets[i][0]) for i in range(first, last + 1)]
            region = first + int(np.argmax(overlap))
            j_start, j_end, _ = offsets[region]
            pad = min(SEGMENT_PAD, (j_end - j_start) / 2)
            lo, hi = j_start + (pad if region > first else 0.0), j_end - (pad if region < last else 0.0)
            start, end = min(max(start, lo), hi), max(min(end, hi), lo)
            return original(start, region), original(end, region)

        s = self.settings
        joined_seconds = joined.size / SAMPLE_RATE
        # The last speech frame, less the region padding: once a segment reaches it, stop asking
        # for more. Whisper would otherwise decode the few hundred ms after the last word as a
        # window of its own, which costs seconds and yields invented words.
        speech_end = joined_seconds - SEGMENT_PAD
        try:
            raw_segments, _info = model.transcribe(
                joined,
                language="en",
                beam_size=s.stt_beam_size,
                initial_prompt=prompt,
                word_timestamps=True,
                condition_on_previous_text=True,
                vad_filter=False,
                max_new_tokens=min(200, int(8 * min(30.0, joined_seconds)) + 32),
            )
            segments: list[Segment] = []
            words: list[Word] = []
            for seg in raw_segments:
                done = seg.end >= speech_end - 0.5
                text = seg.text.strip()
                invented = seg.no_speech_prob > 0.6 and seg.avg_logprob < -0.8
                if text and not invented and re.search(r"\w", text):
                    seg_words = []
                    for w in seg.words or []:
                        if w.word.strip():
                            w_start, w_end = place(w.start, w.end)
                            seg_words.append(Word(round(w_start, 3), round(w_end, 3), w.word.strip(),
                                                  round(float(w.probability), 3)))
                    words.extend(seg_words)
                    start, end = (seg_words[0].start, seg_words[-1].end) if seg_words else place(seg.start, seg.end)
                    segments.append(Segment(round(start, 3), round(end, 3), text))
                if done:
                    break
        except SpeechError:
            raise
        except Exception as exc:
            raise SpeechError(
                f"Speech recognition failed ({type(exc).__name__}: {exc}).",
                hint="Try again, or type the answer instead.",
            ) from None
        text = " ".join(seg.text for seg in segments).strip()
        speech_seconds = sum(e - s_ for s_, e in regions) / SAMPLE_RATE
        return Transcript(
            text=text,
            segments=segments,
            words=words,
            duration=round(duration, 3),
            speech_seconds=round(speech_seconds, 3),
            stt_ms=round((time.perf_counter() - started) * 1000),
            prompt=prompt,
        )
