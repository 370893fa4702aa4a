"""Settings and the factory: auto/llm/offline, labels, dummy keys, ModelError saying what to set."""

from __future__ import annotations

import pytest

from mockinterviewer.config import load_settings
from mockinterviewer.errors import ModelError
from mockinterviewer.grading.llm import LLMGrader
from mockinterviewer.grading.rubric import RubricGrader
from mockinterviewer.interview.llm import LLMInterviewer
from mockinterviewer.interview.scripted import ScriptedInterviewer
from mockinterviewer.providers.chat import DUMMY_KEY, build_chat_model
from mockinterviewer.service.wiring import build_grader, build_interviewer


def test_auto_without_a_model_is_offline_and_says_how_to_enable_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "auto")
    interviewer, label = build_interviewer(load_settings())
    assert isinstance(interviewer, ScriptedInterviewer)
    assert label == ("Interviewer: offline scripted (no LLM configured; "
                     "set OPENAI_API_KEY or OPENAI_BASE_URL to use one)")
    grader, glabel = build_grader(load_settings())
    assert isinstance(grader, RubricGrader) and glabel.startswith("Grader: offline rubric (no LLM configured")


def test_auto_with_a_base_url_uses_the_model(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "auto")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("MOCKINTERVIEWER_MODEL", "qwen2.5-7b")
    interviewer, label = build_interviewer(load_settings())
    assert isinstance(interviewer, LLMInterviewer)
    assert label == "Interviewer: LLM (qwen2.5-7b via http://127.0.0.1:8080/v1)"
    assert interviewer.json_mode == "json_object"
    model = interviewer.caller.model
    assert model.openai_api_key.get_secret_value() == DUMMY_KEY  # type: ignore[attr-defined]
    assert model.max_retries == 0  # type: ignore[attr-defined]
    grader, glabel = build_grader(load_settings())
    assert isinstance(grader, LLMGrader)
    assert glabel == "Grader: LLM judge (qwen2.5-7b via http://127.0.0.1:8080/v1, temperature 0)"
    assert grader.caller.model.temperature == 0  # type: ignore[attr-defined]


def test_auto_with_only_a_key_uses_openai(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "auto")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-0123456789abcdefghij")
    interviewer, label = build_interviewer(load_settings())
    assert label == "Interviewer: LLM (gpt-4o-mini via https://api.openai.com/v1)"
    assert interviewer.json_mode == "json_schema"  # type: ignore[attr-defined]
    assert "0123456789" not in label and "0123456789" not in repr(load_settings())


def test_llm_mode_without_a_model_says_what_to_set(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "llm")
    with pytest.raises(ModelError) as info:
        build_interviewer(load_settings())
    assert "OPENAI_API_KEY" in str(info.value) and "OPENAI_BASE_URL" in str(info.value)
    with pytest.raises(ModelError):
        build_grader(load_settings())
    with pytest.raises(ModelError):
        build_chat_model(load_settings())


def test_offline_mode_wins_over_a_configured_model(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "offline")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    interviewer, label = build_interviewer(load_settings())
    assert isinstance(interviewer, ScriptedInterviewer)
    assert label == "Interviewer: offline scripted (MOCKINTERVIEWER_LLM=offline)"


def test_settings_from_env_and_flags(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOCKINTERVIEWER_LLM_TIMEOUT", "5")
    monkeypatch.setenv("MOCKINTERVIEWER_LLM_RETRIES", "4")
    monkeypatch.setenv("MOCKINTERVIEWER_GRADER_SAMPLES", "3")
    s = load_settings()
    assert (s.llm_timeout, s.llm_retries, s.grader_samples) == (5, 4, 3)
    flags = load_settings(openai_base_url="http://h:1/v1", openai_api_key="k-123456", llm="llm", model="m")
    assert flags.llm_configured() and flags.model == "m"
    assert load_settings(openai_api_key="   ").llm_configured() is False
    # A base URL with credentials never shows them in a label.
    _, label = build_interviewer(load_settings(openai_base_url="http://u:pw@h:1/v1", llm="llm"))
    assert "pw" not in label and label.endswith("via http://h:1/v1)")
