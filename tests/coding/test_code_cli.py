"""`mockinterviewer code check | stub` as a user runs them: results, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockinterviewer.cli.app import run


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_json_for_a_passing_solution(bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    solution = _write(tmp_path, "lru.py", bank.question("lru-cache-o1").coding.references["python"])
    assert run(["code", "check", "lru-cache-o1", str(solution), "--examples", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] == data["total"] == 2 and data["failed"] == 0 and data["error"] is None
    assert data["lang"] == "python" and data["hidden"] is False
    assert {t["status"] for t in data["tests"]} == {"passed"}


def test_check_shows_the_first_failing_input_and_exits_1(bank, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    solution = _write(tmp_path, "lru.txt", bank.question("lru-cache-o1").coding.wrong[0].code)
    assert run(["code", "check", "lru-cache-o1", str(solution), "--lang", "python"]) == 1
    out = capsys.readouterr().out
    assert "First failing input: LRUCache(2); put(1, 10)" in out
    assert "4/5 passed" in out


def test_check_reports_a_compile_error_in_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    solution = _write(tmp_path, "Solution.java", "class LRUCache {\n  int get(int k) { return k }\n}\n")
    assert run(["code", "check", "lru-cache-o1", str(solution), "--examples"]) == 1
    assert "The code does not compile: line 2: ';' expected." in capsys.readouterr().out


@pytest.mark.parametrize(("args", "code", "says"), [
    (["code", "check", "no-such-question", "{file}"], 3, "No question with id 'no-such-question'"),
    (["code", "check", "lru-cache-o1", "{missing}"], 5, "does not exist"),
    (["code", "check", "lru-cache-o1", "{file}", "--lang", "cobol"], 5, "Unknown language 'cobol'"),
    (["code", "check", "lru-cache-o1", "{txt}"], 5, "Cannot tell the language"),
    (["code", "check", "crdt-vs-ot", "{file}"], 5, "no coding spec"),
])
def test_usage_mistakes_exit_with_their_code(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             args: list[str], code: int, says: str) -> None:
    paths = {"{file}": str(_write(tmp_path, "s.py", "x = 1\n")), "{txt}": str(_write(tmp_path, "s.txt", "x\n")),
             "{missing}": str(tmp_path / "missing.py")}
    assert run([paths.get(a, a) for a in args]) == code
    assert says in capsys.readouterr().err


def test_stub_prints_the_starting_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["code", "stub", "lru-cache-o1", "--lang", "java"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("// lru-cache-o1 (java)") and "class LRUCache {" in out
