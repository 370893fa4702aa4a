"""A candidate answers aloud in a real browser: Chromium's fake microphone plays an espeak-ng answer, the
page records it (MediaRecorder, WebM/Opus), uploads it, and the transcript shown holds the spoken key words;
corrected and sent, it is the turn with its audio and delivery figures. The interviewer's words are played
from the server's espeak-ng, or go to the browser's speech synthesis when the candidate picks it (the choice
is kept), and to the browser's voice when the server's cannot be had. Hands-free, the server's Silero VAD ends
the answer: the microphone's file holds a 2 s pause mid-answer (which must not end it) and a fan's hum under
everything, and the answer ends about 3 s after the last word. A denied microphone falls back to typing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import BrowserType, Page, Route, expect

from mockinterviewer.speech.audio import SAMPLE_RATE, write_wav
from mockinterviewer.transcript import TurnKind
from tests.browser.conftest import CHROMIUM_ARGS, LiveApp, log_in
from tests.browser.conftest import start_interview as start_round
from tests.speech import noise
from tests.speech.conftest import silence, speak, voiced_extent

ROUND = "netflix-senior-swe/recruiter-screen"
SPOKEN = ("I led the migration of our billing service to Kafka.", "Then I measured the latency before and after.")
PAUSE = 2.0  # seconds between the two sentences: a pause to think, which must not end the answer
KEY_WORDS = ("migration", "service", "kafka", "measured", "latency")
# seconds of quiet after the words in the microphone's file, which Chromium plays in a loop: hands-free
# ends the answer about 3.5 s after the last word, well before the words come round again
SILENCE_AFTER = 7.0
TRANSCRIBED = 90_000  # ms: the upload, the model's first load and the transcription on a busy machine
# records what the page gives the browser's speech synthesis
SPOKEN_LOG = """
window.__spoken = [];
if (window.speechSynthesis) {
  const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (utterance) => { window.__spoken.push(utterance.text); speak(utterance); };
}
"""


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The fake microphone's file: two sentences spoken by espeak-ng PAUSE s apart, then quiet, over a fan's hum
    made with sox; and when the last word ends (s)."""
    first, second = (speak(sentence) for sentence in SPOKEN)
    words = np.concatenate([first, silence(PAUSE), second])
    samples = np.concatenate([words, silence(SILENCE_AFTER)])
    folder = tmp_path_factory.mktemp("microphone")
    room = noise.mix(samples, noise.hum(folder, samples.size / SAMPLE_RATE))
    path = folder / "answer.wav"
    write_wav(path, room, SAMPLE_RATE)
    return path, (first.size + PAUSE * SAMPLE_RATE) / SAMPLE_RATE + voiced_extent(second)[1]


@pytest.fixture(scope="module")
def browser_extra_args(answer_wav: tuple[Path, float]) -> list[str]:
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={answer_wav[0]}", "--autoplay-policy=no-user-gesture-required"]


def start_interview(page: Page) -> str:
    return start_round(page, ROUND)


def answer_box(page: Page) -> Any:
    return page.get_by_role("textbox", name="Your answer")


def test_a_candidate_answers_aloud_and_the_transcript_is_committed_with_its_audio(
        page: Page, live_app: LiveApp, answer_wav: tuple[Path, float],
        screenshot: Callable[[Page, str], Path]) -> None:
    page.add_init_script(SPOKEN_LOG)
    listened: list[str] = []
    page.on("request", lambda request: listened.append(request.url) if "voice-listen" in request.url else None)
    log_in(page, "ada")
    session_id = start_interview(page)
    question = next(t for t in live_app.store.load_session(session_id).turns if t.kind is TurnKind.QUESTION)
    page.get_by_label("Interviewer's voice").select_option("browser")  # the server's voice is the first choice
    page.wait_for_function("window.__spoken && window.__spoken.length > 0")
    spoken = page.evaluate("window.__spoken")
    assert spoken and question.text.split("\n")[0] in spoken[-1]  # the interviewer's words, read aloud

    record = page.get_by_role("button", name="Record answer")
    record.click()
    expect(page.locator("#voice-status")).to_contain_text("Recording")
    page.wait_for_timeout(answer_wav[1] * 1000 + 500)  # the whole answer, push-to-talk
    page.get_by_role("button", name="Stop and transcribe").click()
    box = answer_box(page)
    expect(box).to_have_value(re.compile(r"\w+.*\w+"), timeout=TRANSCRIBED)
    transcript = box.input_value()
    assert all(word in transcript.lower() for word in KEY_WORDS), transcript
    expect(page.locator("#voice-status")).to_contain_text("correct it if needed")
    screenshot(page, "transcript")

    box.fill(transcript + " I also mentored two engineers.")  # the candidate corrects it
    page.get_by_role("button", name="Send").click()
    expect(page.locator("article.turn.candidate").first).to_contain_text("mentored two engineers")
    screenshot(page, "after-send")
    [answer] = [t for t in live_app.store.load_session(session_id).turns if t.kind is TurnKind.ANSWER]
    assert answer.source == "voice" and answer.meta["corrected"] is True
    assert answer.meta["transcript"] == transcript.strip()
    assert answer.meta["delivery"]["words"] >= 10 and Path(answer.meta["audio"]).is_file()
    assert not listened  # push-to-talk: the candidate ends the answer, nothing listens for its end


# playing, a second in (the opening and the question take half a minute to say)
PLAYED = "(p) => p.getAttribute('src') && !p.paused && p.currentTime > 1 && p.played.length > 0"


def test_the_server_speaks_the_question_and_the_browser_voice_or_silence_is_a_kept_choice(
        page: Page, live_app: LiveApp, screenshot: Callable[[Page, str], Path]) -> None:
    page.add_init_script(SPOKEN_LOG)
    sounds: list[tuple[str, int, str]] = []
    page.on("response", lambda response: sounds.append(
        (response.url, response.status, response.headers.get("content-type", "")))
            if "/speech" in response.url else None)
    log_in(page, "ada")
    session_id = start_interview(page)
    last = live_app.store.load_session(session_id).turns[-1]
    choice = page.get_by_label("Interviewer's voice")
    expect(choice).to_have_value("server")  # the default where the server has espeak-ng
    player = page.locator("#voice-player")
    # Chromium plays Opus in Ogg, so the page asks for it rather than the WAV ten times its size
    expect(player).to_have_attribute("src", f"/interviews/{session_id}/speech?turn={last.index}&format=ogg")
    page.wait_for_function(PLAYED, arg=player.element_handle())
    page.evaluate("(p) => { p.playbackRate = 16; }", player.element_handle())  # the rest, quickly
    page.wait_for_function("(p) => p.ended", arg=player.element_handle())  # played to its end
    assert page.evaluate("(p) => p.duration", player.element_handle()) > 5
    assert (f"{live_app.url}/interviews/{session_id}/speech?turn={last.index}&format=ogg", 200, "audio/ogg") in sounds
    assert page.evaluate("window.__spoken") == []  # one voice at a time
    screenshot(page, "server-voice")

    choice.select_option("off")
    page.reload()
    expect(page.get_by_label("Interviewer's voice")).to_have_value("off")  # kept in this browser
    expect(page.get_by_role("button", name="Read aloud again")).to_be_hidden()
    assert page.evaluate("window.__spoken") == [] and page.locator("#voice-player").get_attribute("src") is None
    page.get_by_label("Interviewer's voice").select_option("server")


def test_when_the_server_cannot_speak_the_page_says_so_and_the_browser_reads_the_words(
        page: Page, live_app: LiveApp) -> None:
    page.add_init_script(SPOKEN_LOG)
    page.route(re.compile(r"/interviews/[0-9a-f]+/speech\?turn=\d+(&format=ogg)?$"), lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"error": "The server cannot speak the interviewer\'s words (espeak-ng is not installed on it). '
             'Choose the browser voice, or read them."}'))
    log_in(page, "bob")
    session_id = start_interview(page)
    question = next(t for t in live_app.store.load_session(session_id).turns if t.kind is TurnKind.QUESTION)
    status = page.locator("#voice-status")
    expect(status).to_contain_text("espeak-ng is not installed on it")
    expect(status).to_contain_text("The browser's voice reads the words instead.")
    page.wait_for_function("window.__spoken && window.__spoken.length > 0")
    assert question.text.split("\n")[0] in page.evaluate("window.__spoken")[-1]
    expect(answer_box(page)).to_be_editable()


def test_hands_free_a_pause_does_not_end_the_answer_and_the_silence_after_it_does(
        page: Page, live_app: LiveApp, answer_wav: tuple[Path, float],
        screenshot: Callable[[Page, str], Path]) -> None:
    last_word = answer_wav[1]
    verdicts: list[dict[str, Any]] = []  # the server's answers to the pieces of the recording, in order
    uploads: list[dict[str, Any]] = []

    def keep(into: list[dict[str, Any]]) -> Callable[[Route], None]:
        def handle(route: Route) -> None:
            response = route.fetch()
            into.append(response.json())
            route.fulfill(response=response)
        return handle

    page.route(re.compile(r"/interviews/[0-9a-f]+/voice-listen$"), keep(verdicts))
    page.route(re.compile(r"/interviews/[0-9a-f]+/voice$"), keep(uploads))
    finishes: list[dict[str, Any]] = []
    page.route(re.compile(r"/interviews/[0-9a-f]+/voice-finish$"), keep(finishes))
    problems: list[str] = []  # script errors and CSP refusals
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, "ada")
    start_interview(page)
    page.get_by_label(re.compile(r"End after 3 s of silence")).check()
    page.get_by_role("button", name="Record answer").click()
    expect(page.locator("#voice-status")).to_contain_text("of silence ends the answer")
    # nobody presses Stop: the silence after the last word ends the recording, and the transcript arrives
    box = answer_box(page)
    expect(box).to_have_value(re.compile("latency", re.I), timeout=TRANSCRIBED)  # words after the pause
    expect(page.get_by_role("button", name="Record answer")).to_be_visible()
    screenshot(page, "hands-free")
    transcript = box.input_value().lower()
    assert all(word in transcript for word in KEY_WORDS), transcript
    over = [v for v in verdicts if v["over"]]
    assert len(over) == 1 and verdicts[-1] is over[0] and not over[0]["no_speech"], verdicts
    assert all(v["heard"] > last_word for v in over), (verdicts, last_word)  # not during the pause
    # the server heard the speech end at the last word and declared the answer over 3 s (thinking time) later,
    # in the recording's own time; the page stopped recording soon after, in the browser's time
    assert abs(over[0]["speech_end"] - last_word) < 1.0, (over, last_word)
    assert 2.7 <= over[0]["heard"] - last_word <= 4.0, (over, last_word)
    # the server had transcribed the answer up to its last pause: only the last piece went, not the recording
    assert not uploads and len(finishes) == 1, (uploads, finishes)
    assert 2.7 <= finishes[0]["seconds"] - last_word <= 5.0, (finishes, last_word)
    assert finishes[0]["last_part_seconds"] < 5.0, finishes  # the quiet after the words, at most
    assert not problems, problems


def test_hands_free_when_the_server_lost_the_recording_the_whole_of_it_is_uploaded(
        page: Page, live_app: LiveApp) -> None:
    page.route(re.compile(r"/interviews/[0-9a-f]+/voice-finish$"), lambda route: route.fulfill(
        status=409, content_type="application/json",
        body='{"error": "The page and the server lost track of this recording."}'))
    uploads: list[str] = []
    page.on("request", lambda request: uploads.append(request.url) if request.url.endswith("/voice") else None)
    log_in(page, "bob")
    start_interview(page)
    page.get_by_label(re.compile(r"End after 3 s of silence")).check()
    page.get_by_role("button", name="Record answer").click()
    expect(answer_box(page)).to_have_value(re.compile("latency", re.I), timeout=TRANSCRIBED)
    assert len(uploads) == 1
    expect(page.locator("#voice-status")).to_contain_text("correct it if needed")


def test_a_denied_microphone_falls_back_to_typing(browser_type: BrowserType, browser_type_launch_args: dict[str, Any],
                                                  live_app: LiveApp, screenshot: Callable[[Page, str], Path]) -> None:
    denying = browser_type.launch(**{**browser_type_launch_args, "args": [
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--deny-permission-prompts"]})
    try:
        page = denying.new_page(base_url=live_app.url)
        log_in(page, "bob")
        session_id = start_interview(page)
        box = answer_box(page)
        box.fill("Typed before trying the microphone: ")
        page.get_by_role("button", name="Record answer").click()
        status = page.locator("#voice-status")
        expect(status).to_contain_text("The microphone is blocked")
        expect(status).to_contain_text("You can type your answer instead.")
        expect(box).to_have_value("Typed before trying the microphone: ")  # nothing typed is lost
        expect(box).to_be_focused()
        screenshot(page, "microphone-denied")
        box.fill("I led the billing migration and measured the latency myself.")
        page.get_by_role("button", name="Send").click()
        expect(page.locator("article.turn.candidate").first).to_contain_text("billing migration")
        [answer] = [t for t in live_app.store.load_session(session_id).turns if t.kind is TurnKind.ANSWER]
        assert answer.source == "typed"
    finally:
        denying.close()


def test_a_failed_upload_says_so_and_keeps_what_was_typed(page: Page, live_app: LiveApp,
                                                          screenshot: Callable[[Page, str], Path]) -> None:
    log_in(page, "ada")
    start_interview(page)
    page.route(re.compile(r"/interviews/[0-9a-f]+/voice$"), lambda route: route.abort("connectionreset"))
    box = answer_box(page)
    box.fill("My notes so far.")
    page.get_by_role("button", name="Record answer").click()
    expect(page.locator("#voice-status")).to_contain_text("Recording")
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Stop and transcribe").click()
    status = page.locator("#voice-status")
    expect(status).to_contain_text("the upload failed (no connection to the server)")
    expect(status).to_contain_text("You can type your answer instead.")
    expect(status).to_have_class(re.compile(r"\berror\b"))  # the red alert, as the server's error line
    expect(status).to_have_attribute("role", "alert")
    expect(box).to_have_value("My notes so far.")
    expect(page.get_by_role("button", name="Record answer")).to_be_enabled()  # and may record again
    screenshot(page, "upload-failed")


def test_hands_free_when_the_end_cannot_be_heard_the_candidate_stops_by_hand(
        page: Page, live_app: LiveApp, answer_wav: tuple[Path, float],
        screenshot: Callable[[Page, str], Path]) -> None:
    page.route(re.compile(r"/interviews/[0-9a-f]+/voice-listen$"), lambda route: route.abort("connectionreset"))
    log_in(page, "ada")
    start_interview(page)
    page.get_by_label(re.compile(r"End after 3 s of silence")).check()
    page.get_by_role("button", name="Record answer").click()
    status = page.locator("#voice-status")
    expect(status).to_contain_text("The end of the answer cannot be heard: no connection to the server.")
    expect(status).to_contain_text("Press \u201cStop and transcribe\u201d when you are done.")
    screenshot(page, "hands-free-unheard")
    page.wait_for_timeout(answer_wav[1] * 1000 + 500)  # still recording: the whole answer
    page.get_by_role("button", name="Stop and transcribe").click()
    expect(answer_box(page)).to_have_value(re.compile("latency", re.I), timeout=TRANSCRIBED)
