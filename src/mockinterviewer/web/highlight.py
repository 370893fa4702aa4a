"""Evidence quotes marked in the answer they came from, as (text, marked) pieces the template escapes."""

from __future__ import annotations

from collections.abc import Iterable


def pieces(text: str, quotes: Iterable[str]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, marked where an evidence quote occurs in it (every occurrence; overlapping
    quotes are merged). The pieces join back to `text` exactly."""
    spans: list[tuple[int, int]] = []
    for quote in {q for q in quotes if q.strip()}:
        start = text.find(quote)
        while start != -1:
            spans.append((start, start + len(quote)))
            start = text.find(quote, start + len(quote))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in merged:
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text) or not out:
        out.append((text[at:], False))
    return out
