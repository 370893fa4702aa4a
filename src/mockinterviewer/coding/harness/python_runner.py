"""Python harness: `python3 python_runner.py TESTS_JSON FD`, in the folder holding solution.py.

Protocol on FD, one line each: `S <index>` before a test, `D <index> <json>` after it, `F <json>`
when the file cannot be loaded, `E` at the end. Runs inside the sandbox; imports only the stdlib.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
import traceback
from typing import Any


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith("solution.py")]
    return f" (solution.py line {frames[-1].lineno})" if frames else ""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "RecursionError: maximum recursion depth exceeded"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    out = os.fdopen(int(sys.argv[2]), "w", buffering=1, encoding="utf-8")

    def send(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    try:
        module_spec = importlib.util.spec_from_file_location("solution", "solution.py")
        assert module_spec is not None and module_spec.loader is not None
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
    except SyntaxError as exc:
        send("F " + json.dumps({"error": f"solution.py line {exc.lineno}: {exc.msg}"}))
        return
    except BaseException as exc:  # the candidate's module may raise anything while loading
        send("F " + json.dumps({"error": "loading solution.py raised " + _describe(exc) + _where(exc)}))
        return
    entry = spec["entry"]
    target = getattr(module, entry, None)
    if target is None:
        kind = "class" if spec["task"] == "class" else "function"
        send("F " + json.dumps({"error": f"solution.py does not define the {kind} {entry}"}))
        return
    for test in spec["tests"]:
        send(f"S {test['index']}")
        op = -1
        started = time.perf_counter()
        report: dict[str, Any]
        try:
            if "ops" in test:
                instance = target(*test["construct"])
                values = []
                for op in range(len(test["ops"])):
                    method, args = test["ops"][op]
                    values.append(getattr(instance, method)(*args))
                value: Any = values
            else:
                value = target(*test["args"])
            seconds = time.perf_counter() - started
            report = {"ok": True, "value": _plain(value)}
        except MemoryError:
            seconds = time.perf_counter() - started
            report = {"ok": False, "kind": "memory", "error": "MemoryError", "op": op}
        except BaseException as exc:  # the candidate's code may raise anything, SystemExit included
            seconds = time.perf_counter() - started
            report = {"ok": False, "kind": "error", "error": _describe(exc) + _where(exc), "op": op}
        report["seconds"] = seconds
        send(f"D {test['index']} " + json.dumps(report, default=repr))
    send("E")


if __name__ == "__main__":
    main()
