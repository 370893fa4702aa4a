"""`mockinterviewer user ...`: the password is read without echo, never printed nor stored in clear;
a wrong role or an unknown user is one clear message with the exit code of errors.py."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockinterviewer.errors import InputError, NotFoundError
from tests.cli.helpers import cli
from tests.conftest import PROJECT_ROOT

PASSWORD = "tr0ub4dor&3-horse"


def add(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, role: str,
        stdin: str = PASSWORD + "\n") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli(capsys, "user", "add", name, "--role", role)


def one_clear_error(code: int, expected: int, err: str, message: str) -> None:
    assert code == expected, err
    assert message in err and "Traceback" not in err
    assert 1 <= len([line for line in err.splitlines() if line.strip()]) <= 2, err


def test_add_assign_list(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert add(capsys, monkeypatch, "carol", "coach")[0] == 0
    code, out, err = add(capsys, monkeypatch, "ada", "candidate", stdin=PASSWORD + "\r\n")
    assert code == 0 and "Added the candidate ada." in out and PASSWORD not in out + err
    code, out, _ = cli(capsys, "user", "assign", "carol", "ada")
    assert code == 0 and "carol now follows ada." in out
    code, out, _ = cli(capsys, "user", "assign", "carol", "ada")
    assert code == 0 and "already follows" in out
    code, out, _ = cli(capsys, "user", "list", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert code == 0 and rows["ada"]["role"] == "candidate" and rows["carol"]["assigned"] == ["ada"]
    assert PASSWORD not in out and "hash" not in out
    code, out, _ = cli(capsys, "user", "list")
    assert code == 0 and "carol" in out and PASSWORD not in out


def test_a_terminal_asks_twice_without_echo(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter([PASSWORD, PASSWORD + "typo", PASSWORD, PASSWORD])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    monkeypatch.setattr(sys, "stdin", Tty())
    code, out, err = cli(capsys, "user", "add", "carol", "--role", "coach")
    one_clear_error(code, InputError.exit_code, err, "The two passwords differ.")
    code, out, err = cli(capsys, "user", "add", "carol", "--role", "coach")
    assert code == 0 and prompts == ["Password: ", "Password again: "] * 2 and PASSWORD not in out + err


@pytest.mark.parametrize(("args", "code", "message"), [
    (["user", "add", "eve", "--role", "admin"], InputError.exit_code, "Unknown role 'admin'."),
    (["user", "assign", "ada", "carol"], InputError.exit_code, "'ada' is a candidate, not a coach."),
    (["user", "assign", "carol", "carol"], InputError.exit_code, "'carol' is a coach, not a candidate."),
    (["user", "assign", "zed", "ada"], NotFoundError.exit_code, "No user named 'zed'."),
    (["user", "assign", "carol", "zed"], NotFoundError.exit_code, "No user named 'zed'."),
    (["user", "add", "ada", "--role", "coach"], InputError.exit_code, "A user named 'ada' already exists."),
])
def test_wrong_role_and_unknown_user_are_one_clear_message(args: list[str], code: int, message: str,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    add(capsys, monkeypatch, "carol", "coach")
    add(capsys, monkeypatch, "ada", "candidate")
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    got, _, err = cli(capsys, *args)
    one_clear_error(got, code, err, message)


@pytest.mark.parametrize(("stdin", "message"), [("", "No password on stdin."), ("short\n", "too short")])
def test_an_unusable_password_is_refused(stdin: str, message: str, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = add(capsys, monkeypatch, "ada", "candidate", stdin=stdin)
    one_clear_error(code, InputError.exit_code, err, message)
    assert json.loads(cli(capsys, "user", "list", "--json")[1]) == []


def test_the_real_command_never_shows_nor_stores_the_password(isolated_home: Path) -> None:
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(isolated_home)}
    proc = subprocess.run([sys.executable, "-m", "mockinterviewer", "user", "add", "ada", "--role", "candidate"],
                          input=PASSWORD + "\n", capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert PASSWORD not in proc.stdout + proc.stderr
    files = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert isolated_home / "mockinterviewer.db" in files
    for path in files:
        assert PASSWORD.encode() not in path.read_bytes(), path
    assert b"$argon2id$" in (isolated_home / "mockinterviewer.db").read_bytes() + b"".join(
        p.read_bytes() for p in files if p.name.endswith("-wal"))
