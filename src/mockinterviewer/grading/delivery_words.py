"""How a spoken answer's delivery figures are worded, the same in reports, on the web page and in the CLI.

The figures themselves are measured by `speech.delivery.analyze` (words per minute, filler words,
long pauses, time talking); this module only words them, tolerating figures that are missing or of
the wrong type in an older session.
"""

from __future__ import annotations

from typing import Any

__all__ = ["delivery_figures", "plural"]


def plural(count: int, word: str) -> str:
    """'1 long pause', '2 long pauses'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def delivery_figures(delivery: dict[str, Any]) -> list[str]:
    """One answer's delivery (as `speech.delivery.analyze` stores it) in a few short phrases."""
    figures: list[str] = []
    if isinstance(delivery.get("wpm"), int | float):
        figures.append(f"{float(delivery['wpm']):.0f} words/min")
    if isinstance(delivery.get("words"), int):
        figures.append(plural(delivery["words"], "word"))
    if isinstance(delivery.get("talk_seconds"), int | float):
        figures.append(f"{float(delivery['talk_seconds']):.0f} s talking")
    if isinstance(delivery.get("filler_count"), int):
        fillers = delivery.get("fillers")
        which = ""
        if isinstance(fillers, dict) and fillers:
            which = " (" + ", ".join(f"{word} ×{count}" for word, count in list(fillers.items())[:5]) + ")"
        figures.append(plural(delivery["filler_count"], "filler word") + which)
    if isinstance(delivery.get("long_pauses"), int):
        pauses = plural(delivery["long_pauses"], "long pause")
        if delivery["long_pauses"] and isinstance(delivery.get("long_pause_seconds"), int | float):
            pauses += f" ({float(delivery['long_pause_seconds']):.1f} s)"
        figures.append(pauses)
    if isinstance(delivery.get("longest_pause"), int | float) and (delivery.get("long_pauses") or 0) > 1:
        figures.append(f"longest pause {float(delivery['longest_pause']):.1f} s")
    return figures
