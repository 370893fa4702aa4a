"""Speech to text with the real tiny.en model on espeak-ng answers: WER with and without priming."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mockinterviewer.speech.stt import DISFLUENT_EXAMPLE, build_prompt
from mockinterviewer.speech.wer import word_error_rate, word_errors
from tests.speech.conftest import silence, speak
from tests.speech.test_audio_vad import white_noise


def test_prompt_is_bounded_deduplicated_and_keeps_whole_phrases(bank: Any, transcriber: Any) -> None:
    from mockinterviewer.interview.orchestrator import question_vocabulary

    vocabulary = question_vocabulary(bank.question("retry-backoff-strategy"))
    tokenizer = transcriber.load().hf_tokenizer
    for limit in (40, 120, 223):
        prompt = build_prompt(vocabulary, limit, lambda t: len(tokenizer.encode(" " + t).ids))
        assert prompt is not None and prompt.startswith(DISFLUENT_EXAMPLE)
        assert len(tokenizer.encode(" " + prompt).ids) <= limit
    assert "exponential backoff" in (transcriber.prompt_for(vocabulary) or "")
    assert build_prompt("backoff, Backoff, backoff") == f"{DISFLUENT_EXAMPLE} backoff."
    assert build_prompt("   ") is None
    assert transcriber.prompt_for("") == DISFLUENT_EXAMPLE


@pytest.mark.slow
def test_technical_answers_meet_the_wer_bar_with_question_priming(
    corpus: list[dict[str, Any]], corpus_audio: dict[str, np.ndarray], transcriber: Any
) -> None:
    results: dict[bool, list[tuple[str, str]]] = {False: [], True: []}
    for primed in (False, True):
        for answer in corpus:
            heard = transcriber.transcribe(corpus_audio[answer["id"]], answer["vocabulary"] if primed else "")
            results[primed].append((answer["text"], heard.text))
            errors, words = word_errors(answer["text"], heard.text)
            print(f"{'primed' if primed else 'plain '} {answer['id']:14} {errors:2}/{words}  {heard.text}")
    plain, primed = word_error_rate(results[False]), word_error_rate(results[True])
    print(f"\nWER without priming: {plain:.1%}   with question priming: {primed:.1%}   "
          f"({len(corpus)} answers, espeak-ng en-us 130 wpm, tiny.en int8)")
    assert primed <= 0.15
    # Priming must help with the words the question is about, not only on average.
    key_terms = ["exponential backoff", "idempotency key", "circuit breaker", "jitter", "consistent hashing"]
    primed_text = " ".join(h for _, h in results[True]).lower()
    assert all(term in primed_text for term in key_terms), primed_text


@pytest.mark.slow
def test_silence_and_noise_give_no_words(transcriber: Any) -> None:
    assert transcriber.transcribe(silence(4.0)).text == ""
    assert transcriber.transcribe(white_noise(4.0, -25)).text == ""


@pytest.mark.slow
def test_word_times_refer_to_the_original_recording(transcriber: Any) -> None:
    first, second = speak("Measure the latency first."), speak("Then add a cache.")
    recording = np.concatenate([silence(1.0), first, silence(4.0), second, silence(0.5)])
    heard = transcriber.transcribe(recording)
    assert "latency" in heard.text.lower() and "cache" in heard.text.lower()
    then = next(w for w in heard.words if w.text.lower().startswith("then"))
    expected = 1.0 + first.size / 16_000 + 4.0
    assert abs(then.start - expected) < 0.5
    assert heard.words[0].start >= 0.7  # speech starts at 1.0 s; regions keep 0.25 s before it
    assert heard.duration == pytest.approx(recording.size / 16_000, abs=0.01)
