"""A candidate answers aloud in a real browser: Chromium's fake microphone plays an espeak-ng answer, the
page records it (MediaRecorder, WebM/Opus), uploads it, and the transcript shown holds the spoken key words;
corrected and sent, it is the turn with its audio and delivery figures. The interviewer's words go to the
browser's speech synthesis. Hands-free, silence ends the answer. A denied microphone falls back to typing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import BrowserType, Page, expect

from mockinterviewer.speech.audio import write_wav
from mockinterviewer.transcript import TurnKind
from tests.browser.conftest import CHROMIUM_ARGS, LiveApp, log_in

ROUND = "netflix-senior-swe/recruiter-screen"
SPOKEN = "I led the migration of our billing service to Kafka and measured the latency before and after."
KEY_WORDS = ("migration", "service", "kafka", "measured")
SILENCE_AFTER = 4.5  # seconds of silence after the words in the microphone's file (hands-free ends at 3)
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
    """The fake microphone's file: the answer spoken by espeak-ng, then silence; and the words' length (s)."""
    from mockinterviewer.speech.tts import EspeakTTS

    tts = EspeakTTS("en-us", 130, 4)
    if not tts.available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    speech = tts.synthesize(SPOKEN)
    samples = np.concatenate([speech.samples.astype(np.int16), np.zeros(int(SILENCE_AFTER * speech.rate), np.int16)])
    path = tmp_path_factory.mktemp("microphone") / "answer.wav"
    write_wav(path, samples, speech.rate)
    return path, speech.samples.size / speech.rate


@pytest.fixture(scope="module")
def browser_extra_args(answer_wav: tuple[Path, float]) -> list[str]:
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={answer_wav[0]}", "--autoplay-policy=no-user-gesture-required"]


def start_interview(page: Page) -> str:
    page.goto("/interviews/new")
    page.get_by_label("Loop and round").select_option(ROUND)
    page.get_by_role("spinbutton", name="Questions").fill("1")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/interviews/[0-9a-f]+$"))
    return page.url.rsplit("/", 1)[1]


def answer_box(page: Page) -> Any:
    return page.get_by_role("textbox", name="Your answer")


def test_a_candidate_answers_aloud_and_the_transcript_is_committed_with_its_audio(
        page: Page, live_app: LiveApp, answer_wav: tuple[Path, float],
        screenshot: Callable[[Page, str], Path]) -> None:
    page.add_init_script(SPOKEN_LOG)
    log_in(page, "ada")
    session_id = start_interview(page)
    question = next(t for t in live_app.store.load_session(session_id).turns if t.kind is TurnKind.QUESTION)
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


def test_hands_free_the_answer_ends_after_the_silence(page: Page, live_app: LiveApp,
                                                      screenshot: Callable[[Page, str], Path]) -> None:
    log_in(page, "ada")
    start_interview(page)
    page.get_by_label(re.compile(r"End after 3 s of silence")).check()
    page.get_by_role("button", name="Record answer").click()
    expect(page.locator("#voice-status")).to_contain_text("of silence ends the answer")
    # nobody presses Stop: the silence after the words ends the recording, and the transcript arrives
    box = answer_box(page)
    expect(box).to_have_value(re.compile("migration", re.I), timeout=TRANSCRIBED)
    expect(page.get_by_role("button", name="Record answer")).to_be_visible()
    screenshot(page, "hands-free")


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
    expect(box).to_have_value("My notes so far.")
    expect(page.get_by_role("button", name="Record answer")).to_be_enabled()  # and may record again
    screenshot(page, "upload-failed")
