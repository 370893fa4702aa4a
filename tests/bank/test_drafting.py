"""Questions drafted from a job description by a model: the pure checks (bank.drafting), the calls
(providers.question_drafts) with a fake chat model, and `interview --job --draft-questions` end to end
through the real CLI, store and report (the interviewer and grader offline, so only drafting uses the
model)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockinterviewer.bank.drafting import (
    DRAFT_MARK,
    DraftRejected,
    DraftRequest,
    draft_requests,
    draft_schema,
    question_from_draft,
    question_yaml,
)
from mockinterviewer.bank.loader import lint_bank, load_bank
from mockinterviewer.config import Settings
from mockinterviewer.providers.call import ChatCaller
from mockinterviewer.providers.question_drafts import draft_questions
from mockinterviewer.safe_text import markdown_safe
from mockinterviewer.service import wiring
from tests.cli.helpers import cli, write_answers
from tests.conftest import PROJECT_ROOT
from tests.llm.helpers import ScriptedChatModel, no_sleep_policy

IOS_JOB = PROJECT_ROOT / "tests" / "data" / "jobs" / "ios-engineer.txt"
DEEP_DIVE = "onsite-technical-deep-dive"
SWIFTUI = "Build new screens in SwiftUI and maintain older UIKit views."
PROMPT = "How would you move a large UIKit screen to SwiftUI without freezing feature work?"


def draft_data(prompt: str = PROMPT, **changes: Any) -> dict[str, Any]:
    """A model's draft as the schema asks for it: a question with a full rubric."""
    criteria = [
        {"id": cid, "name": name, "description": f"The answer covers {name.lower()}.", "weight": 2,
         "anchors": {str(level): f"{name}: level {level} of the answer." for level in range(5)},
         "signals": signals, "follow_up": f"What would you do about {name.lower()}?"}
        for cid, name, signals in (
            ("interop", "Interoperability", ["UIHostingController", "UIViewRepresentable", "embed SwiftUI in UIKit"]),
            ("incremental", "Incremental migration", ["screen by screen", "feature flag", "leaf views first"]),
            ("state", "State ownership", ["ObservableObject", "single source of truth", "bindings"]),
        )
    ]
    data = {
        "prompt": prompt, "kind": "technical", "round_types": [DEEP_DIVE], "category": "Mobile UI",
        "difficulty": "medium", "levels": ["senior"], "suggested_minutes": 20,
        "rubric": {
            "criteria": criteria,
            "red_flags": [{"text": "Rewrites everything at once.",
                           "examples": ["I'd just rewrite the app in SwiftUI"]}],
            "exemplar": ["Embed SwiftUI views with UIHostingController.", "Migrate leaf screens first.",
                         "Keep one source of truth for state."],
        },
    }
    data.update(changes)
    return data


def request(loop: Any, level: str = "senior") -> DraftRequest:
    return DraftRequest(requirement=SWIFTUI, index=0, role="iOS Engineer", level=level,
                        rounds=(loop.round(DEEP_DIVE), loop.round("onsite-behavioral")), source="ios-engineer.txt")


@pytest.fixture(scope="module")
def loop(bank):  # type: ignore[no-untyped-def]
    return bank.loop("netflix-senior-swe")


# the pure part -----------------------------------------------------------------------------------

def test_a_valid_draft_becomes_a_bank_question_marked_draft_that_lint_accepts(loop: Any, tmp_path: Path) -> None:
    question = question_from_draft(draft_data(levels=["mid"]), request(loop), taken={"anything"})
    assert question.rubric.draft is True
    assert question.id.startswith("draft-how-would-you-move-a-large") and question.round_types == [DEEP_DIVE]
    assert question.levels == ["mid", "senior"]  # the session's level is always among them
    assert SWIFTUI in (question.source or "") and "ios-engineer.txt" in (question.source or "")
    assert question.rubric.red_flags[0].examples == ["I'd just rewrite the app in SwiftUI"]
    folder = tmp_path / "questions"
    folder.mkdir()
    (folder / f"{question.id}.yaml").write_text(question_yaml(question))
    assert yaml.safe_load(question_yaml(question))["rubric"]["draft"] is True
    bank, problems = lint_bank(tmp_path)
    assert problems == [] and bank.questions[question.id] == question


def test_the_id_is_made_here_and_never_collides(loop: Any) -> None:
    first = question_from_draft(draft_data(), request(loop), taken=())
    second = question_from_draft(draft_data(id="retry-backoff-strategy"), request(loop), taken={first.id})
    assert second.id != first.id and second.id.startswith("draft-")


@pytest.mark.parametrize(("change", "reason"), [
    (lambda d: d.pop("rubric"), "no rubric"),
    (lambda d: d.update(prompt="  "), "no prompt"),
    (lambda d: d.update(kind="coding"), "kind 'coding'"),
    (lambda d: d.update(round_types=["onsite-coding"]), "none of the session's technical rounds"),
    (lambda d: d.update(kind="behavioral", round_types=[DEEP_DIVE]), "none of the session's behavioral rounds"),
    (lambda d: d["rubric"].update(criteria=d["rubric"]["criteria"][:2]), "rubric.criteria"),
    (lambda d: d["rubric"]["criteria"][0]["anchors"].pop("4"), "anchors must have exactly the levels"),
    (lambda d: d["rubric"].update(exemplar=[]), "rubric.exemplar"),
    (lambda d: d.update(difficulty="brutal"), "difficulty"),
])
def test_an_invalid_draft_is_rejected_with_one_reason(loop: Any, change: Any, reason: str) -> None:
    data = copy.deepcopy(draft_data())
    change(data)
    with pytest.raises(DraftRejected) as info:
        question_from_draft(data, request(loop), taken=())
    assert reason in str(info.value) and "\n" not in str(info.value)


def test_requests_go_to_uncovered_requirements_and_rounds_that_can_ask_a_draft(loop: Any) -> None:
    requirements = ["covered one", "uncovered one", "uncovered two", "uncovered three"]
    made = draft_requests(requirements, {1, 2, 3}, role="R", level="staff", rounds=loop.rounds, count=2)
    assert [(r.index, r.requirement) for r in made] == [(1, "uncovered one"), (2, "uncovered two")]
    assert "onsite-coding" not in [r.id for r in made[0].rounds] and made[0].kinds == \
        ["technical", "system-design", "behavioral"]
    assert draft_requests(requirements, {1}, role="R", level="senior", rounds=[loop.round("onsite-coding")],
                          count=2) == []
    schema = draft_schema(made[0])
    assert "minLength" not in json.dumps(schema)  # OpenAI's strict mode refuses it; only a local server gets it
    assert schema["properties"]["kind"]["enum"] == made[0].kinds
    assert "onsite-coding" not in schema["properties"]["round_types"]["items"]["enum"]


# the calls ---------------------------------------------------------------------------------------

def _caller(model: ScriptedChatModel) -> ChatCaller:
    return ChatCaller(model, model_name="fake", policy=no_sleep_policy())


def test_each_draft_is_one_structured_call_and_a_bad_one_is_dropped_with_a_note(loop: Any) -> None:
    second = DraftRequest(requirement="Ship releases through TestFlight.", index=2, role="iOS Engineer",
                          level="senior", rounds=(loop.round(DEEP_DIVE),))
    model = ScriptedChatModel(replies=[json.dumps(draft_data()), "Sure! Here is a question: how do you ship?"])
    outcome = draft_questions(_caller(model), [request(loop), second], json_mode="json_object")
    assert [q.prompt for _, q in outcome.questions] == [PROMPT]
    assert len(outcome.notes) == 1 and outcome.notes[0].startswith(
        'Drafted question 2 (for "Ship releases through TestFlight.") dropped: expected a JSON object')
    fmt = model.kwargs_seen[0]["extra_body"]["response_format"]
    assert fmt["type"] == "json_object" and fmt["schema"]["properties"]["round_types"]["items"]["enum"] == \
        [DEEP_DIVE, "onsite-behavioral"]
    assert fmt["schema"]["properties"]["prompt"]["minLength"] == 1  # the local server's grammar: no empty text
    assert "minLength" not in fmt["schema"]["properties"]["kind"]  # an enum stays as it is
    signals = fmt["schema"]["properties"]["rubric"]["properties"]["criteria"]["items"]["properties"]["signals"]
    assert signals["items"]["minLength"] == 1 and signals["minItems"] == 3
    sent = model.seen[0][-1].content
    assert f"<requirement>\n{SWIFTUI}\n</requirement>" in sent and "iOS Engineer" in sent
    model.assert_complete()


def test_a_draft_that_lint_rejects_is_dropped(loop: Any) -> None:
    huge = draft_data(prompt="Why? " * 1000)  # over the bank's 4,000-character limit for one text
    model = ScriptedChatModel(replies=[json.dumps(huge)])
    outcome = draft_questions(_caller(model), [request(loop)], json_mode="prompt")
    assert outcome.questions == [] and "bank lint rejects it (prompt:" in outcome.notes[0]


# end to end through the CLI ----------------------------------------------------------------------

def _offline_interviewer_and_grader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the drafting talks to the model here: the interviewer and grader run offline."""
    def offline(settings: Settings) -> Settings:
        return settings.model_copy(update={"llm": "offline"})

    monkeypatch.setattr("mockinterviewer.service.sessions.build_interviewer",
                        lambda settings: wiring.build_interviewer(offline(settings)))
    monkeypatch.setattr("mockinterviewer.service.sessions.build_grader",
                        lambda settings, **kw: wiring.build_grader(offline(settings), **kw))


def _session_id(out: str) -> str:
    return out.split("Session ", 1)[1].split(" ", 1)[0]


def test_interview_uses_saves_and_marks_a_valid_draft_and_drops_an_invalid_one(
        tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    bad = draft_data(prompt="How do you keep Core Data in sync with iCloud?")
    bad["rubric"]["criteria"] = bad["rubric"]["criteria"][:1]
    model = ScriptedChatModel(replies=[json.dumps(draft_data()), json.dumps(bad)])
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "auto")
    monkeypatch.setattr("mockinterviewer.providers.chat.build_chat_model", lambda settings, **kw: model)
    _offline_interviewer_and_grader(monkeypatch)
    answers = write_answers(tmp_path / "a.yaml", ["I'd embed SwiftUI with UIHostingController, screen by screen.",
                                                  "/skip", "/skip", "no questions"])
    code, out, err = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(IOS_JOB), "--answers", str(answers),
                         "--seed", "1", "--max-follow-ups", "0", "--draft-questions", "2", "--candidate", "Ada L")
    assert code == 0, err
    model.assert_complete()
    flat = " ".join(out.split())
    assert "The question bank does not cover this job (iOS Engineer (Mobile Wallet team) at Pocketbook): only 0 of " \
           "its 8 requirements match any question, so the rounds ask the drafted questions below" in flat
    assert 'The model drafted 1 question(s) for requirements the bank does not cover' in flat and PROMPT in flat
    assert 'Drafted question 2 (for "Persist offline data with Core Data and keep it in sync...") dropped: it is ' \
           "not a valid question (rubric.criteria" in flat
    assert f"Question 1 of 2: {PROMPT}" in flat  # asked first in its round
    assert "Drafting 2 question(s)" in err
    # nothing but the role, level, one requirement and the rounds reached the model
    sent = " ".join(str(m.content) for call in model.seen for m in call)
    assert "Free lunch" not in sent and "3+ years of Swift" not in sent and "Pocketbook" not in sent
    # saved under the candidate's own bank folder, owner-only, loadable and clean under `bank lint`
    saved = list((isolated_home / "banks" / "ada-l" / "questions").glob("*.yaml"))
    assert len(saved) == 1 and saved[0].stat().st_mode & 0o077 == 0
    assert load_bank(saved[0].parent.parent).questions[saved[0].stem].prompt == PROMPT
    code, lint_out, _ = cli(capsys, "bank", "lint", str(saved[0].parent.parent))
    assert code == 0 and "OK: 1 questions" in lint_out
    session_id = _session_id(out)
    titled = f"{PROMPT} ({DRAFT_MARK})"
    for fmt, mark in (("text", f"Q1. {titled}"), ("md", f"## Q1. {markdown_safe(titled)}"),
                      ("html", f"<h2>Q1. {PROMPT} ({DRAFT_MARK})</h2>")):
        code, text, _ = cli(capsys, "report", session_id, "--format", fmt)
        assert code == 0 and mark in " ".join(text.split()), fmt
    code, raw, _ = cli(capsys, "report", session_id, "--format", "json")
    report = json.loads(raw)
    assert report["drafted"] == [saved[0].stem]
    assert report["job"]["exercised"][saved[0].stem] == [SWIFTUI]
    assert SWIFTUI not in report["job"]["not_covered"]
    assert report["job"]["covered_by_bank"] is False  # the bank's own verdict stands
    assert report["questions"][0]["criteria"][0]["score"] > 0  # graded with the drafted rubric


def test_a_dead_server_gives_one_note_and_the_session_goes_on_with_bank_questions(
        tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens on port 9
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "auto")
    monkeypatch.setenv("MOCKINTERVIEWER_LLM_RETRIES", "0")
    _offline_interviewer_and_grader(monkeypatch)
    answers = write_answers(tmp_path / "a.yaml", ["/skip", "/skip", "no questions"])
    code, out, err = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(IOS_JOB), "--answers", str(answers),
                         "--seed", "1")
    assert code == 0, err
    assert "Traceback" not in out + err
    flat = " ".join(out.split())
    assert flat.count("Could not draft questions: the language model failed (connection") == 1
    assert "the session uses the bank's questions" in flat and "Question 1 of 2" in flat
    assert not (isolated_home / "banks").exists()


def test_offline_says_drafting_needs_a_model_and_sends_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "offline")
    answers = write_answers(tmp_path / "a.yaml", ["/skip", "/skip", "no questions"])
    code, out, _ = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(IOS_JOB), "--answers", str(answers),
                       "--seed", "1", "--draft-questions", "1")
    flat = " ".join(out.split())
    assert code == 0 and "needs a language model (set OPENAI_BASE_URL or OPENAI_API_KEY); nothing from the job " \
                          "description was sent anywhere." in flat


def test_draft_questions_without_a_job_is_a_usage_mistake(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "interview", "--round", DEEP_DIVE, "--draft-questions", "1")
    assert code != 0 and "--job" in out + err and "Traceback" not in out + err


def test_a_bank_folder_that_cannot_be_written_gets_a_note_and_the_draft_is_still_asked(
        tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "banks").write_text("not a folder")
    model = ScriptedChatModel(replies=[json.dumps(draft_data())])
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "auto")
    monkeypatch.setattr("mockinterviewer.providers.chat.build_chat_model", lambda settings, **kw: model)
    _offline_interviewer_and_grader(monkeypatch)
    answers = write_answers(tmp_path / "a.yaml", ["/skip", "/skip", "no questions"])
    code, out, err = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(IOS_JOB), "--answers", str(answers),
                         "--seed", "1", "--draft-questions", "1")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Could not save the drafted questions in" in flat and "used in this session only" in flat
    assert f"Question 1 of 2: {PROMPT}" in flat and "Traceback" not in out + err


def test_a_later_session_asks_a_saved_draft_again_without_a_model(
        tmp_path: Path, isolated_home: Path, loop: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "offline")
    question = question_from_draft(draft_data(), request(loop), taken=set())
    folder = isolated_home / "banks" / "ada-l" / "questions"
    folder.mkdir(parents=True)
    (folder / f"{question.id}.yaml").write_text(question_yaml(question))
    (folder / "broken.yaml").write_text("prompt: [unclosed\n")
    answers = write_answers(tmp_path / "a.yaml", ["I'd embed SwiftUI with UIHostingController, screen by screen.",
                                                  "/skip", "/skip", "no questions"])
    code, out, err = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(IOS_JOB), "--answers", str(answers),
                         "--seed", "1", "--max-follow-ups", "0", "--candidate", "Ada L")
    assert code == 0, err
    flat = " ".join(out.split())
    assert f'Asked again from the questions drafted for you in earlier sessions ({DRAFT_MARK}): "{PROMPT}"' in flat
    assert "Your saved question broken.yaml was left out" in flat  # and the session goes on
    assert PROMPT in flat.split("Question 1 of 2:", 1)[1]
    code, raw, _ = cli(capsys, "report", _session_id(out), "--format", "json")
    report = json.loads(raw)
    assert report["drafted"] == [question.id]  # still marked: its rubric is not reviewed
    assert report["job"]["covered_by_bank"] is False  # the bank's own verdict, the saved draft aside
    # another candidate's session does not see it
    code, out, _ = cli(capsys, "interview", "--round", DEEP_DIVE, "--job", str(IOS_JOB), "--answers", str(answers),
                       "--seed", "1", "--max-follow-ups", "0", "--candidate", "Bo")
    assert code == 0 and PROMPT not in out
