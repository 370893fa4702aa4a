"""Drafting a rubric for a question stub with a chat model (used by `bank import-guide`).

`draft_rubric(stub, chat_model)` asks for the rubric as JSON (prompts/rubric_draft*.txt),
validates it with the bank's `Rubric` model (draft=True), and on a malformed or invalid reply
asks again with the validation errors, up to `attempts` times in all. It raises ModelError
(saying what went wrong) when the model cannot produce a valid rubric; a person reviews every
draft before it is used (`draft: true` in the YAML).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from pydantic import ValidationError

from mockinterviewer.bank.drafting import criterion_schema
from mockinterviewer.bank.schema import Rubric
from mockinterviewer.errors import ModelError
from mockinterviewer.providers.call import ChatCaller, ModelCallError
from mockinterviewer.providers.chat import caller_for_model, json_mode_for_model
from mockinterviewer.providers.prompts import chat_prompt
from mockinterviewer.providers.retry import BadOutput, RetryPolicy
from mockinterviewer.providers.structured import (
    JsonMode,
    extract_object,
    response_format_params,
    validation_problems,
)


def rubric_schema(scale_max: int) -> dict[str, Any]:
    """A JSON schema of the rubric a model should return (strict-mode compatible)."""
    text = {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "scale_max": {"type": "integer", "enum": [scale_max]},
            "criteria": {"type": "array", "items": criterion_schema(scale_max), "minItems": 3, "maxItems": 5},
            "red_flags": {"type": "array", "items": text, "minItems": 1},
            "exemplar": {"type": "array", "items": text, "minItems": 3},
        },
        "required": ["scale_max", "criteria", "red_flags", "exemplar"],
        "additionalProperties": False,
    }


def parse_rubric(text: str) -> Rubric:
    """The draft Rubric in a model reply; BadOutput with the validation errors otherwise."""
    data = extract_object(text)
    data["draft"] = True
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        raise BadOutput(f"the rubric is invalid ({validation_problems(exc, 'rubric', 6)})") from None


def draft_rubric(
    question_stub: dict[str, Any],
    chat_model: BaseChatModel | ChatCaller,
    *,
    scale_max: int = 4,
    attempts: int = 3,
    json_mode: JsonMode | None = None,
    prompts_dir: Path | None = None,
    policy: RetryPolicy | None = None,
) -> Rubric:
    """A validated draft rubric (draft=True) for `question_stub` (needs at least "prompt")."""
    prompt = str(question_stub.get("prompt") or "").strip()
    if not prompt:
        raise ModelError("Cannot draft a rubric: the question stub has no 'prompt'.", hint="Add the question text.")
    if isinstance(chat_model, ChatCaller):
        caller = chat_model
        json_mode = json_mode or "prompt"
    else:
        caller = caller_for_model(chat_model, policy=policy)
        json_mode = json_mode or json_mode_for_model(chat_model)
    context = str(question_stub.get("context") or question_stub.get("source") or "").strip()
    messages = chat_prompt("rubric_draft_system", "rubric_draft", prompts_dir).format_messages(
        prompt=prompt,
        category=question_stub.get("category", "general"),
        kind=question_stub.get("kind", "technical"),
        level=", ".join(question_stub.get("levels") or ["senior"]),
        context=f"Context from the prep guide: {context}\n" if context else "",
        scale_max=scale_max,
        anchor_keys=", ".join(f'"{i}": "..."' for i in range(scale_max + 1)),
    )
    params = {"max_tokens": 1500, **response_format_params(json_mode, "rubric", rubric_schema(scale_max))}
    try:
        result = caller.call(messages, params=params, validate=parse_rubric, output_retries=max(0, attempts - 1))
    except ModelCallError as exc:
        raise ModelError(
            f"The model could not draft a valid rubric for {question_stub.get('id', 'the question')!r}: "
            f"{exc.meta.get('error') or exc.kind}.",
            hint="Write the rubric by hand, or retry with a stronger model (MOCKINTERVIEWER_MODEL).",
        ) from None
    return result.value
