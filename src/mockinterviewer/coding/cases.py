"""Tests as language-neutral data: expanding them for a harness, and judging what came back.

Pure functions only. A harness (one per language, `coding/harness/`) receives `payload(...)` as
JSON, calls the candidate's code and reports each value; `judge` compares it with the expected
value here, once for every language, so no harness needs its own notion of equality.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from mockinterviewer.bank.schema import CodeTest, CodingSpec, camel
from mockinterviewer.coding.results import TestOutcome

SHOWN_CHARS = 300  # input, expected and got are cut to this length in results
FLOAT_TOLERANCE = 1e-6


def name_in(lang: str, name: str) -> str:
    return name if lang == "python" else camel(name)


def expand(value: Any) -> Any:
    """Expand the compact generators of test data: $range, $repeat and $join."""
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "$range":
            return list(range(*arg))
        if key == "$repeat":
            item, times = arg
            return [expand(item) for _ in range(times)]
        if key == "$join":
            text, times = arg
            return str(text) * int(times)
    if isinstance(value, list):
        return [expand(v) for v in value]
    if isinstance(value, dict):
        return {k: expand(v) for k, v in value.items()}
    return value


def _substitute(value: Any, i: int) -> Any:
    if value == "$i":
        return i
    if isinstance(value, str) and "$i" in value:
        return value.replace("$i", str(i))
    if isinstance(value, list):
        return [_substitute(v, i) for v in value]
    return value


def expand_ops(ops: list[Any]) -> list[tuple[str, list[Any], Any]]:
    """Operations as (method, args, expected), with `{repeat: N, ops: [...]}` blocks unrolled."""
    out: list[tuple[str, list[Any], Any]] = []
    for op in ops:
        if isinstance(op, dict):
            for i in range(int(op["repeat"])):
                out += [(str(m), _substitute(expand(a), i), _substitute(e, i)) for m, a, e in op["ops"]]
        else:
            method, args, expected = op
            out.append((str(method), expand(args), expected))
    return out


@dataclass(frozen=True)
class Case:
    """A test with its generators expanded, once per run: its calls and expected value(s)."""

    test: CodeTest
    args: list[Any] | None
    init: list[Any] | None
    ops: list[tuple[str, list[Any], Any]] | None

    @property
    def expected(self) -> Any:
        return [e for _, _, e in self.ops] if self.ops is not None else self.test.expected


def prepare(test: CodeTest) -> Case:
    if test.ops is not None:
        return Case(test, None, expand(test.init or []), expand_ops(test.ops))
    return Case(test, expand(test.args or []), None, None)


def payload(spec: CodingSpec, cases: list[tuple[int, Case]], lang: str) -> dict[str, Any]:
    """What the harness reads: the entry point's name in `lang` and each test's call(s)."""
    entry = spec.entry_in(lang)
    out: list[dict[str, Any]] = []
    for index, case in cases:
        if case.ops is not None:
            ops = [[name_in(lang, m), a] for m, a, _ in case.ops]
            out.append({"index": index, "construct": case.init, "ops": ops})
        else:
            out.append({"index": index, "args": case.args})
    return {"task": spec.task, "entry": entry, "tests": out}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def same(expected: Any, got: Any, *, unordered: bool = False) -> bool:
    """Deep equality of JSON values; numbers within FLOAT_TOLERANCE; a bool is never a number."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    if isinstance(expected, int | float) and isinstance(got, int | float):
        if isinstance(expected, float) or isinstance(got, float):
            return math.isclose(expected, got, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
        return expected == got
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return False
        if unordered:
            expected, got = sorted(expected, key=_canonical), sorted(got, key=_canonical)
        return all(same(e, g, unordered=unordered) for e, g in zip(expected, got, strict=True))
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.keys() == got.keys() and all(same(expected[k], got[k]) for k in expected)
    return bool(expected == got)


def cut(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def shown(value: Any) -> str:
    return cut(json.dumps(value, default=str))


def _call(name: str, args: list[Any]) -> str:
    inner = ", ".join(json.dumps(a, default=str) for a in args)
    return f"{name}({inner})"


def describe_input(spec: CodingSpec, case: Case, upto: int | None = None) -> str:
    """The test's input as calls, e.g. `LRUCache(2); put(1, 1); get(1)` (cut at op `upto` when given)."""
    if case.ops is None:
        return cut(_call(spec.entry, case.args or []))
    ops = case.ops if upto is None else case.ops[: upto + 1]
    head = [_call(spec.entry, case.init or [])] + [_call(m, a) for m, a, _ in ops[:11]]
    if len(ops) <= 11:
        return cut("; ".join(head))
    tail = [_call(m, a) for m, a, _ in ops[-4:]]
    return cut("; ".join([*head[:5], f"... {len(ops) - 8} more calls ...", *tail]))


def judge(spec: CodingSpec, case: Case, report: dict[str, Any], *, reveal: bool) -> TestOutcome:
    """Turn a harness report (`ok`, `value` | `error`, `kind`, `op`, `seconds`) into a TestOutcome."""
    test = case.test
    seconds = float(report.get("seconds", 0.0))
    limit = test.time_limit_seconds or spec.time_limit_seconds
    unordered = spec.compare == "unordered"
    ops = case.ops or []
    expected = case.expected

    def outcome(status: str, message: str, got: Any = None, upto: int | None = None, show_got: bool = False) -> \
            TestOutcome:
        return TestOutcome(
            name=test.name, status=status,
            input=describe_input(spec, case, upto) if reveal else None,
            expected=shown(expected if upto is None else expected[upto]) if reveal else None,
            got=shown(got) if reveal and show_got else None,
            seconds=round(seconds, 4), message=message)

    if not report.get("ok"):
        kind = str(report.get("kind") or "error")
        op = report.get("op")
        error = _one_line(str(report.get("error") or "unknown error"))
        where = f" in call {int(op) + 1} ({ops[int(op)][0]})" if isinstance(op, int) and 0 <= op < len(ops) else ""
        if kind == "memory":
            return outcome("memory", f"The code ran out of memory{where}: {error}.")
        return outcome("error", f"The code raised an error{where}: {error}.")
    got = report.get("value")
    if case.ops is not None:
        values = got if isinstance(got, list) else []
        for k, (method, _, want) in enumerate(ops):
            have = values[k] if k < len(values) else None
            if not same(want, have, unordered=unordered):
                return outcome("failed", f"Call {k + 1} of {len(ops)}, {method}, returned {shown(have)} "
                                         f"where {shown(want)} was expected.", have, upto=k, show_got=True)
    elif not same(expected, got, unordered=unordered):
        return outcome("failed", "The result differs from the expected one.", got, show_got=True)
    if seconds > limit:
        return outcome("timeout", f"Correct, but it took {seconds:.2f} s where the limit is {limit:g} s.")
    return outcome("passed", "Passed.", None)


def _one_line(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().rstrip(".")
    return text if len(text) <= 200 else text[:197] + "..."
