"""Questions drafted by a model for the requirements of a job the bank does not cover: the pure part.

What a draft request is (`DraftRequest`: one uncovered requirement, the job's role and level, and
the session's rounds a drafted question may serve), the JSON schema the model is asked to follow
(`draft_schema`), how a reply becomes a bank `Question` (`question_from_draft`: the bank's own
pydantic schema, `draft: true`, an id of its own, round types and kind that fit the session's
rounds; anything else is a `DraftRejected` with one short reason, never half a question), and the
YAML a draft is saved as (`question_yaml`). The model call and the file writing live in
`providers.question_drafts`; nothing here does I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from mockinterviewer.bank.guide_model import slugify
from mockinterviewer.bank.schema import LEVELS, Difficulty, Kind, Question, Round

# How the report and the session's start name a drafted question.
DRAFT_MARK = "drafted from the job description; rubric not reviewed"
DEFAULT_DRAFTS = 2  # with a model and uncovered requirements, when --draft-questions is not given
MAX_DRAFTS = 5
# Coding questions need hidden tests and reference solutions, which a draft cannot be trusted with.
DRAFTABLE_KINDS: tuple[Kind, ...] = (Kind.TECHNICAL, Kind.SYSTEM_DESIGN, Kind.BEHAVIORAL)
SCALE_MAX = 4


class DraftRejected(ValueError):
    """A model's draft that is not a valid question; the message says why in one line."""


@dataclass(frozen=True)
class DraftRequest:
    """One question to draft: for `requirement` (its index in the job's list), at `level`, for one of
    `rounds` (the session's rounds that ask a draftable kind)."""

    requirement: str
    index: int
    role: str
    level: str
    rounds: tuple[Round, ...]
    source: str = ""

    @property
    def kinds(self) -> list[str]:
        return [k.value for k in DRAFTABLE_KINDS if any(k in r.kinds for r in self.rounds)]

    def prompt_values(self) -> dict[str, str]:
        """The values of the drafting prompt (prompts/question_draft*.txt): the job's role and level,
        the requirement, and the rounds with their kinds. Nothing else from the job or the résumé."""
        rounds = "\n".join(f"- {r.id}: {r.name} ({', '.join(k.value for k in r.kinds if k in DRAFTABLE_KINDS)})"
                           for r in self.rounds)
        return {"role": self.role, "level": self.level, "requirement": self.requirement, "rounds": rounds,
                "kinds": ", ".join(self.kinds), "scale_max": str(SCALE_MAX)}


@dataclass
class DraftOutcome:
    """What drafting gave: the valid drafts (with the request each answers) and one note per draft
    dropped or failure."""

    questions: list[tuple[DraftRequest, Question]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def draftable_rounds(rounds: Sequence[Round]) -> tuple[Round, ...]:
    """The rounds a drafted question may serve: those asking a kind other than coding."""
    return tuple(r for r in rounds if any(k in DRAFTABLE_KINDS for k in r.kinds))


def draft_requests(requirements: Sequence[str], uncovered: Collection[int], *, role: str, level: str,
                   rounds: Sequence[Round], count: int, source: str = "") -> list[DraftRequest]:
    """Up to `count` requests, one per uncovered requirement in the job's order; none when no round fits."""
    fitting = draftable_rounds(rounds)
    if not fitting or count <= 0:
        return []
    return [DraftRequest(requirement=text, index=i, role=role, level=level, rounds=fitting, source=source)
            for i, text in enumerate(requirements) if i in uncovered][:count]


def criterion_schema(scale_max: int) -> dict[str, Any]:
    """The JSON schema of one rubric criterion a model drafts (anchors 0..scale_max, 3+ signals)."""
    text = {"type": "string"}
    levels = [str(i) for i in range(scale_max + 1)]
    return {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
            "name": text,
            "description": text,
            "weight": {"type": "integer", "minimum": 1, "maximum": 3},
            "anchors": {"type": "object", "properties": {level: text for level in levels}, "required": levels,
                        "additionalProperties": False},
            "signals": {"type": "array", "items": text, "minItems": 3},
            "follow_up": text,
        },
        "required": ["id", "name", "description", "weight", "anchors", "signals", "follow_up"],
        "additionalProperties": False,
    }


def draft_schema(request: DraftRequest) -> dict[str, Any]:
    """The JSON schema of one drafted question (strict-mode compatible: every key required)."""
    text = {"type": "string"}
    texts = {"type": "array", "items": text}
    red_flag = {
        "type": "object",
        "properties": {"text": text, "examples": {**texts, "minItems": 1}},
        "required": ["text", "examples"],
        "additionalProperties": False,
    }
    rubric = {
        "type": "object",
        "properties": {
            "criteria": {"type": "array", "items": criterion_schema(SCALE_MAX), "minItems": 3, "maxItems": 5},
            "red_flags": {"type": "array", "items": red_flag, "minItems": 1},
            "exemplar": {**texts, "minItems": 3},
        },
        "required": ["criteria", "red_flags", "exemplar"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "prompt": text,
            "kind": {"type": "string", "enum": request.kinds},
            "round_types": {"type": "array", "items": {"type": "string", "enum": [r.id for r in request.rounds]},
                            "minItems": 1},
            "category": text,
            "difficulty": {"type": "string", "enum": [d.value for d in Difficulty]},
            "levels": {"type": "array", "items": {"type": "string", "enum": list(LEVELS)}, "minItems": 1},
            "suggested_minutes": {"type": "integer", "minimum": 5, "maximum": 45},
            "rubric": rubric,
        },
        "required": ["prompt", "kind", "round_types", "category", "difficulty", "levels", "suggested_minutes",
                     "rubric"],
        "additionalProperties": False,
    }


def non_empty_strings(schema: Any) -> Any:
    """`schema` with `minLength: 1` on every free string: llama.cpp's grammar enforces it, so a small
    model cannot leave a signal or an anchor empty (OpenAI's strict mode does not take the keyword)."""
    if isinstance(schema, list):
        return [non_empty_strings(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: non_empty_strings(value) for key, value in schema.items()}
    if out.get("type") == "string" and not {"enum", "pattern", "minLength"} & set(out):
        out["minLength"] = 1
    return out


def draft_id(prompt: str, taken: Collection[str]) -> str:
    """'draft-' + the prompt's first words + a short hash of it, unique among `taken`."""
    digest = hashlib.sha256(prompt.encode("utf-8")).hexdigest()
    base = f"draft-{slugify(prompt, 6)}"[:60].rstrip("-")
    for length in (6, 10, 16, 64):
        candidate = f"{base}-{digest[:length]}"
        if candidate not in taken:
            return candidate
    raise DraftRejected("its id collides with an existing question")  # pragma: no cover - a sha256 collision


def _problems(exc: ValidationError, limit: int = 3) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'question'}: {err['msg']}"
                     for err in exc.errors()[:limit])


def question_from_draft(data: dict[str, Any], request: DraftRequest, taken: Collection[str]) -> Question:
    """The bank question a model's reply describes, marked `draft: true`; DraftRejected otherwise.

    The id is made here (never the model's), the source names the requirement it was drafted for,
    the session's level is always among its levels, and only the session's rounds that ask its
    kind are kept in its round types (none left: rejected)."""
    if not isinstance(data, dict):
        raise DraftRejected("the reply is not a JSON object")
    rubric = data.get("rubric")
    if not isinstance(rubric, dict):
        raise DraftRejected("it has no rubric")
    prompt = str(data.get("prompt") or "").strip()
    if not prompt:
        raise DraftRejected("it has no prompt")
    kind = str(data.get("kind") or "")
    if kind not in request.kinds:
        raise DraftRejected(f"its kind {kind[:40]!r} is not one the session's rounds ask ({', '.join(request.kinds)})")
    raw_rounds = data.get("round_types")
    named = [str(r) for r in raw_rounds] if isinstance(raw_rounds, list) else []
    fits = [r.id for r in request.rounds if r.id in named and Kind(kind) in r.kinds]
    if not fits:
        raise DraftRejected(f"it names none of the session's {kind} rounds as its round")
    raw_levels = data.get("levels")
    levels = [str(x) for x in raw_levels if str(x) in LEVELS] if isinstance(raw_levels, list) else []
    if request.level not in levels:
        levels.append(request.level)
    document = {
        **data,
        "id": draft_id(prompt, taken),
        "prompt": prompt,
        "round_types": fits,
        "levels": levels,
        "source": f"drafted by a model from the job description{f' {request.source}' if request.source else ''} "
                  f"for the requirement: {request.requirement}",
        "rubric": {**rubric, "scale_max": SCALE_MAX, "draft": True},
    }
    try:
        return Question.model_validate(document)
    except ValidationError as exc:
        raise DraftRejected(f"it is not a valid question ({_problems(exc)})") from None


def question_yaml(question: Question) -> str:
    """The YAML file of a question, as the bank stores it (defaults left out; `draft: true` kept)."""
    data = question.model_dump(mode="json", exclude_defaults=True)
    data["rubric"]["draft"] = True
    return yaml.safe_dump(data, sort_keys=False, width=100, allow_unicode=True)
