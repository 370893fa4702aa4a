"""How an answer was spoken: pace, filler words, long pauses and talk time, with short advice.

`analyze` measures one answer from its timed words; `summarize` adds answers up for a session;
`feedback` turns either into a few lines a candidate can act on. Pure functions on plain data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any, Protocol

__all__ = ["FILLERS", "analyze", "feedback", "find_fillers", "summarize"]

# Always fillers when spoken on their own.
HESITATIONS = {"um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm", "uh-huh"}
# Fillers unless the context shows the ordinary meaning (see `find_fillers`).
SINGLE = {"basically", "actually", "literally", "honestly", "like"}
MULTI = {("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of")}
FILLERS = sorted(HESITATIONS | SINGLE | {" ".join(m) for m in MULTI})

# "like" after these words is the verb or the preposition, not a filler ("I like", "looks like").
_LIKE_NOT_FILLER_AFTER = {
    "i", "you", "we", "they", "would", "'d", "i'd", "we'd", "you'd", "they'd", "don't", "didn't",
    "do", "does", "doesn't", "really", "feel", "feels", "felt", "look", "looks", "looked", "sound",
    "sounds", "seem", "seems", "something", "anything", "nothing", "things", "more", "much", "exactly",
    "just", "is", "are", "was", "were", "be", "been", "'s", "it's", "that's", "what's", "not",
}
# "kind of" / "sort of" after a determiner means "type of" ("what kind of database").
_DETERMINERS = {
    "a", "an", "the", "what", "which", "this", "that", "these", "those", "some", "any", "every",
    "each", "same", "one", "another", "different", "other", "all", "no", "its", "their", "our", "my",
}
# "you know" followed by these is a real question or statement ("you know how", "do you know that").
_YOU_KNOW_REAL_BEFORE = {"do", "did", "don't", "if", "as", "would", "will", "should", "what"}
_YOU_KNOW_REAL_AFTER = {"how", "what", "where", "why", "when", "who", "that", "it", "the", "about", "which"}
_I_MEAN_REAL_AFTER = {"that", "it", "to", "the"}
_I_MEAN_REAL_BEFORE = {"what", "that", "if", "know"}


class TimedWord(Protocol):
    start: float
    end: float
    text: str


def _tokens(words: Sequence[str]) -> list[tuple[str, bool, bool]]:
    """(normalised word, comma or stop before it, comma or stop after it)."""
    out: list[tuple[str, bool, bool]] = []
    previous_break = True
    for raw in words:
        token = raw.strip()
        norm = re.sub(r"[^a-z'\-]", "", token.lower()).strip("'-")
        breaks_after = bool(re.search(r"[,.;:!?…]$|--$", token))
        breaks_before = previous_break or bool(re.match(r"^[,.;:!?…]", token))
        if norm:
            out.append((norm, breaks_before, breaks_after))
            previous_break = breaks_after
    return out


def find_fillers(words: Sequence[str]) -> list[str]:
    """The filler words and phrases in a word sequence (as spoken, in order), judged by context.

    "like" counts only as a discourse marker ("it was, like, slow"), not as a verb or preposition;
    "kind of"/"sort of" not after a determiner; "you know"/"I mean" not as part of a real clause.
    """
    tokens = _tokens(words)
    found: list[str] = []
    i = 0
    while i < len(tokens):
        word, before, after = tokens[i]
        prev = tokens[i - 1][0] if i > 0 else ""
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        pair = (word, nxt)
        if pair in MULTI and i + 1 < len(tokens):
            real = (
                (word in ("kind", "sort") and prev in _DETERMINERS and not before)
                or (pair == ("you", "know") and (
                    (prev in _YOU_KNOW_REAL_BEFORE and not before)
                    or (tokens[i + 1][2] is False and i + 2 < len(tokens)
                        and tokens[i + 2][0] in _YOU_KNOW_REAL_AFTER)))
                or (pair == ("i", "mean") and (
                    (prev in _I_MEAN_REAL_BEFORE and not before)
                    or (tokens[i + 1][2] is False and i + 2 < len(tokens)
                        and tokens[i + 2][0] in _I_MEAN_REAL_AFTER)))
            )
            if not real:
                found.append(" ".join(pair))
                i += 2
                continue
        if word in HESITATIONS or (word in SINGLE and word != "like"):
            found.append(word)
        elif word == "like":
            after_filler = bool(found) and prev in HESITATIONS | SINGLE
            marked = before or after or after_filler or prev == "like"
            if marked and not (prev in _LIKE_NOT_FILLER_AFTER and not before):
                found.append("like")
        i += 1
    return found


def _round(x: float, digits: int = 1) -> float:
    return round(float(x), digits)


def analyze(
    words: Sequence[TimedWord], *, long_pause: float = 2.0, talk_seconds: float | None = None
) -> dict[str, Any]:
    """Delivery of one answer from its timed words (seconds).

    Talk time runs from the first word's start to the last word's end unless `talk_seconds` is
    given; words per minute use it. A long pause is a gap of at least `long_pause` seconds between
    consecutive words.
    """
    texts = [w.text for w in words]
    tokens = [t for t in _tokens(texts)]
    count = len(tokens)
    talk = talk_seconds if talk_seconds is not None else (words[-1].end - words[0].start if words else 0.0)
    gaps = [b.start - a.end for a, b in pairwise(words)]
    pauses = [g for g in gaps if g >= long_pause]
    fillers = find_fillers(texts)
    minutes = talk / 60 if talk > 0 else 0.0
    return {
        "words": count,
        "talk_seconds": _round(talk, 2),
        "wpm": _round(count / minutes) if minutes else 0.0,
        "fillers": dict(Counter(fillers).most_common()),
        "filler_count": len(fillers),
        "fillers_per_minute": _round(len(fillers) / minutes) if minutes else 0.0,
        "long_pauses": len(pauses),
        "long_pause_seconds": _round(sum(pauses), 2),
        "longest_pause": _round(max(gaps, default=0.0), 2),
        "long_pause_threshold": long_pause,
    }


def summarize(per_answer: list[dict[str, Any]]) -> dict[str, Any]:
    """Session figures from `analyze` results: totals, overall pace and filler rate, per-answer means."""
    answers = [d for d in per_answer if d]
    words = sum(int(d.get("words", 0)) for d in answers)
    talk = sum(float(d.get("talk_seconds", 0.0)) for d in answers)
    fillers: Counter[str] = Counter()
    for d in answers:
        fillers.update({k: int(v) for k, v in d.get("fillers", {}).items()})
    minutes = talk / 60 if talk > 0 else 0.0
    filler_count = sum(fillers.values())
    return {
        "answers": len(answers),
        "words": words,
        "talk_seconds": _round(talk, 2),
        "mean_talk_seconds": _round(talk / len(answers), 1) if answers else 0.0,
        "wpm": _round(words / minutes) if minutes else 0.0,
        "fillers": dict(fillers.most_common()),
        "filler_count": filler_count,
        "fillers_per_minute": _round(filler_count / minutes) if minutes else 0.0,
        "long_pauses": sum(int(d.get("long_pauses", 0)) for d in answers),
        "long_pause_seconds": _round(sum(float(d.get("long_pause_seconds", 0.0)) for d in answers), 2),
        "longest_pause": _round(max((float(d.get("longest_pause", 0.0)) for d in answers), default=0.0), 2),
        "long_pause_threshold": answers[0].get("long_pause_threshold", 2.0) if answers else 2.0,
    }


def _top(fillers: dict[str, int], n: int = 3) -> str:
    return ", ".join(f"'{k}' ×{v}" for k, v in sorted(fillers.items(), key=lambda kv: -kv[1])[:n])


def feedback(d: dict[str, Any]) -> list[str]:
    """Short advice lines on one answer's (`analyze`) or a session's (`summarize`) delivery."""
    if not d or not d.get("words"):
        return ["No speech was measured, so there is no delivery feedback."]
    lines: list[str] = []
    wpm = float(d.get("wpm", 0.0))
    if wpm and wpm < 110:
        lines.append(f"Pace {wpm:.0f} words/min is slow; aim for 130-160 by trimming pauses inside sentences.")
    elif wpm > 175:
        lines.append(f"Pace {wpm:.0f} words/min is fast; slow to 130-160 so the interviewer can take notes.")
    else:
        lines.append(f"Pace {wpm:.0f} words/min is easy to follow (130-160 is a good range).")
    per_minute = float(d.get("fillers_per_minute", 0.0))
    count = int(d.get("filler_count", 0))
    if count and (per_minute >= 3 or count / max(int(d["words"]), 1) >= 0.03):
        lines.append(
            f"{count} filler words ({per_minute:.0f}/min; {_top(d.get('fillers', {}))}): "
            "pause silently instead; a short silence sounds more confident."
        )
    elif count:
        lines.append(f"Few filler words ({count}: {_top(d.get('fillers', {}))}); keep it up.")
    else:
        lines.append("No filler words: clear and direct.")
    pauses = int(d.get("long_pauses", 0))
    if pauses:
        threshold = float(d.get("long_pause_threshold", 2.0))
        lines.append(
            f"{pauses} pause(s) of {threshold:.0f} s or more ({float(d.get('long_pause_seconds', 0.0)):.0f} s "
            "in all): thinking is fine, but say so ('let me think about the failure cases') so silence "
            "does not read as being stuck."
        )
    talk = float(d.get("mean_talk_seconds", d.get("talk_seconds", 0.0)))
    if 0 < talk < 30:
        lines.append(f"Answers of {talk:.0f} s are short; a strong answer usually runs one to three minutes.")
    elif talk > 240:
        lines.append(f"Answers of {talk / 60:.0f} min are long; lead with the headline, then offer detail.")
    return lines


def words_from(items: Iterable[Any]) -> list[TimedWord]:
    """Accept Word objects or dicts with start/end/text (e.g. from JSON)."""
    from types import SimpleNamespace

    out: list[Any] = []
    for item in items:
        if isinstance(item, dict):
            out.append(SimpleNamespace(start=item["start"], end=item["end"], text=item["text"]))
        else:
            out.append(item)
    return out
