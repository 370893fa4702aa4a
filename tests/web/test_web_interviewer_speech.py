"""The interviewer's words spoken by the server (espeak-ng) for the voice page: a WAV of the current message,
only for the candidate who owns the session, kept by the browser per turn, bounded in length; a server
without espeak-ng answers one plain message and the page does not offer its voice."""

from __future__ import annotations

import io
import wave

import pytest
from fastapi.testclient import TestClient

from mockinterviewer.config import load_settings
from mockinterviewer.speech.audio import SAMPLE_RATE, decode_bytes
from mockinterviewer.speech.tts import EspeakTTS
from mockinterviewer.transcript import Speaker, Turn, TurnKind
from mockinterviewer.web import create_app
from mockinterviewer.web.interviewer_speech import MAX_SPOKEN_CHARS, bounded, interviewer_message
from tests.web.conftest import Site, logged_in, login
from tests.web.test_web_voice import start


def needs_espeak() -> None:
    if not EspeakTTS().available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


def test_the_current_question_is_spoken_as_a_wav_the_browser_may_keep(site: Site) -> None:
    needs_espeak()
    ada = logged_in(site, "ada")
    session_id = start(ada)
    turns = site.store.load_session(session_id).turns
    index, text = interviewer_message(turns) or (None, "")
    assert turns[-1].speaker is Speaker.INTERVIEWER and index == turns[-1].index and len(text.split()) >= 5
    page = ada.get(f"/interviews/{session_id}").text
    address = f"/interviews/{session_id}/speech?turn={index}"
    assert f'data-speech="{address}"' in page and 'data-server-voice="1"' in page

    response = ada.get(address)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "audio/wav"
    assert "immutable" in response.headers["cache-control"] and "private" in response.headers["cache-control"]
    with wave.open(io.BytesIO(response.content)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
    words = len(text.split())
    assert words / 6 < seconds < words / 1.2, (words, seconds)  # espeak-ng at 165 words a minute, with pauses

    again = ada.get(address, headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304 and not again.content  # the browser's copy is still good
    current = ada.get(f"/interviews/{session_id}/speech")
    assert current.status_code == 200 and current.headers["etag"] == response.headers["etag"]
    assert "no-cache" in current.headers["cache-control"]


def test_the_words_come_as_opus_in_ogg_a_tenth_of_the_wav_where_the_page_asks(site: Site) -> None:
    needs_espeak()
    ada = logged_in(site, "ada")
    session_id = start(ada)
    index, _text = interviewer_message(site.store.load_session(session_id).turns) or (None, "")
    address = f"/interviews/{session_id}/speech?turn={index}"
    wav, ogg = ada.get(address), ada.get(f"{address}&format=ogg")
    assert ogg.status_code == 200 and ogg.headers["content-type"] == "audio/ogg", ogg.text
    assert ogg.content[:4] == b"OggS" and len(ogg.content) < len(wav.content) / 5
    with wave.open(io.BytesIO(wav.content)) as sound:
        wav_seconds = sound.getnframes() / sound.getframerate()
    assert abs(decode_bytes(ogg.content).size / SAMPLE_RATE - wav_seconds) < 0.2  # the same words, whole
    assert ogg.headers["etag"] != wav.headers["etag"]  # a browser never takes one for the other
    wrong = ada.get(f"{address}&format=mp3<script>")
    assert wrong.status_code == 400 and "come as wav or ogg" in wrong.json()["error"]


def test_only_the_candidate_who_owns_the_session_hears_it(site: Site) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    address = f"/interviews/{session_id}/speech"
    bob = logged_in(site, "bob")
    assert bob.get(address).status_code == 404
    assert "There is no such page or session" in bob.get(address).text
    carol = logged_in(site, "carol")  # ada's coach reads the session; the interview's voice is ada's
    assert carol.get(address).status_code == 404
    anonymous = site.new_client().get(address, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    assert ada.get("/interviews/ffffffff/speech").status_code == 404
    answered = ada.get("/interviews/aaaa1111/speech")  # her graded session ends with her answer: nothing to say
    assert answered.status_code == 404 and answered.json()["error"] == "There are no interviewer's words to speak here."
    assert ada.get("/interviews/aaaa1111/speech?turn=1").status_code == 404  # turn 1 is hers
    assert ada.get(f"/interviews/{session_id}/speech?turn=x").status_code == 422


def test_a_server_without_espeak_says_so_plainly_and_the_page_does_not_offer_its_voice(
        monkeypatch: pytest.MonkeyPatch, site: Site) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no espeak-ng (nor espeak) to be found
    app = create_app(load_settings())
    monkeypatch.undo()
    assert not app.state.server_voice.available
    ada = TestClient(app)
    assert login(ada, "ada").status_code == 303
    session_id = start(ada)
    assert 'data-server-voice="0"' in ada.get(f"/interviews/{session_id}").text
    response = ada.get(f"/interviews/{session_id}/speech")
    assert response.status_code == 503
    assert response.json() == {"error": "The server cannot speak the interviewer's words (espeak-ng is not installed "
                                        "on it). Choose the browser voice, or read them."}
    assert "no-store" in response.headers["cache-control"]


def test_a_long_message_is_cut_after_a_whole_sentence() -> None:
    sentence = "Tell me about the hardest bug you fixed and how you found it. "
    text = sentence * 60
    cut = bounded(text)
    assert len(cut) <= MAX_SPOKEN_CHARS and cut.endswith("found it.") and len(cut) > MAX_SPOKEN_CHARS - len(sentence)
    assert bounded("word " * 1000).endswith("word") and len(bounded("word " * 1000)) <= MAX_SPOKEN_CHARS
    said = [(Speaker.INTERVIEWER, TurnKind.QUESTION, "First question?"),
            (Speaker.CANDIDATE, TurnKind.ANSWER, "An answer."),
            (Speaker.INTERVIEWER, TurnKind.FOLLOW_UP, "Why?\x07"), (Speaker.INTERVIEWER, TurnKind.QUESTION, text)]
    turns = [Turn(index=i, speaker=speaker, kind=kind, text=words, round_id="r1")
             for i, (speaker, kind, words) in enumerate(said)]
    index, spoken = interviewer_message(turns) or (None, "")
    assert index == 3 and spoken.startswith("Why?\nTell me") and len(spoken) <= MAX_SPOKEN_CHARS
    assert interviewer_message(turns, 0) == (0, "First question?") and interviewer_message(turns, 1) is None
