"""Structured (JSON) output: how to request it from a server, and how to read it back safely.

- `response_format_params(mode, name, schema)`: the request parameters for a JSON schema, sent
  as `extra_body` so langchain-openai streams through the plain chat-completions endpoint:
  `json_schema` (OpenAI structured outputs), `json_object` with the schema inside (llama.cpp's
  server enforces it with a grammar), or `prompt` (nothing; the prompt describes the shape).
- `parse_json(text, model)`: the first JSON object in `text` (code fences tolerated) validated by
  a pydantic model; anything else raises `BadOutput` with a short reason.
- `JsonStringField`: a streaming sink that shows the value of one string field (e.g. "say") as
  its characters arrive, decoding JSON escapes, while the rest of the object stays hidden.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from mockinterviewer.providers.retry import BadOutput

M = TypeVar("M", bound=BaseModel)
JsonMode = Literal["json_schema", "json_object", "prompt"]


def resolve_json_mode(mode: str, base_url: str | None) -> JsonMode:
    """`auto` -> json_schema on api.openai.com (or no base URL), json_object on any other server."""
    if mode in ("json_schema", "json_object", "prompt"):
        return mode  # type: ignore[return-value]
    host = (urlsplit(base_url).hostname or "") if base_url else "api.openai.com"
    return "json_schema" if host.endswith("openai.com") else "json_object"


def response_format_params(mode: JsonMode, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    if mode == "json_schema":
        fmt = {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    elif mode == "json_object":
        fmt = {"type": "json_object", "schema": schema}
    else:
        return {}
    return {"extra_body": {"response_format": fmt}}


_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.IGNORECASE)


def extract_object(text: str) -> dict[str, Any]:
    """The first JSON object in `text`; BadOutput when there is none."""
    stripped = _FENCE.sub("", text.strip())
    start = stripped.find("{")
    if start < 0:
        raise BadOutput(f"expected a JSON object, got {text[:80]!r}")
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(stripped[start:])  # raw newlines ok
    except json.JSONDecodeError as exc:
        raise BadOutput(f"malformed JSON ({exc.msg} at char {exc.pos})") from None
    if not isinstance(value, dict):
        raise BadOutput("expected a JSON object")
    return value


def validation_problems(exc: ValidationError, root: str = "object", limit: int = 5) -> str:
    """The first `limit` validation errors as 'field.path: message; ...' (fed back to the model)."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or root}: {err['msg']}" for err in exc.errors()[:limit]
    )


def parse_json(text: str, model: type[M]) -> M:
    data = extract_object(text)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadOutput(f"JSON does not match the schema ({validation_problems(exc)})") from None


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class JsonStringField:
    """Streaming sink: emits the decoded characters of the string value of `field`."""

    def __init__(self, field: str = "say") -> None:
        self._key = re.compile(r'"' + re.escape(field) + r'"\s*:\s*"')
        self._buffer = ""
        self._pos: int | None = None  # index in _buffer of the next undecoded value character
        self._done = False

    def feed(self, chunk: str) -> str:
        self._buffer += chunk
        if self._done:
            return ""
        if self._pos is None:
            match = self._key.search(self._buffer)
            if match is None:
                return ""
            self._pos = match.end()
        out: list[str] = []
        buf, i = self._buffer, self._pos
        while i < len(buf):
            ch = buf[i]
            if ch == '"':
                self._done = True
                i += 1
                break
            if ch == "\\":
                if i + 1 >= len(buf):
                    break  # wait for the escaped character
                esc = buf[i + 1]
                if esc == "u":
                    if i + 6 > len(buf):
                        break
                    try:
                        code = int(buf[i + 2 : i + 6], 16)
                    except ValueError:
                        code = 0xD800  # dropped below; the final text is parsed properly
                    if not 0xD800 <= code <= 0xDFFF:  # surrogate halves are left to the final parse
                        out.append(chr(code))
                    i += 6
                    continue
                out.append(_ESCAPES.get(esc, esc))
                i += 2
                continue
            out.append(ch)
            i += 1
        self._pos = i
        return "".join(out)

    def finish(self) -> str:
        return ""
