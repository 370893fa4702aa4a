"""Output files: never replaced without --force, never written through a symbolic link; a second
`bank import-guide` adds only new stubs and keeps the edits made to the ones it wrote before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import cli, sessions, write_answers
from tests.conftest import SHARED

GUIDE = SHARED / "guides" / "netflix-senior-swe.txt"


@pytest.fixture
def session_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    answers = write_answers(tmp_path / "a.yaml", ["I build streaming systems.", "/quit"])
    assert cli(capsys, "interview", "--round", "recruiter-screen", "--answers", str(answers))[0] == 0
    return str(sessions(capsys)[0]["id"])


def test_report_refuses_to_replace_a_file_without_force(session_id: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.md"
    target.write_text("my notes")
    code, _, err = cli(capsys, "report", session_id, "--format", "md", "-o", str(target))
    assert code == 5 and "already exists" in err and "--force" in err and "Traceback" not in err
    assert target.read_text() == "my notes"
    code, _, _ = cli(capsys, "report", session_id, "--format", "md", "-o", str(target), "--force")
    assert code == 0 and "# Feedback report" in target.read_text()


def test_report_never_follows_a_symlink(session_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "report.html"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.html"
    dangling.symlink_to(tmp_path / "created-through-link.html")
    for args in ([], ["--force"]):
        for path in (link, dangling):
            code, _, err = cli(capsys, "report", session_id, "--format", "html", "-o", str(path), *args)
            assert code == 5 and "symbolic link" in err, err
    assert victim.read_text() == "precious" and link.is_symlink()
    assert not (tmp_path / "created-through-link.html").exists()


def test_import_guide_again_keeps_edits_and_adds_new_stubs(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bank"
    code, _, err = cli(capsys, "bank", "import-guide", str(GUIDE), "-o", str(out), "--no-draft-rubrics")
    assert code == 0, err
    stubs = sorted((out / "questions").rglob("*.yaml"))
    edited, removed = stubs[0], stubs[1]
    edited.write_text(edited.read_text() + "# my edit\n")
    removed.unlink()
    loop = next((out / "loops").glob("*.yaml"))
    loop.write_text(loop.read_text() + "# loop edit\n")
    code, out_text, err = cli(capsys, "bank", "import-guide", str(GUIDE), "-o", str(out), "--no-draft-rubrics")
    assert code == 0, err
    assert edited.read_text().endswith("# my edit\n") and loop.read_text().endswith("# loop edit\n")
    assert removed.exists()  # the one that was missing is added again
    flat = " ".join(out_text.split())
    assert "1 new question file(s)" in flat and f"Left {len(stubs)} existing file(s)" in flat
    assert str(edited) in flat and str(loop) in flat
    code, out_text, _ = cli(capsys, "bank", "import-guide", str(GUIDE), "-o", str(out), "--no-draft-rubrics",
                            "--force")
    assert code == 0 and "# my edit" not in edited.read_text()
