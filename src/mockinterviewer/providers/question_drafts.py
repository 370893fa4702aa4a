"""Asking a chat model to draft questions for a job's uncovered requirements, and checking each one.

`draft_questions(caller, requests, ...)` makes one call per `bank.drafting.DraftRequest`, with the
question's JSON schema as structured output (`providers.structured`), through `ChatCaller` (its
retries, deadline and circuit breaker). Each reply is read with `bank.drafting.question_from_draft`
and then linted as the file it would be saved as (`bank.loader.lint_bank` on a scratch folder), so a
draft that is used is one `mockinterviewer bank lint` accepts. A draft that fails either is dropped
with a one-line note; a server that fails (down, timing out, circuit open) ends the drafting with
one note, and the session goes on with the bank's questions. Only the request's role, level,
requirement and round names are sent (see `DraftRequest.prompt_values`).
"""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Collection, Sequence
from pathlib import Path

from mockinterviewer.bank.drafting import (
    DraftOutcome,
    DraftRejected,
    DraftRequest,
    draft_schema,
    non_empty_strings,
    question_from_draft,
    question_yaml,
)
from mockinterviewer.bank.loader import lint_bank
from mockinterviewer.bank.schema import Question
from mockinterviewer.providers.call import ChatCaller, ModelCallError
from mockinterviewer.providers.prompts import chat_prompt, delimit
from mockinterviewer.providers.retry import BAD_OUTPUT, BadOutput
from mockinterviewer.providers.structured import JsonMode, extract_object, response_format_params

MAX_DRAFT_TOKENS = 1800  # a question with a five-criterion rubric is about 1,200 tokens


def lint_problems(question: Question) -> list[str]:
    """What `bank lint` says about the question's file, saved alone in a scratch bank folder."""
    with tempfile.TemporaryDirectory(prefix="mi-draft-") as scratch:
        folder = Path(scratch) / "questions"
        folder.mkdir()
        (folder / f"{question.id}.yaml").write_text(question_yaml(question), encoding="utf-8")
        _, problems = lint_bank(Path(scratch))
    return [f"{p.field or 'file'}: {p.message}" for p in problems]


def _reader(request: DraftRequest, taken: Collection[str]):  # type: ignore[no-untyped-def]
    def read(text: str) -> Question:
        try:
            question = question_from_draft(extract_object(text), request, taken)
        except DraftRejected as exc:
            raise BadOutput(str(exc)) from None
        problems = lint_problems(question)
        if problems:
            raise BadOutput(f"bank lint rejects it ({'; '.join(problems[:2])})")
        return question

    return read


def _short(requirement: str, limit: int = 60) -> str:
    return textwrap.shorten(requirement, limit, placeholder="...")


def draft_questions(
    caller: ChatCaller,
    requests: Sequence[DraftRequest],
    *,
    json_mode: JsonMode,
    taken: Collection[str] = (),
    prompts_dir: Path | None = None,
    output_retries: int = 0,
) -> DraftOutcome:
    """One draft per request (see the module doc); never raises for what the model or server does."""
    drafted = DraftOutcome()
    used = set(taken)
    template = chat_prompt("question_draft_system", "question_draft", prompts_dir)
    for number, request in enumerate(requests, 1):
        values = request.prompt_values()
        messages = template.format_messages(**{**values, "requirement": delimit(request.requirement, "requirement")})
        schema = draft_schema(request)
        if json_mode == "json_object":  # a local server's grammar: no empty text either
            schema = non_empty_strings(schema)
        params = {"max_tokens": MAX_DRAFT_TOKENS, "temperature": 0,
                  **response_format_params(json_mode, "question", schema)}
        try:
            result = caller.call(messages, params=params, validate=_reader(request, used),
                                 output_retries=output_retries)
        except ModelCallError as exc:
            reason = str(exc.meta.get("error") or exc.kind).removeprefix(f"{BadOutput.__name__}: ")
            if exc.kind == BAD_OUTPUT:
                drafted.notes.append(f"Drafted question {number} (for \"{_short(request.requirement)}\") dropped: "
                                     f"{reason[:200]}")
                continue
            drafted.notes.append(f"Could not draft questions: the language model failed ({exc.kind}: {reason[:160]}); "
                                 "the session uses the bank's questions.")
            break
        question = result.value
        used.add(question.id)
        drafted.questions.append((request, question))
    return drafted
