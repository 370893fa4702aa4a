"""Candidate and model text made safe: no escape sequence survives, not even as a fragment."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from mockinterviewer.safe_text import html_safe, markdown_safe, rich_safe, strip_controls

HOSTILE = [
    "\x1b[2J\x1b[31mRED\x1b[0m",  # clear screen, colours
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC-8 hyperlink
    "\x1b]0;title\x07",  # window title
    "\x9b31mC1\x9b0m",  # 8-bit CSI
    "nul\x00byte\x08back\rcr",
    "bidi \u202eevil\u202c",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_strip_controls_leaves_no_fragment(text: str) -> None:
    cleaned = strip_controls(text)
    assert not any(ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f for ch in cleaned)
    for fragment in ("[31m", "[0m", "]8;;", "[2J", "31m", "\u202e"):
        assert fragment not in cleaned


def test_strip_controls_keeps_text_newlines_and_tabs() -> None:
    assert strip_controls("\x1b[31mRED\x1b[0m]8 and\n\tmore\r\n") == "RED]8 and\n\tmore\n"
    assert strip_controls("ünïcode — 👩‍💻 [red]x[/red]") == "ünïcode — 👩‍💻 [red]x[/red]"


def test_rich_safe_shows_markup_literally() -> None:
    from rich.console import Console

    console = Console(record=True, width=200, color_system="truecolor", force_terminal=True, highlight=False)
    console.print(rich_safe("[red]x[/red] [link=http://evil]y[/link] \x1b[2J"))
    exported = console.export_text(styles=True)
    assert "[red]x[/red] [link=http://evil]y[/link]" in exported
    assert "\x1b[31" not in exported and "\x1b]8" not in exported and "\x1b[2J" not in exported


def test_html_safe() -> None:
    assert html_safe("<img src=x onerror=alert(1)>\x1b[2J'\"") == "&lt;img src=x onerror=alert(1)&gt;&#x27;&quot;"


ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](http://evil/x.png)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "# heading\n- list\n> quote\n1. ordered",
    "`code` **bold** _em_ | cell | ~~strike~~",
    "<http://evil.example>",
    "line one\n\n<div onclick=x>block</div>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_safe_renders_as_the_literal_text(attack: str) -> None:
    md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    rendered = md.render(f"- {markdown_safe(attack)}\n")
    assert rendered.startswith("<ul>\n<li>") and rendered.count("<li>") == 1
    inner = rendered.removeprefix("<ul>\n<li>").removesuffix("</li>\n</ul>\n")
    for tag in ("<script", "<img", "<a ", "<div", "<strong", "<em", "<code", "<h1", "<blockquote", "<ol", "<s>"):
        assert tag not in inner
    # what the reader sees is exactly the text, on one line
    import html

    assert html.unescape(inner) == " ".join(attack.split())
