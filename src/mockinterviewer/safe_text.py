"""Make text that came from a candidate or a model safe to show: in a terminal, in Rich, in HTML, in Markdown.

`strip_controls` is applied at the edge (answers, names, anything printed): it removes whole
terminal escape sequences (colours, screen clears, OSC-8 links ...) and every other control
character except newlines and tabs. The `*_safe` helpers add the escaping each output format needs.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["html_safe", "markdown_safe", "rich_safe", "strip_controls"]

# ESC- and C1-introduced sequences: CSI (ESC[ or 0x9b), OSC/DCS/SOS/PM/APC strings (ended by BEL or ST),
# and two-character escapes. Removed whole, so no fragment such as "[31m" or "]8;;" survives.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# Bidirectional overrides and isolates reorder what is shown (the "Trojan Source" trick).
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_KEEP = {"\n", "\t"}


def strip_controls(text: str) -> str:
    """`text` without terminal escape sequences, control characters (but \\n and \\t) or bidi overrides.

    A carriage return followed by a newline becomes a newline; any other carriage return is removed
    (it would let later characters overwrite earlier ones on screen).
    """
    text = _ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n"))
    return "".join(
        ch
        for ch in text
        if ch in _KEEP or (ch not in _BIDI and unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn"))
    )


def rich_safe(text: str) -> str:
    """For a Rich string with markup: controls stripped, `[...]` shown literally."""
    from rich.markup import escape

    return escape(strip_controls(text))


def html_safe(text: str) -> str:
    """For HTML text or attribute values: controls stripped, `< > & " '` escaped."""
    return html.escape(strip_controls(text), quote=True)


# Every ASCII punctuation character CommonMark lets a backslash escape that can start markup:
# emphasis, code, links, images, raw HTML, tables, headings, quotes, entities, strike-through.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>#|~!&{}^$])")
_LINE_START_MARKER = re.compile(r"^(\s*)([-+=>:.]|\d+(?=[.)]))")


def markdown_safe(text: str) -> str:
    """For one line of Markdown (a heading, a table cell, a list item, a quote): shown literally.

    Controls are stripped, newlines become spaces (a line break would end the block the text sits
    in), raw HTML and entities cannot form (`<` and `&` are escaped), and nothing can open emphasis,
    code, a link or a new block.
    """
    flat = " ".join(strip_controls(text).split())
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    match = _LINE_START_MARKER.match(escaped)
    if match:
        start, marker = match.group(1), match.group(2)
        rest = escaped[match.end() :]
        # after digits ("1. " would open an ordered list), else before the marker ("- ", "+ ", "> ")
        escaped = f"{start}{marker}\\{rest}" if marker.isdigit() else f"{start}\\{marker}{rest}"
    return escaped
