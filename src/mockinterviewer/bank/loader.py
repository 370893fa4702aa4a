"""Read a question bank directory (YAML) into validated models.

Errors name the file, the line and the field, and say what to fix. `lint_bank` collects every
problem in a bank; `load_bank` raises on the first set of problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from mockinterviewer.bank.schema import Loop, Question
from mockinterviewer.errors import BankError, NotFoundError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}" + (f":{self.line}" if self.line else "")
        what = f" [{self.field}]" if self.field else ""
        return f"{where}{what}: {self.message}"


@dataclass
class Bank:
    """A loaded bank: questions by id and loops by id."""

    root: Path
    questions: dict[str, Question] = field(default_factory=dict)
    loops: dict[str, Loop] = field(default_factory=dict)

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise NotFoundError(
                f"No question with id '{question_id}' in {self.root}.",
                hint="Run 'mockinterviewer bank list' to see the ids.",
            ) from None

    def loop(self, loop_id: str) -> Loop:
        try:
            return self.loops[loop_id]
        except KeyError:
            known = ", ".join(sorted(self.loops)) or "none"
            raise NotFoundError(
                f"No loop with id '{loop_id}' in {self.root} (known loops: {known}).",
                hint="Pass one of the known ids with --loop.",
            ) from None

    def for_round(self, round_id: str) -> list[Question]:
        return [q for q in self.questions.values() if round_id in q.round_types]


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at pydantic location `loc` (nearest existing parent)."""
    current = node
    best = current.start_mark.line + 1 if current is not None else None
    for part in loc:
        if isinstance(current, yaml.MappingNode):
            nxt = None
            for key_node, value_node in current.value:
                if str(key_node.value) == str(part):
                    nxt = value_node
                    best = key_node.start_mark.line + 1
                    break
            current = nxt
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int) and part < len(current.value):
            current = current.value[part]
            best = current.start_mark.line + 1
        else:
            break
        if current is None:
            break
    return best


def _hint_for(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field: remove it or fix its spelling"
    if kind == "missing":
        return "required field is missing: add it"
    return str(error.get("msg", "invalid value"))


def _parse(path: Path, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(path, None, None, f"cannot read the file ({exc}); it must be UTF-8 YAML")]
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(path, line, None, f"invalid YAML: {problem}; fix the syntax on that line")]
    if not isinstance(data, dict):
        return None, [Problem(path, 1, None, f"expected a mapping of fields, got {type(data).__name__}")]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        node = yaml.compose(text, Loader=_Loader)
        problems = []
        for error in exc.errors():
            loc = tuple(error.get("loc", ()))
            dotted = ".".join(str(p) for p in loc) or None
            problems.append(Problem(path, _line_of(node, loc), dotted, _hint_for(error)))
        return None, problems


def lint_bank(root: Path) -> tuple[Bank, list[Problem]]:
    """Load every file under `root`, collecting all problems instead of stopping at the first."""
    root = Path(root)
    bank = Bank(root=root)
    problems: list[Problem] = []
    if not root.is_dir():
        return bank, [Problem(root, None, None, "no such bank directory; pass the folder that holds "
                                                "questions/ and loops/")]
    question_files = sorted((root / "questions").rglob("*.y*ml"))
    loop_files = sorted((root / "loops").rglob("*.y*ml"))
    if not question_files:
        problems.append(Problem(root / "questions", None, None, "no question files (*.yaml) found"))
    seen: dict[str, Path] = {}
    for path in question_files:
        question, found = _parse(path, Question)
        problems.extend(found)
        if isinstance(question, Question):
            if question.id in seen:
                problems.append(
                    Problem(path, _line_of(yaml.compose(path.read_text(), Loader=_Loader), ("id",)), "id",
                            f"duplicate id '{question.id}', already used by {seen[question.id]}; "
                            "give each question its own id")
                )
                continue
            seen[question.id] = path
            bank.questions[question.id] = question
    for path in loop_files:
        loop, found = _parse(path, Loop)
        problems.extend(found)
        if isinstance(loop, Loop):
            if loop.id in bank.loops:
                problems.append(Problem(path, None, "id", f"duplicate loop id '{loop.id}'"))
                continue
            bank.loops[loop.id] = loop
    for loop in bank.loops.values():
        for round_ in loop.rounds:
            if not bank.for_round(round_.id):
                problems.append(
                    Problem(root / "loops", None, f"rounds.{round_.id}",
                            f"loop '{loop.id}' round '{round_.id}' has no questions with that round type")
                )
    return bank, problems


def load_bank(root: Path) -> Bank:
    bank, problems = lint_bank(root)
    if problems:
        listing = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BankError(
            f"The question bank at {root} has {len(problems)} problem(s):\n{listing}{more}",
            hint="Fix them, then check with 'mockinterviewer bank lint'.",
        )
    return bank
