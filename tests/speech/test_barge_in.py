"""Barge-in without headphones: the microphone hears the interviewer's own voice (echo) and must not
mistake it for the candidate, yet notice the candidate talking over it. Simulated frame by frame
with real espeak-ng speech: echo is the played audio, delayed and attenuated."""

from __future__ import annotations

import numpy as np
import pytest

from mockinterviewer.speech.speaker import BargeIn
from mockinterviewer.speech.vad import FRAME, frame_power
from tests.speech.conftest import speak

QUESTION = ("Tell me how you would stop your retries from making an outage of a downstream service worse, "
            "and what each state of a circuit breaker does.")


def first_barge_in(played: np.ndarray, heard: np.ndarray) -> float | None:
    detector = BargeIn()
    for i in range(played.size // FRAME):
        frame = slice(i * FRAME, (i + 1) * FRAME)
        if detector.feed(heard[frame], frame_power(played[frame])):
            return (detector.start or 0) * FRAME / 16_000
    return None


@pytest.mark.parametrize(("gain", "delay", "noticed"), [(0.1, 0.05, True), (0.3, 0.15, True), (0.5, 0.3, False)])
def test_echo_alone_is_not_the_candidate_but_the_candidate_over_it_is(gain: float, delay: float, noticed: bool) -> None:
    """`noticed=False`: an echo only 4 dB below the candidate is too loud to tell them apart by
    energy; the interviewer then finishes the question (headphones avoid this)."""
    played = speak(QUESTION, rate=165, gap=0)
    rng = np.random.default_rng(3)
    echo = np.zeros(played.size, np.float64)
    shift = int(delay * 16_000)
    echo[shift:] = gain * played[: played.size - shift]
    echo += rng.normal(0, 30, echo.size)
    assert first_barge_in(played, echo.clip(-32768, 32767).astype(np.int16)) is None

    answer = speak("A circuit breaker opens after repeated failures.", rate=165, gap=0)
    talking = echo.copy()
    talking[48_000 : 48_000 + answer.size] += 0.8 * answer
    start = first_barge_in(played, talking.clip(-32768, 32767).astype(np.int16))
    if noticed:
        assert start is not None and 2.6 <= start <= 3.8  # the candidate starts at 3.0 s
    else:
        assert start is None
