"""The browser channel keeps what one request said that the transcript does not show, small enough for
the session cookie."""

from __future__ import annotations

import json

from mockinterviewer.interview.interviewer import TYPED_CONTROLS, RoundContext
from mockinterviewer.interview.scripted import ScriptedInterviewer
from mockinterviewer.transcript import TurnKind
from mockinterviewer.web.channel import BUTTON_CONTROLS, MAX_NOTES_JSON, BrowserChannel
from tests.web.conftest import Site, csrf_of, logged_in


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


def test_the_opening_in_the_browser_names_its_buttons_where_the_terminal_names_its_commands(site: Site) -> None:
    ada = logged_in(site, "ada")
    token = csrf_of(ada, "/interviews/new")
    started = ada.post("/interviews", data={"csrf": token, "round": "netflix-senior-swe/recruiter-screen",
                                            "questions": "1"}, follow_redirects=False)
    session_id = str(started.headers["location"]).rsplit("/", 1)[1]
    page = ada.get(f"/interviews/{session_id}").text
    [opening] = [t for t in site.store.load_session(session_id).turns if t.kind is TurnKind.OPENING]
    assert BUTTON_CONTROLS in opening.text and "/repeat" not in opening.text, opening.text
    assert BUTTON_CONTROLS in page and "Type /repeat" not in page
    for label in ("Repeat", "Skip", "Time left", "Quit"):  # the buttons it names are the page's own
        assert f'value="{label.split()[0].lower()}">{label}</button>' in page

    loop = site.client.app.state.web.interviews.bank.loop("netflix-senior-swe")
    typed = RoundContext(loop=loop, round=loop.round("recruiter-screen"), candidate="ada", questions_in_round=1)
    assert TYPED_CONTROLS in ScriptedInterviewer().opening(typed)  # where the candidate types, the commands
