"""The question bank's data model: questions with rubrics, and interview loops made of rounds.

Everything a person writes in `question_bank/` is validated by these models (`extra="forbid"`),
so a typo in a field name is an error that names the field, never a silently ignored key.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=1, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kind(StrEnum):
    BEHAVIORAL = "behavioral"
    TECHNICAL = "technical"
    SYSTEM_DESIGN = "system-design"
    CODING = "coding"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Criterion(Strict):
    """One thing a strong answer shows, scored on the rubric's scale."""

    id: Slug
    name: Text
    description: Text
    weight: float = Field(gt=0, le=10)
    anchors: dict[int, Text] = Field(
        description="What an answer at each score level looks like; one entry per level 0..scale_max."
    )
    signals: list[Text] = Field(
        min_length=3,
        description="Short phrases or terms whose presence in an answer shows this criterion.",
    )
    follow_up: Text = Field(description="The probe an interviewer asks when the answer has not covered this.")
    must_have: bool = Field(
        default=False,
        description="Core to the question: scored 0 or 1, it caps the question at the rubric's must_have_cap.",
    )
    own_part: bool = Field(
        default=False,
        description="Scored on the candidate's own part: an answer told only as 'we' earns at most 1 here.",
    )


class RedFlag(Strict):
    """Something a strong candidate would never say; shown in an answer, it caps the question."""

    text: Text = Field(description="The red flag as an interviewer would note it.")
    examples: list[Text] = Field(
        default_factory=list,
        description="Ways a candidate might say it, in their own words: the offline detector compares against them.",
    )
    cap: float | None = Field(default=None, ge=0, description="The question's cap; None: the rubric's red_flag_cap.")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        return {"text": value} if isinstance(value, str) else value


class Rubric(Strict):
    scale_max: int = Field(default=4, ge=2, le=10)
    criteria: list[Criterion] = Field(min_length=3, max_length=6)
    red_flags: list[RedFlag] = Field(min_length=1)
    red_flag_cap: float = Field(default=2.0, ge=0, description="The question's score when a red flag is shown.")
    must_have_cap: float = Field(
        default=2.0, ge=0, description="The question's score when a must-have criterion scores 0 or 1."
    )
    exemplar: list[Text] = Field(
        min_length=3, description="Outline of a strong senior answer, one point per entry."
    )
    draft: bool = Field(default=False, description="True while a person still has to review it.")

    @model_validator(mode="after")
    def _anchors_cover_scale(self) -> Rubric:
        levels = set(range(self.scale_max + 1))
        for criterion in self.criteria:
            if set(criterion.anchors) != levels:
                missing = sorted(levels - set(criterion.anchors))
                extra = sorted(set(criterion.anchors) - levels)
                raise ValueError(
                    f"criterion '{criterion.id}': anchors must have exactly the levels 0..{self.scale_max}"
                    + (f"; missing {missing}" if missing else "")
                    + (f"; unexpected {extra}" if extra else "")
                )
        ids = [c.id for c in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError(f"criterion ids must be unique within a rubric, got {ids}")
        return self

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)


Language = Literal["python", "javascript", "java"]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=60)]


class CodeTest(Strict):
    """One test as language-neutral data (JSON values): a call, or a sequence of operations on an object.

    A function task gives `args` and `expected`. A class task gives `init` (the constructor's
    arguments) and `ops`: each `[method, [args...], expected]` (expected null for a method that
    returns nothing), or `{repeat: N, ops: [...]}` where the string "$i" stands for the iteration
    number and "k$i" for "k" followed by it. Time is always an argument (`now`), never a real clock.
    In `args`, `{"$range": [start, stop, step]}` is a list of integers, `{"$repeat": [value, n]}` is
    n copies and `{"$join": [text, n]}` is text repeated n times, so a large test stays small here.
    """

    name: Slug
    args: list[Any] | None = None
    expected: Any = None
    init: list[Any] | None = None
    ops: list[Any] | None = None
    time_limit_seconds: float | None = Field(default=None, gt=0, le=30)

    @model_validator(mode="after")
    def _one_shape(self) -> CodeTest:
        if (self.args is None) == (self.ops is None):
            raise ValueError(f"test '{self.name}': give either args (a function task) or ops (a class task)")
        if self.ops is not None and self.init is None:
            raise ValueError(f"test '{self.name}': a class task's test needs init (the constructor's args)")
        calls = 0
        for op in self.ops or []:
            if isinstance(op, dict):
                times, inner = op.get("repeat"), op.get("ops")
                if set(op) != {"repeat", "ops"} or not isinstance(times, int) or times < 1 \
                        or not isinstance(inner, list) or not inner or not all(_is_call(o) for o in inner):
                    raise ValueError(f"test '{self.name}': a repeat block is {{repeat: N >= 1, ops: [[method, "
                                     f"[args], expected], ...]}}, got {op!r}")
                calls += times * len(inner)
            elif _is_call(op):
                calls += 1
            else:
                raise ValueError(f"test '{self.name}': each op is [method, [args], expected], got {op!r}")
        if calls > MAX_CALLS:
            raise ValueError(f"test '{self.name}': {calls} calls; at most {MAX_CALLS}")
        return self


MAX_CALLS = 500_000


def camel(name: str) -> str:
    """snake_case -> camelCase (JavaScript and Java names); other names are returned as they are."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _is_call(op: Any) -> bool:
    return isinstance(op, list) and len(op) == 3 and isinstance(op[0], str) and isinstance(op[1], list | dict)


class WrongSolution(Strict):
    """A plausible wrong solution: it must fail at least one hidden test (the bank's tests run it)."""

    lang: Language
    flaw: Text = Field(description="What is wrong with it, as a reviewer would say it.")
    code: Text


class CodingSpec(Strict):
    """What the candidate writes and how it is checked; the code runs in the sandbox (`coding`)."""

    task: Literal["function", "class"]
    entry: Identifier = Field(description="The function (snake_case; camelCase in JavaScript and Java) or class.")
    statement: Text = Field(description="The exact contract: inputs, output, ties, edge cases.")
    signatures: dict[Language, Text] = Field(description="The starting code per language: signature and body stub.")
    examples: list[CodeTest] = Field(min_length=1, max_length=8, description="Shown to the candidate (/run).")
    hidden: list[CodeTest] = Field(min_length=3, description="Run on /submit.")
    compare: Literal["exact", "unordered"] = Field(
        default="exact", description="unordered: a list result may come in any order.")
    references: dict[Language, Text] = Field(description="A correct solution per language offered.")
    wrong: list[WrongSolution] = Field(min_length=1)
    time_complexity: Text
    space_complexity: Text
    time_limit_seconds: float = Field(default=2.0, gt=0, le=30, description="Per test.")
    show_failing_input: bool = Field(default=True, description="May /submit show the first failing hidden input?")

    @model_validator(mode="after")
    def _consistent(self) -> CodingSpec:
        if set(self.references) != set(self.signatures):
            raise ValueError(f"references ({sorted(self.references)}) and signatures ({sorted(self.signatures)}) "
                             "must cover the same languages")
        for solution in self.wrong:
            if solution.lang not in self.signatures:
                raise ValueError(f"a wrong solution is in {solution.lang}, which the question does not offer")
        names = [t.name for t in (*self.examples, *self.hidden)]
        if len(names) != len(set(names)):
            raise ValueError(f"test names must be unique across examples and hidden tests, got {names}")
        want_ops = self.task == "class"
        for test in (*self.examples, *self.hidden):
            if (test.ops is not None) != want_ops:
                raise ValueError(f"test '{test.name}': a {self.task} task's tests use "
                                 + ("init and ops" if want_ops else "args and expected"))
        return self

    def entry_in(self, lang: str) -> str:
        """The entry point's name in `lang`: a class keeps its name, a function is camelCase outside Python."""
        return self.entry if self.task == "class" or lang == "python" else camel(self.entry)

    @property
    def languages(self) -> list[str]:
        return [lang for lang in ("python", "javascript", "java") if lang in self.signatures]


class Question(Strict):
    id: Slug
    prompt: Text
    round_types: list[Slug] = Field(min_length=1)
    category: Text
    kind: Kind
    difficulty: Difficulty
    levels: list[Slug] = Field(default_factory=lambda: ["senior"], min_length=1)
    suggested_minutes: float = Field(gt=0, le=120)
    source: str | None = Field(default=None, description="Where the question comes from, e.g. a prep guide.")
    companies: list[Text | None] = Field(
        default_factory=list,
        description="Asked only in these companies' loops (e.g. 'Why Netflix?'); null stands for the loops no "
        "one company runs; empty: in any loop.")
    rubric: Rubric
    coding: CodingSpec | None = Field(default=None, description="The code to write and its tests (coding kind).")


class Round(Strict):
    id: Slug
    name: Text
    duration_minutes: int = Field(gt=0, le=480)
    focus: Text
    categories: list[Text] = Field(min_length=1)
    kinds: list[Kind] = Field(min_length=1)
    values: list[Slug] = Field(default_factory=list)
    questions: int = Field(default=3, ge=1, le=20, description="How many questions a session of it asks.")
    interviewer: Text = Field(description="Who conducts it, e.g. 'a Netflix recruiter'.")


class CompanyValue(Strict):
    id: Slug
    name: Text
    description: Text


class Loop(Strict):
    id: Slug
    company: Text | None = Field(default=None, description="The employer; none for a loop no one company runs.")
    role: Text
    level: Slug
    description: Text
    values: list[CompanyValue] = Field(default_factory=list)
    rounds: list[Round] = Field(min_length=1)
    hire_bar: float = Field(
        default=2.5, description="Weighted score on the 0..scale_max rubric scale that meets the level's bar."
    )
    hire_bar_by_level: dict[Slug, float] = Field(
        default_factory=dict,
        description="The bar per level (mid, senior, staff) where the loop gives one; other levels are derived "
                    "from hire_bar (see bar_for).")

    @property
    def title(self) -> str:
        """How the loop is named to the candidate: "Netflix Senior Software Engineer", or the role alone."""
        return f"{self.company} {self.role}" if self.company else self.role

    @property
    def employer(self) -> str:
        """The company as the interviewer names it: its name, or "the company"."""
        return self.company or "the company"

    @field_validator("rounds")
    @classmethod
    def _unique_round_ids(cls, rounds: list[Round]) -> list[Round]:
        ids = [r.id for r in rounds]
        if len(ids) != len(set(ids)):
            raise ValueError(f"round ids must be unique, got {ids}")
        return rounds

    @field_validator("hire_bar_by_level")
    @classmethod
    def _known_levels(cls, bars: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(bars) - set(LEVELS))
        if unknown:
            raise ValueError(f"hire_bar_by_level names unknown levels {unknown}; use {list(LEVELS)}")
        return bars

    @model_validator(mode="after")
    def _values_known(self) -> Loop:
        known = {v.id for v in self.values}
        for round_ in self.rounds:
            unknown = [v for v in round_.values if v not in known]
            if unknown:
                raise ValueError(f"round '{round_.id}' names values {unknown} not listed in the loop's values")
        return self

    def round(self, round_id: str) -> Round:
        for round_ in self.rounds:
            if round_.id == round_id:
                return round_
        raise KeyError(round_id)

    def bar_for(self, level: str | None) -> float:
        """The hire bar at `level` (None: the loop's own level): the loop's `hire_bar_by_level` when it
        gives that level, else `hire_bar` moved by LEVEL_BAR_STEP per step of LEVELS away from the
        loop's level (a senior bar of 2.5 makes staff 3.0 and mid 2.0), never below 0."""
        level = level or self.level
        if level in self.hire_bar_by_level:
            return self.hire_bar_by_level[level]
        if level not in LEVELS or self.level not in LEVELS:
            return self.hire_bar
        steps = LEVELS.index(level) - LEVELS.index(self.level)
        return max(self.hire_bar + LEVEL_BAR_STEP * steps, 0.0)

    def asks(self, question: Question) -> bool:
        """Whether this loop may ask `question`: a question tied to companies only in their loops."""
        return not question.companies or self.company in question.companies


# The levels an interview can be held at, lowest first, and how far the hire bar moves per level
# (half a rubric level on the 0..4 scale) when a loop does not give the bar for a level itself.
LEVELS: tuple[str, ...] = ("mid", "senior", "staff")
LEVEL_BAR_STEP = 0.5
