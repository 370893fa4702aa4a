"""`bank import-guide` with a model configured drafts rubrics (marked draft) and keeps stubs it cannot draft."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mockinterviewer.bank.loader import lint_bank
from mockinterviewer.cli.app import run
from tests.conftest import SHARED
from tests.llm.helpers import ScriptedChatModel
from tests.llm.test_rubric_draft import rubric_json


def test_drafts_rubrics_with_the_configured_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # Ten stubs: the first nine get a valid draft, the last one only nonsense (three attempts).
    model = ScriptedChatModel(replies=[rubric_json()] * 9 + ["no rubric here"] * 3)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "auto")
    monkeypatch.setattr("mockinterviewer.providers.chat.build_chat_model", lambda settings, **kw: model)
    out = tmp_path / "bank"
    code = run(["bank", "import-guide", str(SHARED / "guides" / "netflix-senior-swe.txt"), "-o", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert printed.count("drafted rubric") == 9 and "1 stub(s) still need a rubric" in printed
    drafted = [yaml.safe_load(p.read_text()) for p in (out / "questions").rglob("*.yaml")]
    assert sum(1 for d in drafted if d.get("rubric", {}).get("draft") is True) == 9
    _, problems = lint_bank(out)
    assert [p.field for p in problems if "questions" in str(p.path)] == ["rubric"]
