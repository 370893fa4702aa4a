"""What a candidate types while coding: the code commands and code pasted in a fenced block.

Commands: `/code` (open an editor on the solution), `/code PATH` (take a file), `/lang L`,
`/run` (the visible examples), `/submit` (the hidden tests). A reply may also carry code in a
fenced block (```python ... ```); the words around the block are still an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

LANGUAGES = ("python", "javascript", "java")

# Fence tags and file extensions people use for each language.
_ALIASES = {
    "python": "python", "py": "python", "python3": "python",
    "javascript": "javascript", "js": "javascript", "node": "javascript", "mjs": "javascript",
    "java": "java",
}
_EXTENSIONS = {".py": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".java": "java"}
EXTENSION_OF = {"python": ".py", "javascript": ".js", "java": ".java"}


class CodeCommandKind(StrEnum):
    CODE = "/code"
    LANG = "/lang"
    RUN = "/run"
    SUBMIT = "/submit"


@dataclass(frozen=True)
class CodeCommand:
    kind: CodeCommandKind
    argument: str = ""  # the path of `/code PATH`, the language of `/lang L`


def parse_code_command(text: str) -> CodeCommand | None:
    """The code command `text` is, or None. Only a one-line reply that starts with the command counts."""
    stripped = text.strip()
    if "\n" in stripped or not stripped.startswith("/"):
        return None
    word, _, rest = stripped.partition(" ")
    for kind in CodeCommandKind:
        if word.lower() == kind.value:
            return CodeCommand(kind, rest.strip())
    return None


def language(name: str) -> str | None:
    """The supported language a name, fence tag or alias means, or None."""
    return _ALIASES.get(name.strip().lower())


def language_of_path(path: str) -> str | None:
    for extension, lang in _EXTENSIONS.items():
        if path.lower().endswith(extension):
            return lang
    return None


@dataclass(frozen=True)
class CodeBlock:
    code: str
    lang: str | None  # None: the fence named no language (or one not supported: see `tag`)
    tag: str = ""


@dataclass(frozen=True)
class Split:
    """A reply split into its fenced code (the last block, if several) and the words around it."""

    prose: str
    block: CodeBlock | None


_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<tag>[^\s`]*)[^\n`]*$")


def split_code(text: str) -> Split:
    """Find fenced code blocks (CommonMark style: a closing fence at least as long as the opening).

    An unclosed block runs to the end of the reply. The prose is everything outside the blocks.
    """
    lines = text.split("\n")
    prose: list[str] = []
    blocks: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            prose.append(lines[index])
            index += 1
            continue
        fence, tag = match["fence"], match["tag"]
        body: list[str] = []
        index += 1
        while index < len(lines):
            closing = lines[index].strip()
            if closing and closing[0] == fence[0] and set(closing) == {fence[0]} and len(closing) >= len(fence):
                index += 1
                break
            body.append(lines[index])
            index += 1
        blocks.append(CodeBlock(code="\n".join(body).strip("\n") + "\n", lang=language(tag) if tag else None, tag=tag))
    block = next((b for b in reversed(blocks) if b.code.strip()), None)
    return Split(prose="\n".join(prose).strip(), block=block)


def fence(code: str, lang: str) -> str:
    """`code` in a fenced block that nothing inside it can close."""
    longest = max((len(run) for run in re.findall(r"`{3,}", code)), default=2)
    marks = "`" * (longest + 1)
    return f"{marks}{lang}\n{code.rstrip()}\n{marks}"
