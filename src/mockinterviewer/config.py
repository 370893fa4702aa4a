"""Settings from the environment (prefix MOCKINTERVIEWER_) and the data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_bank_dir() -> Path:
    """The bank shipped with the project (a source checkout), or the one installed beside the package."""
    for candidate in (PROJECT_ROOT / "question_bank", Path(__file__).resolve().parent / "question_bank"):
        if candidate.is_dir():
            return candidate
    return PROJECT_ROOT / "question_bank"


def default_prompts_dir() -> Path:
    for candidate in (PROJECT_ROOT / "prompts", Path(__file__).resolve().parent / "prompts"):
        if candidate.is_dir():
            return candidate
    return PROJECT_ROOT / "prompts"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKINTERVIEWER_", extra="ignore")

    home: Path = Field(default_factory=lambda: user_data_path("mockinterviewer", appauthor=False))
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the data directory."
    )
    bank_dir: Path = Field(default_factory=default_bank_dir)
    prompts_dir: Path = Field(default_factory=default_prompts_dir)
    default_loop: str = "netflix-senior-swe"
    max_follow_ups: int = Field(default=2, ge=0, le=5)

    # Language models (owned by the LLM interviewer/grader; see providers/). Env: MOCKINTERVIEWER_<NAME>,
    # except the two standard OpenAI variables. Secrets are SecretStr and never printed.
    llm: Literal["auto", "llm", "offline"] = Field(
        default="auto",
        description="auto: use a model when OPENAI_API_KEY or OPENAI_BASE_URL is set, else offline.",
    )
    model: str = Field(default="gpt-4o-mini", description="Chat model name sent to the server.")
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("openai_api_key", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("openai_base_url", "OPENAI_BASE_URL"),
        description="Any OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (llama.cpp, vLLM, Ollama).",
    )
    llm_timeout: float = Field(
        default=30.0, gt=0, description="Seconds to connect, and of silence between streamed tokens."
    )
    llm_deadline: float = Field(
        default=120.0, gt=0, description="Seconds one model call may take in all, retries included."
    )
    llm_retries: int = Field(default=2, ge=0, le=10, description="Retries after the first attempt.")
    llm_output_retries: int = Field(
        default=1, ge=0, le=5, description="Times an unusable reply (bad JSON, invalid grade) is asked again."
    )
    llm_backoff_base: float = Field(default=0.5, ge=0, description="First retry delay (s); doubles.")
    llm_backoff_max: float = Field(default=8.0, ge=0, description="Cap on one retry delay (s).")
    llm_retry_after_max: float = Field(
        default=30.0, ge=0, description="Longest Retry-After (s) honoured; longer ones fall back at once."
    )
    llm_breaker_cooldown: float = Field(
        default=60.0,
        ge=0,
        description="After a call fails on transport errors, later calls skip the model for this long (s).",
    )
    llm_temperature: float = Field(default=0.4, ge=0, le=2, description="Interviewer temperature.")
    llm_max_tokens: int = Field(default=300, ge=16, le=4096, description="Longest interviewer utterance.")
    llm_json_mode: Literal["auto", "json_schema", "json_object", "prompt"] = Field(
        default="auto",
        description=(
            "How structured output is requested. json_schema: OpenAI structured outputs; json_object: "
            '{"type":"json_object","schema":...} (llama.cpp server); prompt: schema in the prompt only. '
            "auto: json_schema for api.openai.com, json_object for any other base URL."
        ),
    )
    grader_max_tokens: int = Field(default=300, ge=32, le=4096, description="Longest judgement per criterion.")
    grader_samples: int = Field(
        default=1, ge=1, le=9, description="LLM grader samples per criterion; the median score is kept."
    )

    def llm_configured(self) -> bool:
        """True when a model can be reached: an API key or a base URL is set."""
        has_key = self.openai_api_key is not None and bool(self.openai_api_key.get_secret_value().strip())
        return has_key or bool((self.openai_base_url or "").strip())

    @property
    def sqlite_path(self) -> Path:
        return self.home / "mockinterviewer.db"

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
