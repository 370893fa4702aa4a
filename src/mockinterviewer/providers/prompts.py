"""Prompt files (prompts/*.yaml) loaded as langchain-core chat prompt templates.

Each file has a `system` and a `human` template (f-string syntax; literal braces doubled).
Untrusted text (the candidate's words) is only ever a template *value*, wrapped by `delimit`,
so it is never parsed as a template and cannot close its own delimiters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from langchain_core.prompts import ChatPromptTemplate

from mockinterviewer.errors import ModelError


@lru_cache(maxsize=64)
def _load(path: Path, mtime: float) -> ChatPromptTemplate:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ModelError(f"Cannot read the prompt file {path}: {exc}", hint="Restore it from the repository.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("system"), str) or not isinstance(data.get("human"), str):
        raise ModelError(
            f"The prompt file {path} must be a mapping with 'system' and 'human' strings.",
            hint="Restore it from the repository.",
        )
    return ChatPromptTemplate.from_messages([("system", data["system"]), ("human", data["human"])])


def load_prompt(name: str, prompts_dir: Path | None = None) -> ChatPromptTemplate:
    """The template in `<prompts_dir>/<name>.yaml` (default: Settings().prompts_dir)."""
    if prompts_dir is None:
        from mockinterviewer.config import default_prompts_dir

        prompts_dir = default_prompts_dir()
    path = (prompts_dir / f"{name}.yaml").resolve()
    if not path.is_file():
        raise ModelError(
            f"Missing prompt file {path}.",
            hint="Set MOCKINTERVIEWER_PROMPTS_DIR to the project's prompts/ folder.",
        )
    return _load(path, path.stat().st_mtime)


def delimit(text: str, tag: str) -> str:
    """`text` wrapped in <tag>...</tag>, with any tag of that name inside it neutralised."""
    cleaned = re.sub(rf"<\s*/?\s*{re.escape(tag)}\s*>", "[tag removed]", text, flags=re.IGNORECASE)
    return f"<{tag}>\n{cleaned.strip()}\n</{tag}>"
