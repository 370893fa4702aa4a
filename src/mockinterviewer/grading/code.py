"""Grade a coding question from its code and the hidden tests, beside what the candidate said.

The prose grade (rubric grader or LLM judge, from the answer turns) stands for every criterion
the code cannot show; the code changes the criteria it can, by the rubric's criterion ids:

- `approach` (correctness): the share of hidden tests passed; the evidence is which passed and which
  failed (and how). Code only run on the examples, never submitted, is held at level 2.
- `complexity`: graded on what was said, then measured: a hidden test that ran out of time holds it
  at level 1 (a solution that times out on the large test is not the complexity it claims).
- `quality`: read from the code itself (helpers, names, nesting, comments); the quotes are lines
  of the code, verbatim.
- `testing`: the tests written in the code (asserts, test functions), quoted verbatim, or what was
  said about testing, whichever shows more.
- `edge`: what was said, held at level 2 while hidden tests fail; hidden tests all passing show it.

Everything is worded by `grading.feedback` (one place); the code and every test's result travel in
`QuestionGrade.code` for the report.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from mockinterviewer.bank.schema import Question
from mockinterviewer.grading import feedback, red_flags
from mockinterviewer.grading.findings import CriterionFinding
from mockinterviewer.safe_text import strip_controls
from mockinterviewer.transcript import CodeReview, QuestionGrade

__all__ = [
    "CodeVersion", "code_grade", "outcome_line", "quality_finding", "result_evidence", "self_test_lines", "shown",
]

NEVER_SUBMITTED_LEVEL = 2.0
TIMEOUT_LEVEL = 1.0
FAILING_EDGE_LEVEL = 2.0
LONG_FUNCTION_LINES = 40
DEEP_NESTING = 4
SHORT_NAMES_OK = frozenset({"i", "j", "k", "n", "m", "x", "y", "_", "a", "b", "e"})
GRADER = "code"


@dataclass(frozen=True)
class CodeVersion:
    """One version the candidate ran or submitted: the text of a `code` turn and its meta."""

    code: str
    lang: str
    action: str  # "run" (examples) or "submit" (hidden tests)
    result: dict[str, Any]


# --- reading the code -----------------------------------------------------------------------------

_DEF = {
    "python": re.compile(r"^\s*(?:async\s+)?def\s+\w+|^\s*class\s+\w+"),
    "javascript": re.compile(r"^\s*(?:async\s+)?function\s*\*?\s*\w+|^\s*class\s+\w+|"
                             r"^\s*(?:static\s+)?(?!if\b|for\b|while\b|switch\b|catch\b)\w+\s*\([^)]*\)\s*\{|"
                             r"^\s*(?:const|let|var)\s+\w+\s*=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*=>"),
    "java": re.compile(r"^\s*(?:(?:public|private|protected|static|final|synchronized)\s+)+[\w<>\[\], ]+\s+\w+\s*\(|"
                       r"^\s*(?:public\s+|private\s+)?(?:static\s+)?class\s+\w+"),
}
_COMMENT = {"python": re.compile(r"^\s*(#|\"\"\"|''')"), "javascript": re.compile(r"^\s*(//|/\*|\*)"),
            "java": re.compile(r"^\s*(//|/\*|\*)")}
_TEST_LINE = {
    "python": re.compile(r"^\s*(assert\b|def test_\w+|self\.assert\w+\(|unittest\.)"),
    "javascript": re.compile(r"^\s*(console\.assert\(|assert(\.\w+)?\(|(test|it|describe)\()"),
    "java": re.compile(r"^\s*(assert\s|assert\w+\(|@Test\b)"),
}
_IDENTIFIER_DEF = {
    "python": re.compile(r"\b(?:def|class)\s+(\w+)|(?:^|[\s,(])(\w+)\s*(?:=(?!=)|:\s*\w)|for\s+(\w+)\s+in\b"),
    "javascript": re.compile(r"\b(?:function|class|const|let|var)\s+(\w+)|for\s*\(\s*(?:const|let|var)\s+(\w+)"),
    "java": re.compile(r"\b(?:int|long|double|boolean|String|var|char|Integer|Long)\s+(\w+)\s*[=;:,)]"),
}


def _lines(code: str) -> list[str]:
    return [line.rstrip() for line in code.splitlines()]


def _nesting(code: str, lang: str) -> tuple[int, str]:
    """The deepest nesting (blocks inside a function) and the first line that reaches it."""
    deepest, where = 0, ""
    if lang == "python":
        indents = sorted({len(x) - len(x.lstrip()) for x in _lines(code) if x.strip()})
        unit = next((i for i in indents if i), 4)
        for line in _lines(code):
            if line.strip() and not line.lstrip().startswith("#"):
                depth = (len(line) - len(line.lstrip())) // max(unit, 1)
                if depth > deepest:
                    deepest, where = depth, line.strip()
        return max(deepest - 1, 0), where  # the body of a function is one level in
    depth = 0
    for line in _lines(code):
        for ch in line:
            if ch == "{":
                depth += 1
                if depth > deepest:
                    deepest, where = depth, line.strip()
            elif ch == "}":
                depth -= 1
    return max(deepest - 2, 0) if lang == "java" else max(deepest - 1, 0), where


def _definitions(code: str, lang: str) -> list[str]:
    pattern = _DEF.get(lang, _DEF["python"])
    return [line.strip() for line in _lines(code) if pattern.search(line)]


def _longest_function(code: str, lang: str) -> int:
    """Lines of the longest function (between one definition and the next)."""
    pattern = _DEF.get(lang, _DEF["python"])
    starts = [i for i, line in enumerate(_lines(code)) if pattern.search(line)]
    if not starts:
        return len([x for x in _lines(code) if x.strip()])
    bounds = [*starts, len(_lines(code))]
    lines = _lines(code)
    return max(len([x for x in lines[a:b] if x.strip()]) for a, b in itertools.pairwise(bounds))


def _names(code: str, lang: str) -> list[str]:
    pattern = _IDENTIFIER_DEF.get(lang, _IDENTIFIER_DEF["python"])
    out: list[str] = []
    for match in pattern.finditer(code):
        out += [g for g in match.groups() if g and g not in ("self", "this")]
    return out


def self_test_lines(code: str, lang: str) -> list[str]:
    """Lines of the code that test it (asserts, test functions), verbatim."""
    pattern = _TEST_LINE.get(lang, _TEST_LINE["python"])
    return [line.strip() for line in _lines(code) if pattern.search(line)]


def quality_finding(
    criterion_id: str, code: str, lang: str, stub: str, *, ran: bool, scale_max: int
) -> CriterionFinding:
    """Code quality read from the code: split into helpers, descriptive names, shallow nesting, comments."""
    definitions = _definitions(code, lang)
    given = {x.strip() for x in _definitions(stub, lang)}
    helpers = [d for d in definitions if d not in given and not re.search(r"\bclass\s|__\w+__", d)]
    names = _names(code, lang)
    short = [n for n in names if len(n) == 1 and n not in SHORT_NAMES_OK]
    comments = [line.strip() for line in _lines(code) if _COMMENT.get(lang, _COMMENT["python"]).search(line)]
    depth, deep_line = _nesting(code, lang)
    longest = _longest_function(code, lang)
    score = 2.0 if ran else 1.0
    shown: list[str] = []
    notes: list[str] = []
    quotes: list[str] = []
    if helpers:
        score += 1.0
        shown.append(f"{len(helpers)} helper{'s' if len(helpers) > 1 else ''} of its own")
        quotes += helpers[:2]
    if names and len(short) <= max(1, len(names) // 5):
        score += 0.5
        shown.append("descriptive names")
    elif short:
        notes.append(f"Single-letter names ({', '.join(sorted(set(short))[:4])}) make it harder to follow.")
    if comments:
        score += 0.5
        quotes.append(comments[0])
        shown.append("comments where the logic is not obvious")
    if depth > DEEP_NESTING:
        score -= 1.0
        notes.append(f"Nested {depth} levels deep (\"{deep_line[:80]}\"): flatten it with early returns or a helper.")
    if longest > LONG_FUNCTION_LINES:
        score -= 0.5
        notes.append(f"One function runs {longest} lines: split it into named steps.")
    if not quotes:
        quotes = (definitions or [next((x.strip() for x in _lines(code) if x.strip()), "")])[:1]
    score = max(0.0, min(float(scale_max), score))
    rationale = ("Read from the code: " + "; ".join(shown) + ".") if shown else "Read from the code."
    return CriterionFinding(criterion_id, score, quotes=tuple(q for q in quotes if q), notes=tuple(notes),
                            rationale=rationale, grader=GRADER)


# --- the tests ------------------------------------------------------------------------------------

SHOWN_VALUE_CHARS = 200  # an input, expected or actual value is shortened to this in a sentence
_STATUS_SENTENCE = {
    "failed": "returned a wrong result",
    "error": "raised an error",
    "timeout": "ran longer than its time limit",
    "memory": "used more memory than allowed",
    "output": "printed more output than allowed",
}


def shown(value: Any) -> str:
    """A test's input or result as one short line."""
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    text = " ".join(strip_controls(text).split())
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


def outcome_line(test: dict[str, Any], *, with_input: bool = True) -> str:
    """One test's result in a sentence: 'passed', or what went wrong and on what."""
    name = str(test.get("name") or "test")
    status = str(test.get("status") or "failed")
    if status == "passed":
        return f"{name}: passed"
    parts = [f"{name}: {_STATUS_SENTENCE.get(status, status)}"]
    if with_input and test.get("input") is not None:
        parts.append(f"input {shown(test['input'])}")
    if status == "failed":
        parts.append(f"expected {shown(test.get('expected'))}, got {shown(test.get('got'))}")
    if test.get("message") and status != "failed":
        parts.append(shown(test["message"]))
    return "; ".join(parts)


def _tests(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in result.get("tests") or [] if isinstance(t, dict)]


def _status_words(status: str) -> str:
    return {"failed": "wrong result", "error": "error", "timeout": "timed out", "memory": "out of memory",
            "output": "too much output"}.get(status, status)


def result_evidence(result: dict[str, Any]) -> list[str]:
    """Which tests passed and which failed (and how), in at most three lines."""
    tests = _tests(result)
    what = "Hidden tests" if result.get("hidden") else "Examples"
    lines = [f"{what}: {result.get('passed', 0)} of {result.get('total', 0)} passed"]
    if result.get("error"):
        lines[0] += f"; the code did not run: {str(result['error'])[:150]}"
    passed = [str(t.get("name")) for t in tests if t.get("status") == "passed"]
    failed = [f"{t.get('name')} ({_status_words(str(t.get('status')))})" for t in tests if t.get("status") != "passed"]
    if passed:
        lines.append("Passed: " + ", ".join(passed[:8]) + (" ..." if len(passed) > 8 else ""))
    if failed:
        lines.append("Failed: " + ", ".join(failed[:8]) + (" ..." if len(failed) > 8 else ""))
    return lines


def _correctness(criterion_id: str, final: CodeVersion, scale_max: int) -> CriterionFinding:
    result = final.result
    total = int(result.get("total") or 0)
    share = int(result.get("passed") or 0) / total if total and not result.get("error") else 0.0
    score = scale_max * share
    notes: list[str] = []
    if final.action != "submit":
        score = min(score, NEVER_SUBMITTED_LEVEL)
        notes.append("The code was run on the examples but never submitted, so the hidden tests never checked it.")
    rationale = f"Correctness from the {'hidden tests' if final.action == 'submit' else 'examples'}: " \
                f"{result.get('passed', 0)} of {total} passed."
    return CriterionFinding(criterion_id, score, quotes=tuple(result_evidence(result)) if score else (),
                            notes=tuple(notes), rationale=rationale, grader=GRADER)


def _timeouts(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in _tests(result) if t.get("status") == "timeout"]


def _complexity(prose: CriterionFinding, final: CodeVersion, question: Question) -> CriterionFinding:
    expected = question.coding.time_complexity if question.coding is not None else None
    timeouts = _timeouts(final.result) if final.action == "submit" else []
    if timeouts:
        names = ", ".join(str(t.get("name")) for t in timeouts[:3])
        note = (f"Measured: hidden test {names} ran out of time, evidence against the complexity claimed"
                + (f" (the question expects {expected})" if expected else "") + ".")
        return replace(prose, score=min(prose.score, TIMEOUT_LEVEL), notes=(*prose.notes, note))
    tests = _tests(final.result)
    if final.action == "submit" and tests and all(t.get("status") == "passed" for t in tests):
        slowest = max(float(t.get("seconds") or 0.0) for t in tests)
        note = ("Measured: every hidden test, the large ones included, ran within its time limit "
                f"(slowest {slowest:.2f} s).")
        return replace(prose, notes=(*prose.notes, note))
    return prose


def _testing(prose: CriterionFinding, final: CodeVersion, scale_max: int) -> CriterionFinding:
    quotes = self_test_lines(final.code, final.lang)
    if not quotes:
        return prose
    from_code = min(float(scale_max), 1.0 + min(len(quotes), 4) * 0.5)
    note = f"The code tests itself in {len(quotes)} line{'s' if len(quotes) > 1 else ''}."
    if from_code <= prose.score:
        return replace(prose, notes=(*prose.notes, note))
    return _raised(prose, from_code, (*quotes[:2], *prose.quotes), note)


def _raised(prose: CriterionFinding, score: float, quotes: tuple[str, ...], why: str) -> CriterionFinding:
    """The finding at the higher score the code shows, worded from the code (the prose found less)."""
    rationale = why if prose.score == 0 else f"{prose.rationale} {why}".strip()
    return replace(prose, score=score, quotes=quotes, rationale=rationale, grader=GRADER)


def _edge_cases(prose: CriterionFinding, final: CodeVersion) -> CriterionFinding:
    if final.action != "submit":
        return prose
    result = final.result
    failing = [t for t in _tests(result) if t.get("status") != "passed"]
    if failing or result.get("error"):
        names = ", ".join(str(t.get("name")) for t in failing[:4])
        note = f"Hidden tests still failing: {names}." if names else "The submitted code did not run."
        return replace(prose, score=min(prose.score, FAILING_EDGE_LEVEL), notes=(*prose.notes, note))
    if prose.score >= FAILING_EDGE_LEVEL:
        return replace(prose, quotes=(*prose.quotes, result_evidence(result)[0]))
    return _raised(prose, FAILING_EDGE_LEVEL, (*prose.quotes, result_evidence(result)[0]),
                   "Every hidden test passed, the edge cases among them.")


# --- the question ---------------------------------------------------------------------------------


def _final(versions: Sequence[CodeVersion]) -> CodeVersion:
    submitted = [v for v in versions if v.action == "submit"]
    return (submitted or list(versions))[-1]


def code_grade(
    question: Question,
    prose: QuestionGrade | None,
    answers: Sequence[str],
    versions: Sequence[CodeVersion],
    *,
    stub: str = "",
    round_id: str | None = None,
) -> QuestionGrade:
    """The grade of a coding question: the prose grade's criteria, with what the code and its tests show."""
    if not versions:
        raise ValueError("code_grade needs at least one version of the code")
    final = _final(versions)
    scale_max = question.rubric.scale_max
    grader = prose.grader if prose is not None else "rubric"
    by_id = {g.id: g for g in prose.criteria} if prose is not None and prose.gradable else {}
    findings: list[CriterionFinding] = []
    for criterion in question.rubric.criteria:
        grade = by_id.get(criterion.id)
        said = (feedback.finding_from_grade(question, grade, grader=grade.grader) if grade is not None
                else CriterionFinding(criterion.id, 0.0, grader=grader))
        cid = criterion.id
        if "approach" in cid or "correct" in cid:
            finding = _correctness(cid, final, scale_max)
        elif "complexity" in cid:
            finding = _complexity(said, final, question)
        elif "quality" in cid and "testing" in cid:
            quality = quality_finding(cid, final.code, final.lang, stub, ran=not final.result.get("error"),
                                      scale_max=scale_max)
            finding = _testing(quality, final, scale_max)
        elif "quality" in cid:
            finding = quality_finding(cid, final.code, final.lang, stub, ran=not final.result.get("error"),
                                      scale_max=scale_max)
        elif "testing" in cid:
            finding = _testing(said, final, scale_max)
        elif "edge" in cid:
            finding = _edge_cases(said, final)
        else:
            finding = said
        findings.append(finding)
    prose_text = "\n\n".join(a for a in answers if a.strip())
    hits = red_flags.detect(question, list(answers)) if prose_text else []
    flags = [f for f in (prose.flags if prose is not None else []) if f not in ("no_answer",)]
    result = final.result
    review = CodeReview(
        lang=final.lang,
        code=final.code,
        passed=int(result.get("passed") or 0),
        total=int(result.get("total") or 0),
        tests=_tests(result),
        error=str(result["error"]) if result.get("error") else None,
        sandboxed=bool(result.get("sandboxed", True)),
        versions=len(versions),
        submitted=final.action == "submit",
    )
    graded = feedback.question_grade(
        question,
        findings,
        answer="\n\n".join(x for x in (prose_text, final.code) if x.strip()),
        round_id=round_id,
        flags=flags,
        red_flags=hits,
        grader=grader,
        remarks=[f"Graded on the final {final.lang} code ({review.passed} of {review.total} "
                 f"{'hidden tests' if review.submitted else 'examples'} passed) and on what you said."],
        spoken=prose_text,
    )
    return graded.model_copy(update={"code": review})
