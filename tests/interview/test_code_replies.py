"""Code in the candidate's replies: the code commands, fenced blocks, and code replies in an answers file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mockinterviewer.channels.answers_file import AnswersChannel, load_answers
from mockinterviewer.channels.code_input import (
    CodeCommand,
    CodeCommandKind,
    fence,
    language_of_path,
    parse_code_command,
    split_code,
)
from mockinterviewer.channels.editor import editor_command
from mockinterviewer.errors import InputError
from tests.interview.helpers import ScriptedChannel


@pytest.mark.parametrize(("text", "expected"), [
    ("/code", CodeCommand(CodeCommandKind.CODE)),
    ("  /code  solutions/lru.py ", CodeCommand(CodeCommandKind.CODE, "solutions/lru.py")),
    ("/lang java", CodeCommand(CodeCommandKind.LANG, "java")),
    ("/RUN", CodeCommand(CodeCommandKind.RUN)),
    ("/submit", CodeCommand(CodeCommandKind.SUBMIT)),
    ("/codex", None),
    ("I would /run it", None),
    ("/run\nand more", None),
])
def test_code_commands(text: str, expected: CodeCommand | None) -> None:
    assert parse_code_command(text) == expected


def test_a_fenced_block_is_split_from_the_words_around_it() -> None:
    split = split_code("Here is my solution:\n```python\ndef f(x):\n    return x\n```\nIt is O(1).")
    assert split.block is not None and split.block.lang == "python"
    assert split.block.code == "def f(x):\n    return x\n"
    assert split.prose == "Here is my solution:\nIt is O(1)."


def test_fence_tags_aliases_unclosed_blocks_and_longer_fences() -> None:
    assert split_code("```js\nlet a = 1;\n```").block.lang == "javascript"  # type: ignore[union-attr]
    unknown = split_code("```cobol\nDISPLAY 'HI'.\n```").block
    assert unknown is not None and unknown.lang is None and unknown.tag == "cobol"
    assert split_code("```\nx = 1").block.code == "x = 1\n"  # type: ignore[union-attr]
    inner = "s = '''\n```\n'''\n"
    block = split_code(fence(inner, "python")).block
    assert block is not None and block.code == inner and block.lang == "python"
    assert split_code("no code here").block is None


def test_language_of_a_path() -> None:
    assert [language_of_path(p) for p in ("a.py", "B.JAVA", "c.mjs", "d.txt")] == ["python", "java", "javascript", None]


def test_answers_file_code_reply_reads_the_file_relative_to_the_answers_file(tmp_path: Path) -> None:
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "echo.py").write_text("def echo(x):\n    return x\n")
    (tmp_path / "Echo.java").write_text("class Solution {}\n")
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump([
        "My approach first.",
        {"code": "solutions/echo.py", "lang": "python"},
        {"code": "Echo.java"},  # the language from the extension
        "```javascript\nfunction echo(x) { return x; }\n```",
        "no",
    ]))
    replies = load_answers(path)
    assert replies[0] == "My approach first."
    assert split_code(replies[1]).block.code == "def echo(x):\n    return x\n"  # type: ignore[union-attr]
    assert split_code(replies[2]).block.lang == "java"  # type: ignore[union-attr]
    channel = AnswersChannel(replies, display=ScriptedChannel([]))
    metas = [channel.listen().meta for _ in replies]  # type: ignore[union-attr]
    assert [m.get("submit_code", False) for m in metas] == [False, True, True, True, False]


@pytest.mark.parametrize(("item", "message"), [
    ({"code": "missing.py", "lang": "python"}, "does not exist"),
    ({"code": "echo.py", "lang": "cobol"}, "unknown language 'cobol'"),
    ({"code": "echo.py", "language": "python"}, "unknown keys: language"),
    ({"lang": "python"}, "'code' must be a file path"),
    ({"code": "empty.py"}, "is empty"),
])
def test_bad_code_replies_are_one_clear_message(tmp_path: Path, item: dict[str, str], message: str) -> None:
    (tmp_path / "echo.py").write_text("def echo(x):\n    return x\n")
    (tmp_path / "empty.py").write_text("  \n")
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(["hi", item]))
    with pytest.raises(InputError, match=message) as caught:
        load_answers(path)
    assert "reply 2" in str(caught.value) or "does not exist" in str(caught.value)


def test_editor_choice(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("vi", "myedit"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    path = str(bin_dir)
    assert editor_command({"VISUAL": "myedit --wait", "EDITOR": "vi", "PATH": path}) == ["myedit", "--wait"]
    assert editor_command({"EDITOR": "myedit", "PATH": path}) == ["myedit"]
    assert editor_command({"PATH": path}) == [str(bin_dir / "vi")]
    with pytest.raises(InputError, match="not installed"):
        editor_command({"EDITOR": "nothere", "PATH": path})
    with pytest.raises(InputError, match="No text editor found"):
        editor_command({"PATH": str(tmp_path / "none")})
