"""Building the chat model and its caller from Settings (any OpenAI-compatible server).

The model is langchain-openai's ChatOpenAI pointed at `OPENAI_BASE_URL` (or OpenAI itself),
with the openai client's own retries off (`max_retries=0`: `providers.retry` decides), the
timeout from Settings, and streamed token usage requested (`stream_usage=True`). With only a
base URL, the key is the dummy "not-needed" that local servers ignore.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from mockinterviewer.config import Settings
from mockinterviewer.errors import ModelError
from mockinterviewer.providers.call import ChatCaller
from mockinterviewer.providers.retry import Breaker, RetryPolicy
from mockinterviewer.providers.secrets import safe_url
from mockinterviewer.providers.structured import JsonMode, resolve_json_mode

DUMMY_KEY = "not-needed"


def is_openai(base_url: str | None) -> bool:
    """True for OpenAI's own API (no base URL, or an openai.com host)."""
    if not base_url:
        return True
    return (urlsplit(base_url).hostname or "").endswith("openai.com")


def endpoint_label(settings: Settings) -> str:
    """e.g. 'gpt-4o-mini via http://127.0.0.1:8080/v1' (no credentials, no query string)."""
    return f"{settings.model} via {safe_url(settings.openai_base_url)}"


def build_chat_model(settings: Settings, *, temperature: float | None = None, **kwargs: Any) -> BaseChatModel:
    """ChatOpenAI for the configured server; ModelError when nothing is configured."""
    if not settings.llm_configured():
        raise ModelError(
            "No language model is configured.",
            hint="Set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (any OpenAI-compatible server, "
            "e.g. http://127.0.0.1:8080/v1), and MOCKINTERVIEWER_MODEL for the model name.",
        )
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ModelError("langchain-openai is not installed.", hint="pip install langchain-openai") from exc

    key = settings.openai_api_key
    if key is None or not key.get_secret_value().strip():
        key = SecretStr(DUMMY_KEY)
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.openai_base_url or None,
        api_key=key,
        max_retries=0,
        timeout=settings.llm_timeout,
        temperature=settings.llm_temperature if temperature is None else temperature,
        stream_usage=True,
        **kwargs,
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        retries=settings.llm_retries,
        base=settings.llm_backoff_base,
        cap=settings.llm_backoff_max,
        retry_after_max=settings.llm_retry_after_max,
        deadline=settings.llm_deadline,
    )


def build_caller(
    settings: Settings,
    *,
    temperature: float | None = None,
    breaker: Breaker | None = None,
    chat_model: BaseChatModel | None = None,
) -> ChatCaller:
    """A ChatCaller over the configured server with the Settings' retry policy."""
    model = chat_model or build_chat_model(settings, temperature=temperature)
    return ChatCaller(
        model,
        model_name=settings.model,
        policy=retry_policy(settings),
        breaker=breaker or Breaker(cooldown=settings.llm_breaker_cooldown),
        secrets=[settings.openai_api_key],
        expect_finish_reason=chat_model is None,
        local_server=not is_openai(settings.openai_base_url),
        output_retries=settings.llm_output_retries,
    )


def caller_for_model(chat_model: BaseChatModel, *, policy: RetryPolicy | None = None) -> ChatCaller:
    """A ChatCaller for a model built elsewhere, with the server quirks inferred from it."""
    from langchain_openai import ChatOpenAI

    openai_chat = isinstance(chat_model, ChatOpenAI)
    base_url = getattr(chat_model, "openai_api_base", None)
    return ChatCaller(
        chat_model,
        model_name=str(getattr(chat_model, "model_name", None) or type(chat_model).__name__),
        policy=policy,
        expect_finish_reason=openai_chat,
        local_server=openai_chat and not is_openai(base_url),
    )


def json_mode_for_model(chat_model: BaseChatModel) -> JsonMode:
    """json_schema for OpenAI, json_object for other OpenAI-compatible servers, prompt otherwise."""
    from langchain_openai import ChatOpenAI

    if not isinstance(chat_model, ChatOpenAI):
        return "prompt"
    return resolve_json_mode("auto", getattr(chat_model, "openai_api_base", None))
