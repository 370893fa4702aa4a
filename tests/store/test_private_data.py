"""The data directory and everything the program writes in it are readable by their owner only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from mockinterviewer.store import Store
from tests.conftest import PROJECT_ROOT


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_cli(home: Path, *args: str, umask: int = 0o000) -> subprocess.CompletedProcess[str]:
    """The CLI in a process with a permissive umask (the worst case)."""
    code = f"import os, sys; os.umask({umask}); from mockinterviewer.cli.app import run; sys.exit(run(sys.argv[1:]))"
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(home)}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, timeout=120)


def test_new_data_dir_and_every_file_in_it_are_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    answers = tmp_path / "answers.yaml"
    answers.write_text("- I would start with the requirements.\n- /quit\n")
    proc = run_cli(home, "interview", "--round", "recruiter-screen", "--answers", str(answers))
    assert proc.returncode == 0, proc.stderr
    session_id = proc.stdout.split("Session ", 1)[1].split()[0]
    proc = run_cli(home, "report", session_id, "--format", "html", "-o", str(home / "report.html"))
    assert proc.returncode == 0, proc.stderr
    assert mode(home) == 0o700
    files = [p for p in home.rglob("*") if p.is_file()]
    assert home / "mockinterviewer.db" in files and home / "report.html" in files
    for path in files:
        assert mode(path) & 0o077 == 0, f"{path} is {oct(mode(path))}"
    for folder in (p for p in home.rglob("*") if p.is_dir()):
        assert mode(folder) == 0o700, folder


def test_audio_is_owner_only(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        store = Store(f"sqlite:///{tmp_path / 'home' / 'db.sqlite'}", tmp_path / "home")
        path = store.save_audio("abc", 1, b"OggS", "ogg")
    finally:
        os.umask(old)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700


def test_an_open_data_dir_is_tightened_and_said_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_cli(home, "sessions").returncode == 0
    os.chmod(home, 0o755)
    os.chmod(home / "mockinterviewer.db", 0o644)
    first = run_cli(home, "sessions")
    assert first.returncode == 0
    assert "private" in first.stderr and str(home) in first.stderr
    assert mode(home) == 0o700 and mode(home / "mockinterviewer.db") == 0o600
    second = run_cli(home, "sessions")
    assert second.returncode == 0 and "private" not in second.stderr
