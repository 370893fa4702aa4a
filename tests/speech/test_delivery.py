"""Delivery metrics: filler words in context, pace, pauses, session summary and advice; then on real audio."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from mockinterviewer.speech.delivery import analyze, feedback, find_fillers, summarize
from mockinterviewer.speech.pipeline import transcribe_samples
from tests.speech.conftest import silence, speak, voiced_extent


def words(text: str, *, start: float = 0.0, step: float = 0.4) -> list[SimpleNamespace]:
    return [SimpleNamespace(start=start + i * step, end=start + i * step + 0.3, text=w)
            for i, w in enumerate(text.split())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Um, so I would, like, add a cache. Uh, you know, it is kind of simple.",
         ["um", "like", "uh", "you know", "kind of"]),
        ("I like this design and it looks like a queue.", []),
        ("What kind of database would you use? This sort of thing.", []),
        ("Do you know how it works? You know what I mean?", []),
        ("It was, like, basically slow. I mean, actually, we sort of fixed it.",
         ["like", "basically", "i mean", "actually", "sort of"]),
        ("umm uh erm hmm", ["umm", "uh", "erm", "hmm"]),
        ("Like, the cache was, like, cold.", ["like", "like"]),
    ],
)
def test_fillers_are_judged_in_context(text: str, expected: list[str]) -> None:
    assert find_fillers(text.split()) == expected


def test_analyze_pace_pauses_and_talk_time() -> None:
    spoken = words("we shard the cache by key", step=0.5) + words("and replicate it twice", start=6.0, step=0.5)
    d = analyze(spoken, long_pause=2.0)
    assert d["words"] == 10
    assert d["talk_seconds"] == pytest.approx(7.8)  # 0.0 .. 6.0 + 3*0.5 + 0.3
    assert d["wpm"] == pytest.approx(10 / 7.8 * 60, abs=0.1)
    assert d["long_pauses"] == 1
    assert d["long_pause_seconds"] == pytest.approx(6.0 - 2.8)  # last word of the first part ends at 2.8
    assert d["filler_count"] == 0
    assert analyze([])["words"] == 0


def test_summary_and_feedback() -> None:
    fast = analyze(words("um so like basically we um add a cache uh you know", step=0.15))
    slow = analyze(words("we shard by key", step=1.2) + words("then replicate", start=10, step=1.2))
    session = summarize([fast, slow])
    assert session["answers"] == 2
    assert session["words"] == fast["words"] + slow["words"]
    assert session["filler_count"] == fast["filler_count"] + slow["filler_count"] > 0
    assert session["fillers"]["um"] == 2
    assert session["long_pauses"] == 1
    assert session["wpm"] == pytest.approx(session["words"] / session["talk_seconds"] * 60, abs=0.1)
    advice = " ".join(feedback(fast))
    assert "fast" in advice and "filler" in advice and "'um' ×2" in advice
    advice = " ".join(feedback(slow))
    assert "slow" in advice and "pause" in advice
    assert feedback(summarize([]))[0].startswith("No speech")
    assert all(isinstance(line, str) and len(line) < 220 for line in feedback(session))


PARAGRAPH = (
    "We store each order in a database and publish an event to a queue so that other services can "
    "react to it without blocking the request path for the customer who is waiting."
)


@pytest.mark.slow
@pytest.mark.parametrize("rate", [110, 190])
def test_words_per_minute_from_audio_of_known_pace(rate: int, transcriber: Any) -> None:
    audio = speak(PARAGRAPH, rate=rate, gap=0)
    first, last = voiced_extent(audio)
    true_wpm = len(PARAGRAPH.split()) / (last - first) * 60
    d = transcribe_samples(audio, transcriber=transcriber).delivery
    print(f"espeak -s {rate}: true {true_wpm:.0f} wpm, measured {d['wpm']:.0f} wpm")
    assert d["wpm"] == pytest.approx(true_wpm, rel=0.12)


@pytest.mark.slow
def test_fillers_and_long_pauses_from_audio(transcriber: Any) -> None:
    clips = [speak("First I would measure the latency."), speak("Then I would add a cache in front of it."),
             speak("Finally I would load test it.")]
    gap = 2.5
    audio = np.concatenate([clips[0], silence(gap), clips[1], silence(gap), clips[2]])
    true_pauses = [
        (clips[0].size / 16_000 - voiced_extent(clips[0])[1]) + gap + voiced_extent(clips[1])[0],
        (clips[1].size / 16_000 - voiced_extent(clips[1])[1]) + gap + voiced_extent(clips[2])[0],
    ]
    d = transcribe_samples(audio, transcriber=transcriber).delivery
    print(f"pauses: true {true_pauses}, measured {d['long_pauses']} totalling {d['long_pause_seconds']} s")
    assert d["long_pauses"] == 2
    assert d["long_pause_seconds"] == pytest.approx(sum(true_pauses), abs=0.8)

    hesitant = speak("Um, so, I would use a queue. Uh, you know, it is kind of simple, and, like, basically it works.")
    heard = transcribe_samples(hesitant, "queue, cache, shard", transcriber=transcriber)
    print(f"fillers heard in {heard.text!r}: {heard.delivery['fillers']}")
    assert {"you know", "kind of", "basically"} <= set(heard.delivery["fillers"])
    assert heard.delivery["filler_count"] >= 4
