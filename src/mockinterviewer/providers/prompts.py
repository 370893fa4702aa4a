"""Prompt files (prompts/*.txt) loaded as langchain-core chat prompt templates.

One file per prompt, in f-string syntax (literal braces doubled). `chat_prompt(system, human)`
pairs a system prompt with a human prompt. Untrusted text (the candidate's words) is only ever a
template *value*, wrapped by `delimit`, so it is never parsed as a template and cannot close its
own delimiters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate, PromptTemplate

from mockinterviewer.errors import ModelError


def _prompts_dir(prompts_dir: Path | None) -> Path:
    if prompts_dir is not None:
        return prompts_dir
    from mockinterviewer.config import default_prompts_dir

    return default_prompts_dir()


@lru_cache(maxsize=128)
def _read(path: Path, mtime: float) -> str:
    return path.read_text(encoding="utf-8")


def prompt_text(name: str, prompts_dir: Path | None = None) -> str:
    """The raw text of `<prompts_dir>/<name>.txt`."""
    path = (_prompts_dir(prompts_dir) / f"{name}.txt").resolve()
    try:
        return _read(path, path.stat().st_mtime)
    except OSError as exc:
        raise ModelError(
            f"Cannot read the prompt file {path}: {exc.strerror or exc}.",
            hint="Restore it from the repository, or set MOCKINTERVIEWER_PROMPTS_DIR to the prompts/ folder.",
        ) from None


def load_prompt(name: str, prompts_dir: Path | None = None) -> PromptTemplate:
    return PromptTemplate.from_template(prompt_text(name, prompts_dir))


def chat_prompt(system: str, human: str, prompts_dir: Path | None = None) -> ChatPromptTemplate:
    """A two-message chat template from two prompt files."""
    return ChatPromptTemplate.from_messages(
        [("system", prompt_text(system, prompts_dir)), ("human", prompt_text(human, prompts_dir))]
    )


def delimit(text: str, tag: str) -> str:
    """`text` wrapped in <tag>...</tag>, with any tag of that name inside it neutralised."""
    cleaned = re.sub(rf"<\s*/?\s*{re.escape(tag)}\s*>", "[tag removed]", text, flags=re.IGNORECASE)
    return f"<{tag}>\n{cleaned.strip()}\n</{tag}>"
