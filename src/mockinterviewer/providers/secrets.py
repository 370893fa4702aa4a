"""Keeping secrets out of logs, transcripts and reports.

`scrub` removes API keys, bearer tokens and URL credentials from any text (error messages above
all) before it is stored or shown; `safe_url` renders a base URL without its userinfo or query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from pydantic import SecretStr

_PATTERNS = [
    re.compile(r"\bsk-[A-Za-z0-9_\-*]{6,}"),  # OpenAI-style keys, masked or not
    re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._\-~+/=]{6,}"),
    re.compile(r"(?i)\b(api[_-]?key|authorization|token|password|secret)(\"?\s*[:=]\s*\"?)[^\s\"',}]{4,}"),
    re.compile(r"(?i)(https?://)[^/\s:@]+:[^/\s@]+@"),  # user:password@ in URLs
]
REDACTED = "[redacted]"


def _secret_values(secrets: Iterable[str | SecretStr | None]) -> list[str]:
    values = []
    for secret in secrets:
        if secret is None:
            continue
        value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        if len(value) >= 4:
            values.append(value)
    return sorted(values, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str | SecretStr | None] = ()) -> str:
    """`text` without the given secret values and without anything shaped like a credential."""
    for value in _secret_values(secrets):
        text = text.replace(value, REDACTED)
    text = _PATTERNS[0].sub(REDACTED, text)
    text = _PATTERNS[1].sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _PATTERNS[2].sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _PATTERNS[3].sub(lambda m: f"{m.group(1)}{REDACTED}@", text)
    return text


def safe_url(url: str | None) -> str:
    """A base URL fit for a label: scheme, host, port and path only."""
    if not url:
        return "https://api.openai.com/v1"
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
