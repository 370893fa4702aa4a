"""Read a question bank directory (YAML) into validated models.

Errors name the file, the line and the field, and say what to fix. `lint_bank` collects every
problem in a bank; `load_bank` raises on the first set of problems. Sizes and counts are capped
(file size, text length, items per list) so a runaway file is refused by lint instead of making
grading slow; a question no loop can ask is reported by lint but does not stop an interview.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from mockinterviewer.bank.schema import Kind, Loop, Question
from mockinterviewer.errors import BankError, NotFoundError
from mockinterviewer.transcript import Plan

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Limits far above any real question (the shipped ones are under 12 KB, 9 signals a criterion).
MAX_FILE_BYTES = 200_000
MAX_TEXT_CHARS = 4_000
MAX_ITEMS = {"signals": 40, "examples": 20, "exemplar": 20, "red_flags": 20}
MAX_ITEMS_DEFAULT = 50


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    field: str | None
    message: str
    blocking: bool = True  # False: the bank still loads (lint reports it all the same)

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

    def for_plan(self, plan: Plan) -> Bank:
        """The bank as a session planned with a job or a résumé sees it: its loop named after the job's
        role, team and company, and the questions made from the résumé added. Itself when neither."""
        if plan.job is None and not plan.own_questions:
            return self
        loops = dict(self.loops)
        job = plan.job
        if job is not None and plan.loop_id in loops:
            loop = loops[plan.loop_id]
            role = f"{job.role} ({job.team} team)" if job.team else job.role
            loops[plan.loop_id] = loop.model_copy(update={"role": role, "company": job.company or loop.company})
        questions = dict(self.questions)
        for data in plan.own_questions:
            question = Question.model_validate(data)
            questions[question.id] = question
        return Bank(root=self.root, questions=questions, loops=loops)


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


def _limits(path: Path, node: yaml.Node | None, data: Any, loc: tuple[Any, ...] = ()) -> list[Problem]:
    """Problems for text longer than MAX_TEXT_CHARS and lists longer than their MAX_ITEMS."""
    problems: list[Problem] = []
    dotted = ".".join(str(p) for p in loc) or None
    if isinstance(data, str) and len(data) > MAX_TEXT_CHARS:
        problems.append(Problem(path, _line_of(node, loc), dotted,
                                f"{len(data)} characters; at most {MAX_TEXT_CHARS}: shorten it"))
    elif isinstance(data, list):
        name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        limit = MAX_ITEMS.get(name, MAX_ITEMS_DEFAULT)
        if len(data) > limit:
            return [Problem(path, _line_of(node, loc), dotted,
                            f"{len(data)} items; at most {limit}: keep the ones that matter most")]
        for index, item in enumerate(data):
            problems += _limits(path, node, item, (*loc, index))
    elif isinstance(data, dict):
        for key, value in data.items():
            problems += _limits(path, node, value, (*loc, key))
    return problems


def _parse(path: Path, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(path, None, None, f"the file is {size:,} bytes; a bank file may be at most "
                                                    f"{MAX_FILE_BYTES:,}: split or shorten it")]
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
    node = yaml.compose(text, Loader=_Loader)
    too_big = _limits(path, node, data)
    if too_big:
        return None, too_big
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = _refine(data, tuple(error.get("loc", ())), str(error.get("msg", "")))
            dotted = ".".join(str(p) for p in loc) or None
            problems.append(Problem(path, _line_of(node, loc), dotted, _hint_for(error)))
        return None, problems


def _refine(data: dict[str, Any], loc: tuple[Any, ...], message: str) -> tuple[Any, ...]:
    """A more precise location for an error a model validator reports on a whole loop or list.

    "round 'x' names values [...]" points at that round's values; "round ids must be unique" at
    the first repeated id.
    """
    found = data.get("rounds")
    rounds: list[Any] = found if isinstance(found, list) else []
    ids = [r.get("id") if isinstance(r, dict) else None for r in rounds]
    named = re.search(r"round '([^']+)'", message)
    if named and named.group(1) in ids:
        index = ids.index(named.group(1))
        has_values = isinstance(rounds[index], dict) and "values" in rounds[index]
        return ("rounds", index, "values" if "values" in message and has_values else "id")
    if "round ids must be unique" in message:
        seen: set[Any] = set()
        for index, round_id in enumerate(ids):
            if round_id in seen:
                return ("rounds", index, "id")
            seen.add(round_id)
    return loc


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
    loop_paths: dict[str, Path] = {}
    for path in loop_files:
        loop, found = _parse(path, Loop)
        problems.extend(found)
        if isinstance(loop, Loop):
            if loop.id in bank.loops:
                problems.append(Problem(path, _line_at(path, ("id",)), "id",
                                        f"duplicate loop id '{loop.id}', already used by {loop_paths[loop.id]}"))
                continue
            bank.loops[loop.id] = loop
            loop_paths[loop.id] = path
    for loop in bank.loops.values():
        for index, round_ in enumerate(loop.rounds):
            if not bank.for_round(round_.id):
                path = loop_paths[loop.id]
                problems.append(
                    Problem(path, _line_at(path, ("rounds", index, "id")), f"rounds.{index}.id",
                            f"round '{round_.id}' has no questions with that round type: add some, or fix "
                            "the round id")
                )
    problems += _unaskable(bank, seen)
    problems += _coding_problems(bank, seen)
    return bank, problems


def _line_at(path: Path, loc: tuple[Any, ...]) -> int | None:
    try:
        return _line_of(yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader), loc)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _unaskable(bank: Bank, paths: dict[str, Path]) -> list[Problem]:
    """A question whose round types name no round of any loop can never be asked."""
    if not bank.loops:
        return []
    rounds = {r.id for loop in bank.loops.values() for r in loop.rounds}
    problems = []
    for question in bank.questions.values():
        if not set(question.round_types) & rounds:
            problems.append(Problem(
                paths[question.id], _line_at(paths[question.id], ("round_types", 0)), "round_types",
                f"no loop has a round {', '.join(repr(r) for r in question.round_types)}, so the question can "
                f"never be asked; use one of: {', '.join(sorted(rounds))}",
                blocking=False,
            ))
    return problems


def _coding_problems(bank: Bank, paths: dict[str, Path]) -> list[Problem]:
    """A coding question needs a coding spec; its starting code and references name its entry point.

    Running the references and wrong solutions is the bank tests' job (tests/bank), not lint's.
    """
    problems = []
    for question in bank.questions.values():
        path = paths[question.id]
        spec = question.coding
        if spec is None:
            if question.kind is Kind.CODING:
                problems.append(Problem(path, _line_at(path, ("kind",)), "coding",
                                        "a coding question without a coding spec can only be talked about: add "
                                        "coding (signatures, examples, hidden tests, references, wrong solutions)",
                                        blocking=False))
            continue
        if question.kind is not Kind.CODING:
            problems.append(Problem(path, _line_at(path, ("coding",)), "coding",
                                    f"a {question.kind.value} question with a coding spec: make its kind coding, "
                                    "or remove the spec", blocking=False))
        for lang in spec.signatures:
            name = spec.entry_in(lang)
            texts = [("signatures", spec.signatures[lang]), ("references", spec.references[lang])]
            texts += [("wrong", w.code) for w in spec.wrong if w.lang == lang]
            for field_name, text in texts:
                if not re.search(rf"\b{re.escape(name)}\b", text):
                    problems.append(Problem(path, _line_at(path, ("coding", field_name)), f"coding.{field_name}",
                                            f"the {lang} code does not mention {name}, the {spec.task} the tests "
                                            "call: name it as the entry says"))
            if lang == "java" and re.search(r"^\s*public\s+(final\s+)?class\b", spec.signatures[lang], re.M):
                problems.append(Problem(path, _line_at(path, ("coding", "signatures")), "coding.signatures",
                                        "the Java code is compiled as Solution.java: keep its classes non-public"))
    return problems


def load_bank(root: Path) -> Bank:
    bank, problems = lint_bank(root)
    problems = [p for p in problems if p.blocking]
    if problems:
        listing = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BankError(
            f"The question bank at {root} has {len(problems)} problem(s):\n{listing}{more}",
            hint="Fix them, then check with 'mockinterviewer bank lint'.",
        )
    return bank
