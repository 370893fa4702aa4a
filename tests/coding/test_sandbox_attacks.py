"""Hostile solutions, one test per attack and language: each is stopped or refused within its limit,
reported in one plain sentence, and leaves no process behind."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from mockinterviewer.bank.schema import CodeTest, Question
from mockinterviewer.coding import CheckResult, run_tests
from mockinterviewer.coding.sandbox import Sandbox

pytestmark = pytest.mark.skipif(not Sandbox().isolated, reason="bubblewrap is not installed")

LIMIT = 1.0  # seconds per test

# The body of merge_intervals(x) in each language; {path} and {port} are filled in per test.
ATTACKS: dict[str, dict[str, str]] = {
    "infinite-loop": {
        "python": "while True:\n        pass",
        "javascript": "for (;;) {}",
        "java": "while (x != null) {}",
    },
    "fork-bomb": {
        "python": "import os\n    while True:\n        os.fork()",
        "javascript": "const cp = require('child_process');\n  for (;;) cp.spawn('/usr/bin/sleep', ['30']);",
        "java": "java.util.List<Process> all = new java.util.ArrayList<>();\n"
                "        while (x != null) all.add(new ProcessBuilder(\"/usr/bin/sleep\", \"30\").start());",
    },
    "allocate-10-gb": {
        "python": "data = bytearray(10 * 2**30)\n    return [[len(data), 0]]",
        "javascript": "const blocks = [];\n"
                      "  for (let i = 0; i < 100; i++) blocks.push(new Float64Array(2 ** 27).fill(1));\n"
                      "  return [[blocks.length, 0]];",
        "java": "long[][] blocks = new long[10][];\n"
                "        for (int i = 0; i < 10; i++) blocks[i] = new long[1 << 27];\n"
                "        return new int[][] {{blocks.length, 0}};",
    },
    "print-100-mb": {
        "python": "line = 'x' * 1023\n    for _ in range(100 * 1024):\n        print(line)",
        "javascript": "const line = 'x'.repeat(1023) + '\\n';\n"
                      "  for (let i = 0; i < 100 * 1024; i++) process.stdout.write(line);",
        "java": "String line = \"x\".repeat(1023);\n"
                "        for (int i = 0; i < 100 * 1024; i++) System.out.println(line);",
    },
    "socket-to-localhost": {
        "python": "import socket\n    socket.create_connection(('127.0.0.1', {port}), timeout=0.5).sendall(b'hi')",
        "javascript": "return new Promise((resolve, reject) => {\n"
                      "    const socket = require('net').connect({port: {port}, host: '127.0.0.1'});\n"
                      "    socket.on('error', reject);\n    socket.on('connect', () => resolve(x));\n  });",
        "java": "new java.net.Socket(\"127.0.0.1\", {port}).getOutputStream().write(1);",
    },
    "read-etc-passwd": {
        "python": "return [[open('/etc/passwd').read(), 0]]",
        "javascript": "return [[require('fs').readFileSync('/etc/passwd', 'utf8'), 0]];",
        "java": "return new int[][] {{java.nio.file.Files.readString(\n"
                "            java.nio.file.Path.of(\"/etc/passwd\")).length(), 0}};",
    },
    "read-data-dir": {
        "python": "return [[open('{path}').read(), 0]]",
        "javascript": "return [[require('fs').readFileSync('{path}', 'utf8'), 0]];",
        "java": "return new int[][] {{java.nio.file.Files.readString(java.nio.file.Path.of(\"{path}\")).length(), 0}};",
    },
    "write-outside": {
        "python": "open('{path}', 'w').write('owned')",
        "javascript": "require('fs').writeFileSync('{path}', 'owned');",
        "java": "java.nio.file.Files.writeString(java.nio.file.Path.of(\"{path}\"), \"owned\");",
    },
    "orphan-sleep": {
        "python": "import subprocess\n    subprocess.Popen(['sleep', '3600'], start_new_session=True)\n    return x",
        "javascript": "require('child_process').spawn('sleep', ['3600'], {detached: true, stdio: 'ignore'}).unref();"
                      "\n  return x;",
        "java": "new ProcessBuilder(\"sleep\", \"3600\").start();\n        return x;",
    },
}

# What each attack may end as: stopped by a limit, or refused (the call raised).
ENDINGS = {
    "infinite-loop": {"timeout"},
    "fork-bomb": {"error", "timeout"},
    "allocate-10-gb": {"memory"},
    "print-100-mb": {"output"},
    "socket-to-localhost": {"error"},
    "read-etc-passwd": {"error"},
    "read-data-dir": {"error"},
    "write-outside": {"error"},
    "orphan-sleep": {"passed"},  # the solution returns; the child must not survive the run
}


def _program(lang: str, body: str) -> str:
    if lang == "python":
        return f"def merge_intervals(x):\n    {body}\n    return x\n"
    if lang == "javascript":
        return f"function mergeIntervals(x) {{\n  {body}\n  return x;\n}}\n"
    return ("class Solution {\n    static int[][] mergeIntervals(int[][] x) throws Exception {\n"
            f"        {body}\n" + ("" if "return" in body else "        return x;\n") + "    }\n}\n")


@pytest.fixture(scope="module")
def question(bank) -> Question:  # type: ignore[no-untyped-def]
    base = bank.question("merge-overlapping-intervals")
    example = CodeTest(name="attack", args=[[[1, 2]]], expected=[[1, 2]])
    coding = base.coding.model_copy(update={"examples": [example], "time_limit_seconds": LIMIT})
    return base.model_copy(update={"coding": coding})


def _sleepers() -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/cmdline").read_bytes() == b"sleep\x003600\x00":
                    found.add(int(entry))
            except OSError:
                continue
    return found


class _Listener:
    """A real server on 127.0.0.1 that records whether anything connected."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connected = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connected = True
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


CASES = [pytest.param(attack, lang, id=f"{attack}-{lang}", marks=[pytest.mark.slow] if lang == "java" else [])
         for attack in ATTACKS for lang in ("python", "javascript", "java")]


@pytest.mark.parametrize(("attack", "lang"), CASES)
def test_attack_is_stopped_in_one_sentence_and_leaves_nothing(question: Question, attack: str, lang: str,
                                                              isolated_home: Path, tmp_path: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    secret = isolated_home / "secret.txt"
    secret.write_text("top secret")
    outside = tmp_path / "owned.txt"
    path = {"read-data-dir": str(secret), "write-outside": str(outside)}.get(attack, "")
    listener = _Listener() if attack == "socket-to-localhost" else None
    before = _sleepers()
    try:
        body = ATTACKS[attack][lang].replace("{path}", path).replace("{port}", str(listener.port if listener else 0))
        result: CheckResult = run_tests(question, _program(lang, body), lang, hidden=False)
    finally:
        if listener is not None:
            listener.close()
    assert result.error is None, result.error
    (outcome,) = result.tests
    assert outcome.status in ENDINGS[attack], (outcome.status, outcome.message)
    assert outcome.message.endswith(".") and "\n" not in outcome.message and len(outcome.message) < 300
    assert result.seconds < LIMIT + {"java": 6, "javascript": 3, "python": 3}[lang], result.seconds
    assert "top secret" not in (outcome.got or "") and "root:" not in (outcome.got or "")
    assert not outside.exists()
    if listener is not None:
        assert not listener.connected
    assert not (_sleepers() - before), "a process outlived the run"
