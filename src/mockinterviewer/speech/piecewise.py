"""An answer transcribed while it is recorded: cut at the candidate's pauses, each part transcribed once.

`add(samples)` appends the recording's next samples; `classified(speech)` takes, frame by frame (30 ms, from
the recording's start), whether the candidate was speaking (the end-of-answer rule's own verdicts). When a
pause of `PAUSE_SECONDS` follows speech and at least `MIN_PART_SECONDS_AT_A_PAUSE` since the last cut, or a
pause of `LONG_PAUSE_SECONDS` (the answer may be over: the thinking time ends it a second later), the audio
from the last cut to the middle of that pause is a part: it goes to `transcribe_later` at once, with the
part before it, and is never transcribed again. A part that runs `MAX_PART_SECONDS` without such a pause is
cut in the middle of its longest quiet stretch. Cutting in pauses keeps words whole; each part is primed
with the question and with the last `CONTEXT_WORDS` words heard before it (`primed`), as one transcription
of the whole answer carries them over. On six two-minute espeak-ng answers with pauses between sentences
(tiny.en, `evals/bench_piecewise.py`), one transcription had a word error rate of 0.217; parts of at least
8 s cut at 0.9 s pauses and primed with the question alone, 0.263; these parts, 0.218 to 0.225 (runs vary).
`result(transcribe)` waits for the parts, transcribes what is left after the last cut (at most one part's
length, however long the answer) and joins them: one `Transcript` with its words timed in the whole
recording, as one transcription of it would give.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace

import numpy as np

from mockinterviewer.speech.audio import SAMPLE_RATE
from mockinterviewer.speech.stt import Segment, Transcript, Word
from mockinterviewer.speech.vad import FRAME, frames_for

__all__ = ["MAX_PART_SECONDS", "PAUSE_SECONDS", "PiecewiseTranscription", "joined", "primed"]

PAUSE_SECONDS = 0.35  # longer than the gaps between words, as long as a breath between sentences or clauses
LONG_PAUSE_SECONDS = 2.0  # a pause that may be the end of the answer (3 s ends it): what came before goes at once
MIN_PART_SECONDS_AT_A_PAUSE = 15.0  # shorter parts give the model too little context (8 s lost words)
MAX_PART_SECONDS = 25.0  # under Whisper's 30 s window
CONTEXT_WORDS = 25  # the words heard before a part that prime it
MIN_PART_SECONDS = 0.2  # less is not worth a transcription

# (a part's samples, the transcript of the part before it, to come) -> its transcript, to come
Later = Callable[[np.ndarray, "Future[Transcript] | None"], "Future[Transcript]"]


def primed(vocabulary: str, before: Transcript | None) -> str:
    """What a part is primed with: the last words heard before it, then the question's vocabulary."""
    heard = " ".join(before.text.split()[-CONTEXT_WORDS:]) if before is not None else ""
    return f"{heard}. {vocabulary}" if heard else vocabulary


class PiecewiseTranscription:
    """One recording's parts: cut and handed to `transcribe_later` as the recording grows (see the module)."""

    def __init__(self, transcribe_later: Later) -> None:
        self._later = transcribe_later
        self._pending: list[np.ndarray] = []  # the samples since the last cut
        self._pending_size = 0
        self._start = 0  # where the last cut was, in samples from the recording's start
        self._frames = 0  # frames classified so far
        self._spoke = False  # speech since the last cut
        self._quiet = 0  # quiet frames in a row
        self._stretches: list[tuple[int, int]] = []  # (first frame, length) of the quiet stretches since the cut
        self.parts: list[tuple[int, Future[Transcript]]] = []  # (first sample, its transcript to come)

    @property
    def samples(self) -> int:
        """Samples added so far."""
        return self._start + self._pending_size

    @property
    def left(self) -> int:
        """Samples after the last cut: what `result` has to transcribe."""
        return self._pending_size

    def add(self, samples: np.ndarray) -> None:
        if samples.size:
            self._pending.append(samples)
            self._pending_size += samples.size
        if self._pending_size > 2 * MAX_PART_SECONDS * SAMPLE_RATE:  # not classified (the answer is over)
            self._cut(self.samples)

    def classified(self, speech: bool) -> None:
        """Whether the candidate spoke in the next frame (never ahead of the samples added)."""
        frame = self._frames
        self._frames += 1
        if speech:
            if self._quiet and (frame - self._quiet) * FRAME > self._start:
                self._stretches.append((frame - self._quiet, self._quiet))
            self._spoke, self._quiet = True, 0
            if (frame + 1) * FRAME - self._start >= MAX_PART_SECONDS * SAMPLE_RATE:
                first, length = max(self._stretches, key=lambda stretch: stretch[1], default=(frame + 1, 0))
                self._cut((first + length // 2) * FRAME)
            return
        self._quiet += 1
        if not self._spoke:
            return
        long_enough = (frame + 1) * FRAME - self._start >= MIN_PART_SECONDS_AT_A_PAUSE * SAMPLE_RATE
        if (self._quiet == frames_for(PAUSE_SECONDS) and long_enough) or self._quiet == frames_for(LONG_PAUSE_SECONDS):
            self._cut((frame + 1 - self._quiet // 2) * FRAME)

    def _cut(self, at: int) -> None:
        """Hand the samples from the last cut up to sample `at` over as a part."""
        pending = np.concatenate(self._pending) if self._pending else np.zeros(0, np.int16)
        part, rest = pending[: at - self._start], pending[at - self._start :]
        if part.size >= MIN_PART_SECONDS * SAMPLE_RATE:
            before = self.parts[-1][1] if self.parts else None
            self.parts.append((self._start, self._later(part, before)))
        self._start += part.size
        self._pending, self._pending_size = ([rest] if rest.size else []), rest.size
        self._spoke = False
        self._stretches = []

    def result(self, transcribe: Callable[[np.ndarray, Transcript | None], Transcript]) -> Transcript:
        """The whole recording's transcript: the parts already cut, and the rest transcribed now (given the
        transcript of the part before it, to prime it with)."""
        done = [(start, part.result()) for start, part in self.parts]
        rest = np.concatenate(self._pending) if self._pending else np.zeros(0, np.int16)
        if rest.size >= MIN_PART_SECONDS * SAMPLE_RATE:
            done.append((self._start, transcribe(rest, done[-1][1] if done else None)))
        return joined(done, self.samples / SAMPLE_RATE)


def joined(parts: list[tuple[int, Transcript]], duration: float) -> Transcript:
    """Transcripts of consecutive parts of one recording (each with its first sample) as one transcript."""
    words: list[Word] = []
    segments: list[Segment] = []
    for start, transcript in parts:
        shift = start / SAMPLE_RATE
        words += [replace(w, start=round(w.start + shift, 3), end=round(w.end + shift, 3)) for w in transcript.words]
        segments += [replace(s, start=round(s.start + shift, 3), end=round(s.end + shift, 3))
                     for s in transcript.segments]
    return Transcript(
        text=" ".join(t.text for _, t in parts if t.text).strip(),
        segments=segments,
        words=words,
        duration=round(duration, 3),
        speech_seconds=round(sum(t.speech_seconds for _, t in parts), 3),
        stt_ms=sum(t.stt_ms for _, t in parts),
        prompt=next((t.prompt for _, t in parts if t.prompt), None),
    )
