"""The composition root's wiring: which interviewer and which grader run, chosen from Settings.

It sits above `interview/`, `grading/` and `providers/` (it imports all three; none of them imports
it), so the model clients in `providers/` never know who uses them. Each builder returns the
object and a one-line label for the user.

MOCKINTERVIEWER_LLM=offline always uses the offline interviewer/grader; `llm` requires a model
(ModelError saying what to set otherwise); `auto` (the default) uses the model when
OPENAI_API_KEY or OPENAI_BASE_URL is set and the offline ones otherwise. The label names the
model and server (never a key) or says why it is offline, for the start of an interview.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from mockinterviewer.config import Settings
from mockinterviewer.errors import ModelError
from mockinterviewer.grading.base import Grader
from mockinterviewer.interview.interviewer import Interviewer

if TYPE_CHECKING:  # the model clients are imported only when a model is used: offline start-up stays fast
    from mockinterviewer.providers.retry import Breaker

HOW_TO_CONFIGURE = (
    "Set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (any OpenAI-compatible server, e.g. "
    "http://127.0.0.1:8080/v1) and MOCKINTERVIEWER_MODEL, or set MOCKINTERVIEWER_LLM=auto or offline."
)
NOT_CONFIGURED = "no LLM configured; set OPENAI_API_KEY or OPENAI_BASE_URL to use one"


def use_llm(settings: Settings) -> bool:
    """Whether the model is used; ModelError when MOCKINTERVIEWER_LLM=llm but none is configured."""
    if settings.llm == "offline":
        return False
    if settings.llm_configured():
        return True
    if settings.llm == "llm":
        raise ModelError("MOCKINTERVIEWER_LLM=llm, but no language model is configured.", hint=HOW_TO_CONFIGURE)
    return False


def _offline_reason(settings: Settings) -> str:
    return "MOCKINTERVIEWER_LLM=offline" if settings.llm == "offline" else NOT_CONFIGURED


def build_interviewer(settings: Settings) -> tuple[Interviewer, str]:
    from mockinterviewer.interview.scripted import ScriptedInterviewer

    if not use_llm(settings):
        return ScriptedInterviewer(), f"Interviewer: offline scripted ({_offline_reason(settings)})"
    from mockinterviewer.interview.llm import LLMInterviewer
    from mockinterviewer.providers.chat import build_caller, endpoint_label
    from mockinterviewer.providers.structured import resolve_json_mode

    interviewer = LLMInterviewer(
        build_caller(settings),
        fallback=ScriptedInterviewer(),
        prompts_dir=settings.prompts_dir,
        json_mode=resolve_json_mode(settings.llm_json_mode, settings.openai_base_url),
        max_tokens=settings.llm_max_tokens,
    )
    # `name` is a property there (who produced the last turn), which the Protocol's attribute allows at run time
    return cast(Interviewer, interviewer), f"Interviewer: LLM ({endpoint_label(settings)})"


def build_grader(settings: Settings, *, breaker: Breaker | None = None) -> tuple[Grader, str]:
    from mockinterviewer.grading.rubric import RubricGrader

    if not use_llm(settings):
        return RubricGrader(), f"Grader: offline rubric ({_offline_reason(settings)})"
    from mockinterviewer.grading.llm import LLMGrader
    from mockinterviewer.providers.chat import build_caller, endpoint_label
    from mockinterviewer.providers.structured import resolve_json_mode

    grader = LLMGrader(
        build_caller(settings, temperature=0.0, breaker=breaker),
        fallback=RubricGrader(),
        samples=settings.grader_samples,
        prompts_dir=settings.prompts_dir,
        json_mode=resolve_json_mode(settings.llm_json_mode, settings.openai_base_url),
        max_tokens=settings.grader_max_tokens,
    )
    samples = f", median of {settings.grader_samples} samples" if settings.grader_samples > 1 else ""
    return grader, f"Grader: LLM judge ({endpoint_label(settings)}, temperature 0{samples})"
