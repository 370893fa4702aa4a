"""Drafting a rubric with a model: validated, retried with the errors, ModelError when hopeless."""

from __future__ import annotations

import json

import pytest

from mockinterviewer.errors import ModelError
from mockinterviewer.grading.rubric_draft import draft_rubric
from tests.llm.helpers import ScriptedChatModel, no_sleep_policy

STUB = {"id": "cache-invalidation", "prompt": "How would you invalidate a CDN cache safely?",
        "category": "System Design", "kind": "system-design"}


def rubric_json(n_criteria: int = 3, scale_max: int = 4) -> str:
    criteria = [
        {"id": f"c{i}", "name": f"Criterion {i}", "description": "What it shows.", "weight": 2,
         "anchors": {str(level): f"Level {level}." for level in range(scale_max + 1)},
         "signals": ["one signal", "two signal", "three signal"], "follow_up": "How would you do it?"}
        for i in range(n_criteria)
    ]
    return json.dumps({"scale_max": scale_max, "criteria": criteria, "red_flags": ["Guesses."],
                       "exemplar": ["Point one.", "Point two.", "Point three."]})


def test_valid_draft_is_returned_with_draft_true() -> None:
    model = ScriptedChatModel(replies=[rubric_json()])
    rubric = draft_rubric(STUB, model, policy=no_sleep_policy())
    assert rubric.draft is True and len(rubric.criteria) == 3
    assert "How would you invalidate a CDN cache safely?" in model.seen[0][-1].content


def test_invalid_drafts_are_retried_with_the_errors() -> None:
    model = ScriptedChatModel(replies=[rubric_json(n_criteria=1), "not json at all", rubric_json()])
    rubric = draft_rubric(STUB, model, policy=no_sleep_policy())
    assert rubric.draft is True
    assert "criteria" in model.seen[1][-1].content  # the first retry named the invalid field
    model.assert_complete()


def test_model_error_when_the_model_cannot_produce_one() -> None:
    model = ScriptedChatModel(replies=["nope"] * 3)
    with pytest.raises(ModelError) as info:
        draft_rubric(STUB, model, policy=no_sleep_policy())
    assert "cache-invalidation" in str(info.value) and "by hand" in str(info.value)
    with pytest.raises(ModelError):
        draft_rubric({"id": "x"}, model)
