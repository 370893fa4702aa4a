"""The browser channel keeps what one request said that the transcript does not show, small enough for
the session cookie."""

from __future__ import annotations

import json

from mockinterviewer.web.channel import MAX_NOTES_JSON, BrowserChannel


def test_notes_are_the_repeats_and_program_messages_and_stay_small() -> None:
    channel = BrowserChannel()
    channel.partial("Tell me")
    channel.say("Tell me about a project.", kind="question")
    channel.say("Tell me about a project.", kind="repeat")
    channel.info("About 4.0 min left on this question, 20 min in the round.")
    assert channel.listen() is None  # the reply comes with the request, never from the channel
    assert channel.notes() == ["Repeated: Tell me about a project.",
                               "About 4.0 min left on this question, 20 min in the round."]

    noisy = BrowserChannel()
    for n in range(30):
        noisy.info(f"{n} \x1b[31m" + "é" * 2000)
    notes = noisy.notes()
    assert notes and len(json.dumps(notes)) <= MAX_NOTES_JSON
    assert notes[-1].startswith("29 ") and "\x1b" not in notes[-1] and notes[-1].endswith("…")
