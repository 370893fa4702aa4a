"""Shared fixtures: an isolated data directory for every test, the shipped bank, a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
BANK_DIR = PROJECT_ROOT / "question_bank"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data dir and never reaches a real paid model."""
    home = tmp_path / "home"
    monkeypatch.setenv("MOCKINTERVIEWER_HOME", str(home))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MOCKINTERVIEWER_DATABASE_URL", "MOCKINTERVIEWER_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOCKINTERVIEWER_LLM", "offline")
    return home


@pytest.fixture(scope="session")
def bank():  # type: ignore[no-untyped-def]
    from mockinterviewer.bank.loader import load_bank

    return load_bank(BANK_DIR)


PG_BIN = Path("/usr/lib/postgresql/15/bin")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server started for the test session (as DESIGN.md describes)."""
    url = os.environ.get("MOCKINTERVIEWER_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    required = os.environ.get("MOCKINTERVIEWER_REQUIRE_POSTGRES") == "1"
    if not (PG_BIN / "initdb").exists():
        if required:
            pytest.fail(f"PostgreSQL server binaries not found in {PG_BIN}: install postgresql-15")
        pytest.skip("PostgreSQL server binaries not installed")
    as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="mi-pg-"))
    port = 55432 + os.getpid() % 1000

    def run(*args: str) -> None:
        cmd = ["runuser", "-u", "postgres", "--", *args] if as_root else list(args)
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)

    try:
        if as_root:
            shutil.chown(base, "postgres", "postgres")
        data = base / "data"
        run(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-t", "30", "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "mockinterviewer")
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        if required:
            pytest.fail(f"could not start PostgreSQL: {exc} {detail.decode(errors='replace')}")
        pytest.skip(f"could not start PostgreSQL: {exc}")
    time.sleep(0.1)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/mockinterviewer"
    finally:
        subprocess.run((["runuser", "-u", "postgres", "--"] if as_root else [])
                       + [str(PG_BIN / "pg_ctl"), "-D", str(base / "data"), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
