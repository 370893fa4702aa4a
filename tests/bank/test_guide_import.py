"""Importing a prep guide: a loop file and question stubs, and which stubs still need rubrics."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mockinterviewer.bank.guide import parse_guide
from mockinterviewer.bank.loader import lint_bank
from mockinterviewer.cli.app import run
from mockinterviewer.errors import InputError
from tests.conftest import SHARED

GUIDE = SHARED / "guides" / "netflix-senior-swe.txt"


def test_parse_guide_finds_rounds_and_questions() -> None:
    guide = parse_guide(GUIDE.read_text())
    assert guide.company == "Netflix" and guide.role == "Senior Software Engineer"
    assert len(guide.rounds) == 5 and guide.rounds[0] == "Recruiter Screening"
    assert len(guide.questions) == 10
    crdt = next(q for q in guide.questions if q.prompt.startswith("Compare CRDTs"))
    assert crdt.category == "Architecture and Technical Trade Offs"
    assert crdt.difficulty == "hard" and crdt.kind == "technical"
    design = [q for q in guide.questions if q.kind == "system-design"]
    assert design and all(q.round_types == ["onsite-technical-round"] for q in design)


def test_import_guide_cli_writes_loop_and_stubs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bank"
    code = run(["bank", "import-guide", str(GUIDE), "-o", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "10 stub(s) still need a rubric" in printed
    loop = yaml.safe_load(next((out / "loops").glob("*.yaml")).read_text())
    assert [r["name"] for r in loop["rounds"]][-1] == "Onsite - Behavioral and Leadership Round"
    stubs = list((out / "questions").rglob("*.yaml"))
    assert len(stubs) == 10
    _, problems = lint_bank(out)
    assert {p.field for p in problems if "questions" in str(p.path)} == {"rubric"}
    code = run(["bank", "lint", str(out)])
    assert code != 0


def test_not_a_guide_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="does not look like a prep guide"):
        parse_guide("just some text\nwith lines")
