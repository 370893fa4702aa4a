"""`mockinterviewer bank list | show | lint` as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mockinterviewer.cli.app import run
from tests.conftest import BANK_DIR


def test_list_json_and_round_filter(bank, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert run(["bank", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(bank.questions)
    assert set(rows[0]) == {"id", "prompt", "round_types", "category", "kind", "difficulty"}
    assert run(["bank", "list", "--round", "technical-phone-screen", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all("technical-phone-screen" in r["round_types"] for r in rows)
    assert run(["bank", "list"]) == 0
    assert "questions" in capsys.readouterr().out
    assert run(["bank", "list", "--round", "nope"]) != 0
    assert "Known round types" in capsys.readouterr().err


def test_show_prints_the_full_rubric(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["bank", "show", "crdt-vs-ot", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "crdt-vs-ot" and data["rubric"]["criteria"]


def test_lint_ok_and_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["bank", "lint"]) == 0
    assert "OK:" in capsys.readouterr().out
    root = tmp_path / "bank"
    shutil.copytree(BANK_DIR, root)
    (root / "questions" / "bad.yaml").write_text("id: bad\nprompt: x\nunknown_field: 1\n")
    assert run(["bank", "lint", str(root)]) == 2
    captured = capsys.readouterr()
    assert "bad.yaml:3 [unknown_field]: unknown field" in captured.out
    assert "problem(s)" in captured.err
