"""`bank lint` limits: unaskable questions, loop errors at the line of the field, runaway sizes; input caps."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import yaml

from mockinterviewer.bank.loader import MAX_FILE_BYTES, lint_bank, load_bank
from tests.cli.helpers import cli
from tests.conftest import BANK_DIR, PROJECT_ROOT

SOURCE = "clean-code/retry-backoff-strategy.yaml"


def copy_bank(tmp_path: Path) -> Path:
    root = tmp_path / "bank"
    shutil.copytree(BANK_DIR, root)
    return root


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_question_no_loop_can_ask_is_reported_with_file_and_line(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_bank(tmp_path)
    doc = yaml.safe_load((root / "questions" / SOURCE).read_text())
    doc["id"], doc["round_types"] = "orphan-question", ["no-such-round"]
    orphan = root / "questions" / "orphan.yaml"
    orphan.write_text(yaml.safe_dump(doc, sort_keys=False))
    code, out, _ = cli(capsys, "bank", "lint", str(root))
    assert code == 2
    expected = f"{orphan}:{line_of(orphan, '- no-such-round')} [round_types]"
    assert expected in " ".join(out.split()) and "never be asked" in out
    assert "orphan-question" in load_bank(root).questions  # it cannot stop an interview


def test_a_loop_error_points_at_the_line_of_the_field(tmp_path: Path) -> None:
    root = copy_bank(tmp_path)
    loop_path = next((root / "loops").glob("*.yaml"))
    doc = yaml.safe_load(loop_path.read_text())
    first = doc["rounds"][0]["id"]
    doc["rounds"][1]["id"] = "renamed-round"
    doc["rounds"][2]["values"] = ["no-such-value"]
    loop_path.write_text(yaml.safe_dump(doc, sort_keys=False))
    _, problems = lint_bank(root)
    [values] = [p for p in problems if "values" in (p.field or "")]
    assert values.path == loop_path and values.field == "rounds.2.values"
    assert values.line == line_of(loop_path, "- no-such-value") - 1  # the line of that round's `values:`
    doc["rounds"][2].pop("values")
    loop_path.write_text(yaml.safe_dump(doc, sort_keys=False))
    _, problems = lint_bank(root)
    [empty] = [p for p in problems if p.path == loop_path]
    assert empty.field == "rounds.1.id" and empty.line == line_of(loop_path, "id: renamed-round")
    assert "renamed-round" in empty.message and first != "renamed-round"


def test_runaway_sizes_are_refused_fast_with_a_clear_message(tmp_path: Path) -> None:
    root = copy_bank(tmp_path)
    source = root / "questions" / SOURCE
    doc = yaml.safe_load(source.read_text())
    doc["rubric"]["criteria"][0]["signals"] = [f"signal {i}" for i in range(600)]
    source.write_text(yaml.safe_dump(doc, sort_keys=False))
    huge = root / "questions" / "huge.yaml"
    huge.write_text("id: huge\nprompt: '" + "x" * (MAX_FILE_BYTES + 10) + "'\n")
    started = time.monotonic()
    _, problems = lint_bank(root)
    assert time.monotonic() - started < 10
    by_path = {p.path: p for p in problems}
    assert "at most" in by_path[huge].message and f"{MAX_FILE_BYTES:,}" in by_path[huge].message
    signals = by_path[source]
    assert signals.field == "rubric.criteria.0.signals" and "600 items; at most 40" in signals.message
    assert signals.line == line_of(source, "signals:")


def test_bank_dir_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_bank(tmp_path)
    (root / "questions" / SOURCE).write_text("id: [broken\n")
    monkeypatch.setenv("MOCKINTERVIEWER_BANK_DIR", str(root))
    code, out, _ = cli(capsys, "bank", "lint")
    assert code == 2 and str(root / "questions" / SOURCE) in " ".join(out.split())
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "MOCKINTERVIEWER_BANK_DIR" in readme


@pytest.mark.parametrize("args", [["interview", "--round", "recruiter-screen", "--answers", "/dev/zero"],
                                  ["grade", "retry-backoff-strategy", "--answer-file", "/dev/zero"]])
def test_endless_input_is_refused_with_a_size_message(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code, out, err = cli(capsys, *args)
    assert time.monotonic() - started < 20
    assert code == 5 and "larger than" in err and "Traceback" not in out + err
    assert cli(capsys, "sessions", "--json")[1].strip() == "[]"  # nothing was started
