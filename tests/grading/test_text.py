"""Tokens, sentences and clauses keep exact spans; stems meet across spellings; fuzzy and synonym matches."""

from __future__ import annotations

import pytest

from mockinterviewer.grading.text import (
    clauses,
    content_stems,
    fuzzy_match,
    says_hypothetically,
    sentences,
    stem,
    synonyms,
    tokenize,
)

TEXT = (
    "I would retry only transient errors, e.g. timeouts and 503s. Use exponential backoff; add full jitter"
    " - so clients don't sync!\n- idempotency keys\n- circuit breaker (half-open)\n"
    "Behaviour of C++ code is 3.5x faster."
)


def test_sentence_spans_are_exact_substrings() -> None:
    spans = sentences(TEXT)
    assert [s.text for s in spans] == [
        "I would retry only transient errors, e.g. timeouts and 503s.",
        "Use exponential backoff; add full jitter - so clients don't sync!",
        "idempotency keys",
        "circuit breaker (half-open)",
        "Behaviour of C++ code is 3.5x faster.",
    ]
    for span in spans:
        assert TEXT[span.start : span.end] == span.text


def test_clauses_split_inside_sentences_and_keep_spans() -> None:
    pieces = clauses(TEXT)
    assert "Use exponential backoff" in [c.text for c in pieces]
    assert "add full jitter" in [c.text for c in pieces]
    for piece in pieces:
        assert TEXT[piece.start : piece.end] == piece.text


def test_short_clause_pieces_merge_with_a_neighbour() -> None:
    text = "Push; pop. A stack is last in, first out; it has a top."
    for piece in clauses(text):
        assert len(piece.text.split()) >= 2 or piece.text.rstrip(".") in {"Push", "pop"}
        assert text[piece.start : piece.end] == piece.text


def test_empty_and_punctuation_only_texts_have_no_sentences() -> None:
    assert sentences("") == []
    assert sentences("  ...  \n -- ") == []
    assert clauses("   ") == []


def test_tokens_carry_spans_stems_and_stop_marks() -> None:
    text = "The server's retries were failing."
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["The", "server's", "retries", "were", "failing"]
    for t in tokens:
        assert text[t.start : t.end] == t.text
    assert [t.stop for t in tokens] == [True, False, False, True, False]
    assert tokens[1].stem == stem("server")


def test_compound_words_also_yield_the_joined_word() -> None:
    assert "reusabl" in content_stems("Re-usability matters")
    assert {"half", "open", "halfopen"} <= set(content_stems("half-open state"))


@pytest.mark.parametrize(
    ("a", "b"),
    [("behaviour", "behavior"), ("optimise", "optimize"), ("colours", "colors"), ("two", "2"), ("Queues", "queue")],
)
def test_spellings_and_number_words_fold_to_one_stem(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_compound_number_words_fold_to_one_number_with_their_span() -> None:
    text = "raise it to five hundred per instance, twenty five percent, two thousand users, one of the three"
    assert content_stems(text)[:3] == ["rais", "500", "instanc"]
    assert {"25", "2000", "1", "3"} <= set(content_stems(text))
    [five_hundred] = [t for t in tokenize(text) if t.stem == "500"]
    assert text[five_hundred.start : five_hundred.end] == "five hundred"  # a quote stays an exact substring


def test_stopwords_are_not_content() -> None:
    assert content_stems("it is what it is and so on") == []


def test_fuzzy_match_accepts_misspellings_and_rejects_unrelated_words() -> None:
    assert fuzzy_match(stem("simulate"), stem("stimulate")) == 0.8  # one letter added
    assert fuzzy_match(stem("recursion"), stem("recusion")) == 0.8  # one letter dropped
    assert fuzzy_match(stem("queue"), stem("queue")) == 1.0
    assert fuzzy_match(stem("time"), stem("timeout")) == 0.0  # a prefix, but a different word
    assert fuzzy_match(stem("stack"), stem("queue")) == 0.0
    assert fuzzy_match("tcp", "tcq") == 0.0  # short words must match exactly


def test_synonyms_are_symmetric_and_general() -> None:
    assert stem("infinite") in synonyms(stem("unlimited"))
    assert stem("unlimited") in synonyms(stem("infinite"))
    assert stem("storage") in synonyms(stem("memory"))
    assert synonyms(stem("retry")) == frozenset() or stem("loop") not in synonyms(stem("retry"))


@pytest.mark.parametrize(("text", "hypothetical"), [
    ("I'd run it as a three-week process", True),
    ("and I'd pick a slot that works across time zones", True),
    ("I'd need more data first", True),
    ("I will ask the team", True),
    ("what I'd got wrong", False),
    ("the synthetic dataset I'd been testing with", False),
    ("I'd already written the doc", False),
    ("I'd argued for it in front of my director", False),
    ("I asked him for his side", False),
])
def test_what_the_speaker_would_do_is_told_from_what_they_did(text: str, hypothetical: bool) -> None:
    assert says_hypothetically(text) is hypothetical
