"""A spoken answer in the browser interview, over HTTP: a WebM/Opus recording (espeak-ng, encoded as a
browser's MediaRecorder does) is uploaded with the CSRF token, transcribed by the real tiny.en model primed
with the question, corrected and committed as the turn with its audio and delivery figures; bad, empty, too
large or foreign uploads are refused with one clear message, and nothing already answered is lost.
Hands-free, the pieces of a recording posted as it is made are checked by the terminal's end-of-answer rule:
a 2 s pause does not end the answer, the thinking time of silence after the last word does."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from mockinterviewer.config import load_settings
from mockinterviewer.errors import InputError
from mockinterviewer.speech.audio import SAMPLE_RATE, load_audio, resample, to_int16
from mockinterviewer.transcript import TurnKind
from mockinterviewer.web import create_app, voice_pages
from tests.speech import noise
from tests.speech.conftest import silence, speak, voiced_extent
from tests.web.conftest import Site, csrf_of, logged_in

ROUND = "netflix-senior-swe/recruiter-screen"
SPOKEN = "I led the migration of our billing service to Kafka and measured the latency before and after."


def speech(text: str) -> np.ndarray:
    """`text` spoken by espeak-ng, 16 kHz mono int16 (skips where espeak-ng is missing)."""
    from mockinterviewer.speech.tts import EspeakTTS

    tts = EspeakTTS("en-us", 150, 4)
    if not tts.available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    spoken = tts.synthesize(text)
    return resample(spoken.samples, spoken.rate)


def webm(samples: np.ndarray, *, live: bool = False) -> bytes:
    """Mono 16 kHz samples as WebM/Opus at 48 kHz, what Chromium's MediaRecorder uploads. `live`: written
    front to back as a recorder hands it over (no sizes filled in afterwards, no index at the end)."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="webm", options={"live": "1"} if live else {}) as container:
        stream = container.add_stream("libopus", rate=48_000)
        stream.layout = "mono"  # type: ignore[union-attr]
        frame = av.AudioFrame.from_ndarray(to_int16(samples).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            resampled.pts = None
            for packet in stream.encode(resampled):  # type: ignore[union-attr]
                container.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            container.mux(packet)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def recording() -> bytes:
    return webm(speech(SPOKEN))


def start(client: TestClient) -> str:
    token = csrf_of(client, "/interviews/new")
    response = client.post("/interviews", data={"csrf": token, "round": ROUND, "questions": "1"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


def upload(client: TestClient, session_id: str, data: bytes, csrf: str | None = None):  # type: ignore[no-untyped-def]
    token = csrf if csrf is not None else csrf_of(client, f"/interviews/{session_id}")
    return client.post(f"/interviews/{session_id}/voice", data={"csrf": token},
                       files={"audio": ("answer.webm", data, "audio/webm")})


def commit(client: TestClient, session_id: str, text: str, voice: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client, f"/interviews/{session_id}")
    return client.post(f"/interviews/{session_id}/voice-answer", data={"csrf": token, "text": text, "voice": voice},
                       follow_redirects=False)


def answers(site: Site, session_id: str) -> list:  # type: ignore[type-arg]
    return [t for t in site.store.load_session(session_id).turns if t.kind is TurnKind.ANSWER]


def test_a_spoken_answer_is_transcribed_corrected_and_committed_with_its_audio(site: Site, recording: bytes) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    page = ada.get(f"/interviews/{session_id}").text
    assert f'data-upload="/interviews/{session_id}/voice"' in page and 'src="/static/voice.js"' in page
    assert ada.get("/static/voice.js").status_code == 200

    response = upload(ada, session_id, recording)
    assert response.status_code == 200, response.text
    heard = response.json()
    words = heard["text"].lower()
    assert "migration" in words and "billing" in words and "latency" in words, heard
    assert heard["model"] == "tiny.en" and heard["seconds"] > 3
    pending = site.store.data_dir / voice_pages.PENDING_FOLDER
    assert ".json" in {p.suffix for p in pending.iterdir()}  # the audio follows, compressed on the speech thread
    assert oct(pending.stat().st_mode & 0o777) == "0o700"

    corrected = heard["text"] + " I also mentored two engineers."
    hold = site.store.hold_session(session_id)  # another tab or process is taking a reply right now
    assert hold is not None
    page = ada.get(commit(ada, session_id, corrected, heard["token"]).headers["location"]).text
    hold.release()
    assert "running in another process" in page and not answers(site, session_id)
    assert commit(ada, session_id, corrected, heard["token"]).status_code == 303  # sent again, recording kept
    [answer] = answers(site, session_id)
    assert answer.text == corrected and answer.source == "voice"
    meta = answer.meta
    assert meta["transcript"] == heard["text"] and meta["corrected"] is True and meta["stt_model"] == "tiny.en"
    assert meta["delivery"]["words"] > 10 and meta["delivery"]["talk_seconds"] > 2 and answer.seconds > 2
    audio = Path(meta["audio"])
    assert audio.is_file() and audio.suffix == ".ogg" and audio.stat().st_size > 1000
    assert not list(pending.iterdir())  # the recording went with its answer

    # the token was used once: sent again it is gone, and the text is still taken, as typed
    before = len(answers(site, session_id))
    page = ada.get(commit(ada, session_id, "And one more thing about the rollout.", heard["token"])
                   .headers["location"]).text
    assert "The recording had expired" in page
    later = answers(site, session_id)
    assert len(later) == before + 1 and later[-1].source == "typed" and "audio" not in later[-1].meta


def test_a_broken_empty_or_too_large_upload_gets_one_message_and_nothing_is_lost(
        site: Site, recording: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    turns = len(site.store.load_session(session_id).turns)
    for data, status, message in ((b"not audio at all" * 50, 400, "Cannot read the recording as audio"),
                                  (webm(np.zeros(SAMPLE_RATE * 2, np.int16)), 400, "could not make out any words"),
                                  (b"", 400, "Cannot read the recording")):
        response = upload(ada, session_id, data)
        assert response.status_code == status, response.text
        assert message in response.json()["error"] and "type your answer" in response.json()["error"]
    no_file = ada.post(f"/interviews/{session_id}/voice", data={"csrf": csrf_of(ada, f"/interviews/{session_id}")})
    assert no_file.status_code == 400 and "No recording came with the upload" in no_file.json()["error"]

    chunked = ada.post(f"/interviews/{session_id}/voice", content=iter([b"--x\r\n", recording]),
                       headers={"content-type": "multipart/form-data; boundary=x"})
    assert chunked.status_code == 411 and "did not say its size" in chunked.json()["error"]

    monkeypatch.setattr(voice_pages, "MAX_UPLOAD_BYTES", len(recording) // 2)
    too_large = upload(ada, session_id, recording)
    assert too_large.status_code == 413 and "larger than" in too_large.json()["error"]
    assert len(site.store.load_session(session_id).turns) == turns
    assert not (site.store.data_dir / voice_pages.PENDING_FOLDER).exists() or not list(
        (site.store.data_dir / voice_pages.PENDING_FOLDER).iterdir())


def test_only_the_owner_with_the_csrf_token_may_upload_or_commit(site: Site, recording: bytes) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    assert upload(ada, session_id, recording, csrf="forged").status_code == 403
    no_token = ada.post(f"/interviews/{session_id}/voice", files={"audio": ("a.webm", recording, "audio/webm")})
    assert no_token.status_code == 403
    bob = logged_in(site, "bob")
    assert upload(bob, session_id, recording, csrf=csrf_of(bob, "/sessions")).status_code == 404
    carol = logged_in(site, "carol")  # her candidate's session: a coach reads it, does not answer in it
    assert upload(carol, session_id, recording, csrf=csrf_of(carol, "/sessions")).status_code == 403
    anonymous = site.new_client().post(f"/interviews/{session_id}/voice",
                                       files={"audio": ("a.webm", recording, "audio/webm")}, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"

    # a recording made in ada's session does not travel into bob's
    heard = upload(ada, session_id, recording).json()
    bob_session = start(bob)
    commit(bob, bob_session, "My own words.", heard["token"])
    [bobs] = answers(site, bob_session)
    assert bobs.source == "typed" and "audio" not in bobs.meta
    assert commit(bob, session_id, "Not mine.", heard["token"]).status_code == 404
    assert not answers(site, session_id)
    pending = json.loads(next((site.store.data_dir / voice_pages.PENDING_FOLDER).glob("*.json")).read_text())
    assert pending["session_id"] == session_id  # still waiting for ada's answer


# -- hands-free: where the answer ends ----------------------------------------------------------------------

PIECE_SECONDS = 0.5  # what the page hands over at a time


@pytest.fixture(scope="module")
def paused_answer(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, float, float]:
    """A live WebM of two sentences 2 s apart then 4.5 s of quiet, over a fan's hum (sox); the seconds from the
    start to the end of the last word, and the recording's length."""
    first, second = speak("I led the migration of our billing service."), speak("Then I measured the latency.")
    samples = np.concatenate([silence(0.3), first, silence(2.0), second, silence(4.5)])
    last_word = (0.3 * SAMPLE_RATE + first.size + 2.0 * SAMPLE_RATE) / SAMPLE_RATE + voiced_extent(second)[1]
    seconds = samples.size / SAMPLE_RATE
    room = noise.mix(samples, noise.hum(tmp_path_factory.mktemp("room"), seconds))
    return webm(room, live=True), last_word, seconds


def listen(client: TestClient, session_id: str, recording: str, offset: int, piece: bytes,
           csrf: str):  # type: ignore[no-untyped-def]
    return client.post(f"/interviews/{session_id}/voice-listen",
                       data={"csrf": csrf, "recording": recording, "offset": str(offset)},
                       files={"piece": ("piece.webm", piece, "audio/webm")})


def test_hands_free_a_pause_does_not_end_the_answer_and_the_thinking_time_after_the_last_word_does(
        site: Site, paused_answer: tuple[bytes, float, float]) -> None:
    data, last_word, seconds = paused_answer
    ada = logged_in(site, "ada")
    session_id = start(ada)
    page = ada.get(f"/interviews/{session_id}").text
    assert f'data-listen="/interviews/{session_id}/voice-listen"' in page
    csrf = csrf_of(ada, f"/interviews/{session_id}")
    step = int(len(data) / seconds * PIECE_SECONDS)
    recording = "r" * 24
    verdicts = []
    for offset in range(0, len(data), step):
        response = listen(ada, session_id, recording, offset, data[offset : offset + step], csrf)
        assert response.status_code == 200, response.text
        verdicts.append(response.json())
        if verdicts[-1]["over"]:
            break
    over = verdicts[-1]
    assert over["over"] and not over["no_speech"], verdicts
    assert all(not v["over"] for v in verdicts if v["heard"] < last_word + 2.5)  # the 2 s pause did not end it
    assert abs(over["speech_end"] - last_word) < 0.6, (over, last_word)  # the speech ends at the last word
    assert 2.8 <= over["heard"] - last_word <= 3.6, (over, last_word)  # and the answer 3 s after it
    assert over["speech_start"] is not None and over["speech_start"] < 0.5
    assert len(site.client.app.state.hands_free_answers) == 1  # kept for its last piece
    rest = min(offset + step, len(data))
    heard = finish(ada, session_id, recording, rest, data[rest:], csrf)
    assert heard.status_code == 200, heard.text
    words = heard.json()["text"].lower()
    assert "migration" in words and "billing" in words and "latency" in words, heard.json()
    assert len(site.client.app.state.hands_free_answers) == 0  # finished: forgotten


def interview_of(site: Site, candidate: str) -> tuple[TestClient, str, str]:
    """The candidate logged in, a new interview of theirs and its page's CSRF token."""
    client = logged_in(site, candidate)
    session_id = start(client)
    return client, session_id, csrf_of(client, f"/interviews/{session_id}")


def finish(client: TestClient, session_id: str, recording: str, offset: int, piece: bytes,
           csrf: str):  # type: ignore[no-untyped-def]
    return client.post(f"/interviews/{session_id}/voice-finish",
                       data={"csrf": csrf, "recording": recording, "offset": str(offset)},
                       files={"piece": ("piece.webm", piece, "audio/webm")})


LONG_ANSWER = ("I led the migration of our billing service to events. "
               "First I measured the latency. "
               "Then I split the work into three stages, each one easy to roll back. "
               "We used Kafka, with idempotent consumers for the retries. "
               "The result was half the incidents.")
LONG_KEY_WORDS = ("migration", "billing", "latency", "stages", "kafka", "retries", "incident")


def test_hands_free_a_long_answer_is_transcribed_in_parts_while_it_is_recorded_and_kept_whole(site: Site) -> None:
    """A ~20 s answer in half-second pieces: its parts are transcribed as it comes, the end transcribes only the
    audio after the last pause, and the words and the whole recording are all there."""
    spoken = np.concatenate([speech(LONG_ANSWER), silence(4.0)])
    seconds = spoken.size / SAMPLE_RATE
    assert 18 < seconds < 26, seconds
    data = webm(spoken, live=True)
    ada = logged_in(site, "ada")
    session_id = start(ada)
    csrf = csrf_of(ada, f"/interviews/{session_id}")
    step = int(len(data) / seconds * PIECE_SECONDS)
    recording = "p" * 24
    for offset in range(0, len(data), step):
        verdict = listen(ada, session_id, recording, offset, data[offset : offset + step], csrf).json()
        if verdict["over"]:
            break
    assert verdict["over"] and not verdict["no_speech"], verdict
    rest = min(offset + step, len(data))
    finished = finish(ada, session_id, recording, rest, data[rest:], csrf)
    assert finished.status_code == 200, finished.text
    heard = finished.json()
    words = heard["text"].lower()
    assert all(word in words for word in LONG_KEY_WORDS), heard
    assert heard["parts"] >= 3, heard  # parts cut at pauses while it was recorded, then the quiet after it
    assert heard["last_part_seconds"] < 8, heard  # the end transcribed the last sentence or so, not 20 s
    assert abs(heard["seconds"] - seconds) < 0.3, (heard, seconds)

    assert commit(ada, session_id, heard["text"], heard["token"]).status_code == 303
    [answer] = answers(site, session_id)
    assert answer.source == "voice" and answer.meta["transcript"] == heard["text"]
    assert answer.meta["delivery"]["words"] > 40
    talk = answer.meta["delivery"]["talk_seconds"]  # first word to last: the parts' words timed in the whole
    assert (seconds - 4.0) * 0.8 < talk < seconds - 4.0 + 0.5, (talk, seconds)
    stored = load_audio(answer.meta["audio"])
    assert abs(stored.size / SAMPLE_RATE - seconds) < 0.3  # the whole recording, from its pieces


def test_hands_free_the_end_of_a_recording_the_server_does_not_follow_gets_one_message(
        site: Site, paused_answer: tuple[bytes, float, float]) -> None:
    data, _, _ = paused_answer
    ada, session_id, csrf = interview_of(site, "ada")
    assert listen(ada, session_id, "f" * 24, 0, data[:4000], csrf).status_code == 200
    gone = finish(ada, session_id, "g" * 24, 4000, data[4000:], csrf)
    assert gone.status_code == 409 and "lost track of this recording" in gone.json()["error"]
    skipped = finish(ada, session_id, "f" * 24, 9000, data[9000:], csrf)
    assert skipped.status_code == 409 and "came where 4000 was due" in skipped.json()["error"]
    assert len(site.client.app.state.hands_free_answers) == 0
    bob = logged_in(site, "bob")
    assert finish(bob, session_id, "h" * 24, 0, data, csrf_of(bob, "/sessions")).status_code == 404


def test_hands_free_pieces_missing_broken_or_not_hers_get_one_message(
        site: Site, paused_answer: tuple[bytes, float, float]) -> None:
    data, _, _ = paused_answer
    ada, session_id, csrf = interview_of(site, "ada")
    first = listen(ada, session_id, "a" * 24, 0, data[:4000], csrf)
    assert first.status_code == 200 and first.json()["over"] is False
    for recording, offset, message in (("a" * 24, 9000, "a piece starting at byte 9000 came where 4000 was due"),
                                       ("b" * 24, 4000, "it was replaced, finished or idle too long")):
        response = listen(ada, session_id, recording, offset, data[4000:8000], csrf)
        assert response.status_code == 409, response.text
        assert message in response.json()["error"] and "Stop and transcribe" in response.json()["error"]
    broken = listen(ada, session_id, "c" * 24, 0, b"not a recording" * 2000, csrf)
    assert broken.status_code == 400 and "Cannot read the recording as audio" in broken.json()["error"]
    no_id = listen(ada, session_id, "../x", 0, data[:4000], csrf)
    assert no_id.status_code == 400 and "without its audio, recording id or offset" in no_id.json()["error"]
    assert listen(ada, session_id, "d" * 24, 0, data[:4000], "forged").status_code == 403
    bob = logged_in(site, "bob")
    assert listen(bob, session_id, "e" * 24, 0, data[:4000], csrf_of(bob, "/sessions")).status_code == 404
    assert len(site.client.app.state.hands_free_answers) == 0  # a recording that went wrong is not kept


def test_hands_free_nobody_speaking_within_the_wait_ends_the_recording_as_no_speech(site: Site) -> None:
    answers = site.client.app.state.hands_free_answers
    answers.voice = answers.voice.model_copy(update={"wait_for_speech_seconds": 2.0})
    quiet = webm(silence(4.0), live=True)
    ada = logged_in(site, "ada")
    session_id = start(ada)
    verdict = listen(ada, session_id, "q" * 24, 0, quiet, csrf_of(ada, f"/interviews/{session_id}")).json()
    assert verdict["over"] and verdict["no_speech"] and verdict["speech_start"] is None


def test_the_page_names_the_speech_model_the_server_uses(site: Site, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    assert "transcribed on the server by Whisper tiny.en" in ada.get(f"/interviews/{session_id}").text
    for setting, shown in (("base", "Whisper base."), (str(tmp_path / "models" / "my-whisper"), "Whisper my-whisper.")):
        monkeypatch.setenv("MOCKINTERVIEWER_STT_MODEL", setting)
        app = create_app(load_settings())
        assert app.state.browser_voice.voice.stt_model == setting
        template = app.state.web.templates.env.get_template("voice.html")
        shown_page = template.render(session={"id": "x"}, voice_settings=app.state.browser_voice.voice)
        assert shown in shown_page and str(tmp_path) not in shown_page  # a model's folder name, never its path


def test_hands_free_recordings_listened_to_are_bounded_and_the_least_recent_goes_first(
        site: Site, paused_answer: tuple[bytes, float, float]) -> None:
    answers = site.client.app.state.hands_free_answers
    answers.limit = 2
    data = paused_answer[0][:4000]
    for n, session in enumerate(("s1", "s2", "s3")):
        answers.feed(("ada", session), f"{n}" * 20, 0, data)
    assert len(answers) == 2
    with pytest.raises(InputError, match="replaced, finished or idle"):
        answers.feed(("ada", "s1"), "0" * 20, 4000, data)  # the first went to make room
    assert not answers.feed(("ada", "s3"), "2" * 20, 4000, paused_answer[0][4000:8000]).over


def test_deleting_a_session_drops_its_recording_still_being_listened_to(site: Site, recording: bytes) -> None:
    ada = logged_in(site, "ada")
    session_id = start(ada)
    csrf = csrf_of(ada, f"/interviews/{session_id}")
    assert listen(ada, session_id, "d" * 24, 0, recording[: len(recording) // 2], csrf).status_code == 200
    answers = site.client.app.state.hands_free_answers
    assert len(answers) == 1
    page = ada.get(f"/sessions/{session_id}/delete").text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    deleted = ada.post(f"/sessions/{session_id}/delete", data={"csrf": token, "confirm": "delete"},
                       follow_redirects=False)
    assert deleted.status_code == 303, deleted.text
    assert len(answers) == 0  # not kept until it has been idle for two minutes

