"""Settings from the environment (prefix MOCKINTERVIEWER_) and the data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import Field, SecretStr
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

    # Language models (issue: LLM interviewer and grader)
    llm: Literal["auto", "llm", "offline"] = "auto"
    model: str = "gpt-4o-mini"
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_retries: int = Field(default=2, ge=0, le=10)

    @property
    def sqlite_path(self) -> Path:
        return self.home / "mockinterviewer.db"

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
