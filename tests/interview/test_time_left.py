"""The /time line (CLI, browser page and Time left button): worded as a person says it, not 'About 12.0 min'."""

from __future__ import annotations

import pytest

from mockinterviewer.interview.orchestrator import spoken_duration, time_left_words


@pytest.mark.parametrize(("seconds", "said"), [
    (720, "12 minutes"), (60, "1 minute"), (89, "1 minute"), (150, "2 minutes"), (59.6, "1 minute"),
    (30, "30 seconds"), (1, "1 second"), (0.4, ""), (0, ""), (-5, ""),
])
def test_a_duration_is_said_in_whole_minutes_or_seconds_under_a_minute(seconds: float, said: str) -> None:
    assert spoken_duration(seconds) == said


def test_the_time_left_line() -> None:
    assert time_left_words(720, 2400) == "About 12 minutes left on this question, 40 minutes in the round."
    assert time_left_words(30, 600) == "About 30 seconds left on this question, 10 minutes in the round."
    assert time_left_words(0, 600) == "Time is up on this question; about 10 minutes left in the round."
    assert time_left_words(0, 0) == "Time is up on this question and in the round."
    assert time_left_words(45, 0) == "About 45 seconds left on this question; the round's time is up."
    assert time_left_words(None, 60) == "About 1 minute left in the round."
    assert time_left_words(None, 0) == "Time is up in the round."
    assert ".0 min" not in time_left_words(720.4, 2400.2)
